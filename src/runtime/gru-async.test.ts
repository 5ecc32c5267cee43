/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * gruStackAsync / rnnStackAsync against gruStack / rnnStack: onnxruntime (ONNX `GRU` with
 * linear_before_reset 1 and 0, ONNX `RNN`) gives the same values within 1e-5 (absolute,
 * float32) for bidirectional, multi-layer, lengths, h0; the inexpressible calls fall back to
 * tfjs with a typed reason and reject when onnxruntime is forced; no tensor is left behind.
 * `gru-async.no-ort.test.ts` covers the environment without onnxruntime-node.
 */
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ConfigError, ShapeError, UnsupportedConversionError } from '../errors';
import { ActivationName, CellWeights, StackLayer, gruStack, rnnStack } from '../engine';
import { gruStackAsync, rnnStackAsync } from './gru-async';
import { clearOnnxSessionCache, onnxSessionCacheSize } from './ort-executor';

const TOL = 1e-5;

function weights(I: number, H: number, G: number, seed: number, bias = true): CellWeights {
  return {
    kernel: randomTensor([I, G * H], seed, 0.5) as tf.Tensor2D,
    recurrentKernel: randomTensor([H, G * H], seed + 1, 0.5) as tf.Tensor2D,
    bias: bias ? (randomTensor([G * H], seed + 2, 0.5) as tf.Tensor1D) : null,
    recurrentBias: bias && seed % 2 ? (randomTensor([G * H], seed + 3, 0.5) as tf.Tensor1D) : null,
  };
}

function stack(I: number, H: number, L: number, D: 1 | 2, G: number, seed: number): StackLayer<CellWeights>[] {
  return Array.from({ length: L }, (_, k) => {
    const inSize = k === 0 ? I : D * H;
    return { forward: weights(inSize, H, G, seed + 10 * k), backward: D === 2 ? weights(inSize, H, G, seed + 10 * k + 5) : null };
  });
}

afterAll(async () => {
  await clearOnnxSessionCache();
});

interface Case { name: string; T: number; N: number; I: number; H: number; L: number; D: 1 | 2; lengths?: number[]; states?: boolean; maskLengths?: number[] }

const CASES: Case[] = [
  { name: '1 layer', T: 6, N: 3, I: 4, H: 5, L: 1, D: 1 },
  { name: 'T = 1, N = 1', T: 1, N: 1, I: 3, H: 2, L: 1, D: 1 },
  { name: '2 layers bidirectional', T: 5, N: 2, I: 3, H: 4, L: 2, D: 2 },
  { name: '3 layers, lengths and h0', T: 6, N: 3, I: 3, H: 4, L: 3, D: 1, lengths: [6, 2, 4], states: true },
  { name: 'bidirectional 2 layers, lengths and h0', T: 5, N: 3, I: 4, H: 3, L: 2, D: 2, lengths: [1, 5, 3], states: true },
  { name: 'right-padded mask', T: 5, N: 3, I: 2, H: 3, L: 1, D: 2, maskLengths: [5, 2, 3] },
  { name: 'a zero length without h0', T: 4, N: 2, I: 3, H: 2, L: 1, D: 2, lengths: [4, 0] },
];

type Kind = { name: string; G: number; run: typeof gruStackAsync; ref: typeof gruStack; extra: Record<string, unknown> };
const KINDS: Kind[] = [
  { name: 'GRU resetAfter', G: 3, run: gruStackAsync, ref: gruStack, extra: { resetAfter: true } },
  { name: 'GRU reset before', G: 3, run: gruStackAsync, ref: gruStack, extra: { resetAfter: false } },
  { name: 'GRU hardSigmoid/relu', G: 3, run: gruStackAsync, ref: gruStack, extra: { resetAfter: false, recurrentActivation: 'hardSigmoid', activation: 'relu' } },
  { name: 'RNN tanh', G: 1, run: rnnStackAsync as never, ref: rnnStack as never, extra: {} },
  { name: 'RNN relu', G: 1, run: rnnStackAsync as never, ref: rnnStack as never, extra: { activation: 'relu' } },
];

describe.each(KINDS.map((k) => [k.name, k] as const))('%s on onnxruntime equals the engine', (_k, kind) => {
  test.each(CASES.map((c, k) => [c.name, c, k] as const))('%s', async (_n, c, k) => {
    const layers = stack(c.I, c.H, c.L, c.D, kind.G, 200 + 40 * k);
    const x = randomTensor([c.T, c.N, c.I], 11 + k);
    const h0 = c.states ? Array.from({ length: c.L * c.D }, (_, j) => randomTensor([c.N, c.H], 70 + j, 0.5)) : null;
    const mask = c.maskLengths
      ? tf.tensor2d(Array.from({ length: c.T }, (_, t) => c.maskLengths!.map((l) => (t < l ? 1 : 0))), [c.T, c.N])
      : null;
    const opts = { ...kind.extra, lengths: c.lengths ?? null, h0, mask };
    const ref = kind.ref(x, layers, opts);
    const before = tf.memory().numTensors;
    const got = await kind.run(x, layers, opts);
    expect(got.executor).toBe('onnxruntime');
    expect(got.fallback).toBeNull();
    expectClose(got.output, ref.output, TOL, 0, 'output');
    expect(got.h).toHaveLength(c.L * c.D);
    got.h.forEach((h, j) => expectClose(h, ref.h[j], TOL, 0, `h[${j}]`));
    tf.dispose([got.output, ...got.h]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ref.output, ...ref.h, x, ...(h0 ?? []), ...(mask ? [mask] : [])]);
  });
});

