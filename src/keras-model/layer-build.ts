/**
 * One layer of a Keras model config -> a tfjs-layers `Layer`: LSTM / CuDNNLSTM /
 * Bidirectional(LSTM) as the Keras facade's layers, everything else as tfjs-layers' own (see
 * `./layer-specs`), after taking off the keys that describe the model's input
 * (`batch_input_shape`, Keras 3's `batch_shape`, Keras 1's `input_dim` / `input_length` /
 * `input_dtype`), which the model builder turns into an `InputLayer`.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { Bidirectional, GRU, LSTM, SimpleRNN } from '../layers';
import { Json, JsonObject, isObject, show } from './json';
import { LstmWeightConvention, buildBidirectional, buildLstm, isLstmClass } from './lstm-config';
import { KerasGeneration, LayerContext, checkLayerName, dtypeName, layerError } from './objects';
import { buildTfjsLayer } from './layer-specs';

/** Largest dimension accepted in a declared input shape. */
const MAX_DIM = 2 ** 31 - 1;
/** Most dimensions of a declared input shape. */
const MAX_RANK = 8;

/** Where the model being built comes from. */
export interface ModelContext {
  readonly where: string;
  /** `keras_version` of the file, or null. */
  readonly version: string | null;
  readonly generation: KerasGeneration;
}

/** The input a layer declares (`batch_input_shape` and its dtype), if any. */
export interface InputSpec {
  readonly batchShape: (number | null)[];
  readonly dtype: string;
}

/** What the weight loader needs to know about a recurrent layer. */
export interface RecurrentInfo {
  readonly kind: 'lstm' | 'bidirectional';
  readonly convention: LstmWeightConvention;
  /** For Bidirectional: names that mark each half in weight names. */
  readonly forwardNames: readonly string[];
  readonly backwardNames: readonly string[];
}

/** A built layer. */
export interface BuiltLayer {
  readonly layer: tfl.layers.Layer;
  readonly className: string;
  readonly recurrent: RecurrentInfo | null;
}

/** The context of one layer for error messages and version-dependent meanings. */
export function layerContext(m: ModelContext, name: string | null, className: string | null): LayerContext {
  return { where: m.where, layer: name, className, generation: m.generation };
}

/** A declared batch shape, checked: at most 8 dims, each null or an integer in [0, 2^31). */
export function checkBatchShape(ctx: LayerContext, key: string, value: Json): (number | null)[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_RANK) {
    return layerError(ctx, `${key} expected an array of 1 to ${MAX_RANK} dimensions, got ${show(value)}`);
  }
  return value.map((d) => {
    if (d === null) return null;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_DIM) {
      return layerError(ctx, `${key} expected dimensions that are null or integers in [0, ${MAX_DIM}], got ${show(value)}`);
    }
    return d;
  });
}

/**
 * Takes the input-describing keys off a layer config.
 * @returns the rest of the config and the declared input, or null when none is declared.
 */
export function takeInputSpec(ctx: LayerContext, config: JsonObject): { config: JsonObject; input: InputSpec | null } {
  const rest: JsonObject = { ...config };
  let batchShape: (number | null)[] | null = null;
  for (const key of ['batch_input_shape', 'batch_shape'] as const) {
    if (key in rest) {
      if (rest[key] !== null) batchShape = checkBatchShape(ctx, key, rest[key]);
      delete rest[key];
    }
  }
  const isEmbedding = ctx.className === 'Embedding';
  if (!isEmbedding && ('input_dim' in rest || 'input_length' in rest)) {
    // Keras 1: LSTM(input_dim=3, input_length=5) / Dense(input_dim=4).
    const dims: Json[] = isLstmClass(ctx.className ?? '') ? [null, rest.input_length ?? null, rest.input_dim ?? null] : [null, rest.input_dim ?? null];
    if (batchShape === null && rest.input_dim !== null && rest.input_dim !== undefined) batchShape = checkBatchShape(ctx, 'input_dim', dims);
    delete rest.input_dim;
    delete rest.input_length;
  }
  if ('batch_size' in rest) {
    const b = rest.batch_size;
    if (batchShape !== null && b !== null) batchShape[0] = checkBatchShape(ctx, 'batch_size', [b])[0];
    delete rest.batch_size;
  }
  let dtype: string | null = null;
  if ('input_dtype' in rest) {
    dtype = dtypeName(ctx, rest.input_dtype);
    delete rest.input_dtype;
  }
  if ((batchShape !== null || isEmbedding) && 'dtype' in rest) {
    // With an input shape, Keras' `dtype` is the dtype of the input it creates (Embedding: int32).
    dtype = dtypeName(ctx, rest.dtype) ?? dtype;
    delete rest.dtype;
  }
  return { config: rest, input: batchShape === null ? null : { batchShape, dtype: dtype ?? 'float32' } };
}

