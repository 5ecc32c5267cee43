/** Conversions of weights, gate orders, layouts and states between LSTM conventions. */
export {};
