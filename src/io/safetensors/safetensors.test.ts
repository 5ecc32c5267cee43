import { randomTensor, tf } from '../../../test/helpers/tf';
import { expectedFor, fixtureBytes } from '../../../test/helpers/io-fixtures';
import { ConfigError } from '../../errors';
import { SafetensorsFormatError, SizeLimitError } from '../shared/errors';
import { loadSafetensors, readSafetensors, saveSafetensors } from './safetensors';

/** Builds a safetensors file from a header object and a data length. */
function craft(header: unknown, dataBytes: number, headerLenOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, headerLenOverride ?? json.length, true);
  out.set(json, 8);
  return out;
}

describe('readSafetensors', () => {
  it('reads a file written by an independent (numpy) writer: values exactly as PyTorch gives them', () => {
    const expected = expectedFor('tensors.safetensors');
    const got = readSafetensors(fixtureBytes('tensors.safetensors'));
    expect(got.metadata).toEqual(expected.metadata);
    const byName = Object.fromEntries(got.tensors.map((t) => [t.name, t]));
    for (const e of expected.tensors!) {
      expect(byName[e.name].tensor.shape).toEqual(e.shape);
      const values = Array.from(byName[e.name].tensor.values);
      expect(e.dtype === 'bool' ? values.map(Boolean) : values).toEqual(e.dtype === 'bool' ? e.values.map(Boolean) : e.values);
    }
    expect(byName.bf16.sourceDtype).toBe('bfloat16');
    expect(byName.i64.tensor.dtype).toBe('int32');
    expect(byName.bool.tensor.dtype).toBe('bool');
  });

  it.each([
    ['header length beyond the file', craft({}, 0, 1000), /exceeds/],
    ['header not JSON', (() => { const b = craft({}, 0); b[8] = 0x41; return b; })(), /not valid UTF-8 JSON/],
    ['header an array', craft([], 0), /JSON object/],
    ['unknown dtype', craft({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, 8), /dtype expected/],
    ['negative dim', craft({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /non-negative integers/],
    ['negative offset', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, 4), /0 <= begin <= end/],
    ['end before begin', craft({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, 4), /0 <= begin <= end/],
    ['out of bounds', craft({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8), /exceed the 8 data bytes/],
    ['size mismatch', craft({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, 8), /expected 12 bytes/],
    ['overlap', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, 12), /overlaps/],
    ['gap', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /gap/],
    ['trailing bytes', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8), /cover 4 of the 8/],
    ['metadata not strings', craft({ __metadata__: { a: 1 } }, 0), /__metadata__/],
    ['offsets not integers', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, '4'] } }, 4), /data_offsets expected/],
  ])('refuses %s with a SafetensorsFormatError', (_what, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(SafetensorsFormatError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  });

  it('accepts misordered header entries whose data are contiguous', () => {
    const bytes = craft({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8);
    expect(readSafetensors(bytes).tensors.map((t) => t.name)).toEqual(['a', 'b']);
  });

  it('caps the header length and tensor sizes before allocating', () => {
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 0x10, true); // 2^36-byte header
    expect(() => readSafetensors(huge)).toThrow(SizeLimitError);
    const big = craft({ a: { dtype: 'F32', shape: [2 ** 20, 2 ** 20], data_offsets: [0, 4] } }, 4);
    expect(() => readSafetensors(big)).toThrow(SafetensorsFormatError);
    expect(() => readSafetensors(saveSafetensors({ a: tf.zeros([100]) }), { limits: { maxTensorBytes: 10 } })).toThrow(SizeLimitError);
  });
});

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips float32, int32 and bool tensors with metadata, header padded to 8 bytes', () => {
    const w = randomTensor([4, 3], 3);
    const i = tf.tensor([7, -8], [2], 'int32');
    const m = tf.tensor([0, 1, 1], [3], 'bool');
    const bytes = saveSafetensors({ w, i, m }, { format: 'pt' });
    expect(new DataView(bytes.buffer).getUint32(0, true) % 8).toBe(0);
    const file = readSafetensors(bytes);
    expect(file.metadata).toEqual({ format: 'pt' });
    const before = tf.memory().numTensors;
    const back = loadSafetensors(bytes);
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(Object.keys(back)).toEqual(['w', 'i', 'm']);
    expect(Array.from(back.w.dataSync())).toEqual(Array.from(w.dataSync()));
    expect(back.i.dtype).toBe('int32');
    expect(Array.from(back.i.dataSync())).toEqual([7, -8]);
    expect(back.m.dtype).toBe('bool');
    expect(Array.from(back.m.dataSync())).toEqual([0, 1, 1]);
    tf.dispose([w, i, m, ...Object.values(back)]);
  });

  it('refuses what it cannot write', () => {
    expect(() => saveSafetensors({ __metadata__: tf.zeros([1]) })).toThrow(ConfigError);
    expect(() => saveSafetensors({ a: tf.zeros([1]) }, { n: 1 as never })).toThrow(ConfigError);
    expect(() => saveSafetensors({ s: tf.tensor(['x']) })).toThrow(/string/);
  });
});
