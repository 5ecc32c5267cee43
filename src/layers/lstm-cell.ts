/**
 * The LSTM cell of the Keras facade: its configuration, its weights and one step, as in Keras 3's
 * `LSTMCell` (the sequence loop is the layer's: `layers.LSTM` runs the shared engine over the
 * whole sequence with the cell's weights).
 *
 * Weights, created by {@link LSTMCell.build} on the owning layer, under Keras' names:
 *
 * | name | shape | layout |
 * |---|---|---|
 * | `kernel` | (I, 4U) | `x_t @ kernel`, gate blocks i, f, c, o along axis 1 |
 * | `recurrent_kernel` | (U, 4U) | `h_{t-1} @ recurrent_kernel`, same gate order |
 * | `bias` | (4U) | same gate order; with `unitForgetBias` the f block starts at 1 |
 *
 * This is the engine's canonical form as is (`kernel`, `recurrentKernel`, `bias`), so the
 * weights are handed to the engine without any copy or permutation.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';

import { CellWeights, LstmWeights, lstmCellStep } from '../engine';
import { LSTM_RUNNER, RecurrentRunnerCellOptions, RunnerKind } from '../engine/internal';
import { AddWeight, DropoutMasks, RecurrentCellBase } from './cell-base';
import { CellConfig } from './config';
import { Initializer } from './identifiers';

export type { AddWeight, DropoutMasks };

/**
 * Keras' `unit_forget_bias`: the bias initializer for the i and c, o blocks, ones for the f block.
 * tfjs' `addWeight` only calls `apply(shape, dtype)` on it.
 */
function unitForgetBiasInitializer(biasInitializer: Initializer, units: number): Initializer {
  return {
    apply: (_shape: Shape, dtype?: tf.DataType) =>
      tf.tidy(() =>
        tf.concat([
          biasInitializer.apply([units], dtype),
          tf.ones([units], dtype),
          biasInitializer.apply([2 * units], dtype),
        ]),
      ),
  } as unknown as Initializer;
}

/**
 * The LSTM cell: configuration, weights and one step.
 *
 * Example:
 * ```ts
 * const layer = new layers.LSTM({units: 4});
 * layer.apply(tf.zeros([2, 5, 3]));           // builds the cell's weights
 * const [h, c] = layer.cell.step(tf.ones([2, 3]), [tf.zeros([2, 4]), tf.zeros([2, 4])]);
 * ```
 */
export class LSTMCell extends RecurrentCellBase<CellConfig> {
  constructor(config: CellConfig) {
    super(config, 'LSTMCell');
  }

  get gates(): number {
    return 4;
  }

  protected biasShape(): Shape {
    return [4 * this.units];
  }

  protected override biasInitializer(): Initializer {
    const c = this.config;
    return c.unitForgetBias ? unitForgetBiasInitializer(c.biasInitializer, c.units) : c.biasInitializer;
  }

  /** Sizes of the states `[h, c]`: `[U, U]`. */
  get stateSize(): [number, number] {
    return [this.config.units, this.config.units];
  }

  /** The weights in the engine's canonical form (the variables themselves, differentiable). */
  weights(): LstmWeights {
    const w = this.reads();
    return { kernel: w.kernel, recurrentKernel: w.recurrentKernel, bias: w.bias as tf.Tensor1D | null };
  }

  /** The cell options the engine runs with: the activations. */
  get engineOptions(): RecurrentRunnerCellOptions {
    return { activation: this.config.activation, recurrentActivation: this.config.recurrentActivation };
  }

  /** The engine's LSTM. */
  get engineKind(): RunnerKind<CellWeights> {
    return LSTM_RUNNER as RunnerKind<CellWeights>;
  }

  /**
   * One step, as Keras' `LSTMCell.call` without dropout: x (N, I), states `[h (N, U), c (N, U)]`
   * -> `[h', c']` (the output is h').
   */
  step(x: tf.Tensor2D, states: readonly [tf.Tensor2D, tf.Tensor2D]): [tf.Tensor2D, tf.Tensor2D] {
    return lstmCellStep(x, states, this.weights(), this.config.activation, this.config.recurrentActivation);
  }

  /** The cell's arguments, serialized (initializers etc. as `{className, config}`). */
  getConfig(): tf.serialization.ConfigDict {
    const c = this.config;
    return {
      ...this.commonConfig(),
      recurrentActivation: c.recurrentActivation,
      unitForgetBias: c.unitForgetBias,
      implementation: c.implementation,
    };
  }
}
