/**
 * Row gathers with a gradient that works on every tfjs backend.
 *
 * `tf.gather`'s gradient uses `UnsortedSegmentSum`, which the wasm backend does not implement
 * in tfjs 4.22 ("Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'"). The layout
 * changes lstm-bridge needs (packing, padding, per-sequence reversal) never read a source row
 * twice, so their gradient is another gather, with the inverse index.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import { checkNumberArg, checkTensorArg, describeValue } from './args';

/**
 * Returns the rows `index[k]` of `x` (R, F) as a (K, F) tensor; an entry of -1 gives a row
 * filled with `fill`. Entries >= 0 must be distinct (each source row is read at most once).
 * Differentiable with respect to `x` on every backend.
 */
export function gatherRows(x: tf.Tensor2D, index: Int32Array, fill = 0): tf.Tensor2D {
  checkTensorArg(x, 'x', 'engine.gatherRows');
  if (x.rank !== 2) throw new ShapeError(`engine.gatherRows: x expected rank 2, got ${formatShape(x.shape)}`);
  if (!(index instanceof Int32Array)) throw new ShapeError(`engine.gatherRows: index expected an Int32Array, got ${describeValue(index)}`);
  checkNumberArg(fill, 'fill', 'engine.gatherRows', { nonFinite: true });
  const [R, F] = x.shape;
  const K = index.length;
  const inverse = new Int32Array(R).fill(K); // K = the zero row appended to dy
  const forwardIndex = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const r = index[k];
    if (r === -1) {
      forwardIndex[k] = R;
      continue;
    }
    if (!Number.isInteger(r) || r < 0 || r >= R || inverse[r] !== K) {
      throw new ShapeError(`gatherRows: index[${k}] = ${r} must be -1 or a distinct row of ${formatShape(x.shape)}`);
    }
    inverse[r] = k;
    forwardIndex[k] = r;
  }
  // customGrad's declared parameter type also admits its save function; we take one tensor.
  const op = tf.customGrad(((source: tf.Tensor) => {
    const value = tf.tidy(() => {
      const rows = tf.concat([source, tf.fill([1, F], fill, source.dtype)], 0);
      return tf.gather(rows, tf.tensor1d(forwardIndex, 'int32'));
    });
    const gradFunc = (dy: tf.Tensor) =>
      tf.tidy(() => tf.gather(tf.concat([dy, tf.zeros([1, F], dy.dtype)], 0), tf.tensor1d(inverse, 'int32')));
    return { value, gradFunc };
  }) as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor2D;
}
