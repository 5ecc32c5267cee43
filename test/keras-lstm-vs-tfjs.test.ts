/**
 * `layers.LSTM` against tfjs-layers' own Keras port, `tf.layers.lstm`, with identical weights
 * copied in: every combination of returnSequences × returnState × goBackwards × stateful ×
 * masking × initialState × recurrentActivation (sigmoid, hardSigmoid) × useBias (256 cases).
 * Each case compares the outputs (and the carried states when stateful) and the gradients of
 * a fixed random projection of all outputs with respect to kernel, recurrent_kernel and bias.
 * Stateful cases run two calls, the second starting from the states the first left.
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
import { expectClose, randomTensor, tf } from './helpers/tf';
import { LSTM } from '../src/layers';

const N = 3, T = 6, F = 4, U = 5;

const FLAGS = ['returnSequences', 'returnState', 'goBackwards', 'stateful', 'masking', 'initialState', 'hardSigmoid', 'noBias'] as const;

describe('layers.LSTM vs tf.layers.lstm (identical weights)', () => {
  const grid = booleanGrid(FLAGS);

  it('covers the whole grid', () => {
    expect(grid.length).toBe(256);
  });

  grid.forEach((combo, index) => {
    it(label(combo), () => {
      const before = tf.memory().numTensors;
      const options = {
        units: U,
        recurrentActivation: combo.hardSigmoid ? 'hardSigmoid' : 'sigmoid',
        useBias: !combo.noBias,
        returnSequences: combo.returnSequences,
        returnState: combo.returnState,
        goBackwards: combo.goBackwards,
        stateful: combo.stateful,
      } as const;
      const ours = new LSTM(options);
      const ref = tfl.layers.lstm({ ...options, activation: 'tanh' });
      const x1 = randomTensor([N, T, F], 100 + index);
      const x2 = randomTensor([N, T, F], 700 + index);
      tf.dispose([ours.apply(x1) as tf.Tensor, ref.apply(x1) as tf.Tensor].flat());
      const weights = randomLstmWeights(F, U, !combo.noBias, 10 * index);
      ours.setWeights(weights);
      ref.setWeights(weights);
      if (combo.stateful) {
        ours.resetStates();
        ref.resetStates();
      }
      const mask = combo.masking ? randomMask(N, T, index + 1, [combo.goBackwards ? T - 1 : 0]) : undefined;
      const initialState = combo.initialState
        ? [randomTensor([N, U], 300 + index, 0.8), randomTensor([N, U], 400 + index, 0.8)]
        : undefined;

      const calls = combo.stateful ? [x1, x2] : [x1];
      calls.forEach((x, k) => {
        // The explicit initial state goes to the first call only; a stateful second call
        // starts from the carried states.
        const kwargs = { mask, initialState: k === 0 ? initialState : undefined, training: true };
        const a = callWithGrads(ours, x, kwargs);
        const b = callWithGrads(ref, x, kwargs);
        expectSameResults(a, b, `call ${k}`);
        if (combo.stateful) {
          const refStates = ref.states as tf.Tensor[];
          (ours.states as tf.Tensor[]).forEach((s, j) => expectClose(s, refStates[j], 1e-5, 1e-5, `state ${j}`));
        }
        disposeResult(a);
        disposeResult(b);
      });
      tf.dispose([x1, x2, ...weights, ...(initialState ?? []), ...(mask ? [mask] : [])]);
      ours.dispose();
      ref.dispose();
      // tfjs' stateful RNN keeps its old states after training calls until resetStates().
      if (!combo.stateful) expect(tf.memory().numTensors).toBe(before);
    });
  });
});
