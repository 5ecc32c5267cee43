/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * lstmStackAsync against lstmStack: the onnxruntime executor gives the same values for every
 * configuration ONNX can express (tolerance 1e-5 absolute, float32), falls back to tfjs for the
 * others, and throws typed errors when onnxruntime is forced on them.
 *
 * onnxruntime-node is an optional dependency; this suite needs it (it is installed by
 * `npm install` / `npm ci` here). `lstm-async.no-ort.test.ts` covers the environment without it.
 */
import { randomTensor, expectClose, tf } from '../../test/helpers/tf';
import { ConfigError, ShapeError, UnsupportedConversionError } from '../errors';
import { ActivationName } from '../engine';
import { LstmStackAsyncOptions, chooseExecutor, lstmStackAsync } from './lstm-async';
import { LstmStackLayer, lstmStack } from '../engine';
import { clearOnnxSessionCache, onnxSessionCacheSize } from './ort-executor';
import { onnxRuntimeAvailable } from './ort-runtime';
import { LstmWeights } from '../engine';

const TOL = 1e-5;

function weights(I: number, H: number, seed: number, P = 0): LstmWeights {
  return {
    kernel: randomTensor([I, 4 * H], seed, 0.5) as tf.Tensor2D,
    recurrentKernel: randomTensor([P || H, 4 * H], seed + 1, 0.5) as tf.Tensor2D,
    bias: randomTensor([4 * H], seed + 2, 0.5) as tf.Tensor1D,
    recurrentBias: seed % 2 ? (randomTensor([4 * H], seed + 3, 0.5) as tf.Tensor1D) : null,
    projection: P ? (randomTensor([H, P], seed + 4, 0.5) as tf.Tensor2D) : null,
  };
}

function stack(I: number, H: number, L: number, D: 1 | 2, seed: number, P = 0): LstmStackLayer[] {
  return Array.from({ length: L }, (_, k) => {
    const inSize = k === 0 ? I : D * (P || H);
    return { forward: weights(inSize, H, seed + 10 * k, P), backward: D === 2 ? weights(inSize, H, seed + 10 * k + 5, P) : null };
  });
}

afterAll(async () => {
  await clearOnnxSessionCache();
});

test('onnxruntime-node is installed in this environment (optional dependency)', () => {
  expect(onnxRuntimeAvailable()).toBe(true);
});

interface Case {
  name: string; T: number; N: number; I: number; H: number; L: number; D: 1 | 2;
  options?: Omit<LstmStackAsyncOptions, 'h0' | 'c0' | 'mask'>;
  states?: boolean;
  maskLengths?: number[];
}

const CASES: Case[] = [
  { name: '1 layer', T: 7, N: 3, I: 4, H: 5, L: 1, D: 1 },
  { name: '1 layer, T = 1, N = 1', T: 1, N: 1, I: 3, H: 4, L: 1, D: 1 },
  { name: '2 layers bidirectional', T: 6, N: 2, I: 3, H: 4, L: 2, D: 2 },
  { name: '3 layers with lengths and states', T: 6, N: 3, I: 3, H: 4, L: 3, D: 1, options: { lengths: [6, 2, 4] }, states: true },
  { name: 'bidirectional with lengths and states', T: 5, N: 3, I: 4, H: 3, L: 2, D: 2, options: { lengths: [1, 5, 3] }, states: true },
  { name: 'right-padded mask tensor', T: 5, N: 3, I: 2, H: 3, L: 1, D: 2, maskLengths: [5, 2, 3] },
  { name: 'a zero length without initial states', T: 4, N: 2, I: 3, H: 2, L: 1, D: 2, options: { lengths: [4, 0] } },
  { name: "'carry' without masked steps", T: 4, N: 2, I: 2, H: 3, L: 1, D: 1, options: { lengths: [4, 4], maskedOutput: 'carry' } },
];
const ACTS: [ActivationName, ActivationName][] = [
  ['tanh', 'hardSigmoid'], ['relu', 'sigmoid'], ['linear', 'hardSigmoidKeras3'], ['elu', 'sigmoid'],
  ['softsign', 'sigmoid'], ['softplus', 'sigmoid'], ['tanh', 'softsign'],
];
for (const [activation, recurrentActivation] of ACTS) {
  CASES.push({ name: `activations ${activation}/${recurrentActivation}`, T: 5, N: 2, I: 3, H: 4, L: 1, D: 2, options: { activation, recurrentActivation } });
}

