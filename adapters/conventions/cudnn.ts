/**
 * The cuDNN convention for one layer and direction: Keras 2's `CuDNNLSTM` saved weights, and
 * cuDNN's flat canonical parameter buffer. Both to and from the engine's canonical form, exact
 * (copies and reinterpretations of the same bytes only).
 *
 * Legend: I = input size, U = units (hidden size). cuDNN's gate order is i, f, c, o and it has
 * two biases: `b_W` (input) and `b_R` (recurrent), summed by the step.
 *
 * **Flat canonical params** (what `_canonical_to_params` in Keras 2 assembles and TF's
 * `CudnnParamsFormatConverterLSTM` / PyTorch's flattened cuDNN weights use): eight row-major
 * matrices then eight vectors,
 * `W_i, W_f, W_c, W_o` (U, I) · `R_i, R_f, R_c, R_o` (U, U) · `b_Wi..b_Wo` (U) · `b_Ri..b_Ro` (U),
 * with `z_g = W_g x + R_g h + b_Wg + b_Rg`. That is byte-for-byte
 * `weight_ih ‖ weight_hh ‖ bias_ih ‖ bias_hh` of PyTorch for the same layer.
 *
 * **Keras `CuDNNLSTM` saved weights** (Keras 2.0.9–2.3.1, tf.keras 1.x):
 *
 * | weight | shape | layout |
 * |---|---|---|
 * | `kernel` | (I, 4U) | column blocks i, f, c, o; block g holds the bytes of `W_g` (U, I) reinterpreted as (I, U) |
 * | `recurrent_kernel` | (U, 4U) | column blocks i, f, c, o; block g is `R_g` (U, U), i.e. the transpose of Keras's |
 * | `bias` | (8U) | `b_W` (i, f, c, o) then `b_R` (i, f, c, o) |
 *
 * Source: Keras 2.2.4 `keras/layers/cudnn_recurrent.py` — `_canonical_to_params` flattens each
 * (I, U) kernel block *without* transposing (`tf.reshape(x, (-1,))`) into cuDNN's (U, I) slot —
 * and `keras/engine/saving.py` `_convert_rnn_weights`, which loads `CuDNNLSTM` weights into
 * `LSTM` by `kernel_block.T.reshape(kernel_block.shape, order='F')` per input block,
 * `block.T` per recurrent block, and `sum(split(bias, 2))`. The two agree; this module implements
 * the same mapping. Its docstring example (`[[0,1,2],[3,4,5]] <-> [[0,2,4],[1,3,5]]`) shows the
 * opposite Fortran/C pairing from its code; the code is what Keras runs (and tests on GPU).
 * Canonical -> CuDNNLSTM puts the single Keras-style bias in `b_W` and zeros in `b_R` (Keras
 * itself splits it in halves; both sum to the same bias).
 *
 * Example:
 * ```ts
 * const canonical = cudnnToCanonical({ kernel, recurrent_kernel, bias }); // bias (8U)
 * const params = canonicalToCudnnParams(canonical); // flat (4U(I + U) + 8U)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmWeights, lstmSizes } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { UnsupportedConversionError, formatShape } from '../../src/errors';
import { checkNumberArg, expectRecord, expectShape } from '../checks';
import { joinGates, mapGates, splitGates } from '../gate-blocks';
import { cudnnInputBlockToKeras, cudnnRecurrentBlockToKeras, cudnnSavedSizes, kerasInputBlockToCudnn } from './cudnn-blocks';

/** The three weights of a Keras 2 `CuDNNLSTM` layer, as saved. */
export interface CudnnLstmWeights {
  /** (I, 4U), cuDNN layout per gate block (see the module table). */
  readonly kernel: tf.Tensor;
  /** (U, 4U), each gate block transposed with respect to Keras `LSTM`. */
  readonly recurrent_kernel: tf.Tensor;
  /** (8U): input biases i, f, c, o then recurrent biases i, f, c, o. */
  readonly bias: tf.Tensor;
}

/** Sizes of a flat cuDNN parameter buffer. */
export interface CudnnParamsSizes {
  readonly inputSize: number;
  readonly hiddenSize: number;
}

function rejectProjection(w: LstmWeights, where: string): void {
  if (w.projection) {
    throw new UnsupportedConversionError(
      `${where}: projection ${formatShape(w.projection.shape)} (PyTorch proj_size) has no CuDNNLSTM equivalent ` +
        '(Keras CuDNNLSTM has no projection), so this layer cannot be expressed exactly',
    );
  }
}

/** Two 4U biases, zeros for a missing one. */
function biasPair(w: LstmWeights, U: number): [tf.Tensor1D, tf.Tensor1D] {
  return [(w.bias ?? tf.zeros([4 * U])) as tf.Tensor1D, (w.recurrentBias ?? tf.zeros([4 * U])) as tf.Tensor1D];
}

