import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ShapeError } from '../errors';
import { ActivationName } from './activations';
import { lstmCellStep, lstmLayer } from './lstm-layer';
import { LstmWeights } from './weights';

/**
 * An independent scalar reference of the LSTM equations in plain JS (float64), written from the
 * equations in `weights.ts`, not from the tensor code under test.
 */
function referenceLstm(
  x: number[][][], // [T][N][I]
  k: number[][], rk: number[][], b: number[] | null, proj: number[][] | null,
  opts: { reverse?: boolean; lengths?: number[]; carry?: boolean; act?: (v: number) => number; rec?: (v: number) => number;
    h0?: number[][]; c0?: number[][] },
) {
  const T = x.length, N = x[0].length, H = k[0].length / 4, Hout = proj ? proj[0].length : H;
  const act = opts.act ?? Math.tanh;
  const rec = opts.rec ?? ((v: number) => 1 / (1 + Math.exp(-v)));
  const out = Array.from({ length: T }, () => Array.from({ length: N }, () => new Array(Hout).fill(0)));
  const hN: number[][] = [], cN: number[][] = [];
  for (let n = 0; n < N; n++) {
    let h = opts.h0 ? [...opts.h0[n]] : new Array(Hout).fill(0);
    let c = opts.c0 ? [...opts.c0[n]] : new Array(H).fill(0);
    let prev = new Array(Hout).fill(0);
    const len = opts.lengths ? opts.lengths[n] : T;
    for (let s = 0; s < T; s++) {
      const t = opts.reverse ? T - 1 - s : s;
      if (t >= len) { out[t][n] = opts.carry ? [...prev] : new Array(Hout).fill(0); continue; }
      const z = new Array(4 * H).fill(0);
      for (let j = 0; j < 4 * H; j++) {
        let v = b ? b[j] : 0;
        for (let i = 0; i < x[t][n].length; i++) v += x[t][n][i] * k[i][j];
        for (let i = 0; i < Hout; i++) v += h[i] * rk[i][j];
        z[j] = v;
      }
      const cNew = new Array(H), hc = new Array(H);
      for (let j = 0; j < H; j++) {
        const ig = rec(z[j]), fg = rec(z[H + j]), gg = act(z[2 * H + j]), og = rec(z[3 * H + j]);
        cNew[j] = fg * c[j] + ig * gg;
        hc[j] = og * act(cNew[j]);
      }
      c = cNew;
      h = proj ? Array.from({ length: Hout }, (_, p) => hc.reduce((a, v, j) => a + v * proj[j][p], 0)) : hc;
      out[t][n] = [...h];
      prev = [...h];
    }
    hN.push(h); cN.push(c);
  }
  return { out, hN, cN };
}

function makeWeights(I: number, H: number, P: number, seed: number, twoBiases = true): LstmWeights {
  const Hout = P || H;
  return {
    kernel: randomTensor([I, 4 * H], seed, 0.5) as tf.Tensor2D,
    recurrentKernel: randomTensor([Hout, 4 * H], seed + 1, 0.5) as tf.Tensor2D,
    bias: randomTensor([4 * H], seed + 2, 0.5) as tf.Tensor1D,
    recurrentBias: twoBiases ? (randomTensor([4 * H], seed + 3, 0.5) as tf.Tensor1D) : null,
    projection: P ? (randomTensor([H, P], seed + 4, 0.5) as tf.Tensor2D) : null,
  };
}

function asArrays(w: LstmWeights) {
  const b = w.bias ? (w.bias.arraySync() as number[]) : null;
  const rb = w.recurrentBias ? (w.recurrentBias.arraySync() as number[]) : null;
  const bias = b && rb ? b.map((v, j) => v + rb[j]) : b ?? rb;
  return {
    k: w.kernel.arraySync() as number[][],
    rk: w.recurrentKernel.arraySync() as number[][],
    b: bias,
    p: w.projection ? (w.projection.arraySync() as number[][]) : null,
  };
}

const TOL = 1e-5; // float32 against a float64 reference

describe('engine.lstmLayer against a scalar reference', () => {
  const T = 5, N = 3, I = 4, H = 6;
  const x = randomTensor([T, N, I], 11);
  const xs = x.arraySync() as number[][][];

  test.each([
    ['forward', {}],
    ['reverse', { reverse: true }],
    ['lengths', { lengths: [5, 2, 3] }],
    ['lengths reverse', { lengths: [5, 2, 3], reverse: true }],
    ['lengths carry', { lengths: [5, 2, 0], carry: true }],
  ] as const)('%s', (_name, o) => {
    const w = makeWeights(I, H, 0, 1);
    const a = asArrays(w);
    const opts = o as { reverse?: boolean; lengths?: number[]; carry?: boolean };
    const ref = referenceLstm(xs, a.k, a.rk, a.b, null, opts);
    const res = lstmLayer(x, w, { reverse: opts.reverse, lengths: opts.lengths, maskedOutput: opts.carry ? 'carry' : 'zero' });
    expectClose(res.output, ref.out.flat(2), TOL, 0, 'output');
    expectClose(res.h, ref.hN.flat(), TOL, 0, 'h');
    expectClose(res.c, ref.cN.flat(), TOL, 0, 'c');
  });

  test('mask tensor equals lengths', () => {
    const w = makeWeights(I, H, 0, 2);
    const lengths = [4, 1, 5];
    const mask = tf.tensor2d(
      Array.from({ length: T }, (_, t) => lengths.map((l) => (t < l ? 1 : 0))),
      [T, N],
    );
    const a = lstmLayer(x, w, { lengths });
    const b = lstmLayer(x, w, { mask });
    expectClose(a.output, b.output, 0);
    expectClose(a.h, b.h, 0);
  });

  test('projection, initial state, one bias, hard sigmoid and relu', () => {
    const P = 3;
    const w = makeWeights(I, H, P, 3, false);
    const a = asArrays(w);
    const h0 = randomTensor([N, P], 20);
    const c0 = randomTensor([N, H], 21);
    const hardSigmoid = (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5));
    const relu = (v: number) => Math.max(0, v);
    const ref = referenceLstm(xs, a.k, a.rk, a.b, a.p, {
      act: relu, rec: hardSigmoid, h0: h0.arraySync() as number[][], c0: c0.arraySync() as number[][],
    });
    const res = lstmLayer(x, w, {
      activation: 'relu' as ActivationName, recurrentActivation: 'hardSigmoid', initialState: [h0, c0],
    });
    expect(res.output.shape).toEqual([T, N, P]);
    expectClose(res.output, ref.out.flat(2), TOL, 0, 'output');
    expectClose(res.h, ref.hN.flat(), TOL, 0, 'h');
    expectClose(res.c, ref.cN.flat(), TOL, 0, 'c');
  });

  test('the cell step equals one step of the layer', () => {
    const w = makeWeights(I, H, 0, 4);
    const x0 = tf.slice(x, [0, 0, 0], [1, N, I]);
    const layer = lstmLayer(x0, w);
    const [h, c] = lstmCellStep(tf.reshape(x0, [N, I]) as tf.Tensor2D, [tf.zeros([N, H]), tf.zeros([N, H])], w);
    expectClose(h, layer.h, 1e-7);
    expectClose(c, layer.c, 1e-7);
  });
});

