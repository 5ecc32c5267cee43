/**
 * The surrounding layers of a Keras model (everything but LSTM / Bidirectional), built as
 * tfjs-layers' own layers, with a table of every config key each class may carry.
 *
 * Each key is either passed to tfjs-layers (converted to its spelling: initializers,
 * regularizers, constraints and activations normalized first, see `./objects`), renamed
 * from Keras 1 (`output_dim` -> `units`, `init` -> `kernel_initializer`, `p` -> `rate`, ...), or
 * accepted only with the value under which tfjs-layers computes the same thing (`sparse: false`,
 * `lora_rank: null`, `renorm: false`, ...) and then dropped. Any other key or value is a
 * {@link KerasLayerError} naming the layer: a model loads with the numbers Keras gives, or not at
 * all. Options that only matter while training Keras' own optimizer (`fused`, `synchronized`)
 * are dropped.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { LstmBridgeError } from '../errors';
import { Json, JsonObject, isObject, pythonicToTs, show } from './json';
import {
  LayerContext,
  checkFloat32,
  layerError,
  normalizeConstraint,
  normalizeInitializer,
  normalizeRegularizer,
  tfjsActivation,
} from './objects';

/** What to do with one config key. */
type Rule =
  | 'pass'
  | 'initializer'
  | 'regularizer'
  | 'constraint'
  | 'activation'
  | 'layer'
  | { readonly rename: string; readonly rule?: Rule }
  | { readonly neutral: (value: Json) => boolean; readonly expected: string };

const isNull = { neutral: (v: Json) => v === null, expected: 'null' } as const;
const isFalse = { neutral: (v: Json) => v === false || v === null, expected: 'false' } as const;
const anyValue = { neutral: () => true, expected: 'anything' } as const;
const isZero = { neutral: (v: Json) => v === 0 || v === null, expected: '0' } as const;
const isOne = { neutral: (v: Json) => v === 1 || v === null, expected: '1' } as const;

const DENSE_LIKE: Record<string, Rule> = {
  use_bias: 'pass',
  kernel_initializer: 'initializer',
  bias_initializer: 'initializer',
  kernel_regularizer: 'regularizer',
  bias_regularizer: 'regularizer',
  activity_regularizer: 'regularizer',
  kernel_constraint: 'constraint',
  bias_constraint: 'constraint',
  activation: 'activation',
};

const KERAS1_DENSE: Record<string, Rule> = {
  output_dim: { rename: 'units' },
  init: { rename: 'kernel_initializer', rule: 'initializer' },
  W_regularizer: { rename: 'kernel_regularizer', rule: 'regularizer' },
  b_regularizer: { rename: 'bias_regularizer', rule: 'regularizer' },
  W_constraint: { rename: 'kernel_constraint', rule: 'constraint' },
  b_constraint: { rename: 'bias_constraint', rule: 'constraint' },
  bias: { rename: 'use_bias' },
};

const NORM_COMMON: Record<string, Rule> = {
  axis: 'pass',
  epsilon: 'pass',
  center: 'pass',
  scale: 'pass',
  beta_initializer: 'initializer',
  gamma_initializer: 'initializer',
  beta_regularizer: 'regularizer',
  gamma_regularizer: 'regularizer',
  beta_constraint: 'constraint',
  gamma_constraint: 'constraint',
};

const POOL1D: Record<string, Rule> = { pool_size: 'pass', strides: 'pass', padding: 'pass', data_format: 'pass' };
const MERGE: Record<string, Rule> = {};

