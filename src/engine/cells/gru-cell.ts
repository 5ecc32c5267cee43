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
 *
 * The fast step (`prepare` + `step`), on the blocks of `../fused`:
 * - **Gate-split, stacked weights** for r and z: once per call `[kernel; recurrentKernel]` is
 *   cut into `W_r`, `W_z (I + H, H)` with the summed biases, and each step runs, per gate, ONE
 *   fused kernel `σ([x_t, hIn] @ W_q + b_q)` (no split of an (N, 3H) tensor).
 * - The candidate: reset after, two products `x_t @ kernel_n + bias_n` and
 *   `hIn @ recurrentKernel_n + recurrentBias_n` (hn is kept for the reset's gradient), then
 *   `φ(xn + r ⊙ hn)`; reset before, one stacked product `φ([x_t, r ⊙ hIn] @ W_n + b_n)`.
 * - **tanh through sigmoid on wasm** (the factor 2 folded into a gate's weights).
 *
 * Recorded slots of a step (read by `./gru-cell-backward`): r, z, n, hn (hIn as a placeholder
 * with reset before), then, when a derivative needs them, the pre-activations of r, z, n (hIn
 * as a placeholder for gates whose derivative comes from the output).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, applyActivation } from '../activations';
import { derivativeFromOutput } from '../activation-grads';
import type { CellSizes, CellWeights, RecurrenceInputs, RecurrentCell, ResolvedCall } from '../cell';
import { Constants, GatePlan, fastActivation, fusedProduct, gatePlan, runGate, splitBlocks } from '../fused';
import { gateCellSizes } from './gate-cell-sizes';
import { gruBackward } from './gru-cell-backward';
import { needsPreActivations } from './lstm-activations';

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

/** The reset-after candidate's two products: `x_t @ kernel_n + bias_n`, `hIn @ recurrentKernel_n + recurrentBias_n`. */
interface CandidateAfter {
  /** (1, I, H) */
  readonly xw: tf.Tensor3D;
  readonly xb: tf.Tensor1D | undefined;
  /** (1, H, H) */
  readonly hw: tf.Tensor3D;
  readonly hb: tf.Tensor1D | undefined;
  readonly activation: ActivationName;
  readonly keepPre: boolean;
}

/** The prepared weights of one fast GRU call. */
export interface GruPlan {
  /** r and z on `[x_t, hIn]`. */
  readonly r: GatePlan;
  readonly z: GatePlan;
  /** The candidate: reset after, its two products; reset before, a plan on `[x_t, r ⊙ hIn]`. */
  readonly after: CandidateAfter | null;
  readonly before: GatePlan | null;
  /** The call records pre-activations. */
  readonly keepPre: boolean;
}

/** Per-gate blocks r, z, n of a (rows, 3H) matrix, each reshaped to (1, rows, H). */
function blocks3(w: tf.Tensor2D): tf.Tensor3D[] {
  const [rows, GH] = w.shape;
  return splitBlocks(w, 3).map((b) => {
    const b3 = tf.reshape(b, [1, rows, GH / 3]) as tf.Tensor3D;
    b.dispose();
    return b3;
  });
}

function bias3(b: tf.Tensor1D | null): (tf.Tensor1D | undefined)[] {
  return b ? splitBlocks(b, 3) : [undefined, undefined, undefined];
}

function prepareGru(inp: RecurrenceInputs, call: ResolvedCall, record: boolean, resetAfter: boolean): GruPlan {
  const keepPre = record && needsPreActivations(call);
  const wasm = tf.getBackend() === 'wasm';
  const summed = inp.bias && inp.recurrentBias ? (tf.add(inp.bias, inp.recurrentBias) as tf.Tensor1D) : inp.bias ?? inp.recurrentBias;
  const whole = tf.concat([inp.kernel, inp.recurrentKernel], 0) as tf.Tensor2D; // (I + H, 3H)
  const [wr, wz, wn] = blocks3(whole);
  whole.dispose();
  const [br, bz, bnSummed] = bias3(summed);
  if (summed !== inp.bias && summed !== inp.recurrentBias) summed?.dispose();
  const r = gatePlan(wr, br, call.recurrentActivation, keepPre, wasm);
  const z = gatePlan(wz, bz, call.recurrentActivation, keepPre, wasm);
  if (!resetAfter) return { r, z, after: null, before: gatePlan(wn, bnSummed, call.activation, keepPre, wasm), keepPre };
  tf.dispose([wn, ...(bnSummed ? [bnSummed] : [])]);
  const { I, H } = call;
  const xw = tf.reshape(tf.slice(inp.kernel, [0, 2 * H], [I, H]), [1, I, H]) as tf.Tensor3D;
  const hw = tf.reshape(tf.slice(inp.recurrentKernel, [0, 2 * H], [H, H]), [1, H, H]) as tf.Tensor3D;
  const xb = inp.bias ? (tf.slice(inp.bias, [2 * H], [H]) as tf.Tensor1D) : undefined;
  const hb = inp.recurrentBias ? (tf.slice(inp.recurrentBias, [2 * H], [H]) as tf.Tensor1D) : undefined;
  const after = { xw, xb, hw, hb, activation: call.activation, keepPre: keepPre && !derivativeFromOutput(call.activation) };
  return { r, z, after, before: null, keepPre };
}

function stepGru(plan: GruPlan, xt: tf.Tensor, hIn: tf.Tensor, prev: readonly tf.Tensor[], k: Constants, record: boolean) {
  const pre: (tf.Tensor | null)[] = [];
  const xh = tf.concat([xt, hIn], 2) as tf.Tensor3D; // (1, N, I + H)
  const r = runGate(plan.r, xh, pre, k);
  const z = runGate(plan.z, xh, pre, k);
  let n: tf.Tensor;
  let hn: tf.Tensor = hIn;
  if (plan.after) {
    const a = plan.after;
    hn = fusedProduct(hIn, a.hw, a.hb, 'linear');
    const nPre = tf.add(fusedProduct(xt, a.xw, a.xb, 'linear'), tf.mul(r, hn));
    n = fastActivation(a.activation, nPre, k);
    pre.push(a.keepPre ? nPre : null);
  } else {
    n = runGate(plan.before as GatePlan, tf.concat([xt, tf.mul(r, hIn)], 2) as tf.Tensor3D, pre, k);
  }
  const hNew = tf.add(n, tf.mul(z, tf.sub(prev[0], n)));
  if (!record) return { next: [hNew], saved: [] };
  const saved = [r, z, n, hn];
  if (plan.keepPre) saved.push(...pre.map((v) => v ?? hIn));
  return { next: [hNew], saved };
}

function makeGruCell(resetAfter: boolean): RecurrentCell<GruWeights, GruPlan> {
  return {
    name: 'GRU',
    gates: 3,
    stateNames: ['h'],
    extraWeights: [],
    sizes: (w, where) => gruSizes(w, where),
    stateSizes: (s) => [s.hiddenSize],
    prepare: (inp, call, record) => prepareGru(inp, call, record, resetAfter),
    step: stepGru,
    recordSlots: (call) => 4 + (needsPreActivations(call) ? 3 : 0),
    backward: (inp, call) => gruBackward(inp, call, resetAfter),
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
export const GRU_CELL: RecurrentCell<GruWeights, GruPlan> = makeGruCell(true);
/** The GRU cell with the reset applied to h before the recurrent product (Keras reset_after=False). */
export const GRU_RESET_BEFORE_CELL: RecurrentCell<GruWeights, GruPlan> = makeGruCell(false);

/** The GRU cell of a `resetAfter` flag. */
export function gruCell(resetAfter: boolean): RecurrentCell<GruWeights, GruPlan> {
  return resetAfter ? GRU_CELL : GRU_RESET_BEFORE_CELL;
}
