/**
 * RecurrentRunner (the facades' entry point) over the GRU and RNN kinds: the executor it picks (stepper for
 * one-step inference, fast otherwise, reference on request) and that every path gives the
 * stack's values; the stepper is rebuilt when the weights change; no leaks.
 * Tolerance: float32, 2e-5 absolute + 2e-5 relative.
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import type { CellWeights } from './cell';
import { gruStack } from './gru-stack';
import { RecurrentRunner } from './recurrent-runner';
import { GRU_RUNNER, RNN_RUNNER } from './runner-kinds';
import { rnnStack } from './rnn-stack';

const TOL = 2e-5;

function layer(I: number, H: number, G: number, seed: number): CellWeights {
  return {
    kernel: randomTensor([I, G * H], seed, 0.6) as tf.Tensor2D,
    recurrentKernel: randomTensor([H, G * H], seed + 1, 0.6) as tf.Tensor2D,
    bias: randomTensor([G * H], seed + 2, 0.5) as tf.Tensor1D,
    recurrentBias: randomTensor([G * H], seed + 3, 0.5) as tf.Tensor1D,
  };
}

/** New tensors of the same weights (a source hands the runner new tensors or variables: it owns them). */
function copies(layers: readonly { forward: CellWeights }[]): { forward: CellWeights }[] {
  const c = (t: tf.Tensor | null | undefined) => (t ? tf.clone(t) : t);
  return layers.map((l) => ({
    forward: {
      kernel: c(l.forward.kernel) as tf.Tensor2D, recurrentKernel: c(l.forward.recurrentKernel) as tf.Tensor2D,
      bias: c(l.forward.bias) as tf.Tensor1D, recurrentBias: c(l.forward.recurrentBias) as tf.Tensor1D,
    },
  }));
}

describe.each([
  ['gru', true], ['gru', false], ['rnn', true],
] as const)('RecurrentRunner %s (resetAfter %s)', (kind, resetAfter) => {
  const G = kind === 'gru' ? 3 : 1;
  const H = 4, I = 3, N = 2;
  const layers = [{ forward: layer(I, H, G, 1) }, { forward: layer(H, H, G, 11) }];
  const cellOptions = { resetAfter, activation: kind === 'rnn' ? ('relu' as const) : ('tanh' as const), recurrentActivation: 'sigmoid' as const };
  const reference = (x: tf.Tensor, h0: tf.Tensor[] | null) =>
    kind === 'gru' ? gruStack(x, layers, { ...cellOptions, h0 }) : rnnStack(x, layers, { activation: cellOptions.activation, h0 });
  const source = () => ({ layers: () => copies(layers), ids: () => layers.flatMap((l) => [l.forward.kernel]), options: () => cellOptions });
  const runnerKind = kind === 'gru' ? GRU_RUNNER : RNN_RUNNER;

  test('one step: the stepper, equal to the stack; then a sequence: fast', () => {
    const runner = new RecurrentRunner(runnerKind, source());
    const x1 = randomTensor([1, N, I], 5);
    const h0 = [randomTensor([N, H], 6), randomTensor([N, H], 7)];
    const before = tf.memory().numTensors;
    const a = runner.stack(x1, { states: [h0] });
    expect(runner.lastChoice?.executor).toBe('stepper');
    const ref = reference(x1, h0);
    expectClose(a.output, ref.output, TOL, TOL, 'output');
    a.states[0].forEach((v, k) => expectClose(v, ref.h[k], TOL, TOL, `h[${k}]`));
    tf.dispose([a.output, ...a.states[0], ref.output, ...ref.h]);
    const x5 = randomTensor([5, N, I], 8);
    const b = runner.stack(x5, { states: [h0] });
    expect(runner.lastChoice?.executor).toBe('fast');
    const ref5 = reference(x5, h0);
    expectClose(b.output, ref5.output, TOL, TOL, 'output (5 steps)');
    tf.dispose([b.output, ...b.states[0], ref5.output, ...ref5.h, x5]);
    const c = runner.stack(x1, { implementation: 'reference' });
    expect(runner.lastChoice?.executor).toBe('reference');
    tf.dispose([c.output, ...c.states[0]]);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('layer(): one step with the stepper, input mask → fast; equal to the first layer', () => {
    const runner = new RecurrentRunner(runnerKind, source());
    const x1 = randomTensor([1, N, I], 9);
    const h0 = randomTensor([N, H], 10);
    const before = tf.memory().numTensors;
    const s = runner.layer(x1, { initialState: [h0] });
    expect(runner.lastChoice?.executor).toBe('stepper');
    const ones = tf.ones([N, I]);
    const f = runner.layer(x1, { initialState: [h0], inputMask: ones });
    expect(runner.lastChoice?.executor).toBe('fast');
    expectClose(s.output, f.output, TOL, TOL, 'output');
    expectClose(s.states[0], f.states[0], TOL, TOL, 'h');
    tf.dispose([s.output, s.states[0], f.output, f.states[0], ones]);
    runner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a gradient being recorded runs the fast executor', () => {
    const runner = new RecurrentRunner(runnerKind, source());
    const x1 = randomTensor([1, N, I], 12);
    const g = tf.grad((x: tf.Tensor) => tf.sum(runner.stack(x).output))(x1);
    expect(runner.lastChoice?.executor).toBe('fast');
    expect(g.shape).toEqual([1, N, I]);
    g.dispose();
    runner.dispose();
  });
});

test('the stepper is rebuilt when a weight variable is assigned', () => {
  const w = layer(3, 4, 3, 30);
  const kernel = tf.variable(w.kernel);
  const layers = () => [{ forward: { ...w, kernel: kernel as unknown as tf.Tensor2D } }];
  const runner = new RecurrentRunner(GRU_RUNNER, {
    layers: () => copies(layers()).map((l) => ({ forward: { ...l.forward, kernel: kernel as unknown as tf.Tensor2D } })),
    ids: () => [kernel], options: () => ({}),
  });
  const x = randomTensor([1, 2, 3], 31);
  const a = runner.stack(x);
  kernel.assign(tf.mul(kernel, 0.5) as tf.Tensor2D);
  const b = runner.stack(x);
  expect(runner.lastChoice?.executor).toBe('stepper');
  const ref = gruStack(x, layers());
  expectClose(b.output, ref.output, TOL, TOL, 'after assign');
  expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a.output, b.output))).dataSync()[0])).toBeGreaterThan(1e-3);
  runner.dispose();
});
