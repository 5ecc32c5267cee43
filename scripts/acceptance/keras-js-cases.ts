/**
 * The layer arguments of keras-js' Keras 2.0 golden vectors
 * (`../shared/acceptance/keras-js-golden/{LSTM,Bidirectional_LSTM}.json`), as keras-js' notebooks
 * (`notebooks/layers/recurrent/LSTM.ipynb`, `wrappers/Bidirectional.ipynb`) built them; stateful
 * cases ran `predict` twice and recorded the second result. Inputs, weights and outputs are
 * rounded to 6 decimals there, hence a tolerance of 2e-5.
 */
import type { LSTMArgs } from '../../src/layers';

/** One golden array. */
export interface GoldenArray {
  data: number[];
  shape: number[];
}

/** One golden case: input (T, F) without the batch, weights in `get_weights()` order, output. */
export interface GoldenCase {
  input: GoldenArray;
  weights: GoldenArray[];
  expected: GoldenArray;
}

export const GOLDEN_TOLERANCE = 2e-5;

const HS = { units: 4, activation: 'tanh', recurrentActivation: 'hard_sigmoid' } as const;

/** keras-js' LSTM cases. */
export const LSTM_CASES: Record<string, LSTMArgs> = {
  'recurrent.LSTM.0': { ...HS },
  'recurrent.LSTM.1': { units: 5, activation: 'sigmoid', recurrentActivation: 'sigmoid' },
  'recurrent.LSTM.2': { ...HS, returnSequences: true },
  'recurrent.LSTM.3': { ...HS, goBackwards: true },
  'recurrent.LSTM.4': { ...HS, returnSequences: true, goBackwards: true },
  'recurrent.LSTM.5': { ...HS, stateful: true },
  'recurrent.LSTM.6': { ...HS, returnSequences: true, stateful: true },
  'recurrent.LSTM.7': { ...HS, goBackwards: true, stateful: true },
  'recurrent.LSTM.8': { ...HS, useBias: true, returnSequences: true, goBackwards: true, stateful: true },
};

/** keras-js' Bidirectional case: merge_mode 'concat', LSTM(4, tanh, hard_sigmoid, return_sequences=True). */
export const BIDIRECTIONAL_CASE: LSTMArgs = { ...HS, returnSequences: true };
