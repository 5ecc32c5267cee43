/**
 * The fast executor against the reference loop (`implementation: 'reference'`, the engine's
 * original step loop with tfjs autodiff): values and gradients with respect to every input, for
 * every option, on the cpu backend. Tolerance: float32, 2e-5 absolute + 2e-5 relative (the two
 * paths sum the same terms in different orders).
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ActivationName } from './activations';
import { LstmLayerOptions, lstmLayer } from './lstm-layer';
import { setLazyGradients } from './lazy-grad';
import { lstmStack } from './lstm-stack';
import { LstmWeights } from './weights';

const ATOL = 2e-5;
const RTOL = 2e-5;

function weights(I: number, H: number, P: number, seed: number, biases: 0 | 1 | 2 = 2): LstmWeights {
  return {
    kernel: randomTensor([I, 4 * H], seed, 0.6) as tf.Tensor2D,
    recurrentKernel: randomTensor([P || H, 4 * H], seed + 1, 0.6) as tf.Tensor2D,
    bias: biases >= 1 ? (randomTensor([4 * H], seed + 2, 0.5) as tf.Tensor1D) : null,
    recurrentBias: biases === 2 ? (randomTensor([4 * H], seed + 3, 0.5) as tf.Tensor1D) : null,
    projection: P ? (randomTensor([H, P], seed + 4, 0.6) as tf.Tensor2D) : null,
  };
}

interface Case {
  name: string;
  T: number; N: number; I: number; H: number; P?: number; biases?: 0 | 1 | 2;
  options?: Omit<LstmLayerOptions, 'initialState' | 'recurrentInputMask' | 'mask'>;
  initialState?: boolean;
  recurrentInputMask?: boolean;
  maskRows?: number[][]; // (T, N) of 0/1
}

const CASES: Case[] = [
  { name: 'plain', T: 6, N: 3, I: 4, H: 5 },
  { name: 'one step', T: 1, N: 2, I: 3, H: 4 },
  { name: 'reverse', T: 5, N: 2, I: 3, H: 4, options: { reverse: true } },
  { name: 'lengths', T: 6, N: 3, I: 4, H: 5, options: { lengths: [6, 2, 4] } },
  { name: 'lengths reverse', T: 6, N: 3, I: 4, H: 5, options: { lengths: [3, 6, 1], reverse: true } },
  { name: 'lengths with a zero, carry', T: 5, N: 3, I: 2, H: 3, options: { lengths: [5, 0, 2], maskedOutput: 'carry' } },
  { name: 'lengths carry reverse', T: 5, N: 3, I: 2, H: 3, options: { lengths: [2, 5, 4], maskedOutput: 'carry', reverse: true } },
  {
    name: 'non-right-padded mask, carry', T: 6, N: 3, I: 3, H: 4, options: { maskedOutput: 'carry' },
    maskRows: [[0, 1, 1], [1, 0, 1], [0, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 0]],
  },
  {
    name: 'non-right-padded mask, zero, reverse', T: 6, N: 3, I: 3, H: 4, options: { reverse: true },
    maskRows: [[0, 1, 1], [1, 0, 1], [0, 0, 0], [1, 1, 0], [1, 1, 1], [0, 1, 0]],
  },
  { name: 'projection', T: 5, N: 2, I: 3, H: 6, P: 3 },
  { name: 'projection + lengths + state', T: 5, N: 3, I: 3, H: 6, P: 2, options: { lengths: [5, 3, 1] }, initialState: true },
  { name: 'initial state', T: 4, N: 2, I: 3, H: 4, initialState: true },
  { name: 'initial state, fully masked element', T: 4, N: 2, I: 3, H: 4, initialState: true, options: { lengths: [0, 4] } },
  { name: 'one bias', T: 4, N: 2, I: 3, H: 4, biases: 1 },
  { name: 'no bias', T: 4, N: 2, I: 3, H: 4, biases: 0 },
  { name: 'recurrent input mask', T: 5, N: 3, I: 3, H: 4, recurrentInputMask: true, initialState: true },
  { name: 'recurrent input mask + lengths + carry', T: 5, N: 3, I: 3, H: 4, recurrentInputMask: true, options: { lengths: [5, 2, 3], maskedOutput: 'carry' } },
];

const ACTIVATION_PAIRS: [ActivationName, ActivationName][] = [
  ['relu', 'hardSigmoid'],
  ['linear', 'hardSigmoidKeras3'],
  ['elu', 'sigmoid'],
  ['selu', 'softsign'],
  ['softplus', 'swish'],
  ['relu6', 'tanh'],
  ['swish', 'softplus'],
];
for (const [activation, recurrentActivation] of ACTIVATION_PAIRS) {
  CASES.push({
    name: `activations ${activation}/${recurrentActivation}`, T: 4, N: 3, I: 3, H: 4,
    options: { activation, recurrentActivation, lengths: [4, 2, 3] }, initialState: true,
  });
}

function build(c: Case, seed: number) {
  const w = weights(c.I, c.H, c.P ?? 0, seed, c.biases ?? 2);
  const Hout = c.P || c.H;
  const x = randomTensor([c.T, c.N, c.I], seed + 10);
  const h0 = c.initialState ? randomTensor([c.N, Hout], seed + 11, 0.5) : null;
  const c0 = c.initialState ? randomTensor([c.N, c.H], seed + 12, 0.5) : null;
  const rim = c.recurrentInputMask ? tf.tensor2d(Array.from({ length: c.N * Hout }, (_, k) => ((k * 7) % 3) / 1.5), [c.N, Hout]) : null;
  const mask = c.maskRows ? tf.tensor2d(c.maskRows, [c.T, c.N]) : null;
  // Fixed random weighting of the three results, so every output element matters to the loss.
  const wOut = randomTensor([c.T, c.N, Hout], seed + 13);
  const wH = randomTensor([c.N, Hout], seed + 14);
  const wC = randomTensor([c.N, c.H], seed + 15);
  return { w, x, h0, c0, rim, mask, wOut, wH, wC };
}

describe('engine fast executor equals the reference loop', () => {
  test.each(CASES.map((c, k) => [c.name, c, k] as const))('%s: values', (_name, c, k) => {
    const b = build(c, 100 + 20 * k);
    const opts: LstmLayerOptions = {
      ...c.options,
      initialState: b.h0 && b.c0 ? [b.h0, b.c0] : null,
      recurrentInputMask: b.rim,
      mask: b.mask,
    };
    const ref = lstmLayer(b.x, b.w, { ...opts, implementation: 'reference' });
    const before = tf.memory().numTensors;
    const fast = lstmLayer(b.x, b.w, opts);
    expect(tf.memory().numTensors).toBe(before + 3);
    expectClose(fast.output, ref.output, ATOL, RTOL, 'output');
    expectClose(fast.h, ref.h, ATOL, RTOL, 'h');
    expectClose(fast.c, ref.c, ATOL, RTOL, 'c');
  });

  test.each(CASES.map((c, k) => [c.name, c, k] as const))('%s: gradients of every input', (_name, c, k) => {
    const b = build(c, 100 + 20 * k);
    const names = ['x', 'kernel', 'recurrentKernel', 'bias', 'recurrentBias', 'projection', 'h0', 'c0', 'rim'] as const;
    const given = [b.x, b.w.kernel, b.w.recurrentKernel, b.w.bias, b.w.recurrentBias, b.w.projection, b.h0, b.c0, b.rim];
    const present = names.filter((_, j) => given[j]);
    const args = given.filter((t): t is tf.Tensor => !!t);
    const loss = (implementation: 'fast' | 'reference') => (...ts: tf.Tensor[]) => {
      const get = (n: (typeof names)[number]) => (present.includes(n) ? ts[present.indexOf(n)] : null);
      const r = lstmLayer(
        get('x') as tf.Tensor,
        {
          kernel: get('kernel') as tf.Tensor2D,
          recurrentKernel: get('recurrentKernel') as tf.Tensor2D,
          bias: get('bias') as tf.Tensor1D | null,
          recurrentBias: get('recurrentBias') as tf.Tensor1D | null,
          projection: get('projection') as tf.Tensor2D | null,
        },
        {
          ...c.options,
          initialState: get('h0') ? [get('h0') as tf.Tensor, get('c0') as tf.Tensor] : null,
          recurrentInputMask: get('rim'),
          mask: b.mask,
          implementation,
        },
      );
      return tf.addN([tf.sum(tf.mul(r.output, b.wOut)), tf.sum(tf.mul(r.h, b.wH)), tf.sum(tf.mul(r.c, b.wC))]) as tf.Scalar;
    };
    const refGrads = tf.grads(loss('reference'))(args);
    const before = tf.memory().numTensors;
    const fastGrads = tf.grads(loss('fast'))(args);
    expect(tf.memory().numTensors).toBe(before + args.length);
    present.forEach((n, j) => expectClose(fastGrads[j], refGrads[j], ATOL, RTOL, `d${n}`));
    tf.dispose([...refGrads, ...fastGrads]);
  });
});

describe('engine fast executor inside stacks and optimizers', () => {
  test('tf.variableGrads through a 2-layer bidirectional stack with lengths', () => {
    const I = 3, H = 4, T = 5, N = 3;
    const mk = (i: number, s: number) => {
      const w = weights(i, H, 0, s);
      return {
        kernel: tf.variable(w.kernel) as tf.Variable<tf.Rank.R2>,
        recurrentKernel: tf.variable(w.recurrentKernel) as tf.Variable<tf.Rank.R2>,
        bias: tf.variable(w.bias as tf.Tensor1D) as tf.Variable<tf.Rank.R1>,
        recurrentBias: tf.variable(w.recurrentBias as tf.Tensor1D) as tf.Variable<tf.Rank.R1>,
      };
    };
    const layers = [{ forward: mk(I, 1), backward: mk(I, 11) }, { forward: mk(2 * H, 21), backward: mk(2 * H, 31) }];
    const x = randomTensor([T, N, I], 41);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(lstmStack(x, layers, { lengths: [5, 3, 2] }).output) as tf.Scalar);
    expect(Object.keys(grads)).toHaveLength(16);
    // The same stack computed layer by layer with the reference loop.
    const refGrads = tf.variableGrads(() => {
      let input: tf.Tensor = x;
      for (const l of layers) {
        const a = lstmLayer(input, l.forward, { lengths: [5, 3, 2], implementation: 'reference' });
        const bwd = lstmLayer(input, l.backward, { lengths: [5, 3, 2], reverse: true, implementation: 'reference' });
        input = tf.concat([a.output, bwd.output], 2);
      }
      return tf.sum(input) as tf.Scalar;
    });
    expectClose(value, refGrads.value, ATOL, RTOL, 'loss');
    for (const name of Object.keys(grads)) expectClose(grads[name], refGrads.grads[name], ATOL, RTOL, name);
    tf.dispose([value, refGrads.value, ...Object.values(grads), ...Object.values(refGrads.grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('engine fast executor without lazy gradients', () => {
  test('the tf.customGrad fallback (another tfjs without runKernelFunc) gives the same gradients', () => {
    const T = 4, N = 2, I = 3, H = 4;
    const w = weights(I, H, 0, 77);
    const x = randomTensor([T, N, I], 78);
    const loss = (xs: tf.Tensor, k: tf.Tensor, b: tf.Tensor) =>
      tf.sum(lstmLayer(xs, { ...w, kernel: k as tf.Tensor2D, bias: b as tf.Tensor1D }, { lengths: [4, 2] }).output) as tf.Scalar;
    const lazy = tf.grads(loss)([x, w.kernel, w.bias as tf.Tensor]);
    setLazyGradients(false);
    try {
      const before = tf.memory().numTensors;
      const eager = tf.grads(loss)([x, w.kernel, w.bias as tf.Tensor]);
      expect(tf.memory().numTensors).toBe(before + 3);
      lazy.forEach((g, j) => expectClose(eager[j], g, 1e-7, 0, `grad ${j}`));
    } finally {
      setLazyGradients(true);
    }
  });
});
