/**
 * Streaming inference for the one-state cells: {@link GruStepper} and {@link RnnStepper}, a
 * unidirectional GRU or vanilla RNN stack run one time step per call with each layer's weights
 * prepared once — `LstmStepper`'s counterparts (`./lstm-stepper`), on the same one-step
 * machinery (`./stepper`) with the cells' step parts (`./cells/gru-step`, `./cells/rnn-step`).
 *
 * Same equations and results as `gruStack` / `rnnStack` on a one-step sequence (tested).
 * Inference only (the prepared weights are copies); call `dispose()`.
 *
 * Legend: N batch, I input size, H hidden size, L layers.
 *
 *     const stepper = new GruStepper([layer0, layer1], { resetAfter: true });
 *     let h = null;
 *     for (const x of events) {          // x: (N, I)
 *       const r = stepper.step(x, h);    // r.output: (N, H); r.h: L tensors (N, H)
 *       if (h) tf.dispose(h);
 *       h = r.h;
 *     }
 *     stepper.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../errors';
import { ActivationName } from './activations';
import { checkRecordArg, describeValue } from './args';
import type { CellWeights } from './cell';
import { GRU_STEP } from './cells/gru-step';
import { RNN_STEP } from './cells/rnn-step';
import { CellStepper, StepCell } from './stepper';

/** Options of {@link GruStepper} and {@link RnnStepper}. */
export interface HStepperOptions {
  /** φ. Default `'tanh'` (an RNN: `'tanh'` or `'relu'`). */
  readonly activation?: ActivationName;
  /** σ of a GRU. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** A GRU's form (see `./cells/gru-cell`). Default true (PyTorch). */
  readonly resetAfter?: boolean;
  /** Prefix of error messages. */
  readonly where?: string;
}

/** The result of one step. */
export interface HStepperResult {
  /** (N, H) of the last layer. */
  readonly output: tf.Tensor2D;
  /** L tensors (N, H). */
  readonly h: tf.Tensor2D[];
}

/** A unidirectional stack of a one-state cell prepared for one-step-per-call inference. */
export class HStepper {
  private readonly stepper: CellStepper<CellWeights, unknown, unknown>;

  protected constructor(cell: StepCell<CellWeights, unknown, unknown>, layers: readonly CellWeights[], config: unknown, where: string) {
    if (!Array.isArray(layers)) throw new ConfigError(`${where}: layers expected an array of weights, got ${describeValue(layers)}`);
    this.stepper = new CellStepper(cell, layers, config, where);
  }

  /** Number of layers. */
  get numLayers(): number {
    return this.stepper.numLayers;
  }

  /**
   * One time step: `x` (N, I) and the L previous h (zeros when null). Returns new tensors; the
   * inputs are not disposed.
   * @throws ShapeError for a wrong input or state shape.
   */
  step(x: tf.Tensor, h: readonly tf.Tensor[] | null = null): HStepperResult {
    const r = this.stepper.step(x, h ? [h] : null);
    return { output: r.output, h: r.states[0] };
  }

  /** Releases the prepared weights. */
  dispose(): void {
    this.stepper.dispose();
  }
}

/** A unidirectional GRU stack prepared for one-step-per-call inference. */
export class GruStepper extends HStepper {
  /** @param layers canonical GRU weights of each layer (layer k > 0 takes H inputs). */
  constructor(layers: readonly CellWeights[], options: HStepperOptions = {}) {
    checkRecordArg(options, 'options', 'engine.GruStepper', true);
    const config = {
      activation: options.activation ?? 'tanh', recurrentActivation: options.recurrentActivation ?? 'sigmoid',
      resetAfter: options.resetAfter !== false,
    };
    super(GRU_STEP as StepCell<CellWeights, unknown, unknown>, layers, config, options.where ?? 'engine.GruStepper');
  }
}

/** A unidirectional vanilla RNN stack prepared for one-step-per-call inference. */
export class RnnStepper extends HStepper {
  /** @param layers canonical RNN weights of each layer (layer k > 0 takes H inputs). */
  constructor(layers: readonly CellWeights[], options: HStepperOptions = {}) {
    checkRecordArg(options, 'options', 'engine.RnnStepper', true);
    super(RNN_STEP as StepCell<CellWeights, unknown, unknown>, layers, { activation: options.activation ?? 'tanh' }, options.where ?? 'engine.RnnStepper');
  }
}
