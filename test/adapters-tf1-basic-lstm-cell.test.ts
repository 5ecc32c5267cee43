/**
 * The TF1 convention against tfjs-core's own `tf.basicLSTMCell` (TF1 `BasicLSTMCell`'s step:
 * one kernel (I + H, 4H) with x rows then h rows, gates i, j, f, o, runtime `forget_bias`,
 * returns `[c, h]`), step by step, in both directions of the conversion. Tolerance 1e-5
 * (both float32; seen ~1e-7).
 */
import fc from 'fast-check';

import { canonicalToTf1, disposeWeights, kerasStateToTf1, tf1StateToKeras, tf1ToCanonical } from '../adapters';
import { lstmCellStep, lstmLayer } from '../src/engine';
import { disposeAll, layerSizes, randomNative, randomValues } from './helpers/conventions';
import { expectClose, tf } from './helpers/tf';

const steps = fc.record({
  T: fc.integer({ min: 1, max: 5 }),
  N: fc.integer({ min: 1, max: 3 }),
  forgetBias: fc.double({ min: -2, max: 2, noNaN: true }).map(Math.fround),
});

describe('TF1 weights and tf.basicLSTMCell', () => {
  it('tf1ToCanonical: the engine step equals tf.basicLSTMCell at every step', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(layerSizes(), steps, (s, { T, N, forgetBias }) => {
        const tf1 = randomNative('tf1', s);
        const canonical = tf1ToCanonical(tf1, { forgetBias });
        const x = randomValues([T, N, s.I], s.seed + 11, false, 1);
        const xs = tf.unstack(x) as tf.Tensor2D[];
        // TF1's state tuple is (c, h); the engine's is [h, c].
        let tf1State = [randomValues([N, s.H], s.seed + 12), randomValues([N, s.H], s.seed + 13)] as [tf.Tensor2D, tf.Tensor2D];
        let engineState = tf1StateToKeras(tf1State);
        for (let t = 0; t < T; t++) {
          const [c, h] = tf1State;
          const nextTf1 = tf.basicLSTMCell(forgetBias, tf1.kernel as tf.Tensor2D, tf1.bias as tf.Tensor1D, xs[t], c, h) as [tf.Tensor2D, tf.Tensor2D];
          const nextEngine = lstmCellStep(xs[t], engineState, canonical);
          expectClose(nextEngine[0], nextTf1[1], 1e-5, 0, `h at step ${t}`);
          expectClose(nextEngine[1], nextTf1[0], 1e-5, 0, `c at step ${t}`);
          tf.dispose([...tf1State, ...engineState]);
          tf1State = nextTf1;
          engineState = nextEngine;
        }
        tf.dispose([x, ...xs, ...tf1State, ...engineState]);
        disposeAll(tf1);
        disposeWeights(canonical);
      }),
      { numRuns: 30 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('canonicalToTf1: tf.basicLSTMCell stepping the converted weights equals the engine layer', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(layerSizes(), steps, (s, { T, N, forgetBias }) => {
        const canonical = randomNative('canonical', s);
        const tf1 = canonicalToTf1(canonical, { forgetBias });
        const x = randomValues([T, N, s.I], s.seed + 21, false, 1);
        const engine = lstmLayer(x, canonical);
        const xs = tf.unstack(x) as tf.Tensor2D[];
        let state = kerasStateToTf1([tf.zeros([N, s.H]), tf.zeros([N, s.H])] as [tf.Tensor2D, tf.Tensor2D]);
        const hs: tf.Tensor[] = [];
        for (let t = 0; t < T; t++) {
          const next = tf.basicLSTMCell(forgetBias, tf1.kernel as tf.Tensor2D, tf1.bias as tf.Tensor1D, xs[t], state[0], state[1]) as [tf.Tensor2D, tf.Tensor2D];
          if (t > 0) tf.dispose(state[0]);
          else tf.dispose(state);
          state = next;
          hs.push(next[1]);
        }
        const stacked = tf.stack(hs);
        expectClose(stacked, engine.output, 1e-5, 0, 'output');
        expectClose(state[0], engine.c, 1e-5, 0, 'c');
        tf.dispose([x, ...xs, stacked, ...hs, state[0], engine.output, engine.h, engine.c]);
        disposeAll(canonical, tf1);
      }),
      { numRuns: 30 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