/** An `InputLayer` config -> its batch shape and dtype. */
export function inputLayerSpec(ctx: LayerContext, config: JsonObject): InputSpec {
  checkLayerName(ctx, ctx.layer);
  const { config: rest, input } = takeInputSpec(ctx, config);
  if (input === null) return layerError(ctx, 'InputLayer declares no batch_input_shape / batch_shape');
  let dtype = input.dtype;
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'dtype') dtype = dtypeName(ctx, value) ?? dtype;
    else if (key === 'sparse' || key === 'ragged' || key === 'optional') {
      if (value !== false && value !== null) layerError(ctx, `${key}=${show(value)} inputs are not supported`);
    } else if (key !== 'name' && key !== 'input_tensor' && key !== 'trainable') {
      layerError(ctx, `option ${key}=${show(value)} is not supported`);
    }
  }
  if (!['float32', 'int32', 'int64', 'bool', 'float64', 'float16'].includes(dtype)) layerError(ctx, `input dtype ${show(dtype)} is not supported`);
  // tfjs holds float32 / int32 / bool; wider types are read into those.
  return { batchShape: input.batchShape, dtype: dtype === 'int64' ? 'int32' : dtype.startsWith('float') ? 'float32' : dtype };
}

/**
 * Builds one (non-input) layer from its class name and config (input keys already taken off);
 * `batchInputShape` makes it the first layer of a Sequential model.
 */
export function buildLayer(m: ModelContext, className: string, config: JsonObject, batchInputShape: (number | null)[] | null = null): BuiltLayer {
  const built = buildLayerOf(m, className, config, batchInputShape);
  // The file's weights replace the initial values: skip the (slow, e.g. orthogonal) initializers.
  built.layer.setFastWeightInitDuringBuild(true);
  return built;
}

function buildLayerOf(m: ModelContext, className: string, config: JsonObject, batchInputShape: (number | null)[] | null): BuiltLayer {
  const name = typeof config.name === 'string' ? config.name : null;
  const ctx = layerContext(m, name, className);
  checkLayerName(ctx, name);
  if (isLstmClass(className)) {
    const { layer, convention } = buildLstm(ctx, config, m.version, batchInputShape);
    return { layer, className, recurrent: { kind: 'lstm', convention, forwardNames: [], backwardNames: [] } };
  }
  if (className === 'Bidirectional' || className === Bidirectional.className) {
    const b = buildBidirectional(ctx, config, m.version, batchInputShape);
    return { layer: b.layer, className, recurrent: { kind: 'bidirectional', convention: b.convention, forwardNames: b.forwardNames, backwardNames: b.backwardNames } };
  }
  if (className === 'Sequential' || className === 'Model' || className === 'Functional') {
    layerError(ctx, 'nested models are not supported; save the inner model separately');
  }
  return { layer: buildTfjsLayer(ctx, config, batchInputShape), className, recurrent: null };
}

/** `{class_name, config, ...}` of a layer entry, checked. */
export function layerEntry(m: ModelContext, entry: Json, index: number): { className: string; config: JsonObject; entry: JsonObject } {
  if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
    throw layerError(layerContext(m, null, null), `layer ${index} expected {class_name, config}, got ${show(entry)}`);
  }
  return { className: entry.class_name, config: entry.config, entry };
}

/** Does this layer pass its input's mask on unchanged (in Keras and in tfjs-layers)? */
export function passesMask(built: BuiltLayer): boolean {
  const l = built.layer;
  if (l instanceof LSTM || l instanceof GRU || l instanceof SimpleRNN || l instanceof Bidirectional) return l.returnSequences;
  return ['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Activation', 'Dense', 'BatchNormalization', 'LayerNormalization'].includes(built.className);
}
