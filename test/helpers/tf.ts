/**
 * Test setup shared by the suites: tfjs-core with the cpu backend, chained ops registered.
 * Importing this module selects the cpu backend for the test process (tests may change global
 * state; the library never does).
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { seededRandom, uniformValues } from '../../src/cli/random';
import { registerChainedOps } from '../../src/engine/internal';

registerChainedOps();
void tf.setBackend('cpu');
// The cpu backend greets its first tensor in Node with a banner suggesting tfjs-node; tests
// have no use for it.
(tf.backend() as unknown as { firstUse: boolean }).firstUse = false;

export { tf };

/** Deterministic pseudo-random numbers (mulberry32), for inputs and weights in tests. */
export const rng = seededRandom;

/** A tensor of uniform values in [-scale, scale) from a seeded generator. */
export function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(uniformValues(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
}

/** Largest absolute difference between two tensors or arrays of the same size. */
export function maxAbsDiff(a: tf.Tensor | ArrayLike<number>, b: tf.Tensor | ArrayLike<number>): number {
  const x = a instanceof tf.Tensor ? a.dataSync() : a;
  const y = b instanceof tf.Tensor ? b.dataSync() : b;
  if (x.length !== y.length) throw new Error(`maxAbsDiff: sizes differ (${x.length} vs ${y.length})`);
  let m = 0;
  for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k] - y[k]));
  return m;
}

/** Asserts element-wise closeness with an absolute + relative tolerance, naming the failure. */
export function expectClose(
  actual: tf.Tensor | ArrayLike<number>,
  expected: tf.Tensor | ArrayLike<number>,
  atol: number,
  rtol = 0,
  what = 'value',
): void {
  const x = actual instanceof tf.Tensor ? actual.dataSync() : actual;
  const y = expected instanceof tf.Tensor ? expected.dataSync() : expected;
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor) {
    expect(actual.shape).toEqual(expected.shape);
  }
  expect(x.length).toBe(y.length);
  for (let k = 0; k < x.length; k++) {
    const tol = atol + rtol * Math.abs(y[k]);
    if (!(Math.abs(x[k] - y[k]) <= tol)) {
      throw new Error(`${what}[${k}]: expected ${y[k]}, got ${x[k]} (|diff| ${Math.abs(x[k] - y[k])} > ${tol})`);
    }
  }
}

/** Whether tfjs-node loads in this process (it cannot install offline: its install downloads libtensorflow). */
export function tfjsNodeLoads(): boolean {
  try {
    require('@tensorflow/tfjs-node'); // eslint-disable-line @typescript-eslint/no-require-imports
    return true;
  } catch {
    return false;
  }
}
