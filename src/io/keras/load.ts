/**
 * `loadKeras`: a Keras file (`.h5` of Keras 1.2 to 3, `save_weights` files with their
 * architecture given separately, Keras 3 `.keras` and `.weights.h5`) -> a tfjs-layers
 * `LayersModel` whose LSTM / CuDNNLSTM / Bidirectional(LSTM) layers are the Keras facade's
 * `layers.LSTM` / `layers.Bidirectional` with the file's configuration and weights, and whose
 * other layers are tfjs-layers' own.
 *
 * Example:
 * ```ts
 * const model = await io.loadKeras(bytes);                          // .h5 or .keras
 * const model2 = await io.loadKeras(weightsBytes, { config: modelJsonText }); // save_weights + to_json
 * model.predict(x);
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError } from '../../errors';
import { FileLayerWeights, Json, KerasFile, buildKerasModel, checkJsonDepth, isObject } from '../../keras-model';
import { KerasFormatError } from '../shared/errors';
import { ReadOptions, limitCheck, resolveLimits } from '../shared/limits';
import { parseJson } from './h5';
import { keras3GroupNames } from './keras3-layout';
import { readKeras } from './reader';
import { checkRecordArg } from '../../engine/internal';

const WHERE = 'io.loadKeras';

/** Options of {@link loadKeras}. */
export interface LoadKerasOptions extends ReadOptions {
  /**
   * The model's architecture, for weights-only files (`save_weights`): the text of
   * `model.to_json()` or its parsed object (the Node variant also takes a path to it). When
   * given, it is used instead of the file's own `model_config`.
   */
  readonly config?: string | object;
}

/** A parsed architecture: `{class_name, config}`, unwrapped from `model_config` when needed. */
function architecture(value: unknown, limits: ReturnType<typeof resolveLimits>): { config: Json; version: string | null } {
  let v = value;
  if (typeof v === 'string') v = parseJson(WHERE, 'config', v, limits);
  if (!isObject(v)) throw new ConfigError(`${WHERE}: config expected the JSON of model.to_json() (an object with class_name), got ${typeof value}`);
  checkJsonDepth(WHERE, 'model config', v);
  const version = typeof v.keras_version === 'string' ? v.keras_version : null;
  if (isObject(v.model_config)) return { config: v.model_config, version };
  return { config: v, version };
}

function isKerasFile(value: unknown): value is KerasFile {
  const f = value as Partial<KerasFile> | null;
  return typeof f === 'object' && f !== null && typeof f.format === 'string' && Array.isArray(f.layers);
}

/** A Keras 3 weights-only file's layers are named by group (`lstm_1`); rename them after the config's layers. */
function layerWeights(file: KerasFile, config: Json): FileLayerWeights[] {
  if (file.format !== 'weights-h5') return [...file.layers];
  const groups = keras3GroupNames(config);
  if (groups === null) throw new KerasFormatError(`${WHERE}: a Keras 3 .weights.h5 file needs a Keras 3 config with a layer list`);
  return file.layers.map((l) => {
    const group = l.group.split('/').filter(Boolean).pop() ?? l.name;
    return { name: groups.get(group)?.name ?? l.name, weights: l.weights };
  });
}

/**
 * Loads a Keras model from the file's bytes or a {@link KerasFile} (see the module documentation).
 * @throws FileParseError subclasses for a bad file, `KerasLayerError` naming a layer that
 *   cannot be built or whose weights do not fit, `SizeLimitError` above the caps, `ConfigError`
 *   for bad options.
 */
export async function loadKeras(source: Uint8Array | KerasFile, options: LoadKerasOptions = {}): Promise<tfl.LayersModel> {
  checkRecordArg(options, 'options', 'io.loadKeras', true);
  const limits = resolveLimits((options ?? {}).limits);
  let file: KerasFile;
  if (source instanceof Uint8Array) file = readKeras(source, options);
  else if (isKerasFile(source)) file = source;
  else throw new ConfigError(`${WHERE}: source expected file bytes (Uint8Array) or a KerasFile, got ${typeof source}`);
  let arch: { config: Json; version: string | null };
  if (options.config !== undefined) arch = architecture(options.config, limits);
  else if (file.modelConfig !== null && file.modelConfig !== undefined) arch = architecture(file.modelConfig, limits);
  else throw new KerasFormatError(`${WHERE}: the file holds weights only (${file.format}); pass its architecture as {config: model.to_json()}`);
  const version = file.kerasVersion ?? arch.version;
  return buildKerasModel(WHERE, arch.config, version, limitCheck(limits), () => layerWeights(file, arch.config));
}
