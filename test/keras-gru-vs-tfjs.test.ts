/**
 * `layers.GRU` (resetAfter: false) and `layers.SimpleRNN` against tfjs-layers' own Keras ports,
 * `tf.layers.gru` and `tf.layers.simpleRNN`, with identical weights copied in.
 *
 * Grid: returnSequences × returnState × goBackwards × stateful × masking × initialState (64) ×
 * four variants (GRU sigmoid; GRU hardSigmoid without bias; SimpleRNN tanh; SimpleRNN relu
 * without bias) = 256 cases. Each compares the outputs (and the carried states when stateful)
 * and the gradients of a fixed random projection of all outputs w.r.t. every weight. Stateful
 * cases run two calls, the second from the states the first left. Then Bidirectional around
 * both kinds (merge modes × returnSequences × returnState × initialState × masking, the masked
 * sequences left to the golden suite as for the LSTM), dropout in inference, and the layer
 * built from a `tf.layers.gru` / `tf.layers.simpleRNN` config.
 *
 * Tolerance: float32 on both sides, atol 1e-5 + rtol 1e-5.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { booleanGrid, callWithGrads, disposeResult, expectSameResults, label, randomMask } from './helpers/layers';
import { expectClose, randomTensor, tf } from './helpers/tf';
import { Bidirectional, GRU, GRUArgs, MergeMode, RecurrentLayer, SimpleRNN, SimpleRNNArgs } from '../src/layers';

const N = 3, T = 6, F = 4, U = 5;

type Variant = 'gru' | 'gruHardSigmoidNoBias' | 'rnn' | 'rnnReluNoBias';
const VARIANTS: Variant[] = ['gru', 'gruHardSigmoidNoBias', 'rnn', 'rnnReluNoBias'];

const FLAGS = ['returnSequences', 'returnState', 'goBackwards', 'stateful', 'masking', 'initialState'] as const;

interface Pair {
  readonly ours: RecurrentLayer;
  readonly ref: tfl.RNN;
  readonly gates: number;
  readonly useBias: boolean;
}

/** Our layer and tfjs' with the same arguments (tfjs' GRU is reset-before only). */
function makePair(variant: Variant, flags: Record<string, unknown>): Pair {
  const useBias = !variant.endsWith('NoBias');
  if (variant.startsWith('gru')) {
    const options = { units: U, useBias, recurrentActivation: variant === 'gru' ? 'sigmoid' : 'hardSigmoid', ...flags } as const;
    return {
      ours: new GRU({ ...options, resetAfter: false }),
      ref: tfl.layers.gru({ ...options, activation: 'tanh' }) as tfl.RNN,
      gates: 3,
      useBias,
    };
  }
  const options = { units: U, useBias, activation: variant === 'rnn' ? 'tanh' : 'relu', ...flags } as const;
  return { ours: new SimpleRNN(options), ref: tfl.layers.simpleRNN(options) as tfl.RNN, gates: 1, useBias };
}

/** Random weights `[kernel (F, G·U), recurrent_kernel (U, G·U), bias (G·U)?]`. */
function randomWeights(gates: number, useBias: boolean, seed: number): tf.Tensor[] {
  const w = [randomTensor([F, gates * U], seed, 0.5), randomTensor([U, gates * U], seed + 1, 0.5)];
  if (useBias) w.push(randomTensor([gates * U], seed + 2, 0.5));
  return w;
}

describe('layers.GRU / layers.SimpleRNN vs tf.layers.gru / tf.layers.simpleRNN (identical weights)', () => {
  const grid = VARIANTS.flatMap((variant) => booleanGrid(FLAGS).map((c) => ({ variant, ...c })));

  it('covers the whole grid', () => {
    expect(grid.length).toBe(256);
  });

  grid.forEach((combo, index) => {
    it(label(combo), () => {
      const before = tf.memory().numTensors;
      const { ours, ref, gates, useBias } = makePair(combo.variant, {
        returnSequences: combo.returnSequences,
        returnState: combo.returnState,
        goBackwards: combo.goBackwards,
        stateful: combo.stateful,
      });
      const x1 = randomTensor([N, T, F], 100 + index);
      const x2 = randomTensor([N, T, F], 700 + index);
      tf.dispose([ours.apply(x1) as tf.Tensor, ref.apply(x1) as tf.Tensor].flat());
      const weights = randomWeights(gates, useBias, 10 * index);
      ours.setWeights(weights);
      ref.setWeights(weights);
      if (combo.stateful) {
        ours.resetStates();
        ref.resetStates();
      }
      const mask = combo.masking ? randomMask(N, T, index + 1, [combo.goBackwards ? T - 1 : 0]) : undefined;
      const initialState = combo.initialState ? [randomTensor([N, U], 300 + index, 0.8)] : undefined;
      const calls = combo.stateful ? [x1, x2] : [x1];
      calls.forEach((x, k) => {
        const kwargs = { mask, initialState: k === 0 ? initialState : undefined, training: true };
        const a = callWithGrads(ours, x, kwargs);
        const b = callWithGrads(ref, x, kwargs);
        expectSameResults(a, b, `call ${k}`);
        if (combo.stateful) expectClose((ours.states as tf.Tensor[])[0], (ref.states as tf.Tensor[])[0], 1e-5, 1e-5, 'state');
        disposeResult(a);
        disposeResult(b);
      });
      tf.dispose([x1, x2, ...weights, ...(initialState ?? []), ...(mask ? [mask] : [])]);
      ours.dispose();
      ref.dispose();
      // tfjs' stateful layers keep their states after dispose().
      if (!combo.stateful) expect(tf.memory().numTensors).toBe(before);
    });
  });
});

