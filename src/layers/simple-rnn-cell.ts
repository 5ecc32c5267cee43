/**
 * The SimpleRNN cell of the Keras facade: its configuration, its weights and one step, as in
 * Keras 3's `SimpleRNNCell` (the layer `layers.SimpleRNN` runs the shared engine over the
 * sequence).
 *
 * Weights, under Keras' names (legend I input features, U units):
 *
 * | name | shape | layout |
 * |---|---|---|
 * | `kernel` | (I, U) | `x_t @ kernel` |
 * | `recurrent_kernel` | (U, U) | `h_{t-1} @ recurrent_kernel` |
 * | `bias` | (U) | added once |
 *
 * The step: h_t = φ(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel), φ = `activation`
 * (default tanh). This is the engine's canonical vanilla RNN as is (one bias, no permutation).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';

import { CellWeights, RnnWeights } from '../engine';
import { RNN_RUNNER, RecurrentRunnerCellOptions, RunnerKind } from '../engine/internal';
import { SimpleRnnCellConfig } from './gru-config';
import { OneStateCell } from './one-state-cell';

/**
 * The SimpleRNN cell: configuration, weights and one step.
 *
 * Example:
 * ```ts
 * const layer = new layers.SimpleRNN({units: 4});
 * layer.apply(tf.zeros([2, 5, 3]));
 * const [h] = layer.cell.step(tf.ones([2, 3]), [tf.zeros([2, 4])]);
 * ```
 */
export class SimpleRNNCell extends OneStateCell<SimpleRnnCellConfig> {
  constructor(config: SimpleRnnCellConfig) {
    super(config, 'SimpleRNNCell');
  }

  get gates(): number {
    return 1;
  }

  protected biasShape(): Shape {
    return [this.units];
  }

  /** What the engine runs: the vanilla RNN with the cell's activation. */
  get engineOptions(): RecurrentRunnerCellOptions {
    return { activation: this.config.activation };
  }

  /** The engine's vanilla RNN. */
  get engineKind(): RunnerKind<CellWeights> {
    return RNN_RUNNER as RunnerKind<CellWeights>;
  }

  /** The weights in the engine's canonical form (the variables themselves, differentiable). */
  weights(): RnnWeights {
    const w = this.reads();
    return { kernel: w.kernel, recurrentKernel: w.recurrentKernel, bias: w.bias as tf.Tensor1D | null };
  }

  /** The cell's arguments, serialized (initializers etc. as `{className, config}`). */
  getConfig(): tf.serialization.ConfigDict {
    return this.commonConfig();
  }
}
