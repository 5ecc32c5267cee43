/**
 * `padPackedSequence` and `padSequence`, with the semantics of `torch.nn.utils.rnn`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../../../errors';
import { checkRecordArg, checkNumberArg, checkTensorArg, describeValue } from '../../../engine/internal';
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
  checkRecordArg(options, 'options', where, true);
  if (!(sequence instanceof PackedSequence)) {
    throw new ShapeError(`${where}: sequence expected a PackedSequence, got ${describeValue(sequence)}`);
  }
  const paddingValue = checkNumberArg(options.paddingValue === undefined ? 0 : options.paddingValue, 'paddingValue', where, { nonFinite: true });
  const layout = packedLayout(sequence, where);
  const totalLength = options.totalLength ?? layout.maxLength;
  if (!Number.isInteger(totalLength)) {
    throw new ShapeError(`${where}: totalLength expected an integer, got ${describeValue(totalLength)}`);
  }
  if (totalLength < layout.maxLength) {
    throw new ShapeError(
      `${where}: totalLength expected at least ${layout.maxLength} (the longest sequence), got ${totalLength}`,
    );
  }
  const padded = tf.tidy(() => {
    const timeMajor = scatterPacked(sequence.data, layout, totalLength, paddingValue);
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
export function padSequence(sequences: readonly tf.Tensor[] | tf.Tensor, options: PadSequenceOptions = {}): tf.Tensor {
  const where = 'nn.utils.rnn.padSequence';
  checkRecordArg(options, 'options', where, true);
  if (sequences instanceof tf.Tensor) {
    // PyTorch accepts a tensor (its first dimension lists the sequences, all of the same length).
    checkTensorArg(sequences, 'sequences', where);
    if (sequences.rank < 2) throw new ShapeError(`${where}: sequences as a tensor expected rank >= 2 (N, L, *), got ${formatShape(sequences.shape)}`);
    const list = tf.unstack(sequences);
    try {
      return padSequence(list, options);
    } finally {
      tf.dispose(list);
    }
  }
  if (!Array.isArray(sequences)) {
    throw new ShapeError(`${where}: sequences expected an array of tf.Tensors (or a tensor), got ${describeValue(sequences)}`);
  }
  if (sequences.length === 0) throw new ShapeError(`${where}: sequences expected at least one tensor, got 0`);
  sequences.forEach((s, n) => checkTensorArg(s, `sequences[${n}]`, where));
  const trailing = sequences[0].shape.slice(1);
  sequences.forEach((s, n) => {
    if (s.rank < 1 || s.shape.slice(1).some((d: number, k: number) => d !== trailing[k]) || s.rank !== trailing.length + 1) {
      throw new ShapeError(
        `${where}: sequences[${n}] expected shape [L, ${trailing.join(', ')}], got ${formatShape(s.shape)}`,
      );
    }
  });
  const T = Math.max(...sequences.map((s) => s.shape[0]));
  const value = checkNumberArg(options.paddingValue === undefined ? 0 : options.paddingValue, 'paddingValue', where, { nonFinite: true });
  return tf.tidy(() => {
    const padded = sequences.map((s) => {
      const extra = T - s.shape[0];
      return extra === 0 ? s : tf.concat([s, tf.fill([extra, ...trailing], value, s.dtype)], 0);
    });
    return tf.stack(padded, options.batchFirst ? 0 : 1);
  });
}
