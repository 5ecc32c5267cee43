/**
 * Sequence layouts and masks shared by the facades and the adapters.
 *
 * Legend: T = time steps, N = batch, F = features. "Time-major" is (T, N, F) (PyTorch's default
 * and the engine's); "batch-major" is (N, T, F) (Keras, PyTorch `batch_first`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import { checkLengthsArg, checkNumberArg, checkOneOfArg, checkSequenceSize, checkTensorArg } from './args';
import { gatherRows } from './gather-rows';

function expectRank(x: tf.Tensor, rank: number, what: string, where: string): void {
  checkTensorArg(x, what, where);
  if (x.rank !== rank) throw new ShapeError(`${where}: ${what} expected rank ${rank}, got ${formatShape(x.shape)}`);
}

/** (N, T, ...) -> (T, N, ...). */
export function batchToTimeMajor<T extends tf.Tensor>(x: T, where = 'batchToTimeMajor'): T {
  checkTensorArg(x, 'sequence', where);
  if (x.rank < 2) throw new ShapeError(`${where}: sequence expected rank >= 2, got ${formatShape(x.shape)}`);
  const perm = [1, 0, ...Array.from({ length: x.rank - 2 }, (_, k) => k + 2)];
  return tf.transpose(x, perm);
}

/** (T, N, ...) -> (N, T, ...). The same swap as {@link batchToTimeMajor}. */
export function timeToBatchMajor<T extends tf.Tensor>(x: T, where = 'timeToBatchMajor'): T {
  return batchToTimeMajor(x, where);
}

/** Reverses the time axis (`timeAxis` 0 for time-major, 1 for batch-major). */
export function reverseTime<T extends tf.Tensor>(x: T, timeAxis: 0 | 1, where = 'reverseTime'): T {
  checkTensorArg(x, 'sequence', where);
  checkOneOfArg(timeAxis, [0, 1], 'timeAxis', where);
  if (x.rank < 2) throw new ShapeError(`${where}: sequence expected rank >= 2, got ${formatShape(x.shape)}`);
  return tf.reverse(x, timeAxis);
}

/**
 * Reverses each sequence within its own length, leaving the padding in place:
 * time-major (T, N, F), `lengths[n]` valid steps for element n. PyTorch's reverse direction
 * sees a packed sequence this way.
 */
export function reversePadded(x: tf.Tensor3D, lengths: ArrayLike<number>, where = 'reversePadded'): tf.Tensor3D {
  expectRank(x, 3, 'sequence (T, N, F)', where);
  const [T, N, F] = x.shape;
  checkLengthsArg(lengths, 'lengths', where);
  if (lengths.length !== N) throw new ShapeError(`${where}: lengths expected ${N} entries, got ${lengths.length}`);
  for (let n = 0; n < N; n++) {
    if (lengths[n] > T) throw new ShapeError(`${where}: lengths[${n}] expected at most ${T} (the time steps), got ${lengths[n]}`);
  }
  const index = new Int32Array(T * N);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) {
      const len = lengths[n];
      const src = t < len ? len - 1 - t : t;
      index[t * N + n] = src * N + n;
    }
  }
  return tf.tidy(() => tf.reshape(gatherRows(tf.reshape(x, [T * N, F]) as tf.Tensor2D, index), [T, N, F]));
}

/**
 * A batch-major mask (N, T) of ones for t < lengths[n], zeros after (right padding), as
 * Keras masks are laid out. dtype `bool`.
 */
export function lengthsToMask(lengths: ArrayLike<number>, T: number, where = 'lengthsToMask'): tf.Tensor2D {
  checkLengthsArg(lengths, 'lengths', where);
  checkNumberArg(T, 'T', where, { integer: true, min: 0 });
  checkSequenceSize(T, 'T', where);
  const N = lengths.length;
  const data = new Uint8Array(N * T);
  for (let n = 0; n < N; n++) {
    const len = lengths[n];
    if (!Number.isInteger(len) || len < 0 || len > T) {
      throw new ShapeError(`${where}: lengths[${n}] expected an integer in [0, ${T}], got ${len}`);
    }
    data.fill(1, n * T, n * T + len);
  }
  return tf.tensor2d(data, [N, T], 'bool');
}

/**
 * The lengths a batch-major mask (N, T) describes. The mask must be a right padding (ones then
 * zeros in every row); any other mask cannot be expressed as lengths.
 * @throws ShapeError naming the first row that is not a right padding.
 */
export function maskToLengths(mask: tf.Tensor, where = 'maskToLengths'): number[] {
  expectRank(mask, 2, 'mask (N, T)', where);
  const [N, T] = mask.shape;
  const data = mask.dataSync();
  const lengths: number[] = [];
  for (let n = 0; n < N; n++) {
    let len = 0;
    while (len < T && data[n * T + len]) len++;
    for (let t = len; t < T; t++) {
      if (data[n * T + t]) {
        throw new ShapeError(
          `${where}: mask row ${n} is not a right padding (step ${t} is valid after padding at step ${len}); ` +
            'lengths cannot express it',
        );
      }
    }
    lengths.push(len);
  }
  return lengths;
}