/** Keys each supported class may carry, besides `name`, `trainable` and `dtype`. */
export const LAYER_SPECS: Readonly<Record<string, Readonly<Record<string, Rule>>>> = {
  Dense: { units: 'pass', ...DENSE_LIKE, ...KERAS1_DENSE, lora_rank: isNull, lora_alpha: anyValue, quantization_config: isNull },
  Embedding: {
    input_dim: 'pass',
    output_dim: 'pass',
    embeddings_initializer: 'initializer',
    embeddings_regularizer: 'regularizer',
    activity_regularizer: 'regularizer',
    embeddings_constraint: 'constraint',
    mask_zero: 'pass',
    input_length: 'pass',
    sparse: isFalse,
    lora_rank: isNull,
    lora_alpha: anyValue,
    quantization_config: isNull,
    init: { rename: 'embeddings_initializer', rule: 'initializer' },
    W_regularizer: { rename: 'embeddings_regularizer', rule: 'regularizer' },
    W_constraint: { rename: 'embeddings_constraint', rule: 'constraint' },
    dropout: isZero,
  },
  Masking: { mask_value: 'pass' },
  Dropout: { rate: 'pass', noise_shape: 'pass', seed: 'pass', p: { rename: 'rate' } },
  SpatialDropout1D: { rate: 'pass', seed: 'pass', p: { rename: 'rate' } },
  GaussianNoise: { stddev: 'pass', seed: 'pass', sigma: { rename: 'stddev' } },
  GaussianDropout: { rate: 'pass', seed: 'pass', p: { rename: 'rate' } },
  AlphaDropout: { rate: 'pass', noise_shape: 'pass', seed: 'pass' },
  Activation: { activation: 'activation' },
  Flatten: { data_format: 'pass' },
  RepeatVector: { n: 'pass' },
  Reshape: { target_shape: 'pass' },
  Permute: { dims: 'pass' },
  Concatenate: { axis: 'pass', concat_axis: { rename: 'axis' } },
  Add: MERGE,
  Multiply: MERGE,
  Average: MERGE,
  Maximum: MERGE,
  Minimum: MERGE,
  Dot: { axes: 'pass', normalize: 'pass' },
  BatchNormalization: {
    ...NORM_COMMON,
    momentum: 'pass',
    moving_mean_initializer: 'initializer',
    moving_variance_initializer: 'initializer',
    synchronized: isFalse,
    fused: anyValue,
    renorm: isFalse,
    renorm_clipping: isNull,
    renorm_momentum: anyValue,
    virtual_batch_size: isNull,
    adjustment: isNull,
    mode: isZero,
  },
  LayerNormalization: { ...NORM_COMMON, rms_scaling: isFalse },
  TimeDistributed: { layer: 'layer' },
  GlobalAveragePooling1D: { data_format: 'pass', keepdims: isFalse },
  GlobalMaxPooling1D: { data_format: 'pass', keepdims: isFalse },
  MaxPooling1D: { ...POOL1D, pool_length: { rename: 'pool_size' }, stride: { rename: 'strides' }, border_mode: { rename: 'padding' } },
  AveragePooling1D: { ...POOL1D, pool_length: { rename: 'pool_size' }, stride: { rename: 'strides' }, border_mode: { rename: 'padding' } },
  Conv1D: {
    filters: 'pass',
    kernel_size: 'pass',
    strides: 'pass',
    padding: 'pass',
    data_format: 'pass',
    dilation_rate: 'pass',
    groups: isOne,
    lora_rank: isNull,
    ...DENSE_LIKE,
  },
  LeakyReLU: { alpha: 'pass', negative_slope: { rename: 'alpha' } },
  ReLU: { max_value: 'pass', negative_slope: isZero, threshold: isZero },
  ELU: { alpha: 'pass' },
  Softmax: { axis: 'pass' },
};

/** Keys every layer may carry. */
const COMMON: Record<string, Rule> = { name: 'pass', trainable: 'pass' };

/** Keras 1 class names -> Keras 2 (the rest are the same). */
const KERAS1_CLASSES: Readonly<Record<string, string>> = { Convolution1D: 'Conv1D' };

