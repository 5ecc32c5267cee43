/**
 * Keras `LSTM`, `CuDNNLSTM`, `GRU`, `CuDNNGRU`, `SimpleRNN` and `Bidirectional` of them, configs of
 * any Keras version -> the Keras facade's `layers.LSTM` / `layers.GRU` / `layers.SimpleRNN` /
 * `layers.Bidirectional`, with the file's configuration.
 *
 * | Keras 1 | Keras 2 / tf.keras / Keras 3 | `layers.LSTM` |
 * |---|---|---|
 * | `output_dim` | `units` | `units` |
 * | `activation` | `activation` | `activation` |
 * | `inner_activation` (default `hard_sigmoid`) | `recurrent_activation` | `recurrentActivation`: `hard_sigmoid` -> `'hardSigmoid'` (Keras 1/2), `'hardSigmoidKeras3'` (Keras 3) |
 * | `init`, `inner_init`, `forget_bias_init` | `kernel_initializer`, `recurrent_initializer`, `bias_initializer`, `unit_forget_bias` | the same in camelCase |
 * | `W_regularizer`, `U_regularizer`, `b_regularizer` | `kernel_regularizer`, `recurrent_regularizer`, `bias_regularizer` | camelCase |
 * | `dropout_W`, `dropout_U` | `dropout`, `recurrent_dropout` | `dropout`, `recurrentDropout` |
 * | `consume_less` | `implementation` (0 in Keras 2.0 is 1) | `implementation` |
 * | `return_sequences`, `go_backwards`, `stateful`, `unroll` | the same, `return_state`, `time_major`, `zero_output_for_mask`, `seed` | camelCase |
 *
 * `CuDNNLSTM` becomes an `LSTM` with `tanh` / `sigmoid` (what cuDNN computes); its weights are
 * converted by the cuDNN adapter. A key this table does not know is an error naming the layer
 * (nothing is accepted and then ignored); `use_cudnn` (Keras 3) only picks a kernel and is dropped.
 * Input-shape keys (`batch_input_shape`, ...) are taken off before, by the model builder.
 */
import { Bidirectional, GRU, LSTM, SimpleRNN } from '../layers';
import type { GRUArgs, LSTMArgs, SimpleRNNArgs } from '../layers';
import { LstmBridgeError } from '../errors';
import { Json, JsonObject, isObject, pythonicToTs, show } from './json';
import {
  LayerContext,
  checkFloat32,
  checkLayerName,
  defaultRecurrentActivation,
  layerError,
  normalizeConstraint,
  normalizeInitializer,
  normalizeRegularizer,
} from './objects';

/**
 * How a recurrent layer's weights are stored in the file: LSTM `keras` / `keras1` / `cudnn`
 * (`CuDNNLSTM`), GRU `gru` (Keras layout, bias (2, 3U) or (3U)) / `cudnn-gru` (`CuDNNGRU`:
 * cuDNN's per-gate layout, bias (6U)), SimpleRNN `rnn`.
 */
export type LstmWeightConvention = 'keras' | 'keras1' | 'cudnn' | 'gru' | 'cudnn-gru' | 'rnn';

/** The facade's recurrent layers a config builds. */
export type BuiltRecurrentLayer = LSTM | GRU | SimpleRNN;

/** A recurrent layer built from a config, with what its weights need. */
export interface BuiltLstm {
  readonly layer: BuiltRecurrentLayer;
  readonly convention: LstmWeightConvention;
}

/** A Bidirectional wrapper built from a config. */
export interface BuiltBidirectional {
  readonly layer: Bidirectional<BuiltRecurrentLayer>;
  readonly convention: LstmWeightConvention;
  /** Names that identify each half in weight names (config names and the built halves' names). */
  readonly forwardNames: readonly string[];
  readonly backwardNames: readonly string[];
}