describe('layers.Bidirectional(GRU / SimpleRNN) vs tf.layers.bidirectional', () => {
  const MODES: MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];
  const cases = (['gru', 'rnn'] as const).flatMap((variant) =>
    MODES.flatMap((mergeMode) =>
      booleanGrid(['returnSequences', 'returnState', 'initialState', 'masking'] as const)
        .filter((c) => !(c.masking && c.returnSequences))
        .map((c) => ({ variant, mergeMode, ...c })),
    ),
  );

  it('covers the grid', () => {
    expect(cases.length).toBe(2 * 5 * 12);
  });

  cases.forEach((c, index) => {
    it(label(c as unknown as Record<string, unknown>), () => {
      const before = tf.memory().numTensors;
      const pair = makePair(c.variant, { returnSequences: c.returnSequences, returnState: c.returnState });
      const ours = new Bidirectional({ layer: pair.ours, mergeMode: c.mergeMode });
      const ref = tfl.layers.bidirectional({ layer: pair.ref, mergeMode: c.mergeMode as 'concat' });
      const x = randomTensor([N, T, F], 1000 + index);
      tf.dispose([ours.apply(x) as tf.Tensor, ref.apply(x) as tf.Tensor].flat());
      const weights = [
        ...randomWeights(pair.gates, pair.useBias, 20 * index),
        ...randomWeights(pair.gates, pair.useBias, 20 * index + 7),
      ];
      ours.setWeights(weights);
      ref.setWeights(weights);
      const mask = c.masking ? randomMask(N, T, index + 5, [0, T - 1]) : undefined;
      const initialState = c.initialState ? [0, 1].map((k) => randomTensor([N, U], 3000 + 10 * index + k, 0.8)) : undefined;
      const a = callWithGrads(ours, x, { mask, initialState, training: true });
      const b = callWithGrads(ref, x, { mask, initialState, training: true });
      expectSameResults(a, b, 'bidirectional');
      disposeResult(a);
      disposeResult(b);
      tf.dispose([x, ...weights, ...(initialState ?? []), ...(mask ? [mask] : [])]);
      ours.dispose();
      ref.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

describe('dropout in inference, tfjs configs', () => {
  it('with dropout and recurrentDropout, an inference call equals tfjs without dropout', () => {
    for (const variant of ['gru', 'rnn'] as const) {
      const pair = makePair(variant, { returnSequences: true });
      const Kind: new (args: never) => RecurrentLayer = variant === 'gru' ? GRU : SimpleRNN;
      const ours = new Kind({ ...pair.ours.getConfig(), dropout: 0.4, recurrentDropout: 0.3 } as never) as RecurrentLayer;
      const x = randomTensor([N, T, F], 5);
      tf.dispose([ours.apply(x) as tf.Tensor, pair.ref.apply(x) as tf.Tensor]);
      const weights = randomWeights(pair.gates, pair.useBias, 9);
      ours.setWeights(weights);
      pair.ref.setWeights(weights);
      const before = tf.memory().numTensors;
      const a = ours.apply(x, { training: false }) as tf.Tensor;
      const b = pair.ref.apply(x) as tf.Tensor;
      expectClose(a, b, 1e-5, 1e-5, variant);
      const dropped = ours.apply(x, { training: true }) as tf.Tensor;
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(dropped, b))).dataSync()[0])).toBeGreaterThan(1e-3);
      tf.dispose([a, b, dropped]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, ...weights]);
      ours.dispose();
      pair.ref.dispose();
    }
  });

  it('takes a tf.layers.gru / tf.layers.simpleRNN config as is and computes the same', () => {
    const refs = [
      tfl.layers.gru({ units: U, returnSequences: true, inputShape: [T, F] }),
      tfl.layers.simpleRNN({ units: U, returnSequences: true, inputShape: [T, F] }),
    ];
    for (const ref of refs) {
      const config = ref.getConfig();
      const ours = ref instanceof tfl.layers.Layer && ref.getClassName() === 'GRU'
        ? new GRU(config as unknown as GRUArgs)
        : new SimpleRNN(config as unknown as SimpleRNNArgs);
      if (ours instanceof GRU) {
        expect(ours.resetAfter).toBe(false); // tfjs writes resetAfter: false
        expect(ours.cell.config.recurrentActivation).toBe('hardSigmoid'); // and its own default
      }
      const x = randomTensor([N, T, F], 6);
      tf.dispose([ours.apply(x) as tf.Tensor, ref.apply(x) as tf.Tensor]);
      ours.setWeights(ref.getWeights());
      const a = ours.apply(x) as tf.Tensor;
      const b = ref.apply(x) as tf.Tensor;
      expectClose(a, b, 1e-5, 1e-5, ref.getClassName());
      tf.dispose([a, b, x]);
      ours.dispose();
      ref.dispose();
    }
  });
});
