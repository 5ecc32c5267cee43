/**
 * loadStateDict: loading a module's own state dict is a no-op (it used to overflow the stack
 * and leave the parameters unreadable); a load that fails leaves the module as it was.
 */
import * as tf from '@tensorflow/tfjs-core';

import { StateDictError } from '../errors';
import { saveTorch } from '../io/torch/writer';
import { LSTM } from './lstm';
import { LSTMCell } from './lstm-cell';

const x = () => tf.randomNormal([4, 2, 3], 0, 1, 'float32', 1);

function values(m: LSTM | LSTMCell): number[][] {
  return m.parameters().map((p) => Array.from(p.dataSync()));
}

describe('loadStateDict', () => {
  test("a module's own state dict is a no-op: values, forward, saveTorch unchanged; no leak", () => {
    const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const input = x();
    const [y0, s0] = m.forward(input);
    const before = values(m);
    const count = tf.memory().numTensors;
    const res = m.loadStateDict(m.stateDict());
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    m.loadStateDict(m.stateDict(), { strict: false });
    expect(tf.memory().numTensors).toBe(count);
    expect(values(m)).toEqual(before);
    expect(Array.from(m.stateDict().weight_ih_l0.dataSync())).toEqual(before[0]);
    const [y1, s1] = m.forward(input);
    expect(Array.from(y1.dataSync())).toEqual(Array.from(y0.dataSync()));
    expect(saveTorch(m.stateDict()).length).toBeGreaterThan(0);
    tf.dispose([input, y0, y1, ...s0, ...s1]);
    m.dispose();
  });

  test('the same for nn.LSTMCell, and for a state dict that shares the data of the parameters', () => {
    const c = new LSTMCell(3, 2);
    const before = values(c);
    c.loadStateDict(c.stateDict());
    expect(values(c)).toEqual(before);
    const other = new LSTMCell(3, 2);
    other.loadStateDict(c.stateDict());
    c.loadStateDict(other.stateDict()); // now the same data ids both ways
    expect(values(c)).toEqual(before);
    other.dispose();
    expect(values(c)).toEqual(before);
    c.dispose();
  });

  test('a failed load leaves every parameter as it was (the forward pass too)', () => {
    const m = new LSTM(3, 4);
    const input = x();
    const [y0, s0] = m.forward(input);
    const before = values(m);
    const src = new LSTM(3, 4);
    const disposed = tf.zeros([16, 4]);
    disposed.dispose();
    const bad: Array<Record<string, unknown>> = [
      { ...src.stateDict(), bias_hh_l0: tf.zeros([3]) },
      { ...src.stateDict(), bias_hh_l0: 'x' },
      { ...src.stateDict(), weight_hh_l0: disposed },
      { ...src.stateDict(), bias_ih_l0: tf.tensor1d(Array(16).fill('a'), 'string') },
      { ...src.stateDict(), extra: tf.zeros([1]) },
    ];
    for (const sd of bad) {
      expect(() => m.loadStateDict(sd as tf.NamedTensorMap)).toThrow(StateDictError);
      expect(values(m)).toEqual(before);
    }
    const [y1, s1] = m.forward(input);
    expect(Array.from(y1.dataSync())).toEqual(Array.from(y0.dataSync()));
    for (const sd of bad) for (const v of Object.values(sd)) if (v instanceof tf.Tensor && !(v instanceof tf.Variable)) v.dispose();
    tf.dispose([input, y0, y1, ...s0, ...s1]);
    m.dispose();
    src.dispose();
  });

  test('not an object of tensors: a typed error naming what was received', () => {
    const m = new LSTM(3, 4);
    for (const v of [null, undefined, 5, 'sd', [1], tf.zeros([1])]) {
      expect(() => m.loadStateDict(v as never)).toThrow(StateDictError);
    }
    expect(() => m.loadStateDict(null as never)).toThrow(/loadStateDict expected an object of tensors by key, got null/);
    m.dispose();
  });
});
