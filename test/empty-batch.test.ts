/**
 * Batch size 0, on the cpu and wasm backends: PyTorch returns empty outputs and states and zero
 * gradients for the parameters (its own tests check this); so does nn.LSTM. Also `dropout: 1`
 * in training, which PyTorch runs (every input of the next layer dropped).
 */
import * as path from 'path';

import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { LSTM, LSTMCell } from '../src/nn';
import { layers } from '../src';
import { tf } from './helpers/tf';

const BACKENDS = ['cpu', 'wasm'] as const;

beforeAll(() => {
  setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(BACKENDS)('batch size 0 on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  test.each([
    ['2 layers', { numLayers: 2 }, [6, 0, 3], [2, 0, 5]],
    ['bidirectional', { bidirectional: true }, [6, 0, 3], [2, 0, 5]],
    ['batchFirst', { batchFirst: true }, [0, 6, 3], [1, 0, 5]],
    ['projection', { projSize: 2 }, [6, 0, 3], [1, 0, 2]],
  ] as const)('nn.LSTM forward, %s', (_, options, xShape, hShape) => {
    const m = new LSTM(3, 5, options);
    const before = tf.memory().numTensors;
    const x = tf.zeros([...xShape]);
    const [y, [h, c]] = m.forward(x);
    const D = 'bidirectional' in options ? 2 : 1;
    const Hout = 'projSize' in options ? 2 : 5;
    expect(y.shape).toEqual('batchFirst' in options ? [0, 6, Hout] : [6, 0, D * Hout]);
    expect(h.shape).toEqual([...hShape]);
    expect(c.shape).toEqual([hShape[0], 0, 5]);
    tf.dispose([x, y, h, c]);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  test('with h0 / c0, and gradients: empty for x, zero for every parameter', () => {
    const m = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
    const x = tf.zeros([6, 0, 3]);
    const h0 = tf.zeros([4, 0, 5]);
    const c0 = tf.zeros([4, 0, 5]);
    const [y, [h, c]] = m.forward(x, [h0, c0]);
    expect(y.shape).toEqual([6, 0, 10]);
    tf.dispose([y, h, c]);
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(m.forward(xx)[0]))(x);
    expect(gx.shape).toEqual([6, 0, 3]);
    const { value, grads } = tf.variableGrads(() => tf.sum(m.forward(x, [h0, c0])[0]) as tf.Scalar, m.parameters());
    // (tfjs-wasm's sum of an empty tensor reads uninitialized memory, so `value` is not checked.)
    expect(value.shape).toEqual([]);
    expect(Object.keys(grads)).toHaveLength(m.parameters().length);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, h0, c0, gx, value, ...Object.values(grads)]);
    m.dispose();
  });

  test('nn.LSTMCell and layers.lstm', () => {
    const cell = new LSTMCell(3, 4);
    const x = tf.zeros([0, 3]);
    const [h, c] = cell.forward(x);
    expect(h.shape).toEqual([0, 4]);
    tf.dispose([h, c]);
    cell.dispose();
    const layer = layers.lstm({ units: 4, returnSequences: true });
    const x3 = tf.zeros([0, 6, 3]);
    const y = layer.apply(x3) as tf.Tensor;
    expect(y.shape).toEqual([0, 6, 4]);
    tf.dispose([x, x3, y]);
    layer.dispose();
  });

  test('dropout: 1 in training runs: the layers above see zeros', () => {
    const m = new LSTM(3, 5, { numLayers: 2, dropout: 1 });
    const x = tf.randomNormal([4, 2, 3], 0, 1, 'float32', 3);
    const [y, [h, c]] = m.forward(x);
    // Layer 1 gets an all-zero input: its output is the zero-input LSTM's, whatever x is.
    const x2 = tf.randomNormal([4, 2, 3], 0, 1, 'float32', 4);
    const [y2, [h2, c2]] = m.forward(x2);
    expect(Array.from(y.dataSync())).toEqual(Array.from(y2.dataSync()));
    m.eval();
    const [y3, [h3, c3]] = m.forward(x);
    expect(Array.from(y3.dataSync())).not.toEqual(Array.from(y.dataSync()));
    tf.dispose([x, x2, y, h, c, y2, h2, c2, y3, h3, c3]);
    m.dispose();
  });
});