describe('fallbacks and errors', () => {
  const x = randomTensor([4, 2, 3], 1);
  const gru = stack(3, 4, 2, 1, 3, 5);
  const rnn = stack(3, 4, 1, 1, 1, 6);

  test.each([
    ['relu6 activation', { activation: 'relu6' as ActivationName }, 'activation', /activation 'relu6' has no ONNX form/],
    ['inter-layer dropout', { interLayerDropout: 0.5 }, 'inter-layer-dropout', /inter-layer dropout/],
    ["'carry' with masked steps", { lengths: [4, 2], maskedOutput: 'carry' as const }, 'carry', /'carry'/],
    ['a zero length with h0', { lengths: [4, 0], h0: [tf.ones([2, 4]), tf.ones([2, 4])] }, 'empty-sequence-with-state', /length of 0/],
  ])('GRU %s: auto falls back to tfjs (typed reason), forced onnxruntime rejects', async (_n, o, what, why) => {
    const before = tf.memory().numTensors;
    const got = await gruStackAsync(x, gru, o);
    expect(got.executor).toBe('tfjs');
    expect(got.fallback).toEqual(expect.objectContaining({ kind: 'inexpressible', what }));
    if (!('interLayerDropout' in o)) {
      const ref = gruStack(x, gru, o);
      expectClose(got.output, ref.output, 0, 0, 'output');
      tf.dispose([ref.output, ...ref.h]);
    }
    tf.dispose([got.output, ...got.h]);
    expect(tf.memory().numTensors).toBe(before);
    await expect(gruStackAsync(x, gru, { ...o, executor: 'onnxruntime' })).rejects.toThrow(UnsupportedConversionError);
    await expect(gruStackAsync(x, gru, { ...o, executor: 'onnxruntime' })).rejects.toThrow(why);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("RNN: a mask that is not a right padding falls back; executor 'tfjs' is typed", async () => {
    const mask = tf.tensor2d([[1, 0], [0, 1], [1, 1], [1, 1]], [4, 2]);
    const got = await rnnStackAsync(x, rnn, { mask });
    expect(got.fallback).toEqual({ kind: 'inexpressible', what: 'mask' });
    await expect(rnnStackAsync(x, rnn, { mask, executor: 'onnxruntime' })).rejects.toThrow(/not a right padding/);
    const t = await rnnStackAsync(x, rnn, { executor: 'tfjs' });
    expect(t).toEqual(expect.objectContaining({ executor: 'tfjs', fallback: { kind: 'tfjs-requested' } }));
    tf.dispose([got.output, ...got.h, t.output, ...t.h, mask]);
  });

  test('validation errors are those of gruStack / rnnStack, whatever the executor, without leaks', async () => {
    const bad = tf.zeros([4, 2, 5]);
    let message = '';
    try {
      gruStack(bad, gru, { where: 'gruStackAsync' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/gruStackAsync/);
    const before = tf.memory().numTensors;
    for (const executor of ['auto', 'tfjs', 'onnxruntime'] as const) {
      await expect(gruStackAsync(bad, gru, { executor })).rejects.toThrow(ShapeError);
      await expect(gruStackAsync(bad, gru, { executor })).rejects.toThrow(message);
    }
    await expect(gruStackAsync(x, gru, { h0: [tf.zeros([2, 4])] })).rejects.toThrow(/h0 expected 2 states/);
    await expect(rnnStackAsync(x, rnn, { lengths: [5, 1] })).rejects.toThrow(/lengths\[0\] expected an integer in \[0, 4\], got 5/);
    await expect(rnnStackAsync(x, rnn, { executor: 'gpu' as never })).rejects.toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(before + 1); // the h0 tensor made above
  });

  test('sessions are cached per kind, weights and reset placement', async () => {
    await clearOnnxSessionCache();
    const once = async (p: Promise<{ output: tf.Tensor; h: tf.Tensor[] }>) => {
      const r = await p;
      tf.dispose([r.output, ...r.h]);
    };
    await once(gruStackAsync(x, gru));
    await once(gruStackAsync(x, gru));
    expect(onnxSessionCacheSize()).toBe(1);
    await once(gruStackAsync(x, gru, { resetAfter: false }));
    expect(onnxSessionCacheSize()).toBe(2);
    await once(rnnStackAsync(x, rnn));
    expect(onnxSessionCacheSize()).toBe(3);
  });
});
