/**
 * Node-only io: the readers take a file path or bytes, the writers write to a path, and the
 * HDF5/Keras writer (h5wasm's Node build) lives here. Published as `lstm-bridge/node`; the
 * browser build never imports this module.
 *
 * Example:
 * ```ts
 * import { loadTorch, saveTorch } from 'lstm-bridge/node';
 * const sd = loadTorch('lstm.pt');           // { 'lstm.weight_ih_l0': tf.Tensor, ... }
 * saveTorch(sd, 'copy.pt');                  // torch.load('copy.pt', weights_only=True)
 *
 * const model = await loadKeras('model.h5');  // a LayersModel with layers.LSTM / Bidirectional
 * await saveKeras(model, 'copy.h5');          // Keras 2 .h5: keras.models.load_model('copy.h5')
 * await saveTfjs(model, 'web_model');         // model.json + weights.bin
 * const again = await loadTfjs('web_model');  // also converter output of Keras 3 models
 *
 * saveOnnx(new nn.LSTM(10, 20), 'lstm.onnx'); // onnxruntime runs it; torch's export layout
 * const lstm = loadOnnx('lstm.onnx');         // also files from torch.onnx.export
 * ```
 */
import * as fs from 'fs';
import * as nodePath from 'path';

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError } from '../errors';
import { checkRecordArg, describeValue } from '../engine/internal';
import { readBytes, readText, writeBytes } from './node-files';
import { fileSystem } from './tfjs/fs-handler';
import { KerasFile } from '../keras-model';
import { LoadKerasOptions, loadKeras as loadKerasBytes } from './keras/load';
import { KerasModelFileOptions, kerasModelFile } from '../keras-model';
import { loadTfjsModel } from './tfjs/load';
import { TfjsEmitOptions, TfjsEmitReport, emitArtifacts } from './tfjs/emit';
import { readKeras as readKerasBytes } from './keras/reader';
import { WriteKerasOptions, writeKeras as writeKerasBytes } from './keras/writer';
import { ReadOptions } from './shared/limits';
import { loadSafetensors as loadSafetensorsBytes, readSafetensors as readSafetensorsBytes, saveSafetensors as saveSafetensorsBytes, SafetensorsFile } from './safetensors/safetensors';
import { TensorLike } from './shared/tensor-like';
import { TfjsModelFile, readTfjsWeights, tfjsShardPaths } from './tfjs/weights';
import { CellWeights, LstmStackLayer, StackLayer } from '../engine';
import { GRU, LSTM, RNN } from '../nn';
import { ModelProto } from '../onnx';
import { SaveOnnxOptions, SaveOnnxStackOptions, saveOnnx as saveOnnxBytes, saveOnnxStack as saveOnnxStackBytes } from './onnx/save-onnx';
import { LoadOnnxOptions, OnnxLstmStack, readOnnxLstmStacks as readOnnxLstmStacksBytes } from './onnx/load-onnx';
import { LoadOnnxModuleOptions, loadOnnx as loadOnnxBytes } from './onnx/load-onnx-module';
import { TorchReadOptions, loadTorch as loadTorchBytes, readTorch as readTorchBytes } from './torch/reader';
import { TorchFile } from './torch/state';
import { SaveTorchOptions, saveTorch as saveTorchBytes } from './torch/writer';

export * from './index';
export { fileSystem };
export { writeHdf5 } from './hdf5/writer';
export type { H5AttrSpec, H5DatasetSpec, H5GroupSpec } from './hdf5/writer';
export type { WriteKerasOptions } from './keras/writer';

/** A file path, or the file's bytes. */
export type PathOrBytes = string | Uint8Array;

function bytesOf(where: string, source: PathOrBytes): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (typeof source !== 'string') throw new ConfigError(`${where}: expected a file path or a Uint8Array, got ${typeof source}`);
  return readBytes(where, source);
}

function pathOf(where: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) throw new ConfigError(`${where}: path expected a non-empty string, got ${typeof path}`);
  return path;
}

/**
 * `.pt`/`.pth` file -> tf tensors, in file order. See `./torch/reader`. A whole-model pickle
 * (`torch.save(model)`) needs `{ unknownClasses: 'skip' }`: its classes are read as inert data.
 */
export function loadTorch(source: PathOrBytes, options?: TorchReadOptions): tf.NamedTensorMap {
  return loadTorchBytes(bytesOf('io.loadTorch', source), options);
}

/** `.pt`/`.pth` file -> plain tensors with dtypes and devices. */
export function readTorch(source: PathOrBytes, options?: TorchReadOptions): TorchFile {
  return readTorchBytes(bytesOf('io.loadTorch', source), options);
}

/** Writes a zip `.pt` that `torch.load(path, weights_only=True)` reads. */
export function saveTorch(tensors: Record<string, TensorLike>, path: string, options?: SaveTorchOptions): void {
  const target = pathOf('io.saveTorch', path);
  writeBytes('io.saveTorch', target, saveTorchBytes(tensors, options));
}

/** `.safetensors` file -> tf tensors. */
export function loadSafetensors(source: PathOrBytes, options?: ReadOptions): tf.NamedTensorMap {
  return loadSafetensorsBytes(bytesOf('io.loadSafetensors', source), options);
}