describe('engine.lstmLayer gradients', () => {
  test('tf.grad through the layer matches central finite differences (float64 reference)', () => {
    const T = 3, N = 2, I = 3, H = 2;
    const x = randomTensor([T, N, I], 5);
    const w = makeWeights(I, H, 0, 6);
    const loss = (kernel: tf.Tensor) =>
      tf.sum(tf.mul(lstmLayer(x, { ...w, kernel: kernel as tf.Tensor2D }, { lengths: [3, 2] }).output, randomTensor([T, N, H], 7)));
    const g = tf.grad(loss)(w.kernel).arraySync() as number[][];
    // Finite differences on the float64 scalar reference.
    const a = asArrays(w);
    const xs = x.arraySync() as number[][][];
    const weightsOut = randomTensor([T, N, H], 7).arraySync() as number[][][];
    const f = (k: number[][]) => {
      const r = referenceLstm(xs, k, a.rk, a.b, null, { lengths: [3, 2] });
      let s = 0;
      r.out.forEach((row, t) => row.forEach((v, n) => v.forEach((e, j) => (s += e * weightsOut[t][n][j]))));
      return s;
    };
    const eps = 1e-5;
    for (let i = 0; i < I; i++) {
      for (let j = 0; j < 4 * H; j++) {
        const kp = a.k.map((r) => [...r]); kp[i][j] += eps;
        const km = a.k.map((r) => [...r]); km[i][j] -= eps;
        const fd = (f(kp) - f(km)) / (2 * eps);
        expect(Math.abs(g[i][j] - fd)).toBeLessThan(1e-4);
      }
    }
  });
});

describe('engine.lstmLayer hygiene', () => {
  test('no tensor leaks', () => {
    const x = randomTensor([4, 2, 3], 1);
    const w = makeWeights(3, 5, 2, 9);
    const h0 = tf.zeros([2, 2]);
    const c0 = tf.zeros([2, 5]);
    const before = tf.memory().numTensors;
    const r = lstmLayer(x, w, { lengths: [4, 0], initialState: [h0, c0], reverse: true });
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose([r.output, r.h, r.c]);
    expect(tf.memory().numTensors).toBe(before);
    expect(h0.isDisposed).toBe(false);
  });

  test('shape errors name the argument and both shapes', () => {
    const w = makeWeights(3, 5, 0, 9);
    expect(() => lstmLayer(tf.zeros([4, 2, 7]), w, { where: 'nn.LSTM' })).toThrow(
      new ShapeError('nn.LSTM: input expected [4, 2, 3], got [4, 2, 7]'),
    );
    expect(() => lstmLayer(tf.zeros([4, 2, 3]), w, { initialState: [tf.zeros([1, 5]), tf.zeros([2, 5])] })).toThrow(
      /h0 expected \[2, 5\], got \[1, 5\]/,
    );
    expect(() => lstmLayer(tf.zeros([4, 2, 3]), w, { lengths: [5, 1] })).toThrow(/lengths\[0\] expected an integer in \[0, 4\], got 5/);
  });
});

describe('engine.lstmLayer edge cases', () => {
  test('gradients with a single time step and with fully masked steps', () => {
    const w = makeWeights(3, 2, 0, 12);
    for (const [T, lengths] of [[1, null], [4, [2, 1]]] as const) {
      const x = tf.variable(randomTensor([T, 2, 3], 13));
      const h0 = tf.variable(randomTensor([2, 2], 14));
      const c0 = tf.variable(randomTensor([2, 2], 15));
      const { value, grads } = tf.variableGrads(
        () => tf.sum(lstmLayer(x, w, { lengths, initialState: [h0, c0] }).output) as tf.Scalar,
        [x, h0, c0],
      );
      expect(grads[x.name].shape).toEqual([T, 2, 3]);
      expect(grads[h0.name].shape).toEqual([2, 2]);
      if (lengths) {
        // Steps at or after every length carry no gradient to the input.
        expect(Array.from(tf.slice(grads[x.name], [2, 0, 0], [2, 2, 3]).dataSync()).every((v) => v === 0)).toBe(true);
      }
      tf.dispose([value, Object.values(grads), x, h0, c0]);
    }
  });
});
