/**
 * The PyTorch-style facade: `nn.LSTM`, `nn.GRU`, `nn.RNN` and their cells, `nn.utils.rnn`, the
 * `Module` base with `stateDict()` / `loadStateDict()`, and `nn.fromStateDict` /
 * `nn.stateDictKind` (which module a state dict holds).
 */
export { LSTM, lstmParamKeys } from './lstm';
export type { LSTMOptions, LSTMState, LstmStateDict } from './lstm';
export { LSTMCell } from './lstm-cell';
export type { LstmCellStateDict } from './lstm-cell';
export { GRU } from './gru';
export type { GRUOptions, GruStateDict } from './gru';
export { RNN } from './rnn';
export type { RNNNonlinearity, RNNOptions, RnnStateDict } from './rnn';
export { GRUCell } from './gru-cell';
export { RNNCell } from './rnn-cell';
export type { RecurrentStack } from './recurrent-stack';
export type { HiddenStack } from './hidden-stack';
export type { HiddenStackCall, HiddenStackLayer } from './hidden-stack';
export type { HiddenCell } from './hidden-cell';
export type { HiddenCellStateDict } from './hidden-cell';
export type { RecurrentStackOptions } from './recurrent-options';
export { fromStateDict } from './from-state-dict';
export type { FromStateDictOptions, RecurrentModule } from './from-state-dict';
export { stateDictKind } from './state-dict-kind';
export type { RecurrentKind, StateDictKind } from './state-dict-kind';
export { Module } from './module';
export type { IncompatibleKeys, LoadStateDictOptions } from './module';
export * as utils from './utils';