const INIT_KEYS: Record<string, string> = {
  kernel_initializer: 'kernelInitializer',
  recurrent_initializer: 'recurrentInitializer',
  bias_initializer: 'biasInitializer',
  init: 'kernelInitializer',
  inner_init: 'recurrentInitializer',
};
const REG_KEYS: Record<string, string> = {
  kernel_regularizer: 'kernelRegularizer',
  recurrent_regularizer: 'recurrentRegularizer',
  bias_regularizer: 'biasRegularizer',
  activity_regularizer: 'activityRegularizer',
  W_regularizer: 'kernelRegularizer',
  U_regularizer: 'recurrentRegularizer',
  b_regularizer: 'biasRegularizer',
};
const CONSTRAINT_KEYS: Record<string, string> = {
  kernel_constraint: 'kernelConstraint',
  recurrent_constraint: 'recurrentConstraint',
  bias_constraint: 'biasConstraint',
  W_constraint: 'kernelConstraint',
  U_constraint: 'recurrentConstraint',
  b_constraint: 'biasConstraint',
};
const SAME_KEYS: Record<string, string> = {
  name: 'name',
  trainable: 'trainable',
  units: 'units',
  output_dim: 'units',
  use_bias: 'useBias',
  unit_forget_bias: 'unitForgetBias',
  dropout: 'dropout',
  dropout_W: 'dropout',
  recurrent_dropout: 'recurrentDropout',
  dropout_U: 'recurrentDropout',
  seed: 'seed',
  return_sequences: 'returnSequences',
  return_state: 'returnState',
  go_backwards: 'goBackwards',
  stateful: 'stateful',
  unroll: 'unroll',
  time_major: 'timeMajor',
  zero_output_for_mask: 'zeroOutputForMask',
};

/** `recurrent_activation` / `activation` value -> the facade's name (Keras 3 `hard_sigmoid` -> `hardSigmoidKeras3`). */
function activationArg(ctx: LayerContext, key: string, value: Json): string | null {
  let v: Json = value;
  if (isObject(v) && typeof v.config === 'string') v = v.config; // Keras 3 serialized function
  if (v === null) return null;
  if (typeof v !== 'string') return layerError(ctx, `${key} expected an activation name, got ${show(value)}`);
  if (v === 'hard_sigmoid' || v === 'hardSigmoid') return ctx.generation === 3 ? 'hardSigmoidKeras3' : 'hardSigmoid';
  return v;
}

function implementationArg(ctx: LayerContext, key: string, value: Json): 1 | 2 {
  if (key === 'consume_less') {
    if (value === 'gpu') return 2;
    if (value === 'cpu' || value === 'mem') return 1;
    return layerError(ctx, `consume_less expected 'cpu', 'mem' or 'gpu', got ${show(value)}`);
  }
  if (value === 0 || value === 1) return 1; // Keras 2.0's implementation 0 (fused input matmul) computes the same as 1
  if (value === 2) return 2;
  return layerError(ctx, `implementation expected 0, 1 or 2, got ${show(value)}`);
}

function forgetBiasArg(ctx: LayerContext, value: Json): boolean {
  if (value === 'one') return true;
  if (value === 'zero') return false;
  return layerError(ctx, `forget_bias_init ${show(value)} is not supported ('one' or 'zero')`);
}

/** Keys only some kinds have: `unit_forget_bias` / `forget_bias_init` LSTM, `reset_after` GRU, no `recurrent_activation` / `implementation` in SimpleRNN. */
function kindHasKey(className: string, key: string): boolean {
  const lstm = className === 'LSTM' || className === 'CuDNNLSTM';
  if (key === 'unit_forget_bias' || key === 'forget_bias_init') return lstm;
  if (key === 'reset_after') return className === 'GRU';
  if (['recurrent_activation', 'inner_activation', 'implementation', 'consume_less'].includes(key)) return className !== 'SimpleRNN';
  return true;
}

/**
 * The facade's arguments for a Keras `LSTM` / `CuDNNLSTM` / `GRU` / `CuDNNGRU` / `SimpleRNN`
 * config (input-shape keys already removed). A GRU config without `reset_after` is Keras 1 or
 * Keras 2 before 2.1.3 (which had no such option and reset before): `false`; Keras 3 always
 * writes it (its default is `true`). `CuDNNGRU` is a GRU with reset after, tanh / sigmoid.
 */
