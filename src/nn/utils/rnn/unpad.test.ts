/**
 * unpadSequence / unpackSequence (PyTorch 1.13's unpad_sequence / unpack_sequence): the
 * inverses of padSequence / packSequence, in the original order; and PackedSequence inferring
 * unsortedIndices from sortedIndices, as PyTorch does.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError } from '../../../errors';
import { PackedSequence } from './packed-sequence';
import { packSequence } from './pack';
import { padSequence } from './pad';
import { unpackSequence, unpadSequence } from './unpad';
import { LSTM } from '../../lstm';
import { LSTMCell } from '../../lstm-cell';

const seqs = () => [tf.tensor2d([[1, 1], [2, 2]]), tf.tensor2d([[3, 3], [4, 4], [5, 5]]), tf.tensor2d([[6, 6]])];
const values = (ts: tf.Tensor[]) => ts.map((t) => [t.shape, Array.from(t.dataSync())]);

test.each([false, true])('unpadSequence(padSequence(s)) gives s back (batchFirst %s)', (batchFirst) => {
  const s = seqs();
  const before = tf.memory().numTensors;
  const padded = padSequence(s, { batchFirst });
  const back = unpadSequence(padded, [2, 3, 1], { batchFirst });
  expect(values(back)).toEqual(values(s));
  tf.dispose([padded, ...back]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose(s);
});

test('unpackSequence(packSequence(s, unsorted)) gives s back in the original order', () => {
  const s = seqs();
  const packed = packSequence(s, { enforceSorted: false });
  const before = tf.memory().numTensors;
  const back = unpackSequence(packed);
  expect(values(back)).toEqual(values(s));
  tf.dispose(back);
  expect(tf.memory().numTensors).toBe(before);
  packed.dispose();
  tf.dispose(s);
});

test('lengths are checked; a zero length gives an empty sequence', () => {
  const padded = tf.zeros([3, 2, 1]);
  expect(() => unpadSequence(padded, [4, 1])).toThrow(/lengths\[0\] expected an integer in \[0, 3\], got a number \(4\)/);
  expect(() => unpadSequence(padded, [1])).toThrow(ShapeError);
  expect(() => unpadSequence(padded, null as never)).toThrow(/got null/);
  expect(() => unpackSequence(padded as never)).toThrow(/expected a PackedSequence/);
  const [a, b] = unpadSequence(padded, tf.tensor1d([3, 0], 'int32'));
  expect(a.shape).toEqual([3, 1]);
  expect(b.shape).toEqual([0, 1]);
  tf.dispose([padded, a, b]);
});

test('PackedSequence infers unsortedIndices from sortedIndices (the inverse permutation)', () => {
  const data = tf.zeros([4, 1]);
  const batchSizes = tf.tensor1d([3, 1], 'int32');
  const sorted = tf.tensor1d([2, 0, 1], 'int32');
  const p = new PackedSequence(data, batchSizes, sorted);
  expect(Array.from(p.unsortedIndices!.dataSync())).toEqual([1, 2, 0]);
  expect(() => new PackedSequence(data, batchSizes, tf.tensor1d([0, 0, 1], 'int32'))).toThrow(/permutation/);
  expect(() => new PackedSequence(data, batchSizes, null, sorted)).toThrow(/unsortedIndices given without sortedIndices/);
  p.dispose();
});

test('inputSize 0 is refused (a documented difference from PyTorch 1.13)', () => {
  expect(() => new LSTM(0, 3)).toThrow(/inputSize expected a positive integer, got 0/);
  expect(() => new LSTMCell(0, 3)).toThrow(/inputSize expected a positive integer, got 0/);
  expect(() => new LSTM(3, 0)).toThrow(/hiddenSize expected a positive integer, got 0/);
});
