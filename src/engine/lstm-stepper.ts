/**
 * Streaming inference: a unidirectional stack run one time step per call (the usual deployment
 * in JS: stateful, batch 1, a step per event), with weights prepared once.
 *
 * `lstmStack` on a single step pays, every call, for what a sequence amortizes (validation,
 * weight views, output stacking). An {@link LstmStepper} prepares each layer once and then
 * runs a step with tfjs kernels called directly (no op-level reshapes or tidy scopes): about
 * 14 kernel calls per step for one layer, where `tf.layers.lstm`'s stateful step makes 27, and
 * four for small steps (N·4H ≤ `SMALL_STEP_ELEMENTS`) on the cpu and wasm backends, whose gate
 * arithmetic runs in a JS loop. The prepared weights and the step are the LSTM cell's
 * (`./cells/lstm-step`); the one-step machinery (validation, layers, disposal) is `./stepper`.
 *
 * Same equations and results as `lstmStack` on a one-step sequence (tested). Inference only:
 * the prepared weights are copies, so gradients do not reach the original weights (train with
 * `lstmLayer`/`lstmStack`). The stepper owns its prepared tensors: call `dispose()`.
 *
 * Legend: N batch, I input size, H cell size, H_out output size, L layers.
 *
 * Example:
 *
 *     const stepper = new LstmStepper([layer0, layer1]);
 *     let state = null;
 *     for (const x of events) {            // x: (N, I)
 *       const r = stepper.step(x, state);  // r.output: (N, H_out); r.h, r.c: L tensors
 *       if (state) tf.dispose([...state.h, ...state.c]);
 *       state = { h: r.h, c: r.c };
 *       use(r.output);
 *     }
 *     stepper.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../errors';
import { ActivationName } from './activations';
import { checkRecordArg, describeValue } from './args';
import { LSTM_STEP, LstmStepConfig, PreparedLstmLayer } from './cells/lstm-step';
import { CellStepper } from './stepper';
import { LstmWeights } from './weights';

export { SMALL_STEP_ELEMENTS } from './cells/lstm-step';

/** Options of {@link LstmStepper}. */
export interface LstmStepperOptions {
  /** φ. Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Prefix of error messages. */
  readonly where?: string;
}

/** States of a stepper's L layers: `h[k]` (N, H_out), `c[k]` (N, H). */
export interface LstmStepperState {
  readonly h: readonly tf.Tensor[];
  readonly c: readonly tf.Tensor[];
}

/** The result of one {@link LstmStepper.step}. */
export interface LstmStepperResult {
  /** (N, H_out) of the last layer. */
  readonly output: tf.Tensor2D;
  readonly h: tf.Tensor2D[];
  readonly c: tf.Tensor2D[];
}

/** A unidirectional LSTM stack prepared for one-step-per-call inference. */
export class LstmStepper {
  private readonly stepper: CellStepper<LstmWeights, PreparedLstmLayer, LstmStepConfig>;

  /** @param layers the weights of each layer, canonical form (layer k > 0 takes H_out inputs). */
  constructor(layers: readonly LstmWeights[], options: LstmStepperOptions = {}) {
    checkRecordArg(options, 'options', 'engine.LstmStepper', true);
    if (!Array.isArray(layers)) throw new ConfigError(`engine.LstmStepper: layers expected an array of LstmWeights, got ${describeValue(layers)}`);
    const config = { activation: options.activation ?? 'tanh', recurrentActivation: options.recurrentActivation ?? 'sigmoid' };
    this.stepper = new CellStepper(LSTM_STEP, layers, config, options.where ?? 'engine.LstmStepper');
  }

  /** Number of layers. */
  get numLayers(): number {
    return this.stepper.numLayers;
  }

  /**
   * One time step: `x` (N, I) and the previous states (zeros when `state` is null). Returns new
   * tensors; the inputs are not disposed.
   * @throws ShapeError for a wrong input or state shape.
   */
  step(x: tf.Tensor, state: LstmStepperState | null = null): LstmStepperResult {
    const r = this.stepper.step(x, state ? [state.h, state.c] : null);
    return { output: r.output, h: r.states[0], c: r.states[1] };
  }

  /** Releases the prepared weights. */
  dispose(): void {
    this.stepper.dispose();
  }
}
