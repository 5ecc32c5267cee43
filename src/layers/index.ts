/** The Keras-style facade: `layers.LSTM`, `layers.Bidirectional` (real tfjs-layers Layers). */
export {};
