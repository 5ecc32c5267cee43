/**
 * The GRU cell. Canonical weights (per layer and direction), legend I inputs, H hidden size:
 *
 * | field | shape | meaning |
 * |---|---|---|
 * | `kernel` | (I, 3H) | input weights, gate blocks along axis 1 in order **r, z, n** (PyTorch's); `x_t @ kernel` |
 * | `recurrentKernel` | (H, 3H) | recurrent weights, same gate order |
 * | `bias` | (3H) or absent | input bias (PyTorch `bias_ih`, Keras `bias[0]` with reset_after) |
 * | `recurrentBias` | (3H) or absent | recurrent bias (PyTorch `bias_hh`, Keras `bias[1]` with reset_after) |
 *
 * Keras and ONNX stack the gates z, r, h (h = n, the candidate): see `../gru-gates`.
 * State `[h (N, H)]`. The step (σ recurrent activation, φ activation; PyTorch sigmoid, tanh):
 *
 *     xr, xz, xn = split(x_t @ kernel + bias, 3)
 *     resetAfter (PyTorch, Keras reset_after=True, ONNX linear_before_reset=1):
 *       hr, hz, hn = split(h_{t-1} @ recurrentKernel + recurrentBias, 3)
 *       n = φ(xn + r ⊙ hn)
 *     reset before (Keras reset_after=False, tfjs-layers, TF1 GRUCell, ONNX linear_before_reset=0):
 *       hr, hz = split(h_{t-1} @ recurrentKernel[:, :2H] + recurrentBias[:2H], 2)
 *       n = φ(xn + (r ⊙ h_{t-1}) @ recurrentKernel[:, 2H:] + recurrentBias[2H:])
 *     r = σ(xr + hr), z = σ(xz + hz)
 *     h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 *
 * (With recurrent dropout, h_{t-1} in the products is `hIn`, the masked state; the last line
 * uses the carried state.)
 */
import * as tf from '@tensorflow/tfjs-core';

import { applyActivation } from '../activations';
import type { CellSizes, CellWeights, RecurrentCell, ResolvedCall } from '../cell';
import { ConfigError } from '../../errors';
import { gateCellSizes } from './gate-cell-sizes';

/** The weights of one GRU layer and direction, canonical form (see the module table). */
export type GruWeights = CellWeights;

/**
 * Checks GRU weights against each other and returns their sizes.
 * @throws ShapeError naming the weight, the expected and the received shape.
 */
export function gruSizes(w: GruWeights, where = 'engine'): CellSizes {
  return gateCellSizes(w, 3, where);
}

/** One plain GRU step from the input projection `xz` (N, 3H) = x_t @ kernel + input bias. */
export function gruStepFromProjection(
  xz: tf.Tensor2D, hIn: tf.Tensor2D, hPrev: tf.Tensor2D, w: GruWeights, call: ResolvedCall, resetAfter: boolean,
): tf.Tensor2D {
  const H = call.H;
  const [xr, xzz, xn] = tf.split(xz, 3, 1);
  const act = (x: tf.Tensor): tf.Tensor => applyActivation(call.activation, x);
  const gate = (x: tf.Tensor): tf.Tensor => applyActivation(call.recurrentActivation, x);
  let r: tf.Tensor;
  let z: tf.Tensor;
  let n: tf.Tensor;
  if (resetAfter) {
    let hz: tf.Tensor = tf.matMul(hIn, w.recurrentKernel);
    if (w.recurrentBias) hz = tf.add(hz, w.recurrentBias);
    const [hr, hzz, hn] = tf.split(hz, 3, 1);
    r = gate(tf.add(xr, hr));
    z = gate(tf.add(xzz, hzz));
    n = act(tf.add(xn, tf.mul(r, hn)));
  } else {
    const [rkRz, rkN] = tf.split(w.recurrentKernel, [2 * H, H], 1);
    const [hr, hzz] = tf.split(tf.matMul(hIn, rkRz), 2, 1);
    r = gate(tf.add(xr, hr));
    z = gate(tf.add(xzz, hzz));
    n = act(tf.add(xn, tf.matMul(tf.mul(r, hIn) as tf.Tensor2D, rkN as tf.Tensor2D)));
  }
  return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, hPrev)) as tf.Tensor2D;
}

function notYet(): never {
  throw new ConfigError('engine: the fast GRU executor is not built yet');
}

function makeGruCell(resetAfter: boolean): RecurrentCell<GruWeights> {
  return {
    name: 'GRU',
    gates: 3,
    stateNames: ['h'],
    extraWeights: [],
    sizes: (w, where) => gruSizes(w, where),
    stateSizes: (s) => [s.hiddenSize],
    prepare: notYet,
    step: notYet,
    recordSlots: () => 0,
    backward: notYet,
    // Reset after: the recurrent bias stays inside the reset product. Reset before: both
    // biases sum outside it (ONNX's Wb + Rb).
    inputBias: (w) => {
      if (resetAfter || !w.recurrentBias) return w.bias ?? null;
      return (w.bias ? tf.add(w.bias, w.recurrentBias) : w.recurrentBias) as tf.Tensor1D;
    },
    referenceStep: (xz, hIn, prev, w, call) => [gruStepFromProjection(xz, hIn, prev[0], w, call, resetAfter)],
  };
}

/** The GRU cell with the reset applied after the recurrent product (PyTorch, Keras reset_after=True). */
export const GRU_CELL: RecurrentCell<GruWeights> = makeGruCell(true);
/** The GRU cell with the reset applied to h before the recurrent product (Keras reset_after=False). */
export const GRU_RESET_BEFORE_CELL: RecurrentCell<GruWeights> = makeGruCell(false);

/** The GRU cell of a `resetAfter` flag. */
export function gruCell(resetAfter: boolean): RecurrentCell<GruWeights> {
  return resetAfter ? GRU_CELL : GRU_RESET_BEFORE_CELL;
}
