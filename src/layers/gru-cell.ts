/**
 * The GRU cell of the Keras facade: its configuration, its weights and one step, as in Keras 3's
 * `GRUCell` (the sequence loop is the layer's: `layers.GRU` runs the shared engine over the
 * whole sequence with the cell's weights).
 *
 * Weights, created by `build` on the owning layer, under Keras' names (legend I input
 * features, U units):
 *
 * | name | shape | layout |
 * |---|---|---|
 * | `kernel` | (I, 3U) | `x_t @ kernel`, gate blocks **z, r, h** along axis 1 (update, reset, candidate) |
 * | `recurrent_kernel` | (U, 3U) | `h_{t-1} @ recurrent_kernel`, same gate order |
 * | `bias` | (2, 3U) with `resetAfter` | row 0 the input bias, row 1 the recurrent bias; same gate order |
 * | `bias` | (3U) without `resetAfter` | same gate order |
 *
 * The step (σ `recurrentActivation`, φ `activation`; x_z = x_t @ kernel_z + b_z etc.):
 *
 *     z = σ(x_z + h_{t-1} @ rk_z + rb_z),  r = σ(x_r + h_{t-1} @ rk_r + rb_r)
 *     resetAfter:  h~ = φ(x_h + r ⊙ (h_{t-1} @ rk_h + rb_h))
 *     reset before: h~ = φ(x_h + (r ⊙ h_{t-1}) @ rk_h)          (no recurrent bias)
 *     h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h~
 *
 * The engine's canonical GRU stacks r, z, n: {@link GRUCell.weights} permutes the blocks with
 * `engine.zrhToRzn` (a differentiable copy, so gradients reach the variables).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';

import { CellWeights, GruWeights, zrhToRzn } from '../engine';
import { GRU_RUNNER, RecurrentRunnerCellOptions, RunnerKind } from '../engine/internal';
import { GruCellConfig } from './gru-config';
import { OneStateCell } from './one-state-cell';

/**
 * The GRU cell: configuration, weights and one step.
 *
 * Example:
 * ```ts
 * const layer = new layers.GRU({units: 4});
 * layer.apply(tf.zeros([2, 5, 3]));           // builds the cell's weights
 * const [h] = layer.cell.step(tf.ones([2, 3]), [tf.zeros([2, 4])]);
 * ```
 */
export class GRUCell extends OneStateCell<GruCellConfig> {
  constructor(config: GruCellConfig) {
    super(config, 'GRUCell');
  }

  get gates(): number {
    return 3;
  }

  protected biasShape(): Shape {
    return this.config.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  /** What the engine runs: the GRU with the cell's activations and reset placement. */
  get engineOptions(): RecurrentRunnerCellOptions {
    const c = this.config;
    return { resetAfter: c.resetAfter, activation: c.activation, recurrentActivation: c.recurrentActivation };
  }

  /** The engine's GRU. */
  get engineKind(): RunnerKind<CellWeights> {
    return GRU_RUNNER as RunnerKind<CellWeights>;
  }

  /**
   * The weights in the engine's canonical form (gates r, z, n): permuted copies of the
   * variables, differentiable. The caller disposes them (or runs inside a tidy).
   */
  weights(): GruWeights {
    const w = this.reads();
    let bias: tf.Tensor1D | null = null;
    let recurrentBias: tf.Tensor1D | null = null;
    if (w.bias && this.config.resetAfter) {
      const [b, rb] = tf.unstack(zrhToRzn(w.bias, 1));
      bias = b as tf.Tensor1D;
      recurrentBias = rb as tf.Tensor1D;
    } else if (w.bias) {
      bias = zrhToRzn(w.bias as tf.Tensor1D, 0);
    }
    return { kernel: zrhToRzn(w.kernel, 1), recurrentKernel: zrhToRzn(w.recurrentKernel, 1), bias, recurrentBias };
  }

  /** The cell's arguments, serialized (initializers etc. as `{className, config}`). */
  getConfig(): tf.serialization.ConfigDict {
    const c = this.config;
    return {
      ...this.commonConfig(),
      recurrentActivation: c.recurrentActivation,
      resetAfter: c.resetAfter,
      implementation: c.implementation,
    };
  }
}
