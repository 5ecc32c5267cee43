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

import { CELL_KEYS, LSTMArgs, resolveCellArgs } from './config';
import { LSTMCell } from './lstm-cell';
import { RecurrentKind, RecurrentLayer } from './recurrent-layer';

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

  constructor(args: LSTMArgs) {
    super(args, LSTM_KIND);
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
