/**
 * The vanilla RNN cell (PyTorch `nn.RNN`, Keras `SimpleRNN`, ONNX `RNN`). Canonical weights,
 * legend I inputs, H hidden size:
 *
 * | field | shape | meaning |
 * |---|---|---|
 * | `kernel` | (I, H) | `weight_ih^T`, Keras `kernel` |
 * | `recurrentKernel` | (H, H) | `weight_hh^T`, Keras `recurrent_kernel` |
 * | `bias` | (H) or absent | PyTorch `bias_ih`, Keras `bias` |
 * | `recurrentBias` | (H) or absent | PyTorch `bias_hh`; summed with `bias` |
 *
 * State `[h (N, H)]`. The step, φ the activation (PyTorch `nonlinearity` tanh or relu):
 *
 *     h_t = φ(x_t @ kernel + bias + h_{t-1} @ recurrentKernel + recurrentBias)
 *
 * The fast step: once per call `[kernel; recurrentKernel]` (I + H, H) and the summed biases;
 * each step ONE fused kernel `φ([x_t, hIn] @ W + b)` (`../fused`'s gate plan: relu fused,
 * tanh through sigmoid on wasm). Recorded slots: h_t, then the pre-activation when φ's
 * derivative needs it (relu, ...). Its gradient: `dz = dh_t ⊙ φ'(a)` for both products; the
 * machinery does the rest.
 */
import * as tf from '@tensorflow/tfjs-core';

import { activationBackward, derivativeFromOutput } from '../activation-grads';
import { applyActivation } from '../activations';
import type { CellSizes, CellWeights, RecurrentCell } from '../cell';
import { GatePlan, gatePlan, runGate } from '../fused';
import { gateCellSizes } from './gate-cell-sizes';

/** The weights of one vanilla RNN layer and direction, canonical form (see the module table). */
export type RnnWeights = CellWeights;

/**
 * Checks RNN weights against each other and returns their sizes.
 * @throws ShapeError naming the weight, the expected and the received shape.
 */
export function rnnSizes(w: RnnWeights, where = 'engine'): CellSizes {
  return gateCellSizes(w, 1, where);
}

/** The vanilla RNN cell. */
export const RNN_CELL: RecurrentCell<RnnWeights, GatePlan> = {
  name: 'RNN',
  gates: 1,
  stateNames: ['h'],
  extraWeights: [],
  sizes: (w, where) => rnnSizes(w, where),
  stateSizes: (s) => [s.hiddenSize],
  prepare(inp, call, record) {
    const { I, H } = call;
    // The plan owns its bias (it disposes it when scaling for tanh through sigmoid): never the caller's.
    const given = inp.bias ?? inp.recurrentBias;
    const bias = inp.bias && inp.recurrentBias ? (tf.add(inp.bias, inp.recurrentBias) as tf.Tensor1D) : given && (tf.clone(given) as tf.Tensor1D);
    const w = tf.reshape(tf.concat([inp.kernel, inp.recurrentKernel], 0), [1, I + H, H]) as tf.Tensor3D;
    return gatePlan(w, bias ?? undefined, call.activation, record, tf.getBackend() === 'wasm');
  },
  step(plan, xt, hIn, _prev, k, record) {
    const pre: (tf.Tensor | null)[] = [];
    const h = runGate(plan, tf.concat([xt, hIn], 2) as tf.Tensor3D, pre, k);
    if (!record) return { next: [h], saved: [] };
    return { next: [h], saved: plan.keepPre ? [h, pre[0] as tf.Tensor] : [h] };
  },
  recordSlots: (call) => (derivativeFromOutput(call.activation) ? 1 : 2),
  backward: (_inp, call) => ({
    step: (rec, [dh]) => ({
      dz: activationBackward(call.activation, dh, rec.saved[1] ?? null, rec.saved[0]) as tf.Tensor2D,
      dzRecurrent: null,
      dPrev: [null],
    }),
    extraGrads: () => ({}),
  }),
  inputBias: (w) => {
    if (w.bias && w.recurrentBias) return tf.add(w.bias, w.recurrentBias) as tf.Tensor1D;
    return w.bias ?? w.recurrentBias ?? null;
  },
  referenceStep: (xz, hIn, _prev, w, call) => [applyActivation(call.activation, tf.add(xz, tf.matMul(hIn, w.recurrentKernel))) as tf.Tensor2D],
};
