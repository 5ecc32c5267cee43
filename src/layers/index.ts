/**
 * The Keras-style facade: `layers.LSTM`, `layers.GRU`, `layers.SimpleRNN` and
 * `layers.Bidirectional` (around any of them) as real tfjs-layers `Layer`s on the shared engine,
 * with Keras' argument names and defaults.
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
export { GRU, gru } from './gru';
export { SimpleRNN, simpleRNN } from './simple-rnn';
export { Bidirectional, bidirectional } from './bidirectional';
export type { BidirectionalArgs, MergeMode } from './bidirectional';
export { LSTMCell } from './lstm-cell';
export { GRUCell } from './gru-cell';
export { SimpleRNNCell } from './simple-rnn-cell';
export type { AddWeight, DropoutMasks } from './cell-base';
// The abstract bases are types only: construct a kind (`LSTM`, `GRU`, `SimpleRNN`), not a base.
export type { RecurCall, RecurResult, RecurrentKind, RecurrentLayer } from './recurrent-layer';
export type { RecurrentCellBase } from './cell-base';
export type { OneStateCell } from './one-state-cell';
export type {
  ActivationArg, CellConfig, LSTMArgs, LSTMCellArgs, RecurrentCellArgs, RecurrentCellConfig, RecurrentLayerArgs, RnnConfig,
} from './config';
export type { GRUArgs, GRUCellArgs, GruCellConfig, SimpleRNNArgs, SimpleRNNCellArgs, SimpleRnnCellConfig } from './gru-config';
export type { Constraint, Identifier, Initializer, Regularizer } from './identifiers';