export function lstmArgsFromKeras(ctx: LayerContext, config: JsonObject, version: string | null): LSTMArgs {
  const className = ctx.className ?? 'LSTM';
  const cudnn = className === 'CuDNNLSTM' || className === 'CuDNNGRU';
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!kindHasKey(className, key)) {
      layerError(ctx, `option ${key}=${show(value)} is not supported`);
    } else if (key === 'reset_after') {
      if (typeof value !== 'boolean') layerError(ctx, `reset_after expected true or false, got ${show(value)}`);
      args.resetAfter = value;
    } else if (key in SAME_KEYS) {
      // tfjs-layers saves unset options as null: unit_forget_bias null is its default, off.
      if (value !== null) args[SAME_KEYS[key]] = value;
      else if (key === 'unit_forget_bias') args.unitForgetBias = false;
    } else if (key in INIT_KEYS) {
      const init = normalizeInitializer(ctx, key, value);
      if (init !== null) args[INIT_KEYS[key]] = pythonicToTs(init);
    } else if (key in REG_KEYS) {
      const reg = normalizeRegularizer(ctx, key, value);
      if (reg !== null) args[REG_KEYS[key]] = pythonicToTs(reg);
    } else if (key in CONSTRAINT_KEYS) {
      const c = normalizeConstraint(ctx, key, value);
      if (c !== null) args[CONSTRAINT_KEYS[key]] = pythonicToTs(c);
    } else if (!cudnn && (key === 'activation' || key === 'recurrent_activation' || key === 'inner_activation')) {
      args[key === 'activation' ? 'activation' : 'recurrentActivation'] = activationArg(ctx, key, value);
    } else if (!cudnn && (key === 'implementation' || key === 'consume_less')) {
      if (value !== null) args.implementation = implementationArg(ctx, key, value); // tfjs-layers saves null
    } else if (key === 'forget_bias_init') {
      args.unitForgetBias = forgetBiasArg(ctx, value);
    } else if (key === 'dtype') {
      checkFloat32(ctx, value);
    } else if (key === 'use_cudnn') {
      // Keras 3: picks the cuDNN kernel when possible; the same numbers either way.
    } else {
      layerError(ctx, `option ${key}=${show(value)} is not supported`);
    }
  }
  if (className === 'GRU' && !('resetAfter' in args)) args.resetAfter = ctx.generation === 3;
  if (className === 'CuDNNGRU') args.resetAfter = true;
  if (cudnn) {
    args.activation = 'tanh';
    args.recurrentActivation = 'sigmoid';
  } else if (className !== 'SimpleRNN' && !('recurrentActivation' in args)) {
    args.recurrentActivation = activationArg(ctx, 'recurrent_activation', defaultRecurrentActivation(version, ctx.generation));
  }
  if (args.units === undefined) layerError(ctx, `config has no units${ctx.generation === 1 ? ' (output_dim)' : ''}`);
  return args as unknown as LSTMArgs;
}

/**
 * Runs a facade constructor, turning its errors into errors naming the layer (including
 * tfjs-layers' own, thrown when it deserializes an initializer, regularizer or constraint).
 */
function construct<T>(ctx: LayerContext, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof LstmBridgeError || e instanceof Error) return layerError(ctx, e.message);
    return layerError(ctx, String(e));
  }
}

/** The convention of a recurrent config's weights. */
function conventionOf(className: string, generation: number): LstmWeightConvention {
  if (className === 'CuDNNLSTM') return 'cudnn';
  if (className === 'CuDNNGRU') return 'cudnn-gru';
  if (className === 'GRU' || className === GRU.className) return 'gru';
  if (className === 'SimpleRNN' || className === SimpleRNN.className) return 'rnn';
  return generation === 1 && className !== LSTM.className ? 'keras1' : 'keras';
}

/** Is `className` a recurrent layer this module builds (LSTM, GRU, SimpleRNN, their cuDNN forms, the facade's own)? */
export function isLstmClass(className: string): boolean {
  return ['LSTM', 'CuDNNLSTM', 'GRU', 'CuDNNGRU', 'SimpleRNN', LSTM.className, GRU.className, SimpleRNN.className].includes(className);
}

/** Builds a `layers.LSTM` / `layers.GRU` / `layers.SimpleRNN` from a Keras (or tfjs-layers, or our own) config. */
export function buildLstm(ctx: LayerContext, config: JsonObject, version: string | null, batchInputShape: (number | null)[] | null = null): BuiltLstm {
  const shape: JsonObject = batchInputShape ? { batchInputShape } : {};
  const className = ctx.className ?? 'LSTM';
  const convention = conventionOf(className, ctx.generation);
  const own = ({ [LSTM.className]: LSTM, [GRU.className]: GRU, [SimpleRNN.className]: SimpleRNN } as Record<string, typeof LSTM | typeof GRU | typeof SimpleRNN>)[className];
  if (own) {
    const ts = { ...(pythonicToTs(config) as JsonObject), ...shape };
    return { layer: construct(ctx, () => (own as typeof LSTM).fromConfig(own as typeof LSTM, ts) as BuiltRecurrentLayer), convention };
  }
  const args = { ...lstmArgsFromKeras(ctx, config, version), ...shape };
  if (convention === 'gru' || convention === 'cudnn-gru') return { layer: construct(ctx, () => new GRU(args as unknown as GRUArgs)), convention };
  if (convention === 'rnn') return { layer: construct(ctx, () => new SimpleRNN(args as unknown as SimpleRNNArgs)), convention };
  return { layer: construct(ctx, () => new LSTM(args)), convention };
}

