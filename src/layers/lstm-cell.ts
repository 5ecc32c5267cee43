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
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

import { LstmWeights, lstmCellStep } from '../engine';
import { checkRecordArg, checkWeightCount, lstmWeightCount } from '../engine/internal';
import { ConfigError } from '../errors';
import { CellConfig } from './config';
import { constrainUpdates } from './constrained-variable';
import { SeedStream, dropoutMask } from './dropout';
import { Constraint, Initializer, Regularizer, serializeObject } from './identifiers';

/** How the cell creates a weight on its layer (tfjs' protected `Layer.addWeight`). */
export type AddWeight = (
  name: string,
  shape: Shape,
  initializer: Initializer,
  regularizer: Regularizer | null,
) => LayerVariable;

/** The dropout masks of one call: (N, I) on the inputs, (N, U) on the recurrent state. */
export interface DropoutMasks {
  readonly input: tf.Tensor2D | null;
  readonly recurrent: tf.Tensor2D | null;
}

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
export class LSTMCell {
  /** (I, 4U), set by {@link build}. */
  kernel: LayerVariable | null = null;
  /** (U, 4U), set by {@link build}. */
  recurrentKernel: LayerVariable | null = null;
  /** (4U) or null without bias, set by {@link build}. */
  bias: LayerVariable | null = null;
  private readonly seeds: SeedStream;

  constructor(readonly config: CellConfig) {
    checkRecordArg(config, 'config', 'layers.LSTMCell');
    this.seeds = new SeedStream(config.seed);
  }

  /** U */
  get units(): number {
    return this.config.units;
  }

  /** Sizes of the states `[h, c]`: `[U, U]`. */
  get stateSize(): [number, number] {
    return [this.config.units, this.config.units];
  }

  get built(): boolean {
    return this.kernel !== null;
  }

  /** I, the input size the cell was built for. */
  get inputDim(): number {
    if (!this.kernel) throw new ConfigError('LSTMCell: the cell is not built yet');
    return this.kernel.shape[0] as number;
  }

  /** Creates `kernel`, `recurrent_kernel` and `bias` for inputs of `inputDim` features. */
  build(inputDim: number, addWeight: AddWeight, where = 'layers.LSTMCell'): void {
    const c = this.config;
    const U = c.units;
    checkWeightCount(where, lstmWeightCount(inputDim, U, U, c.useBias ? 1 : 0, false), { 'input features': inputDim, units: U });
    this.kernel = this.addConstrained(addWeight, 'kernel', [inputDim, 4 * U], c.kernelInitializer, c.kernelRegularizer, c.kernelConstraint);
    this.recurrentKernel = this.addConstrained(
      addWeight, 'recurrent_kernel', [U, 4 * U], c.recurrentInitializer, c.recurrentRegularizer, c.recurrentConstraint,
    );
    if (c.useBias) {
      const init = c.unitForgetBias ? unitForgetBiasInitializer(c.biasInitializer, U) : c.biasInitializer;
      this.bias = this.addConstrained(addWeight, 'bias', [4 * U], init, c.biasRegularizer, c.biasConstraint);
    }
  }

  private addConstrained(
    addWeight: AddWeight,
    name: string,
    shape: Shape,
    initializer: Initializer,
    regularizer: Regularizer | null,
    constraint: Constraint | null,
  ): LayerVariable {
    const weight = addWeight(name, shape, initializer, regularizer);
    if (constraint) constrainUpdates(weight, constraint);
    return weight;
  }

  /** The weights in the engine's canonical form (the variables themselves, differentiable). */
  weights(): LstmWeights {
    if (!this.kernel || !this.recurrentKernel) throw new ConfigError('LSTMCell: the cell is not built yet');
    return {
      kernel: this.kernel.read() as tf.Tensor2D,
      recurrentKernel: this.recurrentKernel.read() as tf.Tensor2D,
      bias: this.bias ? (this.bias.read() as tf.Tensor1D) : null,
    };
  }

  /**
   * One step, as Keras' `LSTMCell.call` without dropout: x (N, I), states `[h (N, U), c (N, U)]`
   * -> `[h', c']` (the output is h').
   */
  step(x: tf.Tensor2D, states: readonly [tf.Tensor2D, tf.Tensor2D]): [tf.Tensor2D, tf.Tensor2D] {
    return lstmCellStep(x, states, this.weights(), this.config.activation, this.config.recurrentActivation);
  }

  /** The masks of one call; none outside training or with a zero rate. */
  dropoutMasks(batch: number, training: boolean): DropoutMasks {
    const { dropout, recurrentDropout } = this.config;
    return {
      input: training && dropout > 0 ? this.dropoutMask([batch, this.inputDim], dropout) : null,
      recurrent: training && recurrentDropout > 0 ? this.dropoutMask([batch, this.units], recurrentDropout) : null,
    };
  }

  /** Draws one mask (N, F) from the cell's seed stream. */
  dropoutMask(shape: [number, number], rate: number): tf.Tensor2D {
    return dropoutMask(shape, rate, this.seeds.next());
  }

  /** The cell's arguments, serialized (initializers etc. as `{className, config}`). */
  getConfig(): tf.serialization.ConfigDict {
    const c = this.config;
    return {
      units: c.units,
      activation: c.activation,
      recurrentActivation: c.recurrentActivation,
      useBias: c.useBias,
      kernelInitializer: serializeObject(c.kernelInitializer),
      recurrentInitializer: serializeObject(c.recurrentInitializer),
      biasInitializer: serializeObject(c.biasInitializer),
      unitForgetBias: c.unitForgetBias,
      kernelRegularizer: serializeObject(c.kernelRegularizer),
      recurrentRegularizer: serializeObject(c.recurrentRegularizer),
      biasRegularizer: serializeObject(c.biasRegularizer),
      kernelConstraint: serializeObject(c.kernelConstraint),
      recurrentConstraint: serializeObject(c.recurrentConstraint),
      biasConstraint: serializeObject(c.biasConstraint),
      dropout: c.dropout,
      recurrentDropout: c.recurrentDropout,
      seed: c.seed,
      implementation: c.implementation,
    };
  }
}
