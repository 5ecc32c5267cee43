/** The PyTorch-style facade: `nn.LSTM`, `nn.LSTMCell`, `nn.utils.rnn`. */
export {};
