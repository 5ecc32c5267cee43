/** `nn.utils`: the `rnn` helpers. */
export * as rnn from './rnn';
