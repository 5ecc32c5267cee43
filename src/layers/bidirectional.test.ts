import * as tfl from '@tensorflow/tfjs-layers';

import { randomLstmWeights } from '../../test/helpers/layers';
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ConfigError, ShapeError } from '../errors';
import { Bidirectional, bidirectional } from './bidirectional';
import { LSTM, lstm } from './lstm';

const N = 2, T = 4, F = 3, U = 5;

describe('layers.Bidirectional', () => {
  it('is a tfjs-layers Layer with the lower-case factory, registered under its own className', () => {
    const bi = bidirectional({ layer: lstm({ units: U }) });
    expect(bi).toBeInstanceOf(Bidirectional);
    expect(bi).toBeInstanceOf(tfl.layers.Layer);
    expect(bi.getClassName()).toBe('LstmBridge.Bidirectional');
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(map['LstmBridge.Bidirectional'][0]).toBe(Bidirectional);
    expect(map['Bidirectional'][0]).not.toBe(Bidirectional);
  });

  it('makes a fresh forward copy and a goBackwards backward copy, zeroOutputForMask when returning sequences', () => {
    const layer = lstm({ units: U, returnSequences: true, name: 'enc' });
    const bi = new Bidirectional({ layer });
    expect(bi.forwardLayer).not.toBe(layer);
    expect([bi.forwardLayer.name, bi.backwardLayer.name]).toEqual(['forward_enc', 'backward_enc']);
    expect([bi.forwardLayer.goBackwards, bi.backwardLayer.goBackwards]).toEqual([false, true]);
    expect([bi.forwardLayer.zeroOutputForMask, bi.backwardLayer.zeroOutputForMask]).toEqual([true, true]);
    const last = new Bidirectional({ layer: lstm({ units: U }) });
    expect([last.forwardLayer.zeroOutputForMask, last.backwardLayer.zeroOutputForMask]).toEqual([false, false]);
  });

  it('has forward then backward weights under distinct names; LSTM(7) on 10 features has 1008 parameters', () => {
    const bi = new Bidirectional({ layer: lstm({ units: 7, name: 'l' }), name: 'bi' });
    tf.dispose(bi.apply(tf.zeros([2, 17, 10])) as tf.Tensor);
    expect(bi.weights.map((w) => w.originalName)).toEqual([
      'bi/forward_l/kernel', 'bi/forward_l/recurrent_kernel', 'bi/forward_l/bias',
      'bi/backward_l/kernel', 'bi/backward_l/recurrent_kernel', 'bi/backward_l/bias',
    ]);
    expect(bi.countParams()).toBe(1008);
  });

  it('returns the documented outputs for each merge mode', () => {
    const x = randomTensor([N, T, F], 1);
    const shapes = (mergeMode: 'concat' | 'sum' | 'mul' | 'ave' | null, returnSequences: boolean, returnState: boolean) => {
      const bi = new Bidirectional({ layer: lstm({ units: U, returnSequences, returnState }), mergeMode });
      const out = bi.apply(x) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(out) ? out : [out];
      const computed = bi.computeOutputShape([null, T, F]);
      const expected = (Array.isArray(computed[0]) ? computed : [computed]) as (number | null)[][];
      expect(list.map((t) => t.shape)).toEqual(expected.map((s) => [N, ...s.slice(1)]));
      return list.map((t) => t.shape);
    };
    expect(shapes('concat', false, false)).toEqual([[N, 2 * U]]);
    expect(shapes('sum', true, false)).toEqual([[N, T, U]]);
    expect(shapes(null, true, false)).toEqual([[N, T, U], [N, T, U]]);
    expect(shapes('ave', false, true)).toEqual([[N, U], [N, U], [N, U], [N, U], [N, U]]);
    expect(shapes(null, false, true)).toEqual([[N, U], [N, U], [N, U], [N, U], [N, U], [N, U]]);
  });

  it('uses a given backward layer as is, flipping its sequence back before merging', () => {
    const x = randomTensor([N, T, F], 2);
    const forward = lstm({ units: U, returnSequences: true });
    const backward = lstm({ units: U, returnSequences: true, goBackwards: true, activation: 'relu' });
    const bi = new Bidirectional({ layer: forward, backwardLayer: backward, mergeMode: null });
    expect(bi.backwardLayer).toBe(backward);
    tf.dispose(bi.apply(x) as tf.Tensor[]);
    const wf = randomLstmWeights(F, U, true, 1);
    const wb = randomLstmWeights(F, U, true, 2);
    bi.setWeights([...wf, ...wb]);
    const [yF, yB] = bi.apply(x) as tf.Tensor[];
    const f = lstm({ units: U, returnSequences: true });
    const b = lstm({ units: U, returnSequences: true, goBackwards: true, activation: 'relu' });
    tf.dispose([f.apply(x), b.apply(x)] as tf.Tensor[]);
    f.setWeights(wf);
    b.setWeights(wb);
    expectClose(yF, f.apply(x) as tf.Tensor, 0, 0, 'forward');
    expectClose(yB, tf.reverse(b.apply(x) as tf.Tensor, 1), 0, 0, 'backward flipped back');
  });

  it('takes the wrapped layer\'s input shape when it has none', () => {
    const bi = bidirectional({ layer: lstm({ units: U, inputShape: [T, F] }) });
    expect(bi.batchInputShape).toEqual([null, T, F]);
    const model = tfl.sequential({ layers: [bi] });
    expect(model.outputs[0].shape).toEqual([null, 2 * U]);
  });

  it('round-trips its config, including a given backward layer', () => {
    const bi = new Bidirectional({
      layer: lstm({ units: 3, returnSequences: true, recurrentActivation: 'hardSigmoid' }),
      backwardLayer: lstm({ units: 3, returnSequences: true, goBackwards: true, activation: 'relu' }),
      mergeMode: 'mul',
      name: 'bi_config',
    });
    const config = bi.getConfig();
    const copy = Bidirectional.fromConfig(Bidirectional, { ...config, customObjects: {} }) as Bidirectional;
    expect(copy.getConfig()).toEqual(config);
    expect(copy.backwardLayer.getConfig().activation).toBe('relu');
    expect(copy.forwardLayer.name).toBe(bi.forwardLayer.name);
  });

  it('carries and resets the states of both halves when stateful', () => {
    const bi = new Bidirectional({ layer: lstm({ units: U, stateful: true }), mergeMode: 'sum' });
    const x = randomTensor([N, T, F], 3);
    const y1 = bi.apply(x) as tf.Tensor;
    expect(bi.states!.map((s) => s.shape)).toEqual([[N, U], [N, U], [N, U], [N, U]]);
    const y2 = bi.apply(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(y1, y2))).dataSync()[0]).toBeGreaterThan(1e-4);
    bi.resetStates();
    expectClose(bi.apply(x) as tf.Tensor, y1, 0, 0, 'after reset');
    const s = [0, 1, 2, 3].map((k) => randomTensor([N, U], 40 + k));
    bi.resetStates(s);
    const expected = new Bidirectional({ layer: lstm({ units: U }), mergeMode: 'sum' });
    tf.dispose(expected.apply(x) as tf.Tensor);
    expected.setWeights(bi.getWeights());
    expectClose(bi.apply(x) as tf.Tensor, expected.apply(x, { initialState: s }) as tf.Tensor, 0, 0, 'reset to given');
  });

  it('leaks no tensors across calls', () => {
    const bi = new Bidirectional({ layer: lstm({ units: U, returnSequences: true, returnState: true, dropout: 0.3 }) });
    const x = randomTensor([N, T, F], 4);
    const mask = tf.tensor2d([[1, 1, 0, 1], [1, 0, 1, 1]], [N, T], 'bool');
    tf.dispose(bi.apply(x) as tf.Tensor[]);
    const before = tf.memory().numTensors;
    for (const training of [false, true]) tf.dispose(bi.apply(x, { mask, training }) as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad arguments and inputs with typed errors', () => {
    expect(() => new Bidirectional({ layer: lstm({ units: 2 }), mergeMode: 'max' as 'sum' })).toThrow(ConfigError);
    expect(() => new Bidirectional({ layer: lstm({ units: 2 }), mergeMode: 'max' as 'sum' })).toThrow(
      `layers.Bidirectional: mergeMode expected one of 'concat', 'sum', 'mul', 'ave', null, got "max"`,
    );
    expect(() => new Bidirectional({ layer: tfl.layers.lstm({ units: 2 }) as unknown as LSTM })).toThrow(
      'layers.Bidirectional: layer expected a layers.LSTM, layers.GRU or layers.SimpleRNN, got LSTM',
    );
    expect(() => new Bidirectional({ layer: lstm({ units: 2 }), backwardLayer: lstm({ units: 2 }) })).toThrow(
      /must differ in goBackwards/,
    );
    expect(
      () => new Bidirectional({ layer: lstm({ units: 2 }), backwardLayer: lstm({ units: 2, goBackwards: true, returnSequences: true }) }),
    ).toThrow(/must agree on returnSequences/);
    expect(
      () => new Bidirectional({ layer: lstm({ units: 2 }), backwardLayer: lstm({ units: 3, goBackwards: true }), mergeMode: 'sum' }),
    ).toThrow(/mergeMode 'sum' needs forward and backward layers of the same units, got 2 and 3/);
    expect(() => new Bidirectional({ layer: lstm({ units: 2 }), foo: 1 } as never)).toThrow(/unknown argument\(s\) foo/);
    const bi = new Bidirectional({ layer: lstm({ units: 2 }), name: 'b' });
    expect(() => bi.apply(tf.zeros([N, F]))).toThrow(ShapeError);
    tf.dispose(bi.apply(tf.zeros([N, T, F])) as tf.Tensor);
    expect(() => bi.apply(tf.zeros([N, T, F + 1]))).toThrow('layers.Bidirectional (b): input expected [2, 4, 3] (batch, timesteps, 3), got [2, 4, 4]');
    expect(() => bi.apply(tf.zeros([N, T, F]), { initialState: [tf.zeros([N, 2]), tf.zeros([N, 2])] })).toThrow(
      /initialState expected 4 tensors, got 2/,
    );
    expect(() =>
      bi.apply(tf.zeros([N, T, F]), { initialState: [tf.zeros([N, 2]), tf.zeros([N, 2]), tf.zeros([N, 3]), tf.zeros([N, 2])] }),
    ).toThrow(ShapeError);
    expect(() => bi.resetStates()).toThrow(/resetStates\(\) needs a stateful layer/);
  });
});
