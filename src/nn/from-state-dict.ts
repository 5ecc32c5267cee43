/**
 * `nn.fromStateDict`: builds whichever recurrent module a PyTorch state dict holds — `nn.LSTM`,
 * `nn.GRU`, `nn.RNN` or one of their cells — read from its keys and shapes
 * (`nn.stateDictKind`, `./state-dict-kind`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../errors';
import { GRU } from './gru';
import { GRUCell } from './gru-cell';
import { LSTM } from './lstm';
import { LSTMCell } from './lstm-cell';
import { RNN, RNNNonlinearity } from './rnn';
import { RNNCell } from './rnn-cell';
import { checkFromOptions, loadBuilt } from './stack-params';
import { describeKind, withArticle } from './state-dict-kind';

/** Options of {@link fromStateDict}: what the weights do not determine. */
export interface FromStateDictOptions {
  /** The module's keys' prefix (`'rnn.'`); found from the one `…weight_ih_l0` key without it. */
  readonly prefix?: string;
  readonly batchFirst?: boolean;
  readonly dropout?: number;
  /** RNN / RNNCell only (default `'tanh'`). */
  readonly nonlinearity?: RNNNonlinearity;
}

/** Any module {@link fromStateDict} builds. */
export type RecurrentModule = LSTM | GRU | RNN | LSTMCell | GRUCell | RNNCell;

/**
 * Builds the recurrent module a state dict holds, loaded with its weights.
 *
 * ```ts
 * const m = nn.fromStateDict(await io.loadTorch(bytes)); // an nn.GRU for a GRU's state dict
 * if (m instanceof nn.GRU) { const [out, hN] = m.forward(x); }
 * ```
 * @throws StateDictError when no recurrent module is found; ShapeError when the shapes fit none.
 */
export function fromStateDict(stateDict: tf.NamedTensorMap, options: FromStateDictOptions = {}): RecurrentModule {
  const where = 'nn.fromStateDict';
  const o = checkFromOptions(options, where);
  const { kind: k, own } = describeKind(stateDict, o.prefix, where);
  if (o.nonlinearity !== undefined && k.kind !== 'RNN' && k.kind !== 'RNNCell') {
    throw new ConfigError(`${where}: nonlinearity applies to an RNN or RNNCell, but the state dict holds ${withArticle(k.kind)}`);
  }
  const prefix = { prefix: k.prefix };
  const stack = { ...prefix, batchFirst: o.batchFirst, dropout: o.dropout };
  switch (k.kind) {
    case 'LSTM': return LSTM.fromStateDict(stateDict, stack);
    case 'GRU': return GRU.fromStateDict(stateDict, stack);
    case 'RNN': return RNN.fromStateDict(stateDict, { ...stack, nonlinearity: o.nonlinearity });
    case 'GRUCell': return GRUCell.fromStateDict(stateDict, prefix);
    case 'RNNCell': return RNNCell.fromStateDict(stateDict, { ...prefix, nonlinearity: o.nonlinearity });
    case 'LSTMCell': return loadBuilt(new LSTMCell(k.inputSize, k.hiddenSize, { bias: k.bias }), own, k.prefix);
  }
}
