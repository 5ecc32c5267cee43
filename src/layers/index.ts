/**
 * The Keras-style facade: `layers.LSTM` and `layers.Bidirectional` as real tfjs-layers `Layer`s
 * on the shared engine, with Keras' argument names and defaults.
 *
 * Example:
 * ```ts
 * import { layers } from 'lstm-bridge';
 * const model = tf.sequential({layers: [
 *   layers.bidirectional({layer: layers.lstm({units: 7, returnSequences: true}), inputShape: [17, 10]}),
 *   layers.lstm({units: 7}),
 * ]});
 * ```
 */
export { LSTM, lstm } from './lstm';
export { Bidirectional, bidirectional } from './bidirectional';
export type { BidirectionalArgs, MergeMode } from './bidirectional';
export { LSTMCell } from './lstm-cell';
export type { DropoutMasks } from './lstm-cell';
export type { ActivationArg, CellConfig, LSTMArgs, LSTMCellArgs, RnnConfig } from './config';
export type { Constraint, Identifier, Initializer, Regularizer } from './identifiers';
