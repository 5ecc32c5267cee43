/**
 * The base of the facade's one-state cells (`GRUCell`, `SimpleRNNCell`): state `[h (N, U)]`, the
 * engine's weights and cell spec from the kind, and one step run through the same engine call
 * as the layer's whole sequence (`./h-recurrence`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { RecurrentRunnerCellOptions, tidy } from '../engine/internal';
import { RecurrentCellBase } from './cell-base';
import { RecurrentCellConfig } from './config';
import { HCellSpec, runHRecurrence } from './h-recurrence';
import type { RecurCall, RecurResult } from './recurrent-layer';

/** A cell whose only state is h. */
export abstract class OneStateCell<C extends RecurrentCellConfig = RecurrentCellConfig> extends RecurrentCellBase<C> {
  /** What the engine runs: the cell kind with its activations. */
  abstract get spec(): HCellSpec;

  /** The cell options the engine runs with, from {@link OneStateCell.spec}. */
  get engineOptions(): RecurrentRunnerCellOptions {
    const s = this.spec;
    return s.kind === 'gru' ? { resetAfter: s.resetAfter, activation: s.activation, recurrentActivation: s.recurrentActivation } : { activation: s.activation };
  }

  /** Sizes of the states `[h]`: `[U]`. */
  get stateSize(): [number] {
    return [this.units];
  }

  /**
   * The whole time-major sequence `x` (T, N, F) through the engine, as the layer hands it over
   * (dropout masks included).
   */
  run(x: tf.Tensor, call: RecurCall, where: string): RecurResult {
    const r = runHRecurrence(this.spec, x, this.weights(), {
      ...call,
      inputMask: call.dropout.input,
      recurrentInputMask: call.dropout.recurrent,
      where,
    });
    return { output: r.output, states: [r.h] };
  }

  /** One step, as Keras' cell `call` without dropout: x (N, I), `[h (N, U)]` -> `[h']`. */
  step(x: tf.Tensor2D, states: readonly [tf.Tensor2D]): [tf.Tensor2D] {
    return tidy(() => {
      const r = this.run(tf.expandDims(x, 0), {
        initialState: [states[0]], mask: null, maskedOutput: 'carry', reverse: false, dropout: { input: null, recurrent: null },
      }, `layers.${this.cellName}`);
      return [r.states[0]] as [tf.Tensor2D];
    });
  }
}
