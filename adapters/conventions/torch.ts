/**
 * The PyTorch convention (`nn.LSTM`, `nn.LSTMCell`) for one layer and direction, to and from
 * the engine's canonical form.
 *
 * Legend: I = input size, H = hidden size, P = `proj_size`, H_out = P if P > 0 else H.
 *
 * | key | shape | layout |
 * |---|---|---|
 * | `weight_ih` | (4H, I) | rows `W_ii ‖ W_if ‖ W_ig ‖ W_io` (gates i, f, g, o) |
 * | `weight_hh` | (4H, H_out) | rows `W_hi ‖ W_hf ‖ W_hg ‖ W_ho` |
 * | `bias_ih` | (4H) | `b_ii ‖ b_if ‖ b_ig ‖ b_io` |
 * | `bias_hh` | (4H) | `b_hi ‖ b_hf ‖ b_hg ‖ b_ho` |
 * | `weight_hr` | (P, H) | projection, `h_t = W_hr (o_t * tanh(c_t))` |
 *
 * In a state dict the keys carry the layer and direction: `weight_ih_l0`, `bias_hh_l1_reverse`.
 * The canonical form is the transpose with the same gate order: `kernel = weight_ih^T`,
 * `recurrentKernel = weight_hh^T`, `bias = bias_ih`, `recurrentBias = bias_hh`,
 * `projection = weight_hr^T`. Both directions are exact (transposes and copies only).
 *
 * Example:
 * ```ts
 * const canonical = torchToCanonical({ weight_ih, weight_hh, bias_ih, bias_hh });
 * const back = canonicalToTorch(canonical); // bit-identical tensors
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmWeights, lstmSizes } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { expectOptionalShape, expectRecord, expectShape, gateSize } from '../checks';
import { checkTorchBiasPair } from './cell-kinds';

/** The weights of one PyTorch LSTM layer and direction (keys without the `_l{k}` suffix). */
export interface TorchLstmWeights {
  /** (4H, I), gates i, f, g, o along the rows. */
  readonly weight_ih: tf.Tensor;
  /** (4H, H_out). */
  readonly weight_hh: tf.Tensor;
  /** (4H); absent when the module was built with `bias=False`. */
  readonly bias_ih?: tf.Tensor | null | undefined;
  /** (4H); present exactly when `bias_ih` is. */
  readonly bias_hh?: tf.Tensor | null | undefined;
  /** (P, H), only with `proj_size > 0`. */
  readonly weight_hr?: tf.Tensor | null | undefined;
}

/**
 * PyTorch -> canonical. The result holds new tensors; the input is untouched.
 * @throws ShapeError naming the weight, expected and received shapes (or a lone bias).
 */
export function torchToCanonical(w: TorchLstmWeights, where = 'adapters.torchToCanonical'): LstmWeights {
  expectRecord(w, 'weights', where);
  expectShape(w.weight_ih, [null, null], 'weight_ih', where);
  const H = gateSize(w.weight_ih, 0, 4, 'weight_ih', '4H', where);
  expectOptionalShape(w.weight_hr, [null, H], 'weight_hr', where);
  const Hout = w.weight_hr ? w.weight_hr.shape[0] : H;
  expectShape(w.weight_hh, [4 * H, Hout], 'weight_hh', where);
  expectOptionalShape(w.bias_ih, [4 * H], 'bias_ih', where);
  expectOptionalShape(w.bias_hh, [4 * H], 'bias_hh', where);
  checkTorchBiasPair(w.bias_ih, w.bias_hh, where);
  return tidy(() => ({
    kernel: tf.transpose(w.weight_ih) as tf.Tensor2D,
    recurrentKernel: tf.transpose(w.weight_hh) as tf.Tensor2D,
    bias: w.bias_ih ? (tf.clone(w.bias_ih) as tf.Tensor1D) : null,
    recurrentBias: w.bias_hh ? (tf.clone(w.bias_hh) as tf.Tensor1D) : null,
    projection: w.weight_hr ? (tf.transpose(w.weight_hr) as tf.Tensor2D) : null,
  }));
}

/**
 * Canonical -> PyTorch. A single canonical bias (Keras) goes to `bias_ih` with zeros in
 * `bias_hh` (the sum, which is all the step uses, is unchanged); a lone `recurrentBias` goes to
 * `bias_hh` with zeros in `bias_ih`; no bias gives a `bias=False` layer.
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToTorch(w: LstmWeights, where = 'adapters.canonicalToTorch'): TorchLstmWeights {
  expectRecord(w, 'weights', where);
  const { hiddenSize: H } = lstmSizes(w, where);
  return tidy(() => {
    const hasBias = Boolean(w.bias || w.recurrentBias);
    return {
      weight_ih: tf.transpose(w.kernel) as tf.Tensor2D,
      weight_hh: tf.transpose(w.recurrentKernel) as tf.Tensor2D,
      bias_ih: hasBias ? ((w.bias ? tf.clone(w.bias) : tf.zeros([4 * H])) as tf.Tensor1D) : null,
      bias_hh: hasBias ? ((w.recurrentBias ? tf.clone(w.recurrentBias) : tf.zeros([4 * H])) as tf.Tensor1D) : null,
      weight_hr: w.projection ? (tf.transpose(w.projection) as tf.Tensor2D) : null,
    };
  });
}
