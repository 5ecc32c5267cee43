import * as fs from 'fs';
import * as path from 'path';

import fc from 'fast-check';

import { ShapeError, UnsupportedConversionError } from '../src/errors';
import { tf } from '../test/helpers/tf';
import {
  batchSizesToLengths,
  kerasMaskToLengths,
  kerasMaskToTimeMajor,
  lengthsToBatchSizes,
  lengthsToKerasMask,
  timeMajorMaskToKeras,
} from './masks';

interface PackedCase {
  lengths: number[];
  batch_sizes: number[];
  sorted_indices: number[];
}
const packed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'packed-sequence.json'), 'utf8')) as {
  cases: PackedCase[];
};

describe('masks and lengths', () => {
  it('lengths -> right-padded Keras mask -> the same lengths', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 3 }), (lengths, extra) => {
        const T = Math.max(...lengths) + extra;
        const mask = lengthsToKerasMask(lengths, T);
        expect(mask.shape).toEqual([lengths.length, T]);
        expect(mask.dtype).toBe('bool');
        expect(kerasMaskToLengths(mask)).toEqual(lengths);
        const timeMajor = kerasMaskToTimeMajor(mask);
        const again = timeMajorMaskToKeras(timeMajor);
        expect(Array.from(again.dataSync())).toEqual(Array.from(mask.dataSync()));
        tf.dispose([mask, timeMajor, again]);
      }),
      { numRuns: 50 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a mask that is not a right padding (pad_sequences padding="pre", holes) has no lengths: typed error', () => {
    const pre = tf.tensor2d([[1, 1, 1], [0, 1, 1]], [2, 3], 'bool');
    expect(() => kerasMaskToLengths(pre)).toThrow(UnsupportedConversionError);
    expect(() => kerasMaskToLengths(pre)).toThrow('mask row 1 is not a right padding (step 1 is valid after padding at step 0)');
    const hole = tf.tensor2d([[1, 0, 1]], [1, 3], 'bool');
    expect(() => kerasMaskToLengths(hole)).toThrow(UnsupportedConversionError);
    const rank3 = tf.zeros([1, 2, 3]);
    expect(() => kerasMaskToLengths(rank3)).toThrow(new ShapeError('adapters.kerasMaskToLengths: mask expected rank 2 (N, T), got [1, 2, 3]'));
    tf.dispose([pre, hole, rank3]);
  });

  it("lengths <-> packed batch_sizes / sorted_indices agree with PyTorch's pack_padded_sequence", () => {
    expect(packed.cases.length).toBeGreaterThan(3);
    for (const c of packed.cases) {
      expect(lengthsToBatchSizes(c.lengths)).toEqual(c.batch_sizes);
      expect(batchSizesToLengths(c.batch_sizes, c.sorted_indices)).toEqual(c.lengths);
      expect(batchSizesToLengths(c.batch_sizes)).toEqual([...c.lengths].sort((a, b) => b - a));
    }
  });

  it('batch sizes: property round trip and typed errors', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 }), (lengths) => {
        const order = lengths.map((len, n) => [len, n]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, n]) => n);
        expect(batchSizesToLengths(lengthsToBatchSizes(lengths), order)).toEqual(lengths);
      }),
    );
    expect(() => lengthsToBatchSizes([2, 0])).toThrow('lengths[1] expected a positive integer');
    expect(() => batchSizesToLengths([1, 2])).toThrow('positive non-increasing');
    expect(() => batchSizesToLengths([2, 1], [0, 0])).toThrow('permutation of 0..1');
    expect(() => batchSizesToLengths([2, 1], [0])).toThrow('sorted_indices expected 2 entries');
  });
});
