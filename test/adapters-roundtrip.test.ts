/**
 * Round trips between every pair of weight conventions, over random shapes and values
 * (fast-check), including special float32 values (-0, subnormals, ±max, ±Infinity).
 *
 * - X -> canonical -> X reproduces X's tensors bit for bit (TF1: its forget-bias block within
 *   float rounding).
 * - A -> B -> A reproduces A's kernels and projection bit for bit; its biases bit for bit when no
 *   bias merging happens, otherwise their sum (what the step uses) — bit for bit, or within float
 *   rounding when TF1's folded forget bias is on the way.
 * - Projections into a convention without them throw UnsupportedConversionError.
 * - The engine computes the same function (within 1e-5) from the converted weights.
 */
import fc from 'fast-check';

import { LstmConvention, LstmConventionWeights, convertLstmWeights } from '../adapters';
import { LstmWeights, lstmLayer } from '../src/engine';
import { UnsupportedConversionError } from '../src/errors';
import {
  LayerSizes,
  TWO_BIASES,
  WITH_PROJECTION,
  disposeAll,
  expectBitIdentical,
  expectBitIdenticalArrays,
  expectSameWeights,
  layerSizes,
  randomNative,
  randomValues,
} from './helpers/conventions';
import { expectClose, tf } from './helpers/tf';

const ALL: LstmConvention[] = ['canonical', 'torch', 'keras', 'onnx', 'tf1', 'cudnn', 'cudnnParams', 'keras1'];
const PAIRS = ALL.flatMap((a) => ALL.map((b) => [a, b] as [LstmConvention, LstmConvention]));
const FORGET_BIAS = 1.0;

type Keras1Form = 'perGate' | 'fused';

/** Options for converting `from` -> `to` as the API requires them. */
function options(from: LstmConvention, to: LstmConvention, s: LayerSizes, keras1Form: Keras1Form) {
  return {
    ...(from === 'tf1' || to === 'tf1' ? { forgetBias: FORGET_BIAS } : {}),
    ...(to === 'keras1' ? { consumeLess: keras1Form === 'fused' ? ('gpu' as const) : ('cpu' as const) } : {}),
    ...(from === 'cudnnParams' ? { cudnnParamsSizes: { inputSize: s.I, hiddenSize: s.H } } : {}),
  };
}

function convert<F extends LstmConvention, T extends LstmConvention>(
  w: LstmConventionWeights[F], from: F, to: T, s: LayerSizes, form: Keras1Form,
): LstmConventionWeights[T] {
  return convertLstmWeights(w, from, to, options(from, to, s, form) as never);
}

function toCanonical(w: unknown, from: LstmConvention, s: LayerSizes): LstmWeights {
  return convert(w as never, from, 'canonical', s, 'perGate');
}

/** Float32 data of a bias, zeros when absent. */
function biasData(t: tf.Tensor | null | undefined, H: number): Float32Array {
  return t ? Float32Array.from(t.dataSync()) : new Float32Array(4 * H);
}

/** Element-wise equality that takes -0 == 0 and NaN == NaN (sums may differ in those only). */
function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** The sum b + rb in float32, as the converters compute it. */
function biasSum(w: LstmWeights, H: number): Float32Array {
  const b = biasData(w.bias, H);
  const rb = biasData(w.recurrentBias, H);
  return b.map((v, k) => Math.fround(v + rb[k]));
}

function compareBiases(actual: LstmWeights, expected: LstmWeights, H: number, merged: boolean, viaTf1: boolean, what: string): void {
  if (!merged && !viaTf1) {
    expectBitIdenticalArrays(biasData(actual.bias, H), biasData(expected.bias, H), `${what}.bias`);
    expectBitIdenticalArrays(biasData(actual.recurrentBias, H), biasData(expected.recurrentBias, H), `${what}.recurrentBias`);
    return;
  }
  const a = biasSum(actual, H);
  const e = biasSum(expected, H);
  for (let k = 0; k < a.length; k++) {
    const forgetBlock = k >= H && k < 2 * H;
    if (viaTf1 && forgetBlock && Number.isFinite(e[k])) {
      // (b - fb) + fb: within an ulp or two of |b| + |fb|.
      const tol = 2 ** -22 * (Math.abs(e[k]) + FORGET_BIAS);
      if (!(Math.abs(a[k] - e[k]) <= tol)) throw new Error(`${what} bias sum[${k}]: expected ${e[k]}, got ${a[k]} (> ${tol})`);
    } else if (!sameValue(a[k], e[k])) {
      throw new Error(`${what} bias sum[${k}]: expected ${e[k]}, got ${a[k]}`);
    }
  }
}