/** Is `className` (after Keras 1 renames) a surrounding layer this module builds? */
export function isSupportedLayerClass(className: string): boolean {
  return (KERAS1_CLASSES[className] ?? className) in LAYER_SPECS;
}

function applyRule(ctx: LayerContext, key: string, rule: Rule, value: Json, out: JsonObject, nestedBuild: NestedLayer): void {
  if (rule === 'pass') out[key] = value;
  else if (rule === 'initializer') out[key] = normalizeInitializer(ctx, key, value);
  else if (rule === 'regularizer') out[key] = normalizeRegularizer(ctx, key, value);
  else if (rule === 'constraint') out[key] = normalizeConstraint(ctx, key, value);
  else if (rule === 'activation') out[key] = tfjsActivation(ctx, value);
  else if (rule === 'layer') out[key] = nestedBuild(ctx, key, value);
  else if ('rename' in rule) applyRule(ctx, rule.rename, rule.rule ?? 'pass', value, out, nestedBuild);
  else if (!rule.neutral(value)) {
    layerError(ctx, `option ${key}=${show(value)} is not supported by tfjs-layers (only ${rule.expected})`);
  }
}

type NestedLayer = (ctx: LayerContext, key: string, value: Json) => JsonObject;

/** A nested layer (`TimeDistributed(layer)`): normalized the same way, kept in Keras spelling. */
const nestedLayer: NestedLayer = (ctx, key, value) => {
  if (!isObject(value) || typeof value.class_name !== 'string' || !isObject(value.config)) {
    return layerError(ctx, `${key} expected {class_name, config}, got ${show(value)}`);
  }
  const className = KERAS1_CLASSES[value.class_name] ?? value.class_name;
  const innerCtx: LayerContext = { ...ctx, layer: typeof value.config.name === 'string' ? value.config.name : null, className };
  return { class_name: className, config: normalizeLayerConfig(innerCtx, value.config) };
};

/**
 * A surrounding layer's config (input-shape keys already removed) in Keras 2 spelling, checked
 * against {@link LAYER_SPECS}. @throws KerasLayerError
 */
export function normalizeLayerConfig(ctx: LayerContext, config: JsonObject): JsonObject {
  const className = ctx.className ?? '';
  const spec = LAYER_SPECS[className];
  if (!spec) return layerError(ctx, `class ${className} is not supported (supported: LSTM, CuDNNLSTM, Bidirectional, ${Object.keys(LAYER_SPECS).join(', ')})`);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'dtype') {
      checkFloat32(ctx, value);
      continue;
    }
    const rule = COMMON[key] ?? spec[key];
    if (rule === undefined) layerError(ctx, `option ${key}=${show(value)} is not supported`);
    applyRule(ctx, key, rule, value, out, nestedLayer);
  }
  if (className === 'Activation' && !('activation' in out)) out.activation = 'linear';
  return out;
}

/**
 * Builds a tfjs-layers layer of a supported class from its Keras config (any version).
 * @throws KerasLayerError naming the layer when the class or an option is not supported, or
 *   when tfjs-layers refuses the config.
 */
export function buildTfjsLayer(ctx: LayerContext, config: JsonObject, batchInputShape: (number | null)[] | null = null): tfl.layers.Layer {
  const className = KERAS1_CLASSES[ctx.className ?? ''] ?? ctx.className ?? '';
  const c: LayerContext = { ...ctx, className };
  const normalized = normalizeLayerConfig(c, config);
  if (batchInputShape) normalized.batch_input_shape = batchInputShape;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) return layerError(c, `class ${className} is not registered in tfjs-layers`);
  const [cls, fromConfig] = entry;
  try {
    return fromConfig(cls, pythonicToTs(normalized) as tf.serialization.ConfigDict) as unknown as tfl.layers.Layer;
  } catch (e) {
    if (e instanceof LstmBridgeError) throw e;
    return layerError(c, `tfjs-layers cannot build it (${e instanceof Error ? e.message : String(e)})`);
  }
}