/** `.safetensors` file -> plain tensors and metadata. */
export function readSafetensors(source: PathOrBytes, options?: ReadOptions): SafetensorsFile {
  return readSafetensorsBytes(bytesOf('io.loadSafetensors', source), options);
}

/** Writes a `.safetensors` file. */
export function saveSafetensors(tensors: Record<string, TensorLike>, path: string, metadata?: Record<string, string>): void {
  const target = pathOf('io.saveSafetensors', path);
  writeBytes('io.saveSafetensors', target, saveSafetensorsBytes(tensors, metadata));
}

/** Keras `.h5`, `.weights.h5` or `.keras` file -> neutral {@link KerasFile}. */
export function readKeras(source: PathOrBytes, options?: ReadOptions): KerasFile {
  return readKerasBytes(bytesOf('io.readKeras', source), options);
}

/**
 * Writes a {@link KerasFile} in its format (HDF5, or a `.keras` zip) and returns the bytes;
 * also writes them to `path` when given.
 */
export async function writeKeras(file: KerasFile, path?: string, options?: WriteKerasOptions): Promise<Uint8Array> {
  const bytes = await writeKerasBytes(file, options);
  if (path !== undefined) writeBytes('io.writeKeras', pathOf('io.writeKeras', path), bytes);
  return bytes;
}

/**
 * A TF.js layers model on disk: `model.json` and the shards its manifest names (resolved next to
 * it; paths with `..` or absolute paths are refused) -> topology and named weights.
 */
export function readTfjs(modelJsonPath: string, options?: ReadOptions): TfjsModelFile {
  const { json, shards } = tfjsOnDisk('io.readTfjs', pathOf('io.readTfjs', modelJsonPath));
  return readTfjsWeights(json, shards, options);
}

/**
 * `model.json` at `file` and the shards its manifest names: the parsed JSON and the shards'
 * bytes, or the text and no shards when it does not parse (the reader reports the JSON error
 * as a `TfjsFormatError`).
 */
function tfjsOnDisk(where: string, file: string): { json: unknown; shards: Uint8Array[] } {
  const text = readText(where, file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { json: text, shards: [] };
  }
  const dir = nodePath.dirname(file);
  return { json, shards: tfjsShardPaths(json).map((p) => readBytes(where, nodePath.join(dir, p), `a weights shard named by ${nodePath.basename(file)}`)) };
}

/** Options of the Node {@link loadKeras}: `config` may also be a path to a `model.to_json()` file. */
export type LoadKerasFileOptions = LoadKerasOptions;

/**
 * A Keras `.h5` / `.keras` / `.weights.h5` file (path or bytes, or a {@link KerasFile}) -> a
 * `LayersModel` with the Keras facade's LSTM / Bidirectional layers (see `./keras/load`).
 * `config`: for weights-only files, the architecture as `model.to_json()` text, its parsed
 * object, or a path to a file holding it.
 *
 * ```ts
 * const model = await loadKeras('model.h5');
 * const fromWeights = await loadKeras('weights.h5', { config: 'model.json' });
 * ```
 */
export async function loadKeras(source: PathOrBytes | KerasFile, options: LoadKerasFileOptions = {}): Promise<tfl.LayersModel> {
  checkRecordArg(options, 'options', 'io.loadKeras', true);
  let config = (options ?? {}).config;
  if (typeof config === 'string' && !config.trimStart().startsWith('{')) {
    if (!fs.existsSync(config)) throw new ConfigError(`io.loadKeras: config expected model.to_json() text or a path to it, got ${JSON.stringify(config.slice(0, 80))} (no such file)`);
    config = readText('io.loadKeras', config);
  }
  const file = typeof source === 'string' || source instanceof Uint8Array ? bytesOf('io.loadKeras', source) : source;
  return loadKerasBytes(file, { ...options, config });
}

/**
 * Writes `model` as a Keras 2 `.h5` model file (`model_config` + `model_weights`, see
 * `../keras-model/model-file`) and returns the bytes.
 *
 * ```ts
 * await saveKeras(model, 'model.h5');   // keras.models.load_model('model.h5')
 * ```
 */
export async function saveKeras(model: tfl.LayersModel, path: string, options?: KerasModelFileOptions): Promise<Uint8Array> {
  const target = pathOf('io.saveKeras', path);
  const bytes = await writeKerasBytes(kerasModelFile(model, options));
  writeBytes('io.saveKeras', target, bytes);
  return bytes;
}

/**
 * A TF.js layers model on disk (`model.json` and its shards, or the directory holding
 * `model.json`) -> a `LayersModel` with the Keras facade's LSTM / Bidirectional layers, including
 * models converted from Keras 3 (see `./tfjs/load`).
 *
 * ```ts
 * const model = await loadTfjs('web_model/model.json');
 * ```
 */
export async function loadTfjs(modelJsonPath: string, options: ReadOptions = {}): Promise<tfl.LayersModel> {
  let file = pathOf('io.loadTfjs', modelJsonPath);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = nodePath.join(file, 'model.json');
  const { json, shards } = tfjsOnDisk('io.loadTfjs', file);
  return loadTfjsModel(json, shards, options);
}

