/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * The session cache under load: hundreds of different weight sets in flight at once through
 * onnxruntime. The cache keeps at most SESSION_CACHE_SIZE sessions, but a session evicted while
 * calls run on it is released only after they end (before, 192 of 200 calls failed with
 * onnxruntime's "Session already disposed.").
 */
import { randomTensor, expectClose, tf } from '../../test/helpers/tf';
import { LSTM } from '../nn';
import { LstmStackLayer, lstmStack } from '../engine';
import { lstmStackAsync } from './lstm-async';
import { SESSION_CACHE_SIZE, clearOnnxSessionCache, onnxSessionCacheSize } from './ort-executor';

afterAll(async () => {
  await clearOnnxSessionCache();
});

function layer(seed: number): LstmStackLayer[] {
  const w = {
    kernel: randomTensor([3, 8], seed, 0.5) as tf.Tensor2D,
    recurrentKernel: randomTensor([2, 8], seed + 1, 0.5) as tf.Tensor2D,
    bias: randomTensor([8], seed + 2, 0.5) as tf.Tensor1D,
    recurrentBias: null,
    projection: null,
  };
  return [{ forward: w, backward: null }];
}

test('120 weight sets in flight at once: every call succeeds with the tfjs values', async () => {
  await clearOnnxSessionCache();
  const x = randomTensor([4, 2, 3], 1);
  const stacks = Array.from({ length: 120 }, (_, k) => layer(10 * k));
  const results = await Promise.all(stacks.map((s) => lstmStackAsync(x, s, { executor: 'onnxruntime' })));
  expect(onnxSessionCacheSize()).toBeLessThanOrEqual(SESSION_CACHE_SIZE);
  for (const k of [0, 7, 8, 60, 119]) {
    const want = lstmStack(x, stacks[k]);
    expectClose(results[k].output, want.output, 1e-5);
    tf.dispose([want.output, ...want.h, ...want.c]);
  }
  for (const r of results) tf.dispose([r.output, ...r.h, ...r.c]);
  tf.dispose([x, ...stacks.flatMap((s) => [s[0].forward.kernel, s[0].forward.recurrentKernel, s[0].forward.bias as tf.Tensor])]);
});

test('nn.LSTM.forwardAsync on 100 modules at once, and a cache cleared mid-flight', async () => {
  const modules = Array.from({ length: 100 }, () => new LSTM(3, 2));
  const x = randomTensor([5, 1, 3], 2);
  const before = tf.memory().numTensors;
  const pending = modules.map((m) => m.forwardAsync(x, null, { executor: 'onnxruntime' }));
  const cleared = clearOnnxSessionCache();
  const outs = await Promise.all(pending);
  await cleared;
  expect(outs).toHaveLength(100);
  for (const [y, [h, c]] of outs) {
    expect(y.shape).toEqual([5, 1, 2]);
    tf.dispose([y, h, c]);
  }
  expect(tf.memory().numTensors).toBe(before);
  // Sessions still work after the storm: the same module again.
  const [y, [h, c]] = await modules[0].forwardAsync(x, null, { executor: 'onnxruntime' });
  const [yTf, [hTf, cTf]] = modules[0].forward(x);
  expectClose(y, yTf, 1e-5);
  tf.dispose([y, h, c, yTf, hTf, cTf, x]);
  for (const m of modules) m.dispose();
});
