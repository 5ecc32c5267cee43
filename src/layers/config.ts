/**
 * The arguments of `layers.LSTM`: their types, Keras defaults, and validation.
 *
 * Every Keras `LSTM` argument is accepted under its camelCase name with **Keras'** default.
 * Where tfjs-layers' `tf.layers.lstm` differs, the difference is listed here:
 *
 * | argument | Keras / `layers.LSTM` default | `tf.layers.lstm` default |
 * |---|---|---|
 * | `recurrentActivation` | `'sigmoid'` | `'hardSigmoid'` |
 * | `kernelInitializer` | `'glorotUniform'` | `'glorotNormal'` |
 * | `unitForgetBias` | `true` | off |
 * | `timeMajor`, `zeroOutputForMask`, `seed` | supported | absent |
 * | `unroll` | accepted, no numerical effect | warns and ignores |
 * | weight regularizers | added to the loss in `fit` | kept on the cell; never reach the model's loss |
 * | `activityRegularizer` | added to the loss in `fit` (every output, as Keras 3) | accepted and ignored |
 * | weight constraints | applied after every optimizer step | applied only by `setWeights` / loading |
 * | masked step before the first valid one | zeros (Keras TF backend) | repeats the initial h |
 *
 * Activations by name: `'tanh'`, `'sigmoid'`, `'hardSigmoid'` / `'hard_sigmoid'` (Keras 2 and
 * tfjs: clip(0.2x + 0.5, 0, 1)), `'hardSigmoidKeras3'` (Keras 3's `hard_sigmoid`:
 * clip(x / 6 + 0.5, 0, 1)), `'relu'`, `'relu6'`, `'elu'`, `'selu'`, `'softplus'`, `'softsign'`,
 * `'swish'`, `'linear'`; `null` means linear (Keras `None`).
 *
 * Unknown keys are an error (no option is accepted and ignored). `implementation` (1 or 2) and
 * `unroll` are accepted for compatibility with real configs and change nothing numerically:
 * every implementation runs the same engine.
 *
 * Dropout: one input mask (N, F) and one recurrent mask (N, U) per call, shared by the four
 * gates and fixed across time, drawn only when `training` (tf.keras' implementation 2 and
 * tfjs-layers; Keras 3 draws one mask per gate when `recurrent_dropout` > 0). Rates must be in
 * [0, 1): Keras silently skips dropout at a rate of 1, so 1 is rejected here.
 */
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

import { ActivationName, parseActivation } from '../engine';
import { showArg } from '../engine/internal';
import { ConfigError } from '../errors';
import {
  Constraint,
  Identifier,
  Initializer,
  Regularizer,
  getConstraint,
  getInitializer,
  getRegularizer,
} from './identifiers';

/** An activation by name (see the table above), or `null` for linear. */
export type ActivationArg = ActivationName | 'hard_sigmoid' | (string & {}) | null;

/**
 * The arguments every Keras recurrent cell takes (`LSTM`, `GRU`, `SimpleRNN`). Shapes are the
 * LSTM's: G = 4 gate blocks (GRU 3, SimpleRNN 1).
 */
export interface RecurrentCellArgs {
  /** Positive integer, dimensionality of the output space (U). */
  units: number;
  /** Activation of the candidate (LSTM: and of the cell before the output gate). Default `'tanh'`. */
  activation?: ActivationArg;
  /** Whether the layer has a bias vector. Default `true`. */
  useBias?: boolean;
  /** Initializer of `kernel` (I, G·U). Default `'glorotUniform'` (Keras). */
  kernelInitializer?: Identifier<Initializer>;
  /** Initializer of `recurrent_kernel` (U, G·U). Default `'orthogonal'`. */
  recurrentInitializer?: Identifier<Initializer>;
  /** Initializer of `bias` (G·U). Default `'zeros'`. */
  biasInitializer?: Identifier<Initializer>;
  kernelRegularizer?: Identifier<Regularizer> | null;
  recurrentRegularizer?: Identifier<Regularizer> | null;
  biasRegularizer?: Identifier<Regularizer> | null;
  kernelConstraint?: Identifier<Constraint> | null;
  recurrentConstraint?: Identifier<Constraint> | null;
  biasConstraint?: Identifier<Constraint> | null;
  /** Fraction of the input units to drop, in [0, 1). One mask per call, fixed across time. */
  dropout?: number;
  /** Fraction of the recurrent units to drop, in [0, 1). One mask per call, fixed across time. */
  recurrentDropout?: number;
  /** Seed of the dropout masks (integer) or `null` for unseeded masks. */
  seed?: number | null;
}

/** Arguments of the LSTM cell (the weights and one step). */
export interface LSTMCellArgs extends RecurrentCellArgs {
  /** Activation of the input, forget and output gates. Default `'sigmoid'` (Keras). */
  recurrentActivation?: ActivationArg;
  /** Add 1 to the forget-gate bias at initialization. Default `true` (Keras). */
  unitForgetBias?: boolean;
  /** Keras' `implementation` (1 or 2). Accepted; no numerical effect. */
  implementation?: 1 | 2;
}