/**
 * Keras `CuDNNLSTM` saved weights -> canonical (two biases kept apart).
 * @throws ShapeError naming the weight, expected and received shapes.
 */
export function cudnnToCanonical(w: CudnnLstmWeights, where = 'adapters.cudnnToCanonical'): LstmWeights {
  const { I, U } = cudnnSavedSizes(w, 4, where);
  return tidy(() => {
    // Block (I, U) holds W_g (U, I) row-major: reinterpret, then transpose to the canonical (I, U).
    const kernelBlocks = mapGates(splitGates(w.kernel, 'ifco', 1, where), (k) => cudnnInputBlockToKeras(k, I, U));
    const recurrentBlocks = mapGates(splitGates(w.recurrent_kernel, 'ifco', 1, where), cudnnRecurrentBlockToKeras);
    const [bias, recurrentBias] = tf.split(w.bias, 2) as tf.Tensor1D[];
    return {
      kernel: joinGates(kernelBlocks, 'ifgo', 1),
      recurrentKernel: joinGates(recurrentBlocks, 'ifgo', 1),
      bias,
      recurrentBias,
      projection: null,
    };
  });
}

/**
 * Canonical -> Keras `CuDNNLSTM` saved weights.
 * @throws UnsupportedConversionError for a projection.
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToCudnn(w: LstmWeights, where = 'adapters.canonicalToCudnn'): CudnnLstmWeights {
  expectRecord(w, 'weights', where);
  const { inputSize: I, hiddenSize: U } = lstmSizes(w, where);
  rejectProjection(w, where);
  return tidy(() => {
    // Canonical block (I, U) -> W_g = block^T (U, I) -> its bytes reinterpreted as (I, U).
    const kernelBlocks = mapGates(splitGates(w.kernel, 'ifgo', 1, where), (k) => kerasInputBlockToCudnn(k, I, U));
    const recurrentBlocks = mapGates(splitGates(w.recurrentKernel, 'ifgo', 1, where), cudnnRecurrentBlockToKeras);
    return {
      kernel: joinGates(kernelBlocks, 'ifco', 1),
      recurrent_kernel: joinGates(recurrentBlocks, 'ifco', 1),
      bias: tf.concat(biasPair(w, U)) as tf.Tensor1D,
    };
  });
}

/** Number of values in a flat cuDNN LSTM buffer: 4U(I + U) + 8U. */
export function cudnnParamsCount(sizes: CudnnParamsSizes, where = 'adapters.cudnnParamsCount'): number {
  const { inputSize: I, hiddenSize: U } = expectRecord<CudnnParamsSizes>(sizes, 'sizes', where);
  checkNumberArg(I, 'sizes.inputSize', where, { integer: true, min: 1 });
  checkNumberArg(U, 'sizes.hiddenSize', where, { integer: true, min: 1 });
  return 4 * U * (I + U) + 8 * U;
}

/**
 * Flat cuDNN canonical params -> canonical.
 * @throws ShapeError when the buffer does not hold 4U(I + U) + 8U values.
 */
export function cudnnParamsToCanonical(
  params: tf.Tensor1D,
  sizes: CudnnParamsSizes,
  where = 'adapters.cudnnParamsToCanonical',
): LstmWeights {
  const count = cudnnParamsCount(sizes, where);
  const { inputSize: I, hiddenSize: U } = sizes;
  expectShape(params, [count], `params (4U(I + U) + 8U for I = ${I}, U = ${U})`, where);
  return tidy(() => {
    const [wIfco, rIfco, bW, bR] = tf.split(params, [4 * U * I, 4 * U * U, 4 * U, 4 * U]);
    return {
      kernel: tf.transpose(tf.reshape(wIfco, [4 * U, I])) as tf.Tensor2D,
      recurrentKernel: tf.transpose(tf.reshape(rIfco, [4 * U, U])) as tf.Tensor2D,
      bias: bW as tf.Tensor1D,
      recurrentBias: bR as tf.Tensor1D,
      projection: null,
    };
  });
}

/**
 * Canonical -> flat cuDNN canonical params (4U(I + U) + 8U values).
 * @throws UnsupportedConversionError for a projection (cuDNN's LSTMP layout is not supported here).
 */
export function canonicalToCudnnParams(w: LstmWeights, where = 'adapters.canonicalToCudnnParams'): tf.Tensor1D {
  expectRecord(w, 'weights', where);
  const { hiddenSize: U } = lstmSizes(w, where);
  rejectProjection(w, where);
  return tidy(() => {
    const [bW, bR] = biasPair(w, U);
    return tf.concat([
      tf.reshape(tf.transpose(w.kernel), [-1]),
      tf.reshape(tf.transpose(w.recurrentKernel), [-1]),
      bW,
      bR,
    ]) as tf.Tensor1D;
  });
}
