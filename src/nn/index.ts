/**
 * The PyTorch-style facade: `nn.LSTM`, `nn.LSTMCell`, `nn.utils.rnn`, and the `Module` base
 * with `stateDict()` / `loadStateDict()`.
 */
export { LSTM, lstmParamKeys } from './lstm';
export type { LSTMOptions, LSTMState, LstmStateDict } from './lstm';
export { LSTMCell } from './lstm-cell';
export type { LstmCellStateDict } from './lstm-cell';
export { Module } from './module';
export type { IncompatibleKeys, LoadStateDictOptions } from './module';
export * as utils from './utils';
