/**
 * Cutting a tensor into its rows without the per-call copies of tfjs's `Slice` kernel.
 *
 * `tf.unstack`, `tf.split` and `tf.slice` run the backend's `Slice` kernel once per piece. On
 * the wasm backend that kernel first copies the WHOLE input out of the wasm heap, so cutting a
 * (T, N, 4H) sequence into T steps moves O(T²·N·H) bytes; on the cpu backend a cut along the
 * last axis runs element by element in JavaScript. {@link unstackRows} reads the tensor once
 * (a zero-copy view on the cpu backend, one copy on wasm) and makes each row a tensor of its
 * own: O(T·N·H) in total. On every other backend (webgl, tfjs-node) it is `tf.unstack`, whose
 * slices are cheap there.
 *
 * Not differentiable: the fast recurrence calls it only inside its own forward pass and its
 * hand-written backward pass (`./recurrence-backward`), never on the autodiff tape.
 */
import * as tf from '@tensorflow/tfjs-core';

/** True on the backends where reading a tensor back is cheaper than slicing it. */
export function readbackIsCheap(): boolean {
  const backend = tf.getBackend();
  return backend === 'cpu' || backend === 'wasm';
}

/**
 * Splits `x` (count · prod(rowShape) elements, row-major) into `count` tensors of `rowShape`.
 * The caller owns the results.
 */
export function unstackRows<R extends tf.Rank>(x: tf.Tensor, count: number, rowShape: number[]): tf.Tensor<R>[] {
  if (count === 1) return [tf.reshape<tf.Rank>(x, rowShape) as tf.Tensor<R>];
  if (readbackIsCheap() && x.dtype === 'float32') {
    const data = x.dataSync() as Float32Array;
    const size = data.length / count;
    const rows: tf.Tensor<R>[] = new Array(count);
    for (let k = 0; k < count; k++) rows[k] = tf.tensor<tf.Rank>(data.subarray(k * size, (k + 1) * size), rowShape, 'float32') as tf.Tensor<R>;
    return rows;
  }
  return tf.unstack(tf.reshape(x, [count, ...rowShape])) as tf.Tensor<R>[];
}
