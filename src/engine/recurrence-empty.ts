/**
 * The recurrence over an empty batch (N = 0), for any cell: PyTorch returns empty outputs and
 * states and zero gradients (its own tests check it). tfjs-cpu's kernels fail on size-0 tensors
 * (`data.subarray is not a function`), so the machinery is not run: the results are zeros of
 * the right shapes, tied to every input by a zero-weighted term, so that `tf.grad` and
 * `tf.variableGrads` give (empty or zero) gradients instead of "cannot compute gradient".
 */
import * as tf from '@tensorflow/tfjs-core';

import type { ResolvedCall } from './cell';
import type { RecurrenceResult } from './executor';

/** The result of a call with `resolved.N === 0`. `inputs`: x, the weights, the initial states. */
export function emptyBatchRecurrence(resolved: ResolvedCall, inputs: readonly (tf.Tensor | null | undefined)[]): RecurrenceResult {
  return tf.tidy(() => {
    const present = inputs.filter((t): t is tf.Tensor => t instanceof tf.Tensor);
    const zero = present.reduce<tf.Scalar>((acc, t) => tf.add(acc, tf.mul(tf.sum(t), 0)), tf.scalar(0));
    const output = tf.add(tf.zeros([resolved.T, 0, resolved.Hout]), zero) as tf.Tensor3D;
    const state = resolved.stateSizes.map((size) => tf.add(tf.zeros([0, size]), zero) as tf.Tensor2D);
    return { output, state };
  });
}
