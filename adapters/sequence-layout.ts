/**
 * Sequence layouts between the conventions: time- and batch-major, `goBackwards` order, and
 * bidirectional outputs.
 *
 * Legend: T = time steps, N = batch, F = features, H = hidden size of one direction.
 *
 * Time order of a backward pass, for the same input `x`:
 *
 * | who | output of the reverse pass |
 * |---|---|
 * | PyTorch reverse direction, ONNX `direction="reverse"`, the engine (`reverse: true`) | at the input's own time index: `y[t]` has seen steps `T-1 .. t` |
 * | Keras / tfjs-layers `goBackwards: true` with `returnSequences` | in processing order: `y[k]` has seen input steps `T-1 .. T-1-k` |
 *
 * So the two differ by a reversal of the time axis ({@link goBackwardsToTimeOrder}); the final
 * states are the same. Keras's `Bidirectional` does this reversal itself before merging. With
 * right-padded sequences the same reversal also holds between Keras `goBackwards` with a mask and
 * PyTorch's packed reverse pass: Keras's reversed input starts with the masked padding, which
 * keeps the initial state and outputs zeros, so after reversing the time axis each sequence's
 * valid steps line up and the padding is zero, as `pad_packed_sequence` gives.
 *
 * Time-major <-> batch-major reuses the engine's `batchToTimeMajor` / `timeToBatchMajor`
 * (re-exported here).
 */
import * as tf from '@tensorflow/tfjs-core';

import { MergeMode, mergeDirections as mergeEngineDirections, reverseTime } from '../src/engine';
import { ShapeError, UnsupportedConversionError, formatShape } from '../src/errors';
import { checkOneOfArg, checkTensorArg, expectTensorList } from './checks';

export { batchToTimeMajor, timeToBatchMajor, reversePadded, reverseTime } from '../src/engine';

/** Which axis of a sequence is time: 0 for time-major (T, N, ...), 1 for batch-major (N, T, ...). */
export type TimeAxis = 0 | 1;

/**
 * Keras `goBackwards` output order -> the input's time order (PyTorch / ONNX / engine reverse
 * direction), by reversing the time axis. Its own inverse.
 *
 * Example: a Keras `LSTM({goBackwards: true, returnSequences: true})` output `y` (N, T, H) equals
 * the engine's `reverse: true` output after `timeToBatchMajor` and `goBackwardsToTimeOrder(y, 1)`.
 */
export function goBackwardsToTimeOrder<T extends tf.Tensor>(y: T, timeAxis: TimeAxis): T {
  checkTensorArg(y, 'sequence', 'adapters.goBackwardsToTimeOrder');
  if (y.rank < 2) throw new ShapeError(`adapters.goBackwardsToTimeOrder: sequence expected rank >= 2, got ${formatShape(y.shape)}`);
  return reverseTime(y, timeAxis);
}

/** The input's time order -> Keras `goBackwards` output order. The same reversal. */
export function timeOrderToGoBackwards<T extends tf.Tensor>(y: T, timeAxis: TimeAxis): T {
  checkTensorArg(y, 'sequence', 'adapters.timeOrderToGoBackwards');
  if (y.rank < 2) throw new ShapeError(`adapters.timeOrderToGoBackwards: sequence expected rank >= 2, got ${formatShape(y.shape)}`);
  return reverseTime(y, timeAxis);
}

/**
 * Splits a bidirectional output (..., D·H) along its last axis into its D direction outputs
 * (..., H): `[forward, backward]` for PyTorch `output` and Keras `Bidirectional(merge_mode='concat')`.
 * @throws ShapeError when the last axis is not divisible by `numDirections`.
 */
export function splitDirections(y: tf.Tensor, numDirections: 1 | 2 = 2): tf.Tensor[] {
  checkTensorArg(y, 'output', 'adapters.splitDirections');
  checkOneOfArg(numDirections, [1, 2], 'numDirections', 'adapters.splitDirections');
  const last = y.shape[y.rank - 1];
  if (y.rank < 1 || last % numDirections !== 0 || last === 0) {
    throw new ShapeError(
      `adapters.splitDirections: output expected a last axis of ${numDirections} * H, got ${formatShape(y.shape)}`,
    );
  }
  return tf.split(y, numDirections, y.rank - 1);
}

/** Concatenates direction outputs along the last axis: forward ‖ backward (PyTorch's layout). */
export function concatDirections(parts: readonly tf.Tensor[]): tf.Tensor {
  expectTensorList(parts, 'parts', 'adapters.concatDirections');
  if (parts.length === 0) throw new ShapeError('adapters.concatDirections: expected at least one direction, got 0');
  return tf.concat(parts as tf.Tensor[], parts[0].rank - 1);
}

export type { MergeMode };

/**
 * Merges a forward and a (time-ordered) backward output the way Keras `Bidirectional` does:
 * `concat` (last axis), `sum`, `mul`, `ave` ((f + b) / 2), or `null` (`[f, b]` as a list).
 * @throws ConfigError for an unknown mode.
 */
export function mergeDirections(forward: tf.Tensor, backward: tf.Tensor, mode: MergeMode): tf.Tensor | [tf.Tensor, tf.Tensor] {
  return mergeEngineDirections(forward, backward, mode, 'adapters.mergeDirections');
}

/**
 * The inverse of {@link mergeDirections} where one exists: only `concat` (and `null`, a list
 * already) keep both directions.
 * @throws UnsupportedConversionError for `sum`, `mul`, `ave`, which lose the two halves.
 */
export function unmergeDirections(merged: tf.Tensor | readonly tf.Tensor[], mode: MergeMode): [tf.Tensor, tf.Tensor] {
  if (mode === null) {
    if (!Array.isArray(merged) || merged.length !== 2) {
      throw new ShapeError('adapters.unmergeDirections: merge mode null expects a list [forward, backward]');
    }
      expectTensorList(merged, 'merged', 'adapters.unmergeDirections');
    return [tf.clone(merged[0]), tf.clone(merged[1])];
  }
  checkOneOfArg(mode, ['concat', 'sum', 'mul', 'ave', null], 'mode', 'adapters.unmergeDirections');
  if (mode !== 'concat') {
    throw new UnsupportedConversionError(
      `adapters.unmergeDirections: merge mode '${mode}' combines the directions element-wise, so the forward and ` +
        "backward outputs cannot be recovered; only 'concat' (PyTorch's layout) and null keep them",
    );
  }
  if (Array.isArray(merged)) throw new ShapeError("adapters.unmergeDirections: merge mode 'concat' expects one tensor, got a list");
  checkTensorArg(merged, 'merged', 'adapters.unmergeDirections');
  const [f, b] = splitDirections(merged as tf.Tensor, 2);
  return [f, b];
}

