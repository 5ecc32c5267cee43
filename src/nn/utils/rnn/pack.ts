/**
 * `packPaddedSequence` and `packSequence`, with the semantics of `torch.nn.utils.rnn`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../../../errors';
import { checkRecordArg, checkTensorArg, describeValue } from '../../../engine/internal';
import { PackedSequence, gatherPacked } from './packed-sequence';
import { padSequence } from './pad';

/** Options of {@link packPaddedSequence}. */
export interface PackPaddedOptions {
  /** `input` is (N, T, *) instead of (T, N, *). Default false. */
  readonly batchFirst?: boolean;
  /**
   * Require `lengths` sorted in decreasing order (default true, like PyTorch). With false the
   * batch is sorted internally and `sortedIndices`/`unsortedIndices` record the permutation.
   */
  readonly enforceSorted?: boolean;
}

function readLengths(lengths: ArrayLike<number> | tf.Tensor, where: string): number[] {
  if (lengths === null || lengths === undefined || (typeof lengths !== 'object' && typeof lengths !== 'string')) {
    throw new ShapeError(`${where}: lengths expected an array of numbers or a 1-D tensor, got ${describeValue(lengths)}`);
  }
  if (lengths instanceof tf.Tensor) {
    checkTensorArg(lengths, 'lengths', where);
    if (lengths.rank !== 1) throw new ShapeError(`${where}: lengths expected a 1-D tensor, got ${formatShape(lengths.shape)}`);
    return Array.from(lengths.dataSync());
  }
  const list = Array.from(lengths as ArrayLike<unknown>);
  list.forEach((v, n) => {
    // said here: a non-number (a tensor, disposed or not) must not reach the messages below as text
    if (typeof v !== 'number') throw new ShapeError(`${where}: lengths[${n}] expected a positive integer, got ${describeValue(v)}`);
  });
  return list as number[];
}

/**
 * Packs a padded batch of variable-length sequences.
 *
 * Shapes: `input` (T, N, *) or, with `batchFirst`, (N, T, *); `lengths` N positive integers
 * (numbers or a 1-D tensor), each at most T. Returns a {@link PackedSequence}.
 *
 * ```ts
 * const packed = nn.utils.rnn.packPaddedSequence(x, [5, 3, 2]); // x: (5, 3, 10)
 * const [out, [hN, cN]] = lstm.forward(packed);
 * ```
 */
export function packPaddedSequence(
  input: tf.Tensor,
  lengths: ArrayLike<number> | tf.Tensor,
  options: PackPaddedOptions = {},
): PackedSequence {
  const where = 'nn.utils.rnn.packPaddedSequence';
  checkRecordArg(options, 'options', where, true);
  const batchFirst = options.batchFirst ?? false;
  const enforceSorted = options.enforceSorted ?? true;
  checkTensorArg(input, 'input', where);
  if (input.rank < 2) throw new ShapeError(`${where}: input expected rank >= 2, got ${formatShape(input.shape)}`);
  if (input.size === 0) throw new ShapeError(`${where}: cannot pack empty tensors (input ${formatShape(input.shape)}), as in PyTorch`);
  const lens = readLengths(lengths, where);
  const T = (input.shape as number[])[batchFirst ? 1 : 0];
  const N = (input.shape as number[])[batchFirst ? 0 : 1];
  if (lens.length !== N) {
    throw new ShapeError(`${where}: lengths expected ${N} entries (the batch size), got ${lens.length}`);
  }
  lens.forEach((len, n) => {
    if (!Number.isInteger(len) || len <= 0) {
      throw new ShapeError(`${where}: lengths[${n}] expected a positive integer (PyTorch requires every length > 0), got ${len}`);
    }
    if (len > T) throw new ShapeError(`${where}: lengths[${n}] expected at most ${T} (the padded length), got ${len}`);
  });
  let sorted: Int32Array;
  if (enforceSorted) {
    for (let n = 1; n < N; n++) {
      if (lens[n] > lens[n - 1]) {
        throw new ConfigError(
          `${where}: lengths expected sorted in decreasing order with enforceSorted: true, got [${lens.join(', ')}]; ` +
            'pass enforceSorted: false to sort internally',
        );
      }
    }
    sorted = Int32Array.from({ length: N }, (_, j) => j);
  } else {
    sorted = Int32Array.from(
      lens.map((len, n) => [len, n] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, n]) => n),
    );
  }
  const maxLen = Math.max(...lens);
  const batchSizes = new Int32Array(maxLen);
  for (let t = 0; t < maxLen; t++) batchSizes[t] = lens.filter((len) => len > t).length;
  const data = tf.tidy(() => gatherPacked(batchFirst ? tf.transpose(input, [1, 0, ...input.shape.slice(2).map((_, k) => k + 2)]) : input, { batchSizes, sorted }));
  if (enforceSorted) return new PackedSequence(data, tf.tensor1d(batchSizes, 'int32'));
  const unsorted = new Int32Array(N);
  sorted.forEach((orig, j) => (unsorted[orig] = j));
  return new PackedSequence(data, tf.tensor1d(batchSizes, 'int32'), tf.tensor1d(sorted, 'int32'), tf.tensor1d(unsorted, 'int32'));
}

/**
 * Packs a list of sequences of shapes (L_i, *): `packPaddedSequence(padSequence(sequences),
 * lengths, {enforceSorted})`.
 */
export function packSequence(sequences: readonly tf.Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  const where = 'nn.utils.rnn.packSequence';
  checkRecordArg(options, 'options', where, true);
  if (!Array.isArray(sequences)) {
    throw new ShapeError(`${where}: sequences expected an array of tf.Tensors, got ${describeValue(sequences)}`);
  }
  sequences.forEach((s, n) => checkTensorArg(s, `sequences[${n}]`, where));
  const lengths = sequences.map((s) => s.shape[0]);
  const padded = padSequence(sequences);
  try {
    return packPaddedSequence(padded, lengths, { enforceSorted: options.enforceSorted ?? true });
  } finally {
    padded.dispose();
  }
}
