/**
 * tfjs kernels called directly, for the cells' one-step parts (`./lstm-step`, `./gru-step`,
 * `./rnn-step`): no op-level reshapes or tidy scopes, each intermediate handed to the
 * stepper's scratch list.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, applyActivation } from '../activations';

/** Activations `_FusedMatMul` applies itself (on every backend). */
export const FUSED: Partial<Record<ActivationName, string>> = { sigmoid: 'sigmoid', relu: 'relu', relu6: 'relu6', elu: 'elu', linear: 'linear' };

/** One kernel call. */
export function run(kernel: string, inputs: Record<string, tf.Tensor> | tf.Tensor[], attrs: Record<string, unknown> = {}): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** An activation as one kernel call for tanh/sigmoid, else in its own tidy scope. */
export function activate(name: ActivationName, x: tf.Tensor): tf.Tensor {
  if (name === 'tanh') return run(tf.Tanh, { x });
  if (name === 'sigmoid') return run(tf.Sigmoid, { x });
  return tf.tidy(() => applyActivation(name, x));
}

/**
 * `act(a @ w + bias)` on rank-3 operands: the activation fused into the product when
 * `_FusedMatMul` has it, else a second call. Intermediates go to `t`.
 */
export function activatedProduct(
  a: tf.Tensor, w: tf.Tensor3D, bias: tf.Tensor1D | undefined, act: ActivationName, t: (x: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const fused = FUSED[act];
  const z = t(run(tf._FusedMatMul, bias ? { a, b: w, bias } : { a, b: w }, { transposeA: false, transposeB: false, activation: fused ?? 'linear' }));
  return fused ? z : t(activate(act, z));
}

/** The prepared tensors of a step part present in a record (for disposal). */
export function presentTensors(values: readonly (tf.Tensor | null | undefined)[]): tf.Tensor[] {
  return values.filter((v): v is tf.Tensor => !!v);
}