/** The class name and config of a nested layer (`{class_name, config}`, Keras 3 extras allowed). */
function nested(ctx: LayerContext, key: string, value: Json | undefined): { className: string; config: JsonObject } {
  if (!isObject(value) || typeof value.class_name !== 'string' || !isObject(value.config)) {
    return layerError(ctx, `${key} expected {class_name, config}, got ${show(value)}`);
  }
  return { className: value.class_name, config: value.config };
}

const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'];

/** Input declarations of a wrapped layer: the wrapper's input decides its shape (as in Keras). */
const NESTED_INPUT_KEYS = ['batch_input_shape', 'batch_shape', 'input_dim', 'input_length', 'input_dtype', 'batch_size'];

function withoutInputKeys(config: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !NESTED_INPUT_KEYS.includes(k)));
}

/** Builds a `layers.Bidirectional` from a Keras `Bidirectional` config wrapping an LSTM. */
export function buildBidirectional(ctx: LayerContext, config: JsonObject, version: string | null, batchInputShape: (number | null)[] | null = null): BuiltBidirectional {
  const shape: JsonObject = batchInputShape ? { batchInputShape } : {};
  if (ctx.className === Bidirectional.className) {
    const layer = construct(ctx, () => Bidirectional.fromConfig(Bidirectional, { ...(pythonicToTs(config) as JsonObject), ...shape }) as Bidirectional);
    const f = layer.forwardLayer as unknown;
    const convention: LstmWeightConvention = f instanceof GRU ? 'gru' : f instanceof SimpleRNN ? 'rnn' : 'keras';
    return { layer, convention, forwardNames: [layer.forwardLayer.name], backwardNames: [layer.backwardLayer.name] };
  }
  let inner: BuiltLstm | null = null;
  let backward: BuiltLstm | null = null;
  const forwardNames: string[] = [];
  const backwardNames: string[] = [];
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'layer' || key === 'backward_layer') {
      const { className, config: innerConfig } = nested(ctx, key, value);
      if (!isLstmClass(className)) layerError(ctx, `Bidirectional(${className}) is not supported (only LSTM, GRU, SimpleRNN)`);
      const innerCtx: LayerContext = { ...ctx, layer: typeof innerConfig.name === 'string' ? innerConfig.name : null, className };
      if (innerConfig.name !== undefined) checkLayerName(innerCtx, innerConfig.name);
      const built = buildLstm(innerCtx, withoutInputKeys(innerConfig), version);
      if (typeof innerConfig.name === 'string') (key === 'layer' ? forwardNames : backwardNames).push(innerConfig.name);
      if (key === 'layer') inner = built;
      else backward = built;
    } else if (key === 'merge_mode') {
      if (value !== null && !(typeof value === 'string' && MERGE_MODES.includes(value))) {
        layerError(ctx, `merge_mode expected one of ${MERGE_MODES.join(', ')} or null, got ${show(value)}`);
      }
      args.mergeMode = value;
    } else if (key === 'name' || key === 'trainable') {
      args[key] = value;
    } else if (key === 'dtype') {
      checkFloat32(ctx, value);
    } else {
      layerError(ctx, `option ${key}=${show(value)} is not supported`);
    }
  }
  if (inner === null) return layerError(ctx, 'config has no layer');
  const fwd: BuiltLstm = inner;
  if (backward !== null && (backward as BuiltLstm).convention !== fwd.convention) {
    layerError(ctx, 'the forward and backward layers store their weights differently');
  }
  const layer = construct(ctx, () => new Bidirectional<BuiltRecurrentLayer>({ ...args, ...shape, layer: fwd.layer, backwardLayer: backward?.layer ?? null }));
  forwardNames.push(layer.forwardLayer.name);
  backwardNames.push(layer.backwardLayer.name);
  return { layer, convention: fwd.convention, forwardNames, backwardNames };
}