describe('lstmStackAsync on onnxruntime equals lstmStack', () => {
  test.each(CASES.map((c, k) => [c.name, c, k] as const))('%s', async (_n, c, k) => {
    const layers = stack(c.I, c.H, c.L, c.D, 100 + 50 * k);
    const x = randomTensor([c.T, c.N, c.I], 7 + k);
    const count = c.L * c.D;
    const h0 = c.states ? Array.from({ length: count }, (_, j) => randomTensor([c.N, c.H], 30 + j, 0.5)) : null;
    const c0 = c.states ? Array.from({ length: count }, (_, j) => randomTensor([c.N, c.H], 60 + j, 0.5)) : null;
    const mask = c.maskLengths
      ? tf.tensor2d(Array.from({ length: c.T }, (_, t) => c.maskLengths!.map((l) => (t < l ? 1 : 0))), [c.T, c.N])
      : null;
    const opts = { ...c.options, h0, c0, mask };
    const ref = lstmStack(x, layers, opts);
    const before = tf.memory().numTensors;
    const got = await lstmStackAsync(x, layers, { ...opts, executor: 'auto' });
    expect(got.executor).toBe('onnxruntime');
    expectClose(got.output, ref.output, TOL, 0, 'output');
    got.h.forEach((h, j) => expectClose(h, ref.h[j], TOL, 0, `h[${j}]`));
    got.c.forEach((cc, j) => expectClose(cc, ref.c[j], TOL, 0, `c[${j}]`));
    tf.dispose([got.output, ...got.h, ...got.c]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('executor selection', () => {
  const x = randomTensor([4, 2, 3], 1);

  test.each([
    ['projection', stack(3, 4, 1, 1, 1, 2), {}, /projection/],
    ['relu6 activation', stack(3, 4, 1, 1, 2), { activation: 'relu6' }, /activation 'relu6' has no ONNX form/],
    ['inter-layer dropout', stack(3, 4, 2, 1, 3), { interLayerDropout: 0.5 }, /inter-layer dropout/],
    ["'carry' with masked steps", stack(3, 4, 1, 1, 4), { lengths: [4, 2], maskedOutput: 'carry' }, /'carry'/],
    ['a zero length with initial states', stack(3, 4, 1, 1, 5),
      { lengths: [4, 0], h0: [tf.ones([2, 4])], c0: [tf.ones([2, 4])] }, /length of 0 with an initial state/],
  ] as const)('%s: auto falls back to tfjs with the same values; forced onnxruntime throws', async (_n, layers, o, why) => {
    const opts = o as LstmStackAsyncOptions;
    const choice = chooseExecutor(x, layers, opts);
    expect(choice.executor).toBe('tfjs');
    expect(choice.reason).toMatch(why);
    const ref = lstmStack(x, layers, opts);
    const got = await lstmStackAsync(x, layers, opts);
    expect(got.executor).toBe('tfjs');
    if (!opts.interLayerDropout) expectClose(got.output, ref.output, 0, 0, 'output');
    await expect(lstmStackAsync(x, layers, { ...opts, executor: 'onnxruntime' })).rejects.toThrow(UnsupportedConversionError);
    await expect(lstmStackAsync(x, layers, { ...opts, executor: 'onnxruntime' })).rejects.toThrow(why);
  });

  test('a mask that is not a right padding falls back; forced onnxruntime throws', async () => {
    const layers = stack(3, 4, 1, 2, 6);
    const mask = tf.tensor2d([[1, 0], [0, 1], [1, 1], [1, 1]], [4, 2]);
    expect(chooseExecutor(x, layers, { mask }).executor).toBe('tfjs');
    await expect(lstmStackAsync(x, layers, { mask, executor: 'onnxruntime' })).rejects.toThrow(/not a right padding/);
  });

  test("executor 'tfjs' runs lstmStack exactly", async () => {
    const layers = stack(3, 4, 2, 2, 7);
    const ref = lstmStack(x, layers);
    const got = await lstmStackAsync(x, layers, { executor: 'tfjs' });
    expect(got.executor).toBe('tfjs');
    expectClose(got.output, ref.output, 0, 0, 'output');
  });

  test('validation errors are the same as lstmStack, whatever the executor', async () => {
    const layers = stack(3, 4, 1, 1, 8);
    const bad = tf.zeros([4, 2, 5]);
    const syncError = (() => {
      try {
        lstmStack(bad, layers);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(syncError).toBeInstanceOf(ShapeError);
    for (const executor of ['auto', 'tfjs', 'onnxruntime'] as const) {
      await expect(lstmStackAsync(bad, layers, { executor, where: 'engine.lstmStack' })).rejects.toThrow(syncError!.message);
    }
    await expect(lstmStackAsync(x, layers, { lengths: [5, 1] })).rejects.toThrow(/lengths\[0\] expected an integer in \[0, 4\], got 5/);
    await expect(lstmStackAsync(x, layers, { executor: 'gpu' as never })).rejects.toThrow(ConfigError);
  });

  test('sessions are cached per weight set and configuration', async () => {
    await clearOnnxSessionCache();
    const layers = stack(3, 4, 1, 1, 9);
    const run = async (o: LstmStackAsyncOptions = {}) => {
      const r = await lstmStackAsync(x, layers, o);
      tf.dispose([r.output, ...r.h, ...r.c]);
    };
    await run();
    await run();
    expect(onnxSessionCacheSize()).toBe(1);
    await run({ lengths: [4, 3] });
    expect(onnxSessionCacheSize()).toBe(2);
    const other = stack(3, 4, 1, 1, 10);
    const r = await lstmStackAsync(x, other);
    tf.dispose([r.output, ...r.h, ...r.c]);
    expect(onnxSessionCacheSize()).toBe(3);
  });
});
