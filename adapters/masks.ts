/**
 * Padding between the conventions: PyTorch sequence lengths and packed batch sizes, Keras
 * masks, and the engine's time-major mask.
 *
 * Legend: N = batch, T = time steps.
 *
 * | who | padding |
 * |---|---|
 * | PyTorch `pack_padded_sequence(x, lengths)` | `lengths` (N), right padding; the packed `batch_sizes` (T_max) count the sequences longer than t |
 * | Keras mask (`Masking`, `Embedding(mask_zero=True)`) | (N, T) booleans, true where a step is valid; any pattern |
 * | the engine (`lstmLayer` `mask`) | (T, N), time-major; or `lengths` |
 *
 * Lengths express right padding only. A Keras mask with a valid step after a padded one (left
 * padding, as `pad_sequences(padding='pre')` makes, or holes) has no lengths and gets an
 * {@link UnsupportedConversionError}; the engine still runs it through its `mask` option.
 * The conversions reuse the engine's `lengthsToMask` / `maskToLengths`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { lengthsToMask, maskToLengths } from '../src/engine';
import { checkSequenceSize } from '../src/engine/internal';
import { ShapeError, UnsupportedConversionError, formatShape } from '../src/errors';
import { checkLengthsArg, checkNumberArg, checkTensorArg } from './checks';

/** PyTorch lengths (N) -> a Keras mask (N, T), `bool`, true for `t < lengths[n]`. */
export function lengthsToKerasMask(lengths: ArrayLike<number>, T: number): tf.Tensor2D {
  checkNumberArg(T, 'T', 'adapters.lengthsToKerasMask', { integer: true, min: 0 });
  return lengthsToMask(lengths, T, 'adapters.lengthsToKerasMask');
}

/**
 * A Keras mask (N, T) -> PyTorch lengths (N).
 * @throws UnsupportedConversionError when a row is not a right padding (a valid step follows a
 *   padded one): lengths cannot express it.
 * @throws ShapeError when the mask is not 2-D.
 */
export function kerasMaskToLengths(mask: tf.Tensor): number[] {
  const where = 'adapters.kerasMaskToLengths';
  checkTensorArg(mask, 'mask', where);
  if (mask.rank !== 2) throw new ShapeError(`${where}: mask expected rank 2 (N, T), got ${formatShape(mask.shape)}`);
  try {
    return maskToLengths(mask, where);
  } catch (e) {
    // The only error left after the rank check: a row that is not a right padding.
    if (e instanceof ShapeError) {
      throw new UnsupportedConversionError(
        `${e.message}. Keep the Keras mask (the engine takes it as a (T, N) mask), or re-pad on the right`,
      );
    }
    throw e;
  }
}

/** A Keras mask (N, T) -> the engine's time-major mask (T, N). */
export function kerasMaskToTimeMajor(mask: tf.Tensor): tf.Tensor2D {
  checkTensorArg(mask, 'mask', 'adapters.kerasMaskToTimeMajor');
  if (mask.rank !== 2) throw new ShapeError(`adapters.kerasMaskToTimeMajor: mask expected rank 2 (N, T), got ${formatShape(mask.shape)}`);
  return tf.transpose(mask) as tf.Tensor2D;
}

/** The engine's time-major mask (T, N) -> a Keras mask (N, T). */
export function timeMajorMaskToKeras(mask: tf.Tensor): tf.Tensor2D {
  checkTensorArg(mask, 'mask', 'adapters.timeMajorMaskToKeras');
  if (mask.rank !== 2) throw new ShapeError(`adapters.timeMajorMaskToKeras: mask expected rank 2 (T, N), got ${formatShape(mask.shape)}`);
  return tf.transpose(mask) as tf.Tensor2D;
}

function checkLengths(lengths: ArrayLike<number>, where: string): void {
  checkLengthsArg(lengths, 'lengths', where);
  if (lengths.length === 0) throw new ShapeError(`${where}: lengths expected at least one entry, got none`);
  for (let n = 0; n < lengths.length; n++) {
    const len = lengths[n];
    if (!Number.isInteger(len) || len < 1) {
      throw new ShapeError(`${where}: lengths[${n}] expected a positive integer (PyTorch packs no empty sequence), got ${len}`);
    }
  }
}

/**
 * PyTorch lengths (N) -> the `batch_sizes` of the packed sequence: entry t counts the sequences
 * longer than t (T_max entries, non-increasing). Independent of the batch order.
 */
export function lengthsToBatchSizes(lengths: ArrayLike<number>): number[] {
  checkLengths(lengths, 'adapters.lengthsToBatchSizes');
  const Tmax = Array.from(lengths).reduce((a, b) => Math.max(a, b), 0);
  checkSequenceSize(Tmax, 'the longest of lengths', 'adapters.lengthsToBatchSizes');
  const sizes: number[] = new Array(Tmax).fill(0);
  for (let n = 0; n < lengths.length; n++) for (let t = 0; t < lengths[n]; t++) sizes[t]++;
  return sizes;
}

/**
 * A packed sequence's `batch_sizes` (and `sorted_indices`, when it was packed with
 * `enforce_sorted=False`) -> the lengths in the original batch order.
 * Sorted position j has length `#{t : batch_sizes[t] > j}`; it is batch element `sorted_indices[j]`.
 * @throws ShapeError for batch sizes that are not positive and non-increasing, or indices that
 *   are not a permutation of 0..N-1.
 */
export function batchSizesToLengths(batchSizes: ArrayLike<number>, sortedIndices?: ArrayLike<number> | null): number[] {
  const where = 'adapters.batchSizesToLengths';
  checkLengthsArg(batchSizes, 'batchSizes', where);
  if (sortedIndices !== undefined && sortedIndices !== null) checkLengthsArg(sortedIndices, 'sortedIndices', where);
  if (batchSizes.length === 0) throw new ShapeError(`${where}: batch_sizes expected at least one entry, got none`);
  for (let t = 0; t < batchSizes.length; t++) {
    const b = batchSizes[t];
    if (!Number.isInteger(b) || b < 1 || (t > 0 && b > batchSizes[t - 1])) {
      throw new ShapeError(`${where}: batch_sizes expected positive non-increasing integers, got ${b} at step ${t}`);
    }
  }
  const N = batchSizes[0];
  checkSequenceSize(N, 'batchSizes[0]', where);
  const sortedLengths = Array.from({ length: N }, (_, j) => {
    let len = 0;
    while (len < batchSizes.length && batchSizes[len] > j) len++;
    return len;
  });
  if (!sortedIndices) return sortedLengths;
  if (sortedIndices.length !== N) {
    throw new ShapeError(`${where}: sorted_indices expected ${N} entries (batch_sizes[0]), got ${sortedIndices.length}`);
  }
  const lengths: number[] = new Array(N).fill(-1);
  for (let j = 0; j < N; j++) {
    const n = sortedIndices[j];
    if (!Number.isInteger(n) || n < 0 || n >= N || lengths[n] !== -1) {
      throw new ShapeError(`${where}: sorted_indices expected a permutation of 0..${N - 1}, got ${Array.from(sortedIndices).join(', ')}`);
    }
    lengths[n] = sortedLengths[j];
  }
  return lengths;
}
