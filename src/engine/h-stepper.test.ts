/**
 * GruStepper (reset after and before) and RnnStepper, step by step, against gruStack /
 * rnnStack on the whole sequence: outputs and final states, 2 layers, with and without
 * biases, cpu and wasm. No leaks (the prepared weights are released by dispose, each step's
 * intermediates at once). Tolerance: float32, 2e-5 absolute + 2e-5 relative (3e-5 on wasm).
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { useWasmBackend } from '../../test/helpers/wasm';
import { ActivationName } from './activations';
import { GruStepper, HStepper, RnnStepper } from './h-stepper';
import { gruStack } from './gru-stack';
import { rnnStack } from './rnn-stack';
import { ShapeError } from '../errors';

function layer(I: number, H: number, G: number, seed: number, biases: boolean) {
  return {
    kernel: randomTensor([I, G * H], seed, 0.6) as tf.Tensor2D,
    recurrentKernel: randomTensor([H, G * H], seed + 1, 0.6) as tf.Tensor2D,
    bias: biases ? (randomTensor([G * H], seed + 2, 0.5) as tf.Tensor1D) : null,
    recurrentBias: biases ? (randomTensor([G * H], seed + 3, 0.5) as tf.Tensor1D) : null,
  };
}

type Kind = 'gru-after' | 'gru-before' | 'rnn';

function compare(kind: Kind, H: number, N: number, biases: boolean, activation: ActivationName, recurrentActivation: ActivationName, tol: number) {
  const G = kind === 'rnn' ? 1 : 3;
  const I = 5, T = 4;
  const layers = [layer(I, H, G, 1, biases), layer(H, H, G, 11, biases)];
  const x = randomTensor([T, N, I], 21);
  const h0 = [randomTensor([N, H], 22, 0.5), randomTensor([N, H], 23, 0.5)];
  const resetAfter = kind === 'gru-after';
  const ref = kind === 'rnn'
    ? rnnStack(x, layers.map((w) => ({ forward: w })), { activation, h0 })
    : gruStack(x, layers.map((w) => ({ forward: w })), { resetAfter, activation, recurrentActivation, h0 });
  const before = tf.memory().numTensors;
  const stepper: HStepper = kind === 'rnn' ? new RnnStepper(layers, { activation }) : new GruStepper(layers, { resetAfter, activation, recurrentActivation });
  let h: tf.Tensor[] = h0;
  for (let t = 0; t < T; t++) {
    const xt = tf.tidy(() => tf.squeeze(tf.slice(x, [t, 0, 0], [1, -1, -1]), [0]));
    const r = stepper.step(xt, h);
    const expected = tf.tidy(() => tf.squeeze(tf.slice(ref.output, [t, 0, 0], [1, -1, -1]), [0]));
    expectClose(r.output, expected, tol, tol, `output[${t}]`);
    tf.dispose([xt, expected, r.output, ...(h === h0 ? [] : h)]);
    h = r.h;
  }
  h.forEach((v, k) => expectClose(v, ref.h[k], tol, tol, `h[${k}]`));
  tf.dispose(h);
  stepper.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

const CASES: [string, Kind, number, number, boolean, ActivationName, ActivationName][] = [
  ['GRU reset after', 'gru-after', 6, 2, true, 'tanh', 'sigmoid'],
  ['GRU reset after, no biases, hardSigmoid', 'gru-after', 6, 3, false, 'tanh', 'hardSigmoid'],
  ['GRU reset before', 'gru-before', 6, 2, true, 'tanh', 'sigmoid'],
  ['GRU reset before, relu / hardSigmoid', 'gru-before', 5, 1, true, 'relu', 'hardSigmoid'],
  ['GRU large (H 120)', 'gru-after', 120, 3, true, 'tanh', 'sigmoid'],
  ['RNN tanh', 'rnn', 6, 2, true, 'tanh', 'sigmoid'],
  ['RNN relu, no biases', 'rnn', 6, 2, false, 'relu', 'sigmoid'],
];

describe('cpu', () => {
  test.each(CASES)('%s: step by step equals the stack on the sequence', (_n, kind, H, N, b, a, ra) => compare(kind, H, N, b, a, ra, 2e-5));

  test('zero state when h is null; a wrong state shape throws a ShapeError, leaks nothing', () => {
    const w = layer(3, 4, 3, 5, true);
    const stepper = new GruStepper([w]);
    const x = randomTensor([2, 3], 6);
    const before = tf.memory().numTensors;
    const a = stepper.step(x, null);
    const x3 = tf.expandDims(x, 0);
    const ref = gruStack(x3, [{ forward: w }]);
    expectClose(a.output, ref.h[0], 2e-5, 2e-5, 'h');
    tf.dispose([a.output, ...a.h, ref.output, ...ref.h, x3]);
    const bad = tf.zeros([2, 5]);
    expect(() => stepper.step(x, [bad])).toThrow(ShapeError);
    bad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    stepper.dispose();
  });
});

test.each(['gru', 'rnn'] as const)('a %s stepper made inside a tidy keeps its prepared weights after it (the facades build theirs in one)', (kind) => {
  const G = kind === 'gru' ? 3 : 1;
  const w = layer(3, 4, G, 40, true);
  let made: HStepper | null = null;
  tf.tidy(() => {
    made = kind === 'gru' ? new GruStepper([w]) : new RnnStepper([w]);
  });
  const stepper = made as unknown as HStepper;
  const x = randomTensor([2, 3], 41);
  const a = stepper.step(x, null);
  const x3 = tf.expandDims(x, 0);
  const ref = kind === 'gru' ? gruStack(x3, [{ forward: w }]) : rnnStack(x3, [{ forward: w }]);
  expectClose(a.output, ref.h[0], 2e-5, 2e-5, 'h');
  tf.dispose([a.output, ...a.h, ref.output, ...ref.h, x3, x]);
  stepper.dispose();
});

describe('wasm', () => {
  useWasmBackend();
  test.each(CASES)('%s: step by step equals the stack on the sequence', (_n, kind, H, N, b, a, ra) => compare(kind, H, N, b, a, ra, 3e-5));
});