describe('X -> canonical -> X is the identity', () => {
  it.each(ALL.filter((c) => c !== 'canonical'))('%s', (convention) => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(layerSizes({ projection: WITH_PROJECTION.includes(convention), special: true }), fc.constantFrom<Keras1Form>('perGate', 'fused'), (s, form) => {
        const native = randomNative(convention, s, form);
        const canonical = toCanonical(native, convention, s);
        const back = convert(canonical, 'canonical', convention, s, form);
        if (convention === 'tf1') {
          const n = native as LstmConventionWeights['tf1'];
          const b = back as LstmConventionWeights['tf1'];
          expectBitIdentical(b.kernel, n.kernel, 'tf1.kernel');
          if (n.projection) expectBitIdentical(b.projection as tf.Tensor, n.projection, 'tf1.projection');
          const got = b.bias.dataSync();
          const want = n.bias.dataSync();
          for (let k = 0; k < want.length; k++) {
            const forgetBlock = k >= 2 * s.H && k < 3 * s.H; // i, j, f, o
            const tol = forgetBlock && Number.isFinite(want[k]) ? 2 ** -22 * (Math.abs(want[k]) + FORGET_BIAS) : 0;
            if (!(sameValue(got[k], want[k]) || Math.abs(got[k] - want[k]) <= tol)) {
              throw new Error(`tf1.bias[${k}]: expected ${want[k]}, got ${got[k]}`);
            }
            if (!forgetBlock) expect(Object.is(got[k], want[k]) || sameValue(got[k], want[k])).toBe(true);
          }
        } else {
          expectSameWeights(back, native, convention);
        }
        disposeAll(native, canonical, back);
      }),
      { numRuns: 40 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('A -> B -> A keeps every weight (biases: their sum when B has one bias)', () => {
  it.each(PAIRS)('%s -> %s -> back', (a, b) => {
    const before = tf.memory().numTensors;
    const projection = WITH_PROJECTION.includes(a);
    fc.assert(
      fc.property(layerSizes({ projection, special: true }), fc.constantFrom<Keras1Form>('perGate', 'fused'), (s, form) => {
        const native = randomNative(a, s, form);
        if (s.P > 0 && !WITH_PROJECTION.includes(b)) {
          expect(() => convert(native, a, b, s, form)).toThrow(UnsupportedConversionError);
          disposeAll(native);
          return;
        }
        const there = convert(native, a, b, s, form);
        const back = convert(there, b, a, s, form);
        const original = toCanonical(native, a, s);
        const returned = toCanonical(back, a, s);
        const what = `${a} -> ${b} -> ${a}`;
        expectBitIdentical(returned.kernel, original.kernel, `${what} kernel`);
        expectBitIdentical(returned.recurrentKernel, original.recurrentKernel, `${what} recurrentKernel`);
        expect(Boolean(returned.projection)).toBe(Boolean(original.projection));
        if (original.projection) expectBitIdentical(returned.projection as tf.Tensor, original.projection, `${what} projection`);
        const merged = TWO_BIASES.includes(a) && !TWO_BIASES.includes(b);
        compareBiases(returned, original, s.H, merged, a === 'tf1' || b === 'tf1', what);
        disposeAll(native, there, back, original, returned);
      }),
      { numRuns: 12 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the engine computes the same function after any conversion', () => {
  it.each(PAIRS.filter(([a, b]) => a !== b))('%s -> %s', (a, b) => {
    const before = tf.memory().numTensors;
    const projection = WITH_PROJECTION.includes(a) && WITH_PROJECTION.includes(b);
    fc.assert(
      fc.property(layerSizes({ projection }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (s, T, N, reverse) => {
        const native = randomNative(a, s);
        const there = convert(native, a, b, s, 'perGate');
        const original = toCanonical(native, a, s);
        const converted = toCanonical(there, b, s);
        const x = randomValues([T, N, s.I], s.seed + 7, false, 1);
        const r1 = lstmLayer(x, original, { reverse });
        const r2 = lstmLayer(x, converted, { reverse });
        expectClose(r2.output, r1.output, 1e-5, 0, `${a} -> ${b} output`);
        expectClose(r2.c, r1.c, 1e-5, 0, `${a} -> ${b} c`);
        tf.dispose([x, r1.output, r1.h, r1.c, r2.output, r2.h, r2.c]);
        disposeAll(native, there, original, converted);
      }),
      { numRuns: 8 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