/**
 * Saves any `LayersModel` to a directory as TF.js writes it (`model.json` + `weights.bin`), with
 * the {@link fileSystem} handler; `loadTfjs` and `tf.loadLayersModel(fileSystem(dir))` read it.
 *
 * `emit` (see `./tfjs/emit`): `'auto'` (default) writes lstm-bridge's `layers.LSTM` /
 * `layers.Bidirectional` as tfjs-layers' own `LSTM` / `Bidirectional` wherever tfjs-layers
 * computes them exactly, so that plain `tf.loadLayersModel` (a web page without lstm-bridge)
 * loads the model; `'tfjs-layers'` requires that of every layer (else an
 * `UnsupportedConversionError`); `'lstm-bridge'` keeps lstm-bridge's classes. The result's
 * `emitted` lists the recurrent layers, the class written and why any needs lstm-bridge.
 *
 * ```ts
 * const { emitted } = await saveTfjs(model, 'web_model');
 * emitted.needsLstmBridge;  // false: tf.loadLayersModel('web_model/model.json') loads it
 * ```
 */
export async function saveTfjs(model: tfl.LayersModel, dir: string, options: TfjsEmitOptions = {}): Promise<tf.io.SaveResult & { emitted: TfjsEmitReport }> {
  if (model === null || typeof model !== 'object' || typeof (model as { save?: unknown }).save !== 'function') {
    throw new ConfigError(`io.saveTfjs: model expected a tf.LayersModel, got ${describeValue(model)}`);
  }
  const handler = fileSystem(pathOf('io.saveTfjs', dir));
  const { artifacts, report } = await emitArtifacts(model, options, 'io.saveTfjs');
  const result = await handler.save!(artifacts);
  return { ...result, emitted: report };
}

/**
 * Writes `lstm` as an ONNX model file (opset 14, laid out as `torch.onnx.export` does; see
 * `./onnx/save-onnx`) and returns its bytes.
 *
 * ```ts
 * saveOnnx(lstm, 'lstm.onnx', { initialState: true });  // inputs input, h0, c0
 * ```
 */
export function saveOnnx(lstm: LSTM, path: string, options?: SaveOnnxOptions): Uint8Array {
  const target = pathOf('io.saveOnnx', path);
  const bytes = saveOnnxBytes(lstm, options);
  writeBytes('io.saveOnnx', target, bytes);
  return bytes;
}

/**
 * Writes any engine stack (canonical weights, with its activations) as an ONNX model file and
 * returns its bytes (see `./onnx/save-onnx`).
 *
 * ```ts
 * saveOnnxStack(layers, 'keras.onnx', { recurrentActivation: 'hardSigmoid', batchFirst: true });
 * saveOnnxStack(gruLayers, 'gru.onnx', { cell: 'gru', resetAfter: false, batchFirst: true });
 * ```
 */
export function saveOnnxStack(layers: readonly LstmStackLayer[] | readonly StackLayer<CellWeights>[], path: string, options?: SaveOnnxStackOptions): Uint8Array {
  const target = pathOf('io.saveOnnxStack', path);
  const bytes = saveOnnxStackBytes(layers, options);
  fs.writeFileSync(target, bytes);
  return bytes;
}

/**
 * An `.onnx` file (path or bytes, or a decoded model) -> the `nn.LSTM` of its LSTM nodes, or with
 * `kind` the `nn.GRU` / `nn.RNN` of its GRU / RNN nodes. See `./onnx/load-onnx-module`.
 */
export function loadOnnx(source: PathOrBytes | ModelProto, options?: LoadOnnxOptions & { readonly kind?: 'LSTM' }): LSTM;
/** The `nn.GRU` of the file's GRU nodes (`linear_before_reset = 1`, sigmoid / tanh). */
export function loadOnnx(source: PathOrBytes | ModelProto, options: LoadOnnxOptions & { readonly kind: 'GRU' }): GRU;
/** The `nn.RNN` of the file's RNN nodes (Tanh or Relu: its `nonlinearity`). */
export function loadOnnx(source: PathOrBytes | ModelProto, options: LoadOnnxOptions & { readonly kind: 'RNN' }): RNN;
/** With `kind: 'any'`: whichever module the file holds (`instanceof` tells them apart). */
export function loadOnnx(source: PathOrBytes | ModelProto, options: LoadOnnxModuleOptions): LSTM | GRU | RNN;
export function loadOnnx(source: PathOrBytes | ModelProto, options: LoadOnnxModuleOptions = {}): LSTM | GRU | RNN {
  return loadOnnxBytes(typeof source === 'string' ? bytesOf('io.loadOnnx', source) : source, options);
}

/** An `.onnx` file (path or bytes, or a decoded model) -> every stack of LSTM nodes, canonical weights and details. */
export function readOnnxLstmStacks(source: PathOrBytes | ModelProto, options?: LoadOnnxOptions): OnnxLstmStack[] {
  return readOnnxLstmStacksBytes(typeof source === 'string' ? bytesOf('io.readOnnxLstmStacks', source) : source, options);
}
