/**
 * Keras 2's `CuDNNGRU` saved weights (Keras 2.0.9–2.3.1, tf.keras 1.x) of one layer and
 * direction, to and from the engine's canonical GRU form. Exact (copies, transposes and
 * reinterpretations of the same bytes only). cuDNN's GRU resets after the recurrent product
 * (PyTorch's and Keras reset_after=True's equations), so only a reset-after GRU converts.
 *
 * Legend: I = input size, U = units.
 *
 * | weight | shape | layout |
 * |---|---|---|
 * | `kernel` | (I, 3U) | column blocks z, r, h; block g holds the bytes of cuDNN's `W_g` (U, I) reinterpreted as (I, U) |
 * | `recurrent_kernel` | (U, 3U) | column blocks z, r, h; block g is `R_g` (U, U), the transpose of Keras's block |
 * | `bias` | (6U) | input biases z, r, h then recurrent biases z, r, h (= Keras reset_after=True's (2, 3U) flattened) |
 *
 * Source: Keras 2.2.4 `keras/layers/cudnn_recurrent.py` (`CuDNNGRU.build`: kernel (I, 3U),
 * recurrent_kernel (U, 3U), bias (6U); `_canonical_to_params` flattens each block without
 * transposing, as for `CuDNNLSTM`) and `keras/engine/saving.py` `_convert_rnn_weights`
 * (`convert_gru_weights`: the `CuDNNLSTM` block transforms over 3 gates in the layer's z, r, h
 * order, and `bias.reshape((2, -1))` to Keras `GRU(reset_after=True)`; tf-keras tells the forms
 * apart by the bias shape: (6U) CuDNNGRU, (2, 3U) reset_after=True, (3U) reset_after=False).
 *
 * Example:
 * ```ts
 * const canonical = cudnnGruToCanonical({ kernel, recurrent_kernel, bias }); // bias (6U)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { GruWeights } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { expectRecord } from '../checks';
import { mapBlocks } from '../gate-blocks';
import { GRU_KIND, canonicalToKerasCell, kerasCellToCanonical } from './cell-kinds';
import { cudnnInputBlockToKeras, cudnnRecurrentBlockToKeras, cudnnSavedSizes, kerasInputBlockToCudnn } from './cudnn-blocks';

/** The three weights of a Keras 2 `CuDNNGRU` layer, as saved. */
export interface CudnnGruWeights {
  /** (I, 3U), cuDNN layout per gate block z, r, h. */
  readonly kernel: tf.Tensor;
  /** (U, 3U), each gate block transposed with respect to Keras `GRU`. */
  readonly recurrent_kernel: tf.Tensor;
  /** (6U): input biases z, r, h then recurrent biases z, r, h. */
  readonly bias: tf.Tensor;
}

/**
 * Keras `CuDNNGRU` saved weights -> canonical (two biases kept apart).
 * @throws ShapeError naming the weight, expected and received shapes.
 */
export function cudnnGruToCanonical(w: CudnnGruWeights, where = 'adapters.cudnnGruToCanonical'): GruWeights {
  const { I, U } = cudnnSavedSizes(w, 3, where);
  return tidy(() =>
    kerasCellToCanonical(GRU_KIND, {
      kernel: mapBlocks(w.kernel, 3, 1, (k) => cudnnInputBlockToKeras(k, I, U), where),
      recurrent_kernel: mapBlocks(w.recurrent_kernel, 3, 1, cudnnRecurrentBlockToKeras, where),
      bias: tf.reshape(w.bias, [2, 3 * U]),
    }, true, where),
  );
}

/**
 * Canonical -> Keras `CuDNNGRU` saved weights; zeros for a missing bias (CuDNNGRU always has
 * both). The caller vouches that the GRU resets after (see `convertGruWeights`).
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToCudnnGru(w: GruWeights, where = 'adapters.canonicalToCudnnGru'): CudnnGruWeights {
  expectRecord(w, 'weights', where);
  const { inputSize: I, hiddenSize: U } = GRU_KIND.sizes(w, where);
  return tidy(() => {
    const withBias = w.bias || w.recurrentBias ? w : { ...w, bias: tf.zeros([3 * U]) as tf.Tensor1D };
    const keras = canonicalToKerasCell(GRU_KIND, withBias, true, where);
    return {
      kernel: mapBlocks(keras.kernel, 3, 1, (k) => kerasInputBlockToCudnn(k, I, U), where),
      recurrent_kernel: mapBlocks(keras.recurrent_kernel, 3, 1, cudnnRecurrentBlockToKeras, where),
      bias: tf.reshape(keras.bias as tf.Tensor, [6 * U]),
    };
  });
}
