/**
 * The arguments of `layers.GRU` and `layers.SimpleRNN`: their types, Keras 3 defaults, and
 * validation (the arguments every recurrent cell shares, and their checks, are `./config`'s).
 *
 * Where tfjs-layers' `tf.layers.gru` / `tf.layers.simpleRNN` differ from Keras:
 *
 * | argument | Keras / `layers.GRU` default | `tf.layers.gru` default |
 * |---|---|---|
 * | `resetAfter` | `true` (bias (2, 3U)) | absent: reset before only (`false`) |
 * | `recurrentActivation` | `'sigmoid'` | `'hardSigmoid'` |
 * | `kernelInitializer` | `'glorotUniform'` | `'glorotNormal'` (SimpleRNN too) |
 * | masked step before the first valid one | zeros (Keras TF backend) | repeats the initial h |
 *
 * The other differences (`timeMajor`, `seed`, regularizers reaching the loss, constraints after
 * optimizer steps, activity regularizer) are the LSTM's, listed in `./config`.
 */
import { ActivationName } from '../engine';
import {
  ActivationArg,
  RECURRENT_CELL_KEYS,
  RecurrentCellArgs,
  RecurrentCellConfig,
  RecurrentLayerArgs,
  activationArg,
  boolArg,
  implementationArg,
  resolveRecurrentCellArgs,
} from './config';

/** Arguments of the GRU cell. Shapes: G = 3 gate blocks z, r, h. */
export interface GRUCellArgs extends RecurrentCellArgs {
  /** Activation of the update (z) and reset (r) gates. Default `'sigmoid'` (Keras). */
  recurrentActivation?: ActivationArg;
  /**
   * Apply the reset gate after the recurrent product (Keras 3 and cuDNN, PyTorch's GRU): bias
   * (2, 3U), row 0 input, row 1 recurrent. `false`: reset before (Keras 1/2's and tfjs'),
   * bias (3U). Default `true`.
   */
  resetAfter?: boolean;
  /** Keras' `implementation` (1 or 2). Accepted; no numerical effect. */
  implementation?: 1 | 2;
}

/** Arguments of `layers.GRU`: the cell's, the recurrent layer's, and tfjs' `LayerArgs`. */
export interface GRUArgs extends GRUCellArgs, RecurrentLayerArgs {}

/** Arguments of the SimpleRNN cell: `activation` is φ in h' = φ(x W + h R + b). */
export type SimpleRNNCellArgs = RecurrentCellArgs;

/** Arguments of `layers.SimpleRNN`. */
export interface SimpleRNNArgs extends SimpleRNNCellArgs, RecurrentLayerArgs {}

/** The resolved GRU cell configuration. */
export interface GruCellConfig extends RecurrentCellConfig {
  readonly recurrentActivation: ActivationName;
  readonly resetAfter: boolean;
  readonly implementation: 1 | 2;
}

/** The resolved SimpleRNN cell configuration. */
export type SimpleRnnCellConfig = RecurrentCellConfig;

/** The keys of {@link GRUCellArgs}. */
export const GRU_CELL_KEYS = [...RECURRENT_CELL_KEYS, 'recurrentActivation', 'resetAfter', 'implementation'] as const;

/** The keys of {@link SimpleRNNCellArgs}. */
export const SIMPLE_RNN_CELL_KEYS = RECURRENT_CELL_KEYS;

/** Validates and resolves the GRU cell arguments (Keras 3 defaults). @throws ConfigError */
export function resolveGruCellArgs(args: Record<string, unknown>, where: string): GruCellConfig {
  return {
    ...resolveRecurrentCellArgs(args, where),
    recurrentActivation: activationArg(args, 'recurrentActivation', 'sigmoid', where),
    resetAfter: boolArg(args, 'resetAfter', true, where),
    implementation: implementationArg(args, where),
  };
}

/** Validates and resolves the SimpleRNN cell arguments (Keras defaults). @throws ConfigError */
export function resolveSimpleRnnCellArgs(args: Record<string, unknown>, where: string): SimpleRnnCellConfig {
  return resolveRecurrentCellArgs(args, where);
}
