/**
 * `lastExecution` of `layers.LSTM`, `layers.GRU` (both `resetAfter`) and `layers.SimpleRNN`:
 * which tfjs executor ran the last call on tensors and why not the prepared one-step stepper,
 * one test a reason reachable through the layer; and streaming (a stateful model fed one step
 * per `predict`) on the stepper: equal step by step to the same model over the whole sequence
 * and to tfjs-layers' own stateful layer with the same weights (`tf.layers.lstm`, `gru` with
 * reset_after=False, `simpleRNN`), seeing `setWeights` and `fit`, leaving the tensor count
 * unchanged.
 *
 * Tolerance: float32, 2e-5 absolute + 2e-5 relative.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ShapeError } from '../errors';
import { GRU } from './gru';
import { LSTM } from './lstm';
import type { RecurrentLayer } from './recurrent-layer';
import { SimpleRNN } from './simple-rnn';

const N = 2, F = 3, U = 4, T = 6;
const TOL = 2e-5;

interface Kind {
  readonly name: string;
  make(args: Record<string, unknown>): RecurrentLayer;
  /** tfjs-layers' own layer computing the same (null: tfjs has no reset_after=True GRU). */
  tfjs: ((args: Record<string, unknown>) => tfl.layers.Layer) | null;
}

const KINDS: Kind[] = [
  { name: 'LSTM', make: (a) => new LSTM({ units: U, ...a }), tfjs: (a) => tfl.layers.lstm({ units: U, recurrentActivation: 'sigmoid', ...a }) },
  { name: 'GRU (resetAfter)', make: (a) => new GRU({ units: U, ...a }), tfjs: null },
  {
    name: 'GRU (reset before)', make: (a) => new GRU({ units: U, resetAfter: false, ...a }),
    tfjs: (a) => tfl.layers.gru({ units: U, recurrentActivation: 'sigmoid', ...a }),
  },
  { name: 'SimpleRNN', make: (a) => new SimpleRNN({ units: U, ...a }), tfjs: (a) => tfl.layers.simpleRNN({ units: U, ...a }) },
];

const x1 = randomTensor([N, 1, F], 1);
const x6 = randomTensor([N, T, F], 2);
const stream1 = randomTensor([1, T, F], 3);

/** The step t of x (N, T, F): (N, 1, F). */
const stepOf = (x: tf.Tensor, t: number) => tf.slice(x, [0, t, 0], [-1, 1, -1]);

