/**
 * What the Keras facade's cells share (`LSTMCell`, `GRUCell`, `SimpleRNNCell`): the three weights
 * `kernel (I, G·U)`, `recurrent_kernel (U, G·U)`, `bias`, created on the owning layer with their
 * initializers, regularizers and constraints (applied after optimizer steps, as Keras does); the
 * size check; the dropout masks of a call; the serialized common arguments. A cell kind adds
 * its gate count G, its bias shape and initializer, its state sizes, its step and its engine
 * weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';

import type { CellWeights } from '../engine';
import { RecurrentRunnerCellOptions, RunnerKind, checkRecordArg, checkWeightCount } from '../engine/internal';
import { ConfigError } from '../errors';
import { RecurrentCellConfig } from './config';
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

/** The base of the facade's cells: weights, sizes, dropout masks. */
export abstract class RecurrentCellBase<C extends RecurrentCellConfig = RecurrentCellConfig> {
  /** (I, G·U), set by {@link build}. */
  kernel: LayerVariable | null = null;
  /** (U, G·U), set by {@link build}. */
  recurrentKernel: LayerVariable | null = null;
  /** The bias, or null without bias; set by {@link build}. */
  bias: LayerVariable | null = null;
  private readonly seeds: SeedStream;

  /** `cellName`: the cell's class in messages, e.g. `LSTMCell`. */
  protected constructor(readonly config: C, protected readonly cellName: string) {
    checkRecordArg(config, 'config', `layers.${cellName}`);
    this.seeds = new SeedStream(config.seed);
  }

  /** G, the number of gate blocks along the kernels' axis 1. */
  abstract get gates(): number;

  /** The bias shape (Keras'). */
  protected abstract biasShape(): Shape;

  /** Sizes of the states (h first). */
  abstract get stateSize(): number[];

  /** The serialized arguments of the cell (initializers etc. as `{className, config}`). */
  abstract getConfig(): tf.serialization.ConfigDict;

  /**
   * The weights in the engine's canonical form, differentiable: the variables themselves, or
   * copies where Keras' layout differs (the GRU's gate order). The caller disposes the copies.
   */
  abstract weights(): CellWeights;

  /** The cell options the engine runs with (activations, the GRU's `resetAfter`). */
  abstract get engineOptions(): RecurrentRunnerCellOptions;

  /** The engine's kind of the cell (`LSTM_RUNNER`, `GRU_RUNNER`, `RNN_RUNNER`): its layer, stack and stepper. */
  abstract get engineKind(): RunnerKind<CellWeights>;

  /** The variables' current values (their data ids identify the weights; change on every write). */
  weightValues(): tf.Tensor[] {
    const w = this.reads();
    return [w.kernel, w.recurrentKernel, ...(w.bias ? [w.bias] : [])];
  }

  /** The initializer of the bias (the configured one unless the kind changes it). */
  protected biasInitializer(): Initializer {
    return this.config.biasInitializer;
  }

  /** U */
  get units(): number {
    return this.config.units;
  }

  get built(): boolean {
    return this.kernel !== null;
  }

  /** I, the input size the cell was built for. */
  get inputDim(): number {
    if (!this.kernel) throw new ConfigError(`${this.cellName}: the cell is not built yet`);
    return this.kernel.shape[0] as number;
  }

  /** The number of weights for `inputDim` input features (0: the recurrent part alone). */
  weightCount(inputDim: number): number {
    const GU = this.gates * this.units;
    const bias = this.config.useBias ? this.biasShape().reduce<number>((a, b) => a * (b as number), 1) : 0;
    return GU * inputDim + GU * this.units + bias;
  }

  /** @throws ConfigError when the weights for `inputDim` features exceed the size limit. */
  checkSize(inputDim: number, where: string): void {
    const sizes: Record<string, number> = inputDim > 0 ? { 'input features': inputDim, units: this.units } : { units: this.units };
    checkWeightCount(where, this.weightCount(inputDim), sizes);
  }

  /** Creates `kernel`, `recurrent_kernel` and `bias` for inputs of `inputDim` features. */
  build(inputDim: number, addWeight: AddWeight, where = `layers.${this.cellName}`): void {
    const c = this.config;
    const GU = this.gates * this.units;
    this.checkSize(inputDim, where);
    this.kernel = this.addConstrained(addWeight, 'kernel', [inputDim, GU], c.kernelInitializer, c.kernelRegularizer, c.kernelConstraint);
    this.recurrentKernel = this.addConstrained(
      addWeight, 'recurrent_kernel', [this.units, GU], c.recurrentInitializer, c.recurrentRegularizer, c.recurrentConstraint,
    );
    if (c.useBias) {
      this.bias = this.addConstrained(addWeight, 'bias', this.biasShape(), this.biasInitializer(), c.biasRegularizer, c.biasConstraint);
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

  /** The variables' current values `{kernel, recurrentKernel, bias}` (differentiable reads). */
  protected reads(): { kernel: tf.Tensor2D; recurrentKernel: tf.Tensor2D; bias: tf.Tensor | null } {
    if (!this.kernel || !this.recurrentKernel) throw new ConfigError(`${this.cellName}: the cell is not built yet`);
    return {
      kernel: this.kernel.read() as tf.Tensor2D,
      recurrentKernel: this.recurrentKernel.read() as tf.Tensor2D,
      bias: this.bias ? this.bias.read() : null,
    };
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

  /** The serialized arguments every cell has. */
  protected commonConfig(): tf.serialization.ConfigDict {
    const c = this.config;
    return {
      units: c.units,
      activation: c.activation,
      useBias: c.useBias,
      kernelInitializer: serializeObject(c.kernelInitializer),
      recurrentInitializer: serializeObject(c.recurrentInitializer),
      biasInitializer: serializeObject(c.biasInitializer),
      kernelRegularizer: serializeObject(c.kernelRegularizer),
      recurrentRegularizer: serializeObject(c.recurrentRegularizer),
      biasRegularizer: serializeObject(c.biasRegularizer),
      kernelConstraint: serializeObject(c.kernelConstraint),
      recurrentConstraint: serializeObject(c.recurrentConstraint),
      biasConstraint: serializeObject(c.biasConstraint),
      dropout: c.dropout,
      recurrentDropout: c.recurrentDropout,
      seed: c.seed,
    };
  }
}
