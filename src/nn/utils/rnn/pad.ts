/**
 * `padPackedSequence` and `padSequence`, with the semantics of `torch.nn.utils.rnn`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../../../errors';
import { PackedSequence, packedLayout, scatterPacked } from './packed-sequence';

/** Options of {@link padPackedSequence}. */
export interface PadPackedOptions {
  /** Return (N, T, *) instead of (T, N, *). Default false. */
  readonly batchFirst?: boolean;
  /** Value of the padding. Default 0. */
  readonly paddingValue?: number;
  /** Pad to this length instead of the longest sequence's; must be at least that. */
  readonly totalLength?: number;
}

/**
 * Pads a packed batch back to a tensor: the inverse of `packPaddedSequence`.
 *
 * Returns `[padded, lengths]`: `padded` (T, N, *) or (N, T, *) with `batchFirst`, in the
 * original batch order; `lengths` (N) int32, in the original batch order.
 */
export function padPackedSequence(sequence: PackedSequence, options: PadPackedOptions = {}): [tf.Tensor, tf.Tensor1D] {
  const where = 'nn.utils.rnn.padPackedSequence';
  const layout = packedLayout(sequence, where);
  const totalLength = options.totalLength ?? layout.maxLength;
  if (!Number.isInteger(totalLength) || totalLength < layout.maxLength) {
    throw new ShapeError(
      `${where}: totalLength expected at least ${layout.maxLength} (the longest sequence), got ${totalLength}`,
    );
  }
  const padded = tf.tidy(() => {
    const timeMajor = scatterPacked(sequence.data, layout, totalLength, options.paddingValue ?? 0);
    if (!options.batchFirst) return timeMajor;
    return tf.transpose(timeMajor, [1, 0, ...timeMajor.shape.slice(2).map((_, k) => k + 2)]);
  });
  return [padded, tf.tensor1d(layout.lengths, 'int32')];
}

/** Options of {@link padSequence}. */
export interface PadSequenceOptions {
  /** Return (N, T, *) instead of (T, N, *). Default false. */
  readonly batchFirst?: boolean;
  /** Value of the padding. Default 0. */
  readonly paddingValue?: number;
}

/**
 * Stacks sequences of shapes (L_i, *) into one padded tensor (T, N, *) (or (N, T, *) with
 * `batchFirst`), T = max L_i, padding after each sequence's end.
 */
export function padSequence(sequences: readonly tf.Tensor[], options: PadSequenceOptions = {}): tf.Tensor {
  const where = 'nn.utils.rnn.padSequence';
  if (sequences.length === 0) throw new ShapeError(`${where}: sequences expected at least one tensor, got 0`);
  const trailing = sequences[0].shape.slice(1);
  sequences.forEach((s, n) => {
    if (s.rank < 1 || s.shape.slice(1).some((d, k) => d !== trailing[k]) || s.rank !== trailing.length + 1) {
      throw new ShapeError(
        `${where}: sequences[${n}] expected shape [L, ${trailing.join(', ')}], got ${formatShape(s.shape)}`,
      );
    }
  });
  const T = Math.max(...sequences.map((s) => s.shape[0]));
  const value = options.paddingValue ?? 0;
  return tf.tidy(() => {
    const padded = sequences.map((s) => {
      const extra = T - s.shape[0];
      return extra === 0 ? s : tf.concat([s, tf.fill([extra, ...trailing], value, s.dtype)], 0);
    });
    return tf.stack(padded, options.batchFirst ? 0 : 1);
  });
}
