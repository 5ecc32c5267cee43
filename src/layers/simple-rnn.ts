/**
 * `layers.SimpleRNN`: Keras' `SimpleRNN` as a real tfjs-layers `Layer`, running on the shared
 * engine (h_t = φ(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel), φ = `activation`, default
 * tanh).
 *
 * Args: see {@link SimpleRNNArgs} (Keras' arguments in camelCase, Keras defaults).
 *
 * Call arguments and returns: those of every recurrent layer of the facade
 * (`./recurrent-layer`) with one state: `initialState` `[h0 (N, U)]`; with `returnState`,
 * `[output, h (N, U)]`.
 *
 * Weights (`getWeights()` / `setWeights()`, in this order): `kernel (F, U)`,
 * `recurrent_kernel (U, U)`, `bias (U)`.
 *
 * Example:
 * ```ts
 * const model = tf.sequential({layers: [layers.simpleRNN({units: 7, inputShape: [17, 10]})]});
 * model.predict(tf.randomNormal([2, 17, 10]));  // (2, 7)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { SIMPLE_RNN_CELL_KEYS, SimpleRNNArgs, resolveSimpleRnnCellArgs } from './gru-config';
import { RecurrentKind, RecurrentLayer } from './recurrent-layer';
import { SimpleRNNCell } from './simple-rnn-cell';

const SIMPLE_RNN_KIND: RecurrentKind<SimpleRNNCell> = {
  kind: 'SimpleRNN',
  namePrefix: 'simple_rnn',
  cellKeys: SIMPLE_RNN_CELL_KEYS,
  stateNames: ['h'],
  makeCell: (record, where) => new SimpleRNNCell(resolveSimpleRnnCellArgs(record, where)),
};

/** Keras' `SimpleRNN` layer on the lstm-bridge engine. See the module documentation. */
export class SimpleRNN extends RecurrentLayer<SimpleRNNCell> {
  /** Registered for serialization under its own name (tfjs-layers' `SimpleRNN` stays untouched). */
  static readonly className = 'LstmBridge.SimpleRNN';

  constructor(args: SimpleRNNArgs) {
    super(args, SIMPLE_RNN_KIND);
  }
}
tf.serialization.registerClass(SimpleRNN);

/**
 * Creates a {@link SimpleRNN} layer (the lower-case factory, like `tf.layers.simpleRNN`).
 *
 * Example:
 * ```ts
 * const rnn = layers.simpleRNN({units: 7, activation: 'relu', returnSequences: true});
 * ```
 */
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN {
  return new SimpleRNN(args);
}
