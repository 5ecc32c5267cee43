/**
 * Each convention's weights, converted to the canonical form, make the engine compute what that
 * framework's own equations compute on the native weights — and the reverse: canonical weights
 * converted to a convention, run by that convention's reference, match the engine.
 *
 * References: `test/helpers/reference-lstm.ts`, float64, reading each layout natively
 * (PyTorch `W x + b` rows i,f,g,o; Keras `x K + b` columns i,f,c,o; ONNX rows i,o,f,c with Wb and
 * Rb; TF1 `[x, h] K + b` columns i,j,f,o plus `forget_bias`; cuDNN flat buffer; Keras CuDNNLSTM
 * through Keras's own loader transform; Keras 1 per-gate arrays). Tolerance: 1e-5 absolute
 * (float32 engine vs float64 reference on O(1) values).
 */
import fc from 'fast-check';

import { LstmConvention, convertLstmWeights } from '../adapters';
import { lstmLayer } from '../src/engine';
import { LayerSizes, disposeAll, layerSizes, randomNative, randomValues, referenceCell } from './helpers/conventions';
import { referenceRun } from './helpers/reference-lstm';
import { expectClose, tf } from './helpers/tf';

const TOL = 1e-5;
const CONVENTIONS: LstmConvention[] = ['torch', 'keras', 'onnx', 'tf1', 'cudnn', 'cudnnParams', 'keras1'];
const FORGET_BIAS = 0.75;

function optionsFor(c: LstmConvention, s: LayerSizes, direction: 'from' | 'to') {
  if (c === 'tf1') return { forgetBias: FORGET_BIAS };
  if (c === 'cudnnParams' && direction === 'from') return { cudnnParamsSizes: { inputSize: s.I, hiddenSize: s.H } };
  return {};
}

const run = fc.record({ T: fc.integer({ min: 1, max: 4 }), N: fc.integer({ min: 1, max: 3 }), reverse: fc.boolean(), withState: fc.boolean() });

function compareEngineWithReference(
  canonical: Parameters<typeof lstmLayer>[1],
  cell: ReturnType<typeof referenceCell>,
  s: LayerSizes,
  r: { T: number; N: number; reverse: boolean; withState: boolean },
  what: string,
): void {
  const Hout = s.P || s.H;
  const x = randomValues([r.T, r.N, s.I], s.seed + 101, false, 1);
  const h0 = r.withState ? randomValues([r.N, Hout], s.seed + 102) : null;
  const c0 = r.withState ? randomValues([r.N, s.H], s.seed + 103) : null;
  const result = lstmLayer(x, canonical, { reverse: r.reverse, initialState: h0 && c0 ? [h0, c0] : null });
  const expected = referenceRun(cell, x, { reverse: r.reverse, h0, c0 });
  expectClose(result.output, expected.output, TOL, 0, `${what} output`);
  expectClose(result.h, expected.h, TOL, 0, `${what} h`);
  expectClose(result.c, expected.c, TOL, 0, `${what} c`);
  tf.dispose([x, result.output, result.h, result.c]);
  if (h0 && c0) tf.dispose([h0, c0]);
}

describe.each(CONVENTIONS)('the %s convention', (convention) => {
  const projection = convention === 'torch' || convention === 'tf1';

  it('converted to canonical, runs in the engine as the native reference computes', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(layerSizes({ projection }), run, fc.constantFrom<'perGate' | 'fused'>('perGate', 'fused'), (s, r, form) => {
        const native = randomNative(convention, s, form);
        const cell = referenceCell(convention, native, s, FORGET_BIAS);
        const canonical = convertLstmWeights(native, convention, 'canonical', optionsFor(convention, s, 'from') as never);
        compareEngineWithReference(canonical, cell, s, r, `${convention} -> canonical`);
        disposeAll(native, canonical);
      }),
      { numRuns: 25 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('converted from canonical, its native reference computes what the engine computes', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(layerSizes({ projection }), run, (s, r) => {
        const canonical = randomNative('canonical', s);
        const native = convertLstmWeights(canonical, 'canonical', convention, optionsFor(convention, s, 'to') as never);
        const cell = referenceCell(convention, native, s, FORGET_BIAS);
        compareEngineWithReference(canonical, cell, s, r, `canonical -> ${convention}`);
        disposeAll(native, canonical);
      }),
      { numRuns: 25 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