/** The arguments of a Keras recurrent layer besides its cell's (`LSTM`, `GRU`, `SimpleRNN`). */
export interface RecurrentLayerArgs extends LayerArgs {
  /** Regularizer of the layer's outputs (every output tensor, as in Keras 3). */
  activityRegularizer?: Identifier<Regularizer> | null;
  /** Return the whole output sequence instead of the last output. Default `false`. */
  returnSequences?: boolean;
  /** Also return the last states: `[output, ...states]` (LSTM `[output, h, c]`). Default `false`. */
  returnState?: boolean;
  /** Process the sequence backwards and return the reversed sequence. Default `false`. */
  goBackwards?: boolean;
  /** Carry the last states of a batch over to the next call. Needs a fixed batch size. */
  stateful?: boolean;
  /** Accepted for compatibility; no numerical effect (the engine runs a JS loop). */
  unroll?: boolean;
  /** Inputs and outputs are (T, N, F) instead of (N, T, F); masks are (T, N). */
  timeMajor?: boolean;
  /** Masked steps output zeros instead of repeating the previous output. Default `false`. */
  zeroOutputForMask?: boolean;
}

/** Arguments of `layers.LSTM`: the cell's, the recurrent layer's, and tfjs' `LayerArgs`. */
export interface LSTMArgs extends LSTMCellArgs, RecurrentLayerArgs {}

/** The resolved configuration every recurrent cell has (see {@link RecurrentCellArgs}). */
export interface RecurrentCellConfig {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly recurrentRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly recurrentConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
}

/** The resolved LSTM cell configuration. */
export interface CellConfig extends RecurrentCellConfig {
  readonly recurrentActivation: ActivationName;
  readonly unitForgetBias: boolean;
  readonly implementation: 1 | 2;
}

/** The resolved recurrent-layer configuration (everything but the cell and `LayerArgs`). */
export interface RnnConfig {
  readonly activityRegularizer: Regularizer | null;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly unroll: boolean;
  readonly timeMajor: boolean;
  readonly zeroOutputForMask: boolean;
}

/** The keys of {@link RecurrentCellArgs}. */
export const RECURRENT_CELL_KEYS = [
  'units', 'activation', 'useBias', 'kernelInitializer', 'recurrentInitializer', 'biasInitializer',
  'kernelRegularizer', 'recurrentRegularizer', 'biasRegularizer', 'kernelConstraint', 'recurrentConstraint',
  'biasConstraint', 'dropout', 'recurrentDropout', 'seed',
] as const;

/** The keys of {@link LSTMCellArgs}. */
export const CELL_KEYS = [...RECURRENT_CELL_KEYS, 'recurrentActivation', 'unitForgetBias', 'implementation'] as const;

export const RNN_KEYS = [
  'activityRegularizer', 'returnSequences', 'returnState', 'goBackwards', 'stateful', 'unroll', 'timeMajor',
  'zeroOutputForMask',
] as const;

/** tfjs-layers' `LayerArgs` keys, handled by the `Layer` base class. */
export const LAYER_KEYS = [
  'name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'inputDType', 'weights',
] as const;

/**
 * Throws unless `args` is a plain object whose keys are all in `allowed`.
 * @throws ConfigError naming the unknown keys.
 */
export function checkKeys(args: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new ConfigError(`${where}: expected an arguments object, got ${args === null ? 'null' : typeof args}`);
  }
  const record = args as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !allowed.includes(k) && record[k] !== undefined);
  if (unknown.length > 0) {
    throw new ConfigError(`${where}: unknown argument(s) ${unknown.join(', ')}; accepted: ${allowed.join(', ')}`);
  }
  return record;
}

/** A boolean argument, or its default when undefined. @throws ConfigError */
export function boolArg(args: Record<string, unknown>, key: string, dflt: boolean, where: string): boolean {
  const v = args[key];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ConfigError(`${where}: ${key} expected a boolean, got ${showArg(v)}`);
  return v;
}

function rateArg(args: Record<string, unknown>, key: string, where: string): number {
  const v = args[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new ConfigError(`${where}: ${key} expected a number in [0, 1), got ${showArg(v)}`);
  }
  return v;
}

export function activationArg(args: Record<string, unknown>, key: string, dflt: ActivationName, where: string): ActivationName {
  const v = args[key];
  if (v === undefined) return dflt;
  if (v === null) return 'linear';
  return parseActivation(v, key, where);
}

function required<T>(value: T | null, key: string, where: string): T {
  if (value === null) throw new ConfigError(`${where}: ${key} must not be null`);
  return value;
}

