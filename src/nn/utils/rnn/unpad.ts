/**
 * `unpadSequence` and `unpackSequence`, with the semantics of `torch.nn.utils.rnn` (PyTorch
 * 1.13): the inverses of `padSequence` and `packSequence`, giving back the list of sequences.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../../../errors';
import { checkRecordArg, checkTensorArg, describeValue } from '../../../engine/internal';
import { PackedSequence } from './packed-sequence';
import { padPackedSequence } from './pad';

function readLengths(lengths: ArrayLike<number> | tf.Tensor, N: number, T: number, where: string): number[] {
  if (lengths === null || lengths === undefined || typeof lengths !== 'object') {
    throw new ShapeError(`${where}: lengths expected an array of numbers or a 1-D tensor, got ${describeValue(lengths)}`);
  }
  let lens: number[];
  if (lengths instanceof tf.Tensor) {
    checkTensorArg(lengths, 'lengths', where);
    if (lengths.rank !== 1) throw new ShapeError(`${where}: lengths expected a 1-D tensor, got ${formatShape(lengths.shape)}`);
    lens = Array.from(lengths.dataSync());
  } else {
    lens = Array.from(lengths);
  }
  if (lens.length !== N) throw new ShapeError(`${where}: lengths expected ${N} entries (the batch size), got ${lens.length}`);
  lens.forEach((len, n) => {
    if (!Number.isInteger(len) || len < 0 || len > T) {
      throw new ShapeError(`${where}: lengths[${n}] expected an integer in [0, ${T}], got ${describeValue(len)}`);
    }
  });
  return lens;
}

/**
 * Splits a padded batch (T, N, *) (or (N, T, *) with `batchFirst`) into the N sequences
 * (lengths[n], *). The caller owns the returned tensors.
 */
export function unpadSequence(padded: tf.Tensor, lengths: ArrayLike<number> | tf.Tensor, options: { batchFirst?: boolean } = {}): tf.Tensor[] {
  const where = 'nn.utils.rnn.unpadSequence';
  checkRecordArg(options, 'options', where, true);
  checkTensorArg(padded, 'paddedSequences', where);
  if (padded.rank < 2) throw new ShapeError(`${where}: paddedSequences expected rank >= 2, got ${formatShape(padded.shape)}`);
  const batchFirst = options.batchFirst ?? false;
  const [T, N] = (batchFirst ? [padded.shape[1], padded.shape[0]] : [padded.shape[0], padded.shape[1]]) as [number, number];
  const lens = readLengths(lengths, N, T, where);
  const rest = padded.shape.slice(2);
  return lens.map((len, n) =>
    tf.tidy(() => {
      const begin = batchFirst ? [n, 0, ...rest.map(() => 0)] : [0, n, ...rest.map(() => 0)];
      const size = batchFirst ? [1, len, ...rest] : [len, 1, ...rest];
      return tf.squeeze(tf.slice(padded, begin, size), [batchFirst ? 0 : 1]);
    }),
  );
}

/** The sequences of a packed batch, in the original batch order. The caller owns them. */
export function unpackSequence(packed: PackedSequence): tf.Tensor[] {
  const where = 'nn.utils.rnn.unpackSequence';
  if (!(packed instanceof PackedSequence)) {
    throw new ShapeError(`${where}: packedSequences expected a PackedSequence, got ${describeValue(packed)}`);
  }
  const [padded, lengths] = padPackedSequence(packed, { batchFirst: true });
  try {
    return unpadSequence(padded, lengths, { batchFirst: true });
  } finally {
    tf.dispose([padded, lengths]);
  }
}
