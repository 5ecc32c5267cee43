/**
 * `tf.tidy` with the caller's own result type.
 *
 * `tf.tidy`'s signature admits only `tf.TensorContainer` results, which excludes records with
 * `null` entries, class-less interfaces and readonly arrays, though tidy handles them: every
 * tensor reachable from the result is kept, every other intermediate is disposed. This keeps
 * the casts in one place.
 */
import * as tf from '@tensorflow/tfjs-core';

/** `tf.tidy(fn)`, typed as `fn`'s result. */
export function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
