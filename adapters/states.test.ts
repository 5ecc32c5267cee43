import * as tfl from '@tensorflow/tfjs-layers';

import { lstmStack } from '../src/engine';
import { ShapeError } from '../src/errors';
import { disposeAll, randomNative, randomValues } from '../test/helpers/conventions';
import { expectClose, tf } from '../test/helpers/tf';
import { canonicalToKeras, kerasWeightList } from './conventions/keras';
import {
  engineStatesToTorch,
  kerasStateToTf1,
  kerasStatesToTorch,
  tf1StateToKeras,
  torchStatesToEngine,
  torchStatesToKeras,
} from './states';

/** (count, N, H) states whose entry [k] is filled with k (+ offset): entries are recognisable. */
const indexed = (count: number, N: number, H: number, offset = 0) =>
  tf.tidy(() => tf.mul(tf.add(tf.reshape(tf.range(0, count), [count, 1, 1]), offset), tf.ones([count, N, H]))) as tf.Tensor3D;

describe('states', () => {
  it('PyTorch h_n/c_n index layer * D + direction <-> Keras [h_f, c_f, h_b, c_b] per layer', () => {
    const before = tf.memory().numTensors;
    const [h_n, c_n] = [indexed(4, 2, 3), indexed(4, 2, 5, 100)];
    const layers = torchStatesToKeras(h_n, c_n, { bidirectional: true });
    expect(layers.map((list) => list.map((t) => t.dataSync()[0]))).toEqual([[0, 100, 1, 101], [2, 102, 3, 103]]);
    expect(layers[0][1].shape).toEqual([2, 5]);
    const back = kerasStatesToTorch(layers);
    expect(back.h_n.arraySync()).toEqual(h_n.arraySync());
    expect(back.c_n.arraySync()).toEqual(c_n.arraySync());
    const uni = torchStatesToKeras(h_n, c_n, { bidirectional: false });
    expect(uni.map((list) => list.map((t) => t.dataSync()[0]))).toEqual([[0, 100], [1, 101], [2, 102], [3, 103]]);
    tf.dispose([h_n, c_n, back.h_n, back.c_n, ...layers.flat(), ...uni.flat()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("matches real tfjs-layers Bidirectional(LSTM, returnState): [y, h_f, c_f, h_b, c_b]", () => {
    const before = tf.memory().numTensors;
    const s = { I: 3, H: 4, P: 0, bias: true, seed: 7, special: false };
    const [N, T] = [2, 5];
    const fw = randomNative('canonical', s);
    const bw = randomNative('canonical', { ...s, seed: 70 });
    const [kf, kb] = [canonicalToKeras(fw), canonicalToKeras(bw)];
    const layer = tfl.layers.bidirectional({
      layer: tfl.layers.lstm({ units: s.H, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid' }) as tfl.RNN,
      mergeMode: 'concat',
    });
    const xBatch = randomValues([N, T, s.I], 8, false, 1);
    const outputs = tf.tidy(() => {
      layer.apply(xBatch);
      layer.setWeights([...kerasWeightList(kf), ...kerasWeightList(kb)]);
      return layer.apply(xBatch) as tf.Tensor[];
    });
    const x = tf.transpose(xBatch, [1, 0, 2]);
    const engine = lstmStack(x, [{ forward: fw, backward: bw }]);
    const { h_n, c_n } = engineStatesToTorch(engine.h, engine.c);
    const [kerasStates] = torchStatesToKeras(h_n, c_n, { bidirectional: true });
    expect(outputs).toHaveLength(5);
    const y = tf.transpose(engine.output, [1, 0, 2]);
    expectClose(outputs[0], y, 1e-5, 0, 'y (forward ‖ backward, concat)');
    y.dispose();
    kerasStates.forEach((t, k) => expectClose(outputs[k + 1], t, 1e-5, 0, ['h_f', 'c_f', 'h_b', 'c_b'][k]));
    layer.dispose();
    tf.dispose([...outputs, xBatch, x, engine.output, ...engine.h, ...engine.c, h_n, c_n, ...kerasStates]);
    disposeAll(fw, bw, kf, kb);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('engine lists <-> torch, and TF1 (c, h) <-> Keras [h, c]', () => {
    const [h_n, c_n] = [indexed(3, 2, 2), indexed(3, 2, 2, 10)];
    const { h0, c0 } = torchStatesToEngine(h_n, c_n);
    expect(h0.map((t) => t.dataSync()[0])).toEqual([0, 1, 2]);
    const back = engineStatesToTorch(h0, c0);
    expect(back.c_n.arraySync()).toEqual(c_n.arraySync());
    const [c, h] = [c0[0], h0[0]];
    expect(tf1StateToKeras([c, h])).toEqual([h, c]);
    expect(kerasStateToTf1([h, c])).toEqual([c, h]);
    tf.dispose([h_n, c_n, ...h0, ...c0, back.h_n, back.c_n]);
  });

  it('names wrong ranks and counts', () => {
    const [h_n, c_n] = [indexed(3, 2, 2), indexed(3, 2, 2)];
    expect(() => torchStatesToKeras(h_n, c_n, { bidirectional: true })).toThrow(
      new ShapeError('adapters.torchStatesToKeras: h_n expected a first axis of layers * 2 directions, got [3, 2, 2]'),
    );
    const flat = tf.zeros([2, 2]);
    expect(() => torchStatesToKeras(flat, c_n, { bidirectional: false })).toThrow('h_n expected rank 3 (L*D, N, H_out), got [2, 2]');
    const c_bad = tf.zeros([3, 1, 2]);
    expect(() => torchStatesToKeras(h_n, c_bad, { bidirectional: false })).toThrow('c_n expected [3, 2, H], got [3, 1, 2]');
    expect(() => kerasStatesToTorch([[flat, flat], [flat, flat, flat, flat]])).toThrow('layer 1 states expected [h, c]');
    expect(() => kerasStatesToTorch([])).toThrow(ShapeError);
    const wide = tf.zeros([3, 2]);
    expect(() => engineStatesToTorch([flat, wide], [flat, flat])).toThrow('h state 1 expected [2, 2], got [3, 2]');
    tf.dispose([h_n, c_n, flat, c_bad, wide]);
  });
});