/** Validates and resolves the arguments every recurrent cell has (Keras defaults). @throws ConfigError */
export function resolveRecurrentCellArgs(args: Record<string, unknown>, where: string): RecurrentCellConfig {
  const units = args.units;
  if (typeof units !== 'number' || !Number.isInteger(units) || units <= 0) {
    throw new ConfigError(`${where}: units expected a positive integer, got ${showArg(units)}`);
  }
  const seed = args.seed ?? null;
  if (seed !== null && (typeof seed !== 'number' || !Number.isInteger(seed))) {
    throw new ConfigError(`${where}: seed expected an integer or null, got ${showArg(seed)}`);
  }
  const init = (key: string, dflt: string) =>
    required(getInitializer(args[key] === undefined ? dflt : args[key], key, where), key, where);
  return {
    units,
    activation: activationArg(args, 'activation', 'tanh', where),
    useBias: boolArg(args, 'useBias', true, where),
    kernelInitializer: init('kernelInitializer', 'glorotUniform'),
    recurrentInitializer: init('recurrentInitializer', 'orthogonal'),
    biasInitializer: init('biasInitializer', 'zeros'),
    kernelRegularizer: getRegularizer(args.kernelRegularizer, 'kernelRegularizer', where),
    recurrentRegularizer: getRegularizer(args.recurrentRegularizer, 'recurrentRegularizer', where),
    biasRegularizer: getRegularizer(args.biasRegularizer, 'biasRegularizer', where),
    kernelConstraint: getConstraint(args.kernelConstraint, 'kernelConstraint', where),
    recurrentConstraint: getConstraint(args.recurrentConstraint, 'recurrentConstraint', where),
    biasConstraint: getConstraint(args.biasConstraint, 'biasConstraint', where),
    dropout: rateArg(args, 'dropout', where),
    recurrentDropout: rateArg(args, 'recurrentDropout', where),
    seed,
  };
}

/** Keras' `implementation` (1 or 2, default 2). @throws ConfigError */
export function implementationArg(args: Record<string, unknown>, where: string): 1 | 2 {
  const implementation = args.implementation ?? 2;
  if (implementation !== 1 && implementation !== 2) {
    throw new ConfigError(`${where}: implementation expected 1 or 2, got ${showArg(implementation)}`);
  }
  return implementation;
}

/** Validates and resolves the LSTM cell arguments (Keras defaults). @throws ConfigError */
export function resolveCellArgs(args: Record<string, unknown>, where: string): CellConfig {
  const base = resolveRecurrentCellArgs(args, where);
  return {
    ...base,
    recurrentActivation: activationArg(args, 'recurrentActivation', 'sigmoid', where),
    unitForgetBias: boolArg(args, 'unitForgetBias', true, where),
    implementation: implementationArg(args, where),
  };
}

/** Validates and resolves the recurrent-layer arguments. @throws ConfigError */
export function resolveRnnArgs(args: Record<string, unknown>, where: string): RnnConfig {
  return {
    activityRegularizer: getRegularizer(args.activityRegularizer, 'activityRegularizer', where),
    returnSequences: boolArg(args, 'returnSequences', false, where),
    returnState: boolArg(args, 'returnState', false, where),
    goBackwards: boolArg(args, 'goBackwards', false, where),
    stateful: boolArg(args, 'stateful', false, where),
    unroll: boolArg(args, 'unroll', false, where),
    timeMajor: boolArg(args, 'timeMajor', false, where),
    zeroOutputForMask: boolArg(args, 'zeroOutputForMask', false, where),
  };
}

/**
 * Checks the tfjs `LayerArgs` the engine constrains (`dtype` must be float32) and returns them
 * for the `Layer` constructor.
 * @throws ConfigError
 */
export function resolveLayerArgs(args: Record<string, unknown>, where: string): LayerArgs {
  for (const key of ['dtype', 'inputDType'] as const) {
    const v = args[key];
    if (v !== undefined && v !== null && v !== 'float32') {
      throw new ConfigError(`${where}: ${key} expected 'float32' (the engine computes in float32), got ${showArg(v)}`);
    }
  }
  // A sequence layer's input is (batch, time, features): inputShape [time, features], batchInputShape
  // [batch, time, features]; each a positive integer or null (unknown).
  for (const [key, rank] of [['inputShape', 2], ['batchInputShape', 3]] as const) {
    const v = args[key];
    if (v === undefined || v === null) continue;
    const ok = Array.isArray(v) && v.length === rank && v.every((d) => d === null || (Number.isInteger(d) && d > 0));
    if (!ok) {
      throw new ConfigError(
        `${where}: ${key} expected ${rank === 2 ? '[time, features]' : '[batch, time, features]'}, each a positive integer or null, got ${showArg(v)}`,
      );
    }
  }
  if (args.batchSize !== undefined && args.batchSize !== null && !(Number.isInteger(args.batchSize) && (args.batchSize as number) > 0)) {
    throw new ConfigError(`${where}: batchSize expected a positive integer, got ${showArg(args.batchSize)}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of LAYER_KEYS) if (args[key] !== undefined) out[key] = args[key];
  return out as LayerArgs;
}
