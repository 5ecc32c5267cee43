import { unzipSync } from 'fflate';

import { randomTensor, tf } from '../../../test/helpers/tf';
import { ConfigError } from '../../errors';
import { readTorch } from './reader';
import { saveTorch } from './writer';

describe('saveTorch', () => {
  it('round-trips float32, int32 and bool tensors through readTorch, in key order', () => {
    const w = randomTensor([8, 3], 1);
    const b = randomTensor([8], 2);
    const steps = tf.tensor([3, -1, 2 ** 31 - 1], [3], 'int32');
    const flags = tf.tensor([1, 0], [2], 'bool');
    const scalar = tf.scalar(1.5);
    const bytes = saveTorch({ 'lstm.weight_ih_l0': w, 'lstm.bias_ih_l0': b, steps, flags, scalar });
    const got = readTorch(bytes);
    expect(got.format).toBe('zip');
    expect(got.tensors.map((t) => t.name)).toEqual(['lstm.weight_ih_l0', 'lstm.bias_ih_l0', 'steps', 'flags', 'scalar']);
    expect(Array.from(got.tensors[0].tensor.values)).toEqual(Array.from(w.dataSync()));
    expect(got.tensors[0].tensor.shape).toEqual([8, 3]);
    expect(got.tensors[2].sourceDtype).toBe('int64');
    expect(Array.from(got.tensors[2].tensor.values)).toEqual([3, -1, 2 ** 31 - 1]);
    expect(got.tensors[3].tensor.dtype).toBe('bool');
    expect(Array.from(got.tensors[3].tensor.values)).toEqual([1, 0]);
    expect(got.tensors[4].tensor.shape).toEqual([]);
    tf.dispose([w, b, steps, flags, scalar]);
  });

  it('writes the layout torch.save writes: <root>/data.pkl, data/<k>, byteorder, version; data 64-byte aligned', () => {
    const bytes = saveTorch({ a: tf.ones([5]), b: tf.zeros([2, 7]) }, { archiveName: 'lstm' });
    const names = Object.keys(unzipSync(bytes));
    expect(names).toEqual(['lstm/data.pkl', 'lstm/byteorder', 'lstm/data/0', 'lstm/data/1', 'lstm/version']);
    // Local headers: find each entry's data offset and check its alignment.
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    let off = 0;
    for (let k = 0; k < names.length; k++) {
      expect(dv.getUint32(off, true)).toBe(0x04034b50);
      const size = dv.getUint32(off + 18, true);
      const data = off + 30 + dv.getUint16(off + 26, true) + dv.getUint16(off + 28, true);
      expect(data % 64).toBe(0);
      off = data + size;
    }
  });

  it('accepts plain {dtype, shape, values} tensors', () => {
    const bytes = saveTorch({ x: { dtype: 'float32', shape: [2], values: new Float32Array([1, 2]) } });
    expect(Array.from(readTorch(bytes).tensors[0].tensor.values)).toEqual([1, 2]);
  });

  it('refuses what it cannot write, naming the key', () => {
    expect(() => saveTorch({ s: tf.tensor(['a']) })).toThrow(ConfigError);
    expect(() => saveTorch({ s: tf.tensor(['a']) })).toThrow(/tensors\['s'\].*string/);
    expect(() => saveTorch({ x: 3 as never })).toThrow(ConfigError);
    expect(() => saveTorch({ x: { dtype: 'float32', shape: [3], values: new Float32Array(2) } })).toThrow(/2 values for shape \[3\]/);
    expect(() => saveTorch({}, { archiveName: '../x' })).toThrow(ConfigError);
  });

  it('leaks no tensors', () => {
    const t = tf.ones([3, 3]);
    const before = tf.memory().numTensors;
    saveTorch({ t });
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
