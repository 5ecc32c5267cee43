/**
 * The fast executor on the wasm backend (where it computes tanh through sigmoid and cuts steps
 * by read-back) against the reference loop on the same backend: values and gradients.
 * Tolerance: float32, 3e-5 absolute + 3e-5 relative.
 */
import * as path from 'path';

import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { LstmLayerOptions, lstmLayer } from './lstm-layer';
import { tanhViaSigmoid } from './fused';
import { lstmStack } from './lstm-stack';
import { LstmStepper } from './lstm-stepper';
import { LstmWeights } from './weights';

const TOL = 3e-5;

beforeAll(async () => {
  setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
  expect(await tf.setBackend('wasm')).toBe(true);
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

function weights(I: number, H: number, P: number, seed: number): LstmWeights {
  return {
    kernel: randomTensor([I, 4 * H], seed, 0.6) as tf.Tensor2D,
    recurrentKernel: randomTensor([P || H, 4 * H], seed + 1, 0.6) as tf.Tensor2D,
    bias: randomTensor([4 * H], seed + 2, 0.5) as tf.Tensor1D,
    recurrentBias: randomTensor([4 * H], seed + 3, 0.5) as tf.Tensor1D,
    projection: P ? (randomTensor([H, P], seed + 4, 0.6) as tf.Tensor2D) : null,
  };
}

test('tanh through sigmoid equals tanh to float32 rounding', () => {
  const x = tf.linspace(-12, 12, 4001);
  expectClose(tanhViaSigmoid(x), tf.tanh(x), 2.5e-7, 0, 'tanh');
});

test.each([
  ['plain', 7, 3, 4, 5, 0, {}],
  ['reverse + lengths + carry', 6, 3, 4, 5, 0, { reverse: true, lengths: [6, 2, 0], maskedOutput: 'carry' }],
  ['projection + hard sigmoid', 5, 2, 3, 6, 2, { recurrentActivation: 'hardSigmoid' }],
  ['relu candidate', 5, 2, 3, 4, 0, { activation: 'relu' }],
  ['few rows (one product per step)', 2, 1, 9, 6, 0, { lengths: [1] }],
  ['large steps (tanh through sigmoid)', 3, 64, 8, 40, 0, {}],
] as const)('wasm: %s, values and gradients equal the reference loop', (_n, T, N, I, H, P, o) => {
  const w = weights(I, H, P, 7);
  const x = randomTensor([T, N, I], 8);
  const wOut = randomTensor([T, N, P || H], 9);
  const opts = o as LstmLayerOptions;
  const run = (implementation: 'fast' | 'reference') => (xs: tf.Tensor, k: tf.Tensor, rk: tf.Tensor) => {
    const r = lstmLayer(xs, { ...w, kernel: k as tf.Tensor2D, recurrentKernel: rk as tf.Tensor2D }, { ...opts, implementation });
    return tf.add(tf.sum(tf.mul(r.output, wOut)), tf.sum(r.c)) as tf.Scalar;
  };
  const before = tf.memory().numTensors;
  const fast = lstmLayer(x, w, opts);
  const ref = lstmLayer(x, w, { ...opts, implementation: 'reference' });
  expectClose(fast.output, ref.output, TOL, TOL, 'output');
  expectClose(fast.h, ref.h, TOL, TOL, 'h');
  expectClose(fast.c, ref.c, TOL, TOL, 'c');
  tf.dispose([fast.output, fast.h, fast.c, ref.output, ref.h, ref.c]);
  expect(tf.memory().numTensors).toBe(before);
  const gFast = tf.grads(run('fast'))([x, w.kernel, w.recurrentKernel]);
  const gRef = tf.grads(run('reference'))([x, w.kernel, w.recurrentKernel]);
  ['dx', 'dKernel', 'dRecurrentKernel'].forEach((name, j) => expectClose(gFast[j], gRef[j], TOL, TOL, name));
  tf.dispose([...gFast, ...gRef]);
  expect(tf.memory().numTensors).toBe(before);
});

test.each([
  ['small steps (JS gate loop)', 6, 2],
  ['large steps (kernel path)', 400, 3],
])('wasm: LstmStepper, %s, step by step equals lstmStack on the sequence', (_n, H, N) => {
  const w = weights(5, H, 21, 0);
  const x = randomTensor([4, N, 5], 22);
  const ref = lstmStack(x, [{ forward: w }]);
  const stepper = new LstmStepper([w]);
  let state: { h: tf.Tensor[]; c: tf.Tensor[] } | null = null;
  for (let t = 0; t < 4; t++) {
    const xt = tf.tidy(() => tf.squeeze(tf.slice(x, [t, 0, 0], [1, -1, -1]), [0]));
    const r = stepper.step(xt, state);
    const expected = tf.tidy(() => tf.squeeze(tf.slice(ref.output, [t, 0, 0], [1, -1, -1]), [0]));
    expectClose(r.output, expected, TOL, TOL, `output[${t}]`);
    tf.dispose([xt, expected, r.output, ...(state ? [...state.h, ...state.c] : [])]);
    state = { h: r.h, c: r.c };
  }
  expectClose(state!.c[0], ref.c[0], TOL, TOL, 'c');
  stepper.dispose();
});
