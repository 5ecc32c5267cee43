/**
 * A page whose bundle imports only tfjs-core and `{ nn }` (the suite checks that the bundle has
 * no tfjs-layers): nn.LSTM forward, gradients and packed sequences on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { nnChecks, type CheckResults } from './checks-nn';

async function runNnOnly(): Promise<{ results: CheckResults; leaked: number }> {
  if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend did not initialize');
  const before = tf.memory().numTensors;
  const results: CheckResults = {};
  nnChecks(results);
  return { results, leaked: tf.memory().numTensors - before };
}

Object.assign(globalThis, { runNnOnly, __ready: true });
