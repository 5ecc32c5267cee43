/**
 * LstmStepper (streaming, one step per call) against lstmStack on the whole sequence: the same
 * outputs and states step by step (tolerance 1e-5, float32), no leaks, typed errors.
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ConfigError, ShapeError } from '../errors';
import { ActivationName } from './activations';
import { lstmStack } from './lstm-stack';
import { LstmStepper } from './lstm-stepper';
import { LstmWeights } from './weights';

function weights(I: number, H: number, seed: number, P = 0, biases = 2): LstmWeights {
  return {
    kernel: randomTensor([I, 4 * H], seed, 0.5) as tf.Tensor2D,
    recurrentKernel: randomTensor([P || H, 4 * H], seed + 1, 0.5) as tf.Tensor2D,
    bias: biases >= 1 ? (randomTensor([4 * H], seed + 2, 0.5) as tf.Tensor1D) : null,
    recurrentBias: biases === 2 ? (randomTensor([4 * H], seed + 3, 0.5) as tf.Tensor1D) : null,
    projection: P ? (randomTensor([H, P], seed + 4, 0.5) as tf.Tensor2D) : null,
  };
}

test.each([
  ['one layer', [weights(3, 4, 1)], {}],
  ['two layers, one bias, projection', [weights(3, 5, 2, 2, 1), weights(2, 4, 3, 0, 0)], {}],
  ['hard sigmoid / relu', [weights(3, 4, 4)], { activation: 'relu', recurrentActivation: 'hardSigmoid' }],
  ['selu / swish', [weights(3, 4, 5)], { activation: 'selu', recurrentActivation: 'swish' }],
  // N·4H above SMALL_STEP_ELEMENTS: the tensor-kernel path instead of the JS loop.
  ['large step, projection, two layers (kernel path)', [weights(3, 300, 6, 40), weights(40, 300, 7)], {}],
  ['large step, hard sigmoid (kernel path)', [weights(3, 300, 8)], { recurrentActivation: 'hardSigmoid' }],
] as const)('%s: step by step equals lstmStack on the sequence', (_n, ws, o) => {
  const T = 6, N = ws[0].kernel.shape[1] > 1000 ? 4 : 2;
  const x = randomTensor([T, N, ws[0].kernel.shape[0]], 9);
  const opts = o as { activation?: ActivationName; recurrentActivation?: ActivationName };
  const ref = lstmStack(x, ws.map((w) => ({ forward: w })), opts);
  const before = tf.memory().numTensors;
  const stepper = new LstmStepper(ws, opts);
  let state: { h: tf.Tensor[]; c: tf.Tensor[] } | null = null;
  const outs: tf.Tensor[] = [];
  let steady = 0;
  for (let t = 0; t < T; t++) {
    const xt = tf.tidy(() => tf.squeeze(tf.slice(x, [t, 0, 0], [1, -1, -1]), [0]));
    const r = stepper.step(xt, state);
    xt.dispose();
    if (state) tf.dispose([...state.h, ...state.c]);
    state = { h: r.h, c: r.c };
    outs.push(r.output);
    // Steady state: each step adds only its output (the previous state was disposed).
    if (t === 0) steady = tf.memory().numTensors;
    else expect(tf.memory().numTensors).toBe(steady + t);
  }
  const stacked = tf.stack(outs);
  expectClose(stacked, ref.output, 1e-5, 0, 'output');
  stacked.dispose();
  state?.h.forEach((h, k) => expectClose(h, ref.h[k], 1e-5, 0, `h[${k}]`));
  state?.c.forEach((c, k) => expectClose(c, ref.c[k], 1e-5, 0, `c[${k}]`));
  tf.dispose([...outs, ...(state?.h ?? []), ...(state?.c ?? [])]);
  stepper.dispose();
  // Nothing left behind: the stepper's prepared weights are released with it.
  expect(tf.memory().numTensors).toBe(before);
});

test('typed errors for shapes, states and use after dispose', () => {
  const stepper = new LstmStepper([weights(3, 4, 1)], { where: 'layers.LSTM' });
  expect(() => stepper.step(tf.zeros([2, 5]))).toThrow(new ShapeError('layers.LSTM: x expected [N, 3], got [2, 5]'));
  expect(() => stepper.step(tf.zeros([2, 3]), { h: [tf.zeros([1, 4])], c: [tf.zeros([2, 4])] })).toThrow(
    /h\[0\] expected \[2, 4\], got \[1, 4\]/,
  );
  expect(() => new LstmStepper([weights(3, 4, 1), weights(5, 4, 2)])).toThrow(/layer 1 kernel expected \[4, 16\], got \[5, 16\]/);
  stepper.dispose();
  expect(() => stepper.step(tf.zeros([2, 3]))).toThrow(ConfigError);
});

test('steps run inside the caller\'s tf.tidy keep what the stepper caches', () => {
  const stepper = new LstmStepper([weights(3, 4, 1)]);
  const x = tf.ones([1, 3]);
  const first = tf.tidy(() => Array.from(stepper.step(x).output.dataSync()));
  const second = tf.tidy(() => Array.from(stepper.step(x).output.dataSync())); // reuses the cached weights
  expect(second).toEqual(first);
  stepper.dispose();
  x.dispose();
});
