/**
 * The Keras convention (Keras 2/3, tf.keras, tfjs-layers `LSTM`) for one layer and direction,
 * to and from the engine's canonical form.
 *
 * Legend: I = input features, U = units.
 *
 * | weight | shape | layout |
 * |---|---|---|
 * | `kernel` | (I, 4U) | columns i, f, c, o (c = candidate) |
 * | `recurrent_kernel` | (U, 4U) | columns i, f, c, o |
 * | `bias` | (4U) | i, f, c, o; absent with `use_bias=False` |
 *
 * `get_weights()` returns `[kernel, recurrent_kernel, bias]` in this order; a `Bidirectional`
 * wrapper returns the forward layer's three, then the backward layer's three.
 *
 * Keras's layout is the canonical one, so `kernel` and `recurrent_kernel` copy over unchanged.
 * Keras has one bias: canonical -> Keras sums `bias + recurrentBias` (the only step that is not
 * a copy; exact in the function computed, since the step only uses the sum; a bias beside an
 * all-zero one is copied as is), and Keras ->
 * canonical keeps it as `bias` with no `recurrentBias`. Keras has no projection (`proj_size`):
 * converting a projected LSTM throws {@link UnsupportedConversionError}.
 *
 * Example:
 * ```ts
 * const canonical = kerasToCanonical({ kernel, recurrent_kernel, bias });
 * const { kernel: k, recurrent_kernel: rk, bias: b } = canonicalToKeras(canonical);
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmWeights, lstmSizes } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { ShapeError, UnsupportedConversionError, formatShape } from '../../src/errors';
import { expectOptionalShape, expectRecord, expectShape, expectTensorList, gateSize, mergeBiases } from '../checks';

/** The weights of one Keras LSTM layer (or one direction of a `Bidirectional`). */
export interface KerasLstmWeights {
  /** (I, 4U), gates i, f, c, o along the columns. */
  readonly kernel: tf.Tensor;
  /** (U, 4U). */
  readonly recurrent_kernel: tf.Tensor;
  /** (4U); absent with `use_bias=False`. */
  readonly bias?: tf.Tensor | null | undefined;
}

/**
 * Keras -> canonical. New tensors; the input is untouched.
 * @throws ShapeError naming the weight, expected and received shapes.
 */
export function kerasToCanonical(w: KerasLstmWeights, where = 'adapters.kerasToCanonical'): LstmWeights {
  expectRecord(w, 'weights', where);
  expectShape(w.kernel, [null, null], 'kernel', where);
  const U = gateSize(w.kernel, 1, 4, 'kernel', '4U', where);
  expectShape(w.recurrent_kernel, [U, 4 * U], 'recurrent_kernel', where);
  expectOptionalShape(w.bias, [4 * U], 'bias', where);
  return tidy(() => ({
    kernel: tf.clone(w.kernel) as tf.Tensor2D,
    recurrentKernel: tf.clone(w.recurrent_kernel) as tf.Tensor2D,
    bias: w.bias ? (tf.clone(w.bias) as tf.Tensor1D) : null,
    recurrentBias: null,
    projection: null,
  }));
}

/**
 * Canonical -> Keras. The two canonical biases are summed into Keras's one.
 * @throws UnsupportedConversionError for a projected LSTM (Keras has no `proj_size`).
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToKeras(w: LstmWeights, where = 'adapters.canonicalToKeras'): KerasLstmWeights {
  expectRecord(w, 'weights', where);
  lstmSizes(w, where);
  if (w.projection) {
    throw new UnsupportedConversionError(
      `${where}: projection ${formatShape(w.projection.shape)} (PyTorch proj_size) has no Keras equivalent: ` +
        'a Keras LSTM has no projection, so this layer cannot be expressed exactly',
    );
  }
  return tidy(() => ({
    kernel: tf.clone(w.kernel),
    recurrent_kernel: tf.clone(w.recurrentKernel),
    bias: mergeBiases(w.bias, w.recurrentBias),
  }));
}

/** `[kernel, recurrent_kernel, bias?]`, the order of Keras `get_weights()` / `set_weights()`. */
export function kerasWeightList(w: KerasLstmWeights): tf.Tensor[] {
  expectRecord(w, 'weights', 'adapters.kerasWeightList');
  return w.bias ? [w.kernel, w.recurrent_kernel, w.bias] : [w.kernel, w.recurrent_kernel];
}

/**
 * Reads `[kernel, recurrent_kernel]` or `[kernel, recurrent_kernel, bias]` (Keras
 * `get_weights()` order) into named weights. The tensors are not copied.
 * @throws ShapeError when the list has another length.
 */
export function kerasWeightsFromList(list: readonly tf.Tensor[], where = 'adapters.kerasWeightsFromList'): KerasLstmWeights {
  expectTensorList(list, 'list', where);
  if (list.length !== 2 && list.length !== 3) {
    throw new ShapeError(
      `${where}: weights expected [kernel, recurrent_kernel] or [kernel, recurrent_kernel, bias], got ${list.length} arrays`,
    );
  }
  return {
    kernel: list[0] as tf.Tensor2D,
    recurrent_kernel: list[1] as tf.Tensor2D,
    bias: (list[2] as tf.Tensor1D | undefined) ?? null,
  };
}
