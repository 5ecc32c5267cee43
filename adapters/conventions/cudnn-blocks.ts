/**
 * The per-gate-block transforms of Keras's CuDNN saved weights, shared by `CuDNNLSTM`
 * (`./cudnn`) and `CuDNNGRU` (`./gru-cudnn`); internal to the adapters (not exported by the
 * package). Sources: Keras 2.2.4 `keras/engine/saving.py` `_convert_rnn_weights`
 * (`transform_kernels`, `transpose_input`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { expectRecord, expectShape, gateSize } from '../checks';

/**
 * One saved input block (I, U) of a Keras `CuDNNLSTM` / `CuDNNGRU` kernel -> the Keras-layout
 * block (I, U): the block holds the bytes of cuDNN's `W_g` (U, I), so reinterpret, then transpose.
 */
export function cudnnInputBlockToKeras(block: tf.Tensor, I: number, U: number): tf.Tensor2D {
  return tf.transpose(tf.reshape(block, [U, I])) as tf.Tensor2D;
}

/** The inverse of {@link cudnnInputBlockToKeras}: `W_g = block^T` (U, I), its bytes reinterpreted as (I, U). */
export function kerasInputBlockToCudnn(block: tf.Tensor, I: number, U: number): tf.Tensor2D {
  return tf.reshape(tf.transpose(block), [I, U]) as tf.Tensor2D;
}

/** A recurrent block (U, U) either way: cuDNN's `R_g` is the transpose of Keras's block. */
export function cudnnRecurrentBlockToKeras(block: tf.Tensor): tf.Tensor2D {
  return tf.transpose(block) as tf.Tensor2D;
}

/**
 * Checks the saved weights of a Keras CuDNN layer of G gates (`CuDNNLSTM` 4, `CuDNNGRU` 3):
 * kernel (I, G·U), recurrent_kernel (U, G·U), bias (2·G·U); returns I and U.
 * @throws ShapeError naming the weight, expected and received shapes.
 */
export function cudnnSavedSizes(
  w: { readonly kernel: tf.Tensor; readonly recurrent_kernel: tf.Tensor; readonly bias: tf.Tensor },
  gates: number,
  where: string,
): { I: number; U: number } {
  expectRecord(w, 'weights', where);
  expectShape(w.kernel, [null, null], 'kernel', where);
  const U = gateSize(w.kernel, 1, gates, 'kernel', `${gates}U`, where);
  expectShape(w.recurrent_kernel, [U, gates * U], 'recurrent_kernel', where);
  expectShape(w.bias, [2 * gates * U], 'bias', where);
  return { I: w.kernel.shape[0], U };
}
