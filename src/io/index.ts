/**
 * Reading and writing real weight files, from and to bytes (browser-safe: no file system; the
 * path-taking variants and the HDF5 writer are in `lstm-bridge/node`, `./node`).
 *
 * | format | read | write |
 * |---|---|---|
 * | PyTorch `.pt`/`.pth` (zip and legacy) | {@link loadTorch} (tf tensors), {@link readTorch} (plain) | {@link saveTorch} |
 * | safetensors | {@link loadSafetensors}, {@link readSafetensors} | {@link saveSafetensors} |
 * | Keras `.h5` (1.2 to 3), `.weights.h5`, `.keras` | {@link readKeras} (a neutral {@link KerasFile}) | `writeKeras` in `./node` |
 * | TF.js `model.json` + shards | {@link readTfjsWeights} (topology + named weights) | {@link tfjsModelArtifacts} (artifacts with tfjs-layers' own LSTM / GRU / SimpleRNN classes where exact; `saveTfjs` in `./node`), or tfjs's own `model.save` |
 * | ONNX `.onnx` (LSTM nodes) | {@link loadOnnx} (an `nn.LSTM`; `nn.GRU` / `nn.RNN` with `kind`), {@link readOnnxLstmStacks} | {@link saveOnnx} (an `nn.LSTM`), {@link saveOnnxStack} (any engine stack, activations included) |
 * | ONNX `.onnx` (GRU / RNN nodes) | {@link loadOnnxRecurrent}, {@link readOnnxRecurrentStacks} (canonical stacks) | {@link saveOnnxStack} with `cell: 'gru' \| 'rnn'` |
 *
 * Whole models: {@link loadKeras} (any Keras file -> a `LayersModel` with the Keras facade's
 * LSTM / Bidirectional layers) and {@link loadTfjsModel} (`model.json` + shards -> the same);
 * `saveKeras` (a Keras 2 `.h5`), `loadTfjs` / `saveTfjs` (directories) are in `./node`.
 *
 * Every parse failure is a `FileParseError`; the subclasses below say which.
 *
 * Where the code is (one folder per format family; the Keras config -> model conversion is not
 * here but in `src/keras-model/`, which these loaders call):
 *
 * | folder | what |
 * |---|---|
 * | `./torch/` | the `.pt` reader (`reader`, `legacy` for pre-1.6 files, `state`, `globals`: the unpickler's allowlist, `options`: `unknownClasses`) and writer; `./torch/pickle/`: the safe unpickler (inert placeholders for unknown classes on request) and the pickler |
 * | `./safetensors/` | safetensors reader and writer |
 * | `./hdf5/` | the HDF5 reader (jsfive) and writer (h5wasm, in memory: Node and browsers) |
 * | `./keras/` | the Keras file readers (`reader` picks by content: `h5` for `.h5` 1.2 to 3, `archive` for `.keras`, `keras3-layout` for Keras 3's weights layout), the writer, `load` (`loadKeras`) |
 * | `./tfjs/` | `model.json` + shards (`weights`), `load` (`loadTfjsModel`), `emit` (which layer classes a saved model uses: tfjs-layers' own where exact), the Node `fs-handler` |
 * | `./onnx-*` | the ONNX importer and exporter |
 * | `./shared/` | limits, dtypes, zip reader, errors, `TensorLike` |
 * | `./node.ts` | `lstm-bridge/node`: the path-taking variants |
 */
export { loadTorch, readTorch } from './torch/reader';
export type { TorchReadOptions } from './torch/reader';
export type { TorchFile, TorchMetadataEntry, TorchTensorEntry } from './torch/state';
export { saveTorch } from './torch/writer';
export type { SaveTorchOptions } from './torch/writer';
export type { TensorLike } from './shared/tensor-like';
export { loadSafetensors, readSafetensors, saveSafetensors } from './safetensors/safetensors';
export type { SafetensorsEntry, SafetensorsFile } from './safetensors/safetensors';
export { readKeras } from './keras/reader';
export type { KerasFile, KerasFileFormat, KerasLayerWeights, KerasWeight } from '../keras-model';
export { readTfjsWeights, tfjsShardPaths } from './tfjs/weights';
export { loadKeras } from './keras/load';
export type { LoadKerasOptions } from './keras/load';
export { loadTfjsModel } from './tfjs/load';
export { tfjsModelArtifacts } from './tfjs/emit';
export type { TfjsEmit, TfjsEmitOptions, TfjsEmitReport, TfjsEmittedLayer } from './tfjs/emit';
export { kerasModelFile } from '../keras-model';
export type { KerasModelFileOptions } from '../keras-model';
export type { TfjsModelFile, TfjsWeight } from './tfjs/weights';
export type { FileDtype, RawTensor, TfDtype } from './shared/dtypes';
export { readOnnxLstmStacks, disposeOnnxStacks } from './onnx/load-onnx';
export { loadOnnx } from './onnx/load-onnx-module';
export type { LoadOnnxModuleOptions, OnnxModuleKind } from './onnx/load-onnx-module';
export type { LoadOnnxOptions, OnnxInputValue, OnnxLstmStack, OnnxWeightInfo } from './onnx/load-onnx';
export { loadOnnxRecurrent, readOnnxRecurrentStacks, disposeOnnxRecurrentStacks } from './onnx/load-onnx-cells';
export type { OnnxRecurrentStack } from './onnx/load-onnx-cells';
export { saveOnnx, saveOnnxStack, ONNX_EXPORT_OPSET } from './onnx/save-onnx';
export type { SaveOnnxOptions, SaveOnnxStackOptions } from './onnx/save-onnx';
export type { SequenceForm } from '../onnx/internal';
export { DEFAULT_LIMITS } from './shared/limits';
export type { IoLimits, ReadOptions } from './shared/limits';
export {
  DtypeError,
  FileAccessError,
  Hdf5FormatError,
  KerasFormatError,
  KerasLayerError,
  OnnxFormatError,
  PickleError,
  PickleSecurityError,
  SafetensorsFormatError,
  SizeLimitError,
  TfjsFormatError,
  TorchFormatError,
  TorchScriptArchiveError,
  ZipArchiveError,
} from './shared/errors';
