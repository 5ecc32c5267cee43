/**
 * `PackedSequence`, as in `torch.nn.utils.rnn`: the valid steps of a batch of variable-length
 * sequences, stored time step by time step.
 *
 * Legend: S = total number of valid steps (the sum of the lengths), T = longest length,
 * N = batch, `*` = any trailing feature dimensions.
 *
 * - `data` (S, *): for t = 0..T-1, the step t of every sequence still running at t, in sorted
 *   order (longest first).
 * - `batchSizes` (T), int32: how many sequences run at step t (non-increasing).
 * - `sortedIndices` (N), int32 or null: `sortedIndices[j]` is the original batch index of the
 *   j-th longest sequence; null when the input was already sorted (`enforceSorted: true`).
 * - `unsortedIndices` (N), int32 or null: the inverse permutation.
 *
 * Create one with `packPaddedSequence` or `packSequence`; read it back with
 * `padPackedSequence`. The object owns its four tensors: `dispose()` frees them.
 */
import * as tf from '@tensorflow/tfjs-core';

import { gatherRows } from '../../../engine';
import { checkTensorArg } from '../../../engine/internal';
import { ShapeError, formatShape } from '../../../errors';

export class PackedSequence {
  constructor(
    readonly data: tf.Tensor,
    readonly batchSizes: tf.Tensor1D,
    readonly sortedIndices: tf.Tensor1D | null = null,
    readonly unsortedIndices: tf.Tensor1D | null = null,
  ) {
    checkTensorArg(data, 'data', 'PackedSequence');
    checkTensorArg(batchSizes, 'batchSizes', 'PackedSequence');
    if (sortedIndices !== null) checkTensorArg(sortedIndices, 'sortedIndices', 'PackedSequence');
    if (unsortedIndices !== null) checkTensorArg(unsortedIndices, 'unsortedIndices', 'PackedSequence');
    if (batchSizes.rank !== 1 || batchSizes.dtype !== 'int32') {
      throw new ShapeError(`PackedSequence: batchSizes expected a 1-D int32 tensor, got ${batchSizes.dtype} ${formatShape(batchSizes.shape)}`);
    }
    if (sortedIndices === null && unsortedIndices !== null) {
      throw new ShapeError('PackedSequence: unsortedIndices given without sortedIndices');
    }
    if (sortedIndices !== null && unsortedIndices === null) {
      // As PyTorch: the inverse permutation of sortedIndices (owned by this PackedSequence).
      const sorted = sortedIndices.dataSync();
      const inverse = new Int32Array(sorted.length);
      const seen = new Uint8Array(sorted.length);
      sorted.forEach((orig, j) => {
        if (!Number.isInteger(orig) || orig < 0 || orig >= sorted.length || seen[orig]) {
          throw new ShapeError(`PackedSequence: sortedIndices expected a permutation of 0..${sorted.length - 1}, got [${Array.from(sorted).slice(0, 16).join(', ')}]`);
        }
        seen[orig] = 1;
        inverse[orig] = j;
      });
      this.unsortedIndices = tf.tensor1d(inverse, 'int32');
    }
  }

  /** Frees the four tensors. */
  dispose(): void {
    tf.dispose([this.data, this.batchSizes, this.sortedIndices ?? [], this.unsortedIndices ?? []]);
  }
}

/** The layout of a packed batch, read once on the JS side. */
export interface PackedLayout {
  /** Steps per time index. */
  readonly batchSizes: Int32Array;
  /** `sorted[j]` = original index of the j-th longest sequence. */
  readonly sorted: Int32Array;
  /** Lengths in original batch order. */
  readonly lengths: Int32Array;
  /** T */
  readonly maxLength: number;
  /** N */
  readonly batch: number;
}

/** Reads the batch sizes and permutation of a packed sequence and checks their consistency. */
export function packedLayout(seq: PackedSequence, where: string): PackedLayout {
  const batchSizes = Int32Array.from(seq.batchSizes.dataSync());
  const T = batchSizes.length;
  if (T === 0) throw new ShapeError(`${where}: batchSizes expected at least one step, got ${formatShape(seq.batchSizes.shape)}`);
  const N = batchSizes[0];
  let total = 0;
  for (let t = 0; t < T; t++) {
    if (batchSizes[t] <= 0 || (t > 0 && batchSizes[t] > batchSizes[t - 1])) {
      throw new ShapeError(`${where}: batchSizes expected positive and non-increasing, got [${Array.from(batchSizes).join(', ')}]`);
    }
    total += batchSizes[t];
  }
  if (seq.data.rank < 1 || seq.data.shape[0] !== total) {
    throw new ShapeError(`${where}: data expected ${total} rows (the sum of batchSizes), got ${formatShape(seq.data.shape)}`);
  }
  const sorted = seq.sortedIndices ? Int32Array.from(seq.sortedIndices.dataSync()) : Int32Array.from({ length: N }, (_, j) => j);
  if (sorted.length !== N || new Set(sorted).size !== N || sorted.some((i) => i < 0 || i >= N)) {
    throw new ShapeError(`${where}: sortedIndices expected a permutation of 0..${N - 1}, got [${Array.from(sorted).join(', ')}]`);
  }
  const lengths = new Int32Array(N);
  for (let t = 0; t < T; t++) for (let j = 0; j < batchSizes[t]; j++) lengths[sorted[j]]++;
  return { batchSizes, sorted, lengths, maxLength: T, batch: N };
}

/**
 * Gathers the rows of a time-major padded batch (T, N, *) into packed `data` (S, *), following
 * a layout. Differentiable with respect to `padded`.
 */
export function gatherPacked(padded: tf.Tensor, layout: Pick<PackedLayout, 'batchSizes' | 'sorted'>): tf.Tensor {
  const [T, N, ...rest] = padded.shape;
  const index: number[] = [];
  for (let t = 0; t < layout.batchSizes.length; t++) {
    for (let j = 0; j < layout.batchSizes[t]; j++) index.push(t * N + layout.sorted[j]);
  }
  const width = rest.reduce((a, b) => a * b, 1);
  return tf.tidy(() =>
    tf.reshape(gatherRows(tf.reshape(padded, [T * N, width]), Int32Array.from(index)), [index.length, ...rest]),
  );
}

/**
 * Scatters packed `data` (S, *) into a time-major padded batch (T, N, *) in original batch
 * order, filling the padding with `paddingValue`. Differentiable with respect to `data` (on every
 * backend: see `engine/gather-rows`).
 */
export function scatterPacked(data: tf.Tensor, layout: PackedLayout, totalLength: number, paddingValue: number): tf.Tensor {
  const [S, ...rest] = data.shape;
  const N = layout.batch;
  const width = rest.reduce((a, b) => a * b, 1);
  const index = new Int32Array(totalLength * N).fill(-1); // -1: a padding row
  let offset = 0;
  for (let t = 0; t < layout.batchSizes.length; t++) {
    for (let j = 0; j < layout.batchSizes[t]; j++) index[t * N + layout.sorted[j]] = offset + j;
    offset += layout.batchSizes[t];
  }
  return tf.tidy(() => tf.reshape(gatherRows(tf.reshape(data, [S, width]), index, paddingValue), [totalLength, N, ...rest]));
}
