/**
 * `tf.unstack` along axis 0 that stays differentiable when the axis has size 1.
 *
 * tfjs 4.22's gradient of `Unpack` with a single output receives one tensor instead of a list
 * and throws "Argument tensors passed to stack must be a `Tensor[]`". A reshape has a working
 * gradient, so a size-1 axis is squeezed instead.
 */
import * as tf from '@tensorflow/tfjs-core';

export function unstack0<T extends tf.Tensor>(x: tf.Tensor): T[] {
  if (x.shape[0] === 1) return [tf.reshape(x, x.shape.slice(1)) as T];
  return tf.unstack(x) as T[];
}
