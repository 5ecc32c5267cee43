/**
 * Helpers for the whole-model conversion suites: seeded PyTorch-style modules and Keras layers
 * (deterministic weights, so a fast-check counterexample replays), and tensor bookkeeping.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { LSTM, LSTMOptions } from '../../src/nn';
import { randomTensor, tf } from './tf';

/** An `nn.LSTM` whose parameters are seeded uniform values in [-scale, scale). */
export function seededLstm(inputSize: number, hiddenSize: number, options: LSTMOptions, seed: number, scale = 0.6): LSTM {
  const lstm = new LSTM(inputSize, hiddenSize, options);
  tf.tidy(() => {
    const sd: tf.NamedTensorMap = {};
    Object.entries(lstm.stateDict()).forEach(([key, p], k) => (sd[key] = randomTensor(p.shape, seed * 97 + k, scale)));
    lstm.loadStateDict(sd);
  });
  return lstm;
}

/** Sets every weight of a built layer (or model) to seeded uniform values in [-scale, scale). */
export function randomizeWeights(layer: tfl.layers.Layer, seed: number, scale = 0.6): void {
  const values = layer.getWeights().map((w, k) => randomTensor(w.shape, seed * 131 + k, scale));
  layer.setWeights(values);
  tf.dispose(values);
}

/** The outputs of a model call as a list. */
export function asList(out: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(out) ? out : [out];
}

/** Runs `fn` and checks that it leaves no tensor behind. */
export function expectNoLeak(fn: () => void): void {
  const before = tf.memory().numTensors;
  fn();
  expect(tf.memory().numTensors).toBe(before);
}

/** Like {@link expectNoLeak} for async functions. */
export async function expectNoLeakAsync(fn: () => Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await fn();
  expect(tf.memory().numTensors).toBe(before);
}
