/**
 * `layers.Bidirectional(layers.LSTM)` against `tf.layers.bidirectional(tf.layers.lstm)` with
 * identical weights copied in (forward kernel, recurrent_kernel, bias, then backward's).
 *
 * Grid: mergeMode (concat, sum, mul, ave, null) × returnSequences × returnState × initialState
 * × masking × recurrentActivation (sigmoid, hardSigmoid) × useBias, without the masked
 * returnSequences cases: there Keras (and we) zero the masked steps of both halves
 * (`zeroOutputForMask`), which tfjs-layers lacks, so the sequences differ by design (the golden
 * suite checks them against Keras' equations). Plus stateful cases (two calls) for
 * concat/sum × returnSequences × returnState. Compared: all outputs and the gradients of a
 * fixed random projection of them w.r.t. all six weights.
 *
 * Tolerance: float32 on both sides, atol 1e-5 + rtol 1e-5.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import {
  booleanGrid,
  callWithGrads,
  disposeResult,
  expectSameResults,
  label,
  randomLstmWeights,
  randomMask,
} from './helpers/layers';
import { randomTensor, tf } from './helpers/tf';
import { Bidirectional, LSTM, MergeMode } from '../src/layers';

const N = 3, T = 5, F = 4, U = 3;
const MODES: MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

interface Case {
  mergeMode: MergeMode;
  returnSequences: boolean;
  returnState: boolean;
  initialState: boolean;
  masking: boolean;
  hardSigmoid: boolean;
  noBias: boolean;
  stateful: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const mergeMode of MODES) {
    for (const c of booleanGrid(['returnSequences', 'returnState', 'initialState', 'masking', 'hardSigmoid', 'noBias'] as const)) {
      if (c.masking && c.returnSequences) continue;
      out.push({ mergeMode, ...c, stateful: false });
    }
  }
  for (const mergeMode of ['concat', 'sum'] as MergeMode[]) {
    for (const c of booleanGrid(['returnSequences', 'returnState'] as const)) {
      out.push({ mergeMode, ...c, initialState: false, masking: false, hardSigmoid: false, noBias: false, stateful: true });
    }
  }
  return out;
}

function run(c: Case, index: number): void {
  const before = tf.memory().numTensors;
  const options = {
    units: U,
    recurrentActivation: c.hardSigmoid ? 'hardSigmoid' : 'sigmoid',
    useBias: !c.noBias,
    returnSequences: c.returnSequences,
    returnState: c.returnState,
    stateful: c.stateful,
  } as const;
  const ours = new Bidirectional({ layer: new LSTM(options), mergeMode: c.mergeMode });
  const ref = tfl.layers.bidirectional({
    layer: tfl.layers.lstm({ ...options, activation: 'tanh' }) as tfl.RNN,
    // tfjs accepts null (no merging) at run time; its argument type omits it.
    mergeMode: c.mergeMode as 'concat',
  });
  const x1 = randomTensor([N, T, F], 1000 + index);
  const x2 = randomTensor([N, T, F], 2000 + index);
  tf.dispose([ours.apply(x1) as tf.Tensor, ref.apply(x1) as tf.Tensor].flat());
  const weights = [
    ...randomLstmWeights(F, U, !c.noBias, 20 * index),
    ...randomLstmWeights(F, U, !c.noBias, 20 * index + 7),
  ];
  ours.setWeights(weights);
  ref.setWeights(weights);
  if (c.stateful) {
    ours.resetStates();
    ref.resetStates();
  }
  // The first processed step of both directions is valid, so that tfjs' carried-state output
  // and Keras' zeros before the first valid step agree (see helpers).
  const mask = c.masking ? randomMask(N, T, index + 5, [0, T - 1]) : undefined;
  const initialState = c.initialState
    ? [0, 1, 2, 3].map((k) => randomTensor([N, U], 3000 + 10 * index + k, 0.8))
    : undefined;
  const calls = c.stateful ? [x1, x2] : [x1];
  calls.forEach((x, k) => {
    const kwargs = { mask, initialState: k === 0 ? initialState : undefined, training: true };
    const a = callWithGrads(ours, x, kwargs);
    const b = callWithGrads(ref, x, kwargs);
    expectSameResults(a, b, `call ${k}`);
    disposeResult(a);
    disposeResult(b);
  });
  tf.dispose([x1, x2, ...weights, ...(initialState ?? []), ...(mask ? [mask] : [])]);
  ours.dispose();
  ref.dispose();
  if (!c.stateful) expect(tf.memory().numTensors).toBe(before);
}

describe('layers.Bidirectional vs tf.layers.bidirectional (identical weights)', () => {
  const all = cases();

  it('covers the grid', () => {
    expect(all.length).toBe(5 * 48 + 8);
  });

  all.forEach((c, index) => {
    it(label(c as unknown as Record<string, unknown>), () => run(c, index));
  });
});