describe.each(KINDS)('layers.$name', (kind) => {
  /**
   * A call on tensors, made twice: the first builds the weights (and the stepper its prepared
   * copies); the second leaves the tensor count unchanged.
   */
  function call(layer: RecurrentLayer, x: tf.Tensor, kwargs: Record<string, unknown> = {}): void {
    tf.dispose(layer.apply(x, kwargs) as tf.Tensor);
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(x, kwargs) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
  }

  /** Frees the weights and what the layer holds (a layer applied only to tensors has no inbound node to dispose through). */
  function free(layer: RecurrentLayer): void {
    layer.disposeHeld();
    tf.dispose(layer.getWeights());
  }

  describe('lastExecution', () => {
    it('is null before any call on tensors (a symbolic call runs nothing)', () => {
      const layer = kind.make({});
      expect(layer.lastExecution).toBeNull();
      layer.apply(tfl.input({ shape: [T, F] }));
      expect(layer.lastExecution).toBeNull();
      call(layer, x6);
      expect(layer.lastExecution).toMatchObject({ executor: 'fast' });
      free(layer);
    });

    it('one step, inference: the stepper', () => {
      const layer = kind.make({});
      call(layer, x1);
      expect(layer.lastExecution).toEqual({ call: 'call', executor: 'stepper', reason: null, message: null });
      free(layer);
    });

    it('a sequence: fast, steps', () => {
      const layer = kind.make({});
      call(layer, x6);
      expect(layer.lastExecution).toEqual({ call: 'call', executor: 'fast', reason: { kind: 'steps', steps: 6 }, message: '6 time steps (the stepper runs one)' });
      free(layer);
    });

    it('one step with a masked element: fast, masked', () => {
      const layer = kind.make({});
      const mask = tf.tensor2d([[1], [0]], [N, 1], 'bool');
      call(layer, x1, { mask });
      expect(layer.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'masked' } });
      mask.dispose();
      free(layer);
    });

    it('one step with dropout in training: fast, dropout; without training: the stepper', () => {
      const layer = kind.make({ dropout: 0.5, recurrentDropout: 0.5 });
      call(layer, x1, { training: true });
      expect(layer.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'dropout' } });
      call(layer, x1);
      expect(layer.lastExecution).toMatchObject({ executor: 'stepper' });
      free(layer);
    });

    it('one step under a gradient: fast, recording', () => {
      const layer = kind.make({});
      call(layer, x1);
      tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x) as tf.Tensor))(x1));
      expect(layer.lastExecution).toMatchObject({ executor: 'fast', reason: { kind: 'recording' } });
      free(layer);
    });

    it('a bad input: a ShapeError, the previous report kept, no tensor left behind', () => {
      const layer = kind.make({});
      call(layer, x1);
      const bad = tf.zeros([N, 1, F + 1]);
      const before = tf.memory().numTensors;
      expect(() => layer.apply(bad)).toThrow(ShapeError);
      expect(tf.memory().numTensors).toBe(before);
      expect(layer.lastExecution).toMatchObject({ executor: 'stepper' });
      bad.dispose();
      free(layer);
    });
  });

  describe('streaming: a stateful model, one step a predict', () => {
    /** A stateful (1, 1, F) model of the kind, and the same layer over whole sequences. */
    function models(): { stateful: tfl.Sequential; sequence: tfl.Sequential; layer: RecurrentLayer } {
      const layer = kind.make({ stateful: true, batchInputShape: [1, 1, F] });
      const stateful = tfl.sequential({ layers: [layer] });
      const sequence = tfl.sequential({ layers: [kind.make({ returnSequences: true, inputShape: [T, F] })] });
      sequence.setWeights(stateful.getWeights());
      return { stateful, sequence, layer };
    }

    /** Feeds `x` (1, T, F) step by step; every step on the stepper; the outputs stacked (1, T, U). */
    function feed(model: tfl.Sequential, layer: RecurrentLayer | null, x: tf.Tensor): tf.Tensor {
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < (x.shape[1] as number); t++) {
        const xt = stepOf(x, t);
        outs.push(model.predict(xt) as tf.Tensor);
        if (layer) expect(layer.lastExecution).toEqual({ call: 'call', executor: 'stepper', reason: null, message: null });
        xt.dispose();
      }
      const y = tf.stack(outs, 1);
      tf.dispose(outs);
      return y;
    }

    it('equals the whole sequence step by step, and tfjs-layers\' stateful layer', () => {
      const { stateful, sequence, layer } = models();
      const ys = feed(stateful, layer, stream1);
      const y = sequence.predict(stream1) as tf.Tensor;
      expectClose(ys, y, TOL, TOL, 'streamed vs sequence');
      if (kind.tfjs) {
        const ref = tfl.sequential({ layers: [kind.tfjs({ stateful: true, batchInputShape: [1, 1, F] })] });
        ref.setWeights(stateful.getWeights());
        const yr = feed(ref, null, stream1);
        expectClose(ys, yr, TOL, TOL, 'streamed vs tfjs-layers streamed');
        tf.dispose(yr);
        ref.dispose();
      }
      tf.dispose([ys, y]);
      stateful.dispose();
      sequence.dispose();
    });

    it('a streamed step leaves the tensor count unchanged', () => {
      const { stateful, sequence } = models();
      const xt = stepOf(stream1, 0);
      tf.dispose(stateful.predict(xt) as tf.Tensor);
      const before = tf.memory().numTensors;
      tf.dispose(stateful.predict(xt) as tf.Tensor);
      expect(tf.memory().numTensors).toBe(before);
      xt.dispose();
      stateful.dispose();
      sequence.dispose();
    });

    it('sees setWeights: the next step runs on the new weights', () => {
      const { stateful, sequence, layer } = models();
      tf.dispose(feed(stateful, layer, stream1)); // the stepper prepared from the first weights
      const fresh = kind.make({ returnSequences: true });
      tf.dispose(fresh.apply(stream1) as tf.Tensor); // built with new random weights
      const weights = fresh.getWeights();
      stateful.setWeights(weights);
      sequence.setWeights(weights);
      stateful.resetStates();
      const ys = feed(stateful, layer, stream1);
      const y = sequence.predict(stream1) as tf.Tensor;
      expectClose(ys, y, TOL, TOL, 'after setWeights');
      tf.dispose([ys, y]);
      free(fresh);
      stateful.dispose();
      sequence.dispose();
    });

    it('sees fit: predict on (1, 1, F) runs on the trained weights', async () => {
      const layer = kind.make({ inputShape: [1, F] });
      const model = tfl.sequential({ layers: [layer] });
      model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
      const xt = stepOf(stream1, 0);
      const before = model.predict(xt) as tf.Tensor;
      expect(layer.lastExecution?.executor).toBe('stepper');
      const xs = randomTensor([8, 1, F], 5);
      const ys = tf.onesLike(model.predict(xs) as tf.Tensor);
      await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
      const after = model.predict(xt) as tf.Tensor;
      expect(layer.lastExecution?.executor).toBe('stepper');
      const check = tfl.sequential({ layers: [kind.make({ inputShape: [T, F], returnSequences: true })] });
      check.setWeights(model.getWeights());
      const expected = check.predict(tf.tile(xt, [1, T, 1])) as tf.Tensor;
      const first = tf.reshape(tf.slice(expected, [0, 0, 0], [1, 1, U]), [1, U]);
      expectClose(after, first, TOL, TOL, 'after fit');
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(before, after))).dataSync()[0])).toBeGreaterThan(1e-4);
      tf.dispose([xt, before, xs, ys, after, expected, first]);
      model.dispose();
      check.dispose();
    });
  });
});
