/**
 * `layers.LSTM`: Keras' `LSTM` as a real tfjs-layers `Layer`, running on the shared engine.
 *
 * Args: see {@link LSTMArgs} (every Keras argument in camelCase, Keras defaults).
 *
 * Call arguments (`layer.apply(inputs, kwargs)`), as every recurrent layer of the facade
 * (`./recurrent-layer`):
 * - `inputs`: (N, T, F), or (T, N, F) with `timeMajor`; or `[inputs, h0, c0]`.
 * - `initialState`: `[h0 (N, U), c0 (N, U)]`; zeros when absent (or the carried states when
 *   `stateful`).
 * - `mask`: (N, T) (or (T, N) with `timeMajor`); masked steps carry the states over.
 * - `training`: dropout masks are drawn only when true (one per call, fixed across time).
 *
 * Returns: the last output (N, U), or the sequence (N, T, U) (or (T, N, U)) with
 * `returnSequences` (reversed in time with `goBackwards`, as Keras does); with `returnState`,
 * `[output, h (N, U), c (N, U)]`. The output mask propagates only with `returnSequences`.
 *
 * Weights: `kernel (F, 4U)`, `recurrent_kernel (U, 4U)`, `bias (4U)`, in this order in
 * `getWeights()`/`setWeights()`; gate order i, f, c, o (Keras and tfjs).
 *
 * Example:
 * ```ts
 * const model = tf.sequential();
 * model.add(layers.lstm({units: 7, returnSequences: true, inputShape: [17, 10]}));
 * model.add(layers.lstm({units: 7}));
 * model.predict(tf.randomNormal([2, 17, 10]));  // (2, 7)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmRunner } from '../engine/internal';
import { SyncExecutionReport, syncExecutionReport } from '../runtime/internal';
import { CELL_KEYS, LSTMArgs, resolveCellArgs } from './config';
import { LSTMCell } from './lstm-cell';
import { RecurCall, RecurResult, RecurrentKind, RecurrentLayer } from './recurrent-layer';

const LSTM_KIND: RecurrentKind<LSTMCell> = {
  kind: 'LSTM',
  namePrefix: 'lstm',
  cellKeys: CELL_KEYS,
  stateNames: ['h', 'c'],
  makeCell: (record, where) => new LSTMCell(resolveCellArgs(record, where)),
};

/** Keras' `LSTM` layer on the lstm-bridge engine. See the module documentation. */
export class LSTM extends RecurrentLayer<LSTMCell> {
  /** Registered for serialization under its own name (tfjs-layers' `LSTM` stays untouched). */
  static readonly className = 'LstmBridge.LSTM';

  private execution: SyncExecutionReport | null = null;
  /**
   * The engine's entry point: it picks the executor, and holds the prepared weights for one-step
   * calls (streaming), rebuilt when the weights change.
   */
  private readonly runner = new LstmRunner({
    layers: () => [{ forward: this.cell.weights() }],
    ids: () => {
      const w = this.cell.weights();
      return [w.kernel, w.recurrentKernel, ...(w.bias ? [w.bias] : [])];
    },
    stepperOptions: () => {
      const { activation, recurrentActivation } = this.cell.config;
      return { activation, recurrentActivation, where: this.where };
    },
  });

  constructor(args: LSTMArgs) {
    super(args, LSTM_KIND);
  }

  /**
   * Which tfjs executor ran the last call on tensors, and why not the prepared one-step stepper
   * (null before the first call): `'stepper'` for one-step inference (streaming), else `'fast'`
   * (or `'reference'`) with the typed `StepperFallback` reason and its `message`. The library
   * prints nothing; this is how to find out.
   *
   * ```ts
   * layer.apply(x);
   * layer.lastExecution; // { call: 'call', executor: 'fast', reason: { kind: 'steps', steps: 17 }, message: '17 time steps (...)' }
   * ```
   */
  get lastExecution(): SyncExecutionReport | null {
    return this.execution;
  }

  protected recur(x: tf.Tensor, call: RecurCall): RecurResult {
    const initial = call.initialState;
    const r = this.runner.layer(x, {
      inputMask: call.dropout.input,
      activation: this.cell.config.activation,
      recurrentActivation: this.cell.config.recurrentActivation,
      reverse: call.reverse,
      initialState: initial ? [initial[0], initial[1]] : null,
      mask: call.mask,
      maskedOutput: call.maskedOutput,
      recurrentInputMask: call.dropout.recurrent,
      where: this.where,
    });
    if (this.runner.lastChoice) this.execution = syncExecutionReport('call', this.runner.lastChoice);
    return { output: r.output, states: [r.h, r.c] };
  }

  /**
   * Disposes what the layer holds besides its weights: the carried states and the weights
   * prepared for one-step calls (part of `dispose()`; a wrapper calls it for its inner layers).
   * @internal
   */
  override disposeHeld(): void {
    super.disposeHeld();
    this.runner.dispose();
  }
}
tf.serialization.registerClass(LSTM);

/**
 * Creates a {@link LSTM} layer (the lower-case factory, like `tf.layers.lstm`).
 *
 * Example:
 * ```ts
 * const lstm = layers.lstm({units: 7, returnSequences: true, returnState: true});
 * const [seq, h, c] = lstm.apply(tf.randomNormal([2, 17, 10])) as tf.Tensor[];
 * ```
 */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args);
}
