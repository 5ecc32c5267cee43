/**
 * The LSTM cell: its weight blocks, its fast step and its plain step. Its step gradient is in
 * `./lstm-cell-backward`; the sequence machinery that runs it is `../recurrence-*`.
 *
 * Weights: the canonical form of `../weights` — `kernel (I, 4H)`, `recurrentKernel (H_out, 4H)`,
 * gate blocks i, f, g, o; two optional biases (4H), summed; optional `projection (H, P)`.
 * State `[h (N, H_out), c (N, H)]`. The step (σ recurrent activation, φ activation):
 *
 *     z_t = x_t @ kernel + h_{t-1} @ recurrentKernel + bias + recurrentBias   (N, 4H)
 *     i, f, g, o = σ(z_i), σ(z_f), φ(z_g), σ(z_o)
 *     c_t = f * c_{t-1} + i * g
 *     h_t = o * φ(c_t)          (then @ projection when present)
 *
 * The fast step (`prepare` + `step`), on the blocks of `../fused`:
 * - **Gate-split, stacked weights.** Once per call, `[kernel; recurrentKernel]` is cut into four
 *   per-gate blocks `W_q (I + H_out, H)` with bias blocks `b_q (H)` (the biases summed). Each
 *   step then runs, per gate, ONE fused kernel `act([x_t, h_{t-1}] @ W_q + b_q)` — the same
 *   flops as the textbook form, and never a split of an (N, 4H) tensor. For few rows
 *   (T·N < I + H_out, e.g. streaming) the weight preparation costs more than it saves, and
 *   each step runs `x_t @ kernel + h @ recurrentKernel` and one split instead.
 * - **tanh through sigmoid on wasm**; for the candidate gate the factor 2 is folded into `W_g`,
 *   `b_g`.
 *
 * Recorded slots of a step (read by `./lstm-cell-backward`): the activated gates i, f, g, o,
 * c_t, φ(c_t), o ⊙ φ(c_t) (the projection's input; hIn as a placeholder without projection),
 * then, when a derivative needs them, the pre-activations z_i, z_f, z_g, z_o (hIn as a
 * placeholder for gates whose derivative comes from the activation's output).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, applyActivation, parseActivation } from '../activations';
import { checkTensorArg, checkTensorListArg } from '../args';
import { ShapeError, formatShape } from '../../errors';
import { derivativeFromOutput } from '../activation-grads';
import type { CellStepResult, RecurrenceInputs, RecurrentCell, ResolvedCall } from '../cell';
import {
  Constants, GatePlan, batchProduct, fastActivation, fusedProduct, gateBlocks, gatePlan, runGate,
} from '../fused';
import { LstmWeights, lstmSizes } from '../weights';
import { gateActivation, needsPreActivations } from './lstm-activations';
import { lstmBackward } from './lstm-cell-backward';

/** Sum of the biases present, or null. */
export function combinedBias(w: LstmWeights): tf.Tensor1D | null {
  lstmSizes(w, 'engine.combinedBias');
  if (w.bias && w.recurrentBias) return tf.add(w.bias, w.recurrentBias) as tf.Tensor1D;
  return w.bias ?? w.recurrentBias ?? null;
}

/**
 * One LSTM step from the pre-computed input projection `xz` (N, 4H) = x_t @ kernel + biases.
 * Returns the new `[h, c]`.
 */
export function lstmStepFromProjection(
  xz: tf.Tensor2D,
  h: tf.Tensor2D,
  c: tf.Tensor2D,
  w: LstmWeights,
  activation: ActivationName,
  recurrentActivation: ActivationName,
): [tf.Tensor2D, tf.Tensor2D] {
  const where = 'engine.lstmStepFromProjection';
  const { hiddenSize, outputSize } = lstmSizes(w, where);
  checkTensorArg(xz, 'xz', where);
  const N = xz.shape[0];
  if (xz.rank !== 2 || xz.shape[1] !== 4 * hiddenSize) throw new ShapeError(`${where}: xz expected [N, ${4 * hiddenSize}], got ${formatShape(xz.shape)}`);
  checkTensorArg(h, 'h', where);
  checkTensorArg(c, 'c', where);
  if (h.rank !== 2 || h.shape[0] !== N || h.shape[1] !== outputSize) throw new ShapeError(`${where}: h expected [${N}, ${outputSize}], got ${formatShape(h.shape)}`);
  if (c.rank !== 2 || c.shape[0] !== N || c.shape[1] !== hiddenSize) throw new ShapeError(`${where}: c expected [${N}, ${hiddenSize}], got ${formatShape(c.shape)}`);
  const act = parseActivation(activation, 'activation', where);
  const recAct = parseActivation(recurrentActivation, 'recurrentActivation', where);
  const z = tf.add(xz, tf.matMul(h, w.recurrentKernel));
  const [zi, zf, zg, zo] = tf.split(z, 4, 1);
  const i = applyActivation(recAct, zi);
  const f = applyActivation(recAct, zf);
  const g = applyActivation(act, zg);
  const o = applyActivation(recAct, zo);
  const cNext = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
  let hNext = tf.mul(o, applyActivation(act, cNext)) as tf.Tensor2D;
  if (w.projection) hNext = tf.matMul(hNext, w.projection);
  return [hNext, cNext];
}

/**
 * One step of an LSTM cell on a single time step: x (N, I), h (N, H_out), c (N, H).
 * Returns `[h', c']`. Differentiable; disposes its intermediates.
 */
export function lstmCellStep(
  x: tf.Tensor2D,
  state: readonly [tf.Tensor2D, tf.Tensor2D],
  w: LstmWeights,
  activation: ActivationName = 'tanh',
  recurrentActivation: ActivationName = 'sigmoid',
): [tf.Tensor2D, tf.Tensor2D] {
  const where = 'engine.lstmCellStep';
  const { inputSize, hiddenSize, outputSize } = lstmSizes(w, where);
  checkTensorArg(x, 'x', where);
  const N = x.shape[0];
  if (x.rank !== 2 || x.shape[1] !== inputSize) throw new ShapeError(`${where}: x expected [N, ${inputSize}], got ${formatShape(x.shape)}`);
  const [h, c] = checkTensorListArg(state, 'state', where);
  if (state.length !== 2) throw new ShapeError(`${where}: state expected [h, c], got ${state.length} tensors`);
  if (h.rank !== 2 || h.shape[0] !== N || h.shape[1] !== outputSize) throw new ShapeError(`${where}: h expected [${N}, ${outputSize}], got ${formatShape(h.shape)}`);
  if (c.rank !== 2 || c.shape[0] !== N || c.shape[1] !== hiddenSize) throw new ShapeError(`${where}: c expected [${N}, ${hiddenSize}], got ${formatShape(c.shape)}`);
  const act = parseActivation(activation, 'activation', where);
  const recAct = parseActivation(recurrentActivation, 'recurrentActivation', where);
  return tf.tidy(() => {
    let xz: tf.Tensor2D = tf.matMul(x, w.kernel);
    const b = combinedBias(w);
    if (b) xz = tf.add(xz, b);
    return lstmStepFromProjection(xz, h as tf.Tensor2D, c as tf.Tensor2D, w, act, recAct);
  });
}

/** The weights of the one-product step: `z = x_t @ kernel + h @ recurrentKernel + bias`. */
interface WholePlan {
  /** (1, I, 4H) */
  readonly kernel: tf.Tensor3D;
  /** (1, H_out, 4H) */
  readonly recurrent: tf.Tensor3D;
  readonly bias: tf.Tensor1D | undefined;
  readonly activations: readonly ActivationName[];
  /** Which gates keep their pre-activation. */
  readonly keepPre: readonly boolean[];
}

/** The prepared weights of one fast call. */
export interface LstmPlan {
  /** Per-gate plans, or null for the one-product step. */
  readonly gates: GatePlan[] | null;
  readonly whole: WholePlan | null;
  /** (1, H, P) */
  readonly projection: tf.Tensor3D | null;
  readonly activation: ActivationName;
  /** The call records pre-activations. */
  readonly keepPre: boolean;
}

function gatePlans(inp: RecurrenceInputs, bias: tf.Tensor1D | null, call: ResolvedCall, keepPre: boolean): GatePlan[] {
  const { I, H, Hout } = call;
  // Intermediates are disposed at once: the plans hold one copy of the weights, not three.
  const whole = tf.concat([inp.kernel, inp.recurrentKernel], 0) as tf.Tensor2D;
  const stacked = gateBlocks(whole);
  whole.dispose();
  const biases = bias ? gateBlocks(bias) : null;
  const wasm = tf.getBackend() === 'wasm';
  return stacked.map((w2, q) => {
    const w = tf.reshape(w2, [1, I + Hout, H]) as tf.Tensor3D;
    w2.dispose();
    return gatePlan(w, biases ? biases[q] : undefined, gateActivation(call, q), keepPre, wasm);
  });
}

function wholePlan(inp: RecurrenceInputs, bias: tf.Tensor1D | null, call: ResolvedCall, keepPre: boolean): WholePlan {
  const { I, H, Hout } = call;
  const activations = [0, 1, 2, 3].map((q) => gateActivation(call, q));
  return {
    kernel: tf.reshape(inp.kernel, [1, I, 4 * H]) as tf.Tensor3D,
    recurrent: tf.reshape(inp.recurrentKernel, [1, Hout, 4 * H]) as tf.Tensor3D,
    bias: bias ?? undefined,
    activations,
    keepPre: activations.map((a) => keepPre && !derivativeFromOutput(a)),
  };
}

/** The four activated gates (1, N, H) from one product pair and one split of z. */
function runWhole(plan: WholePlan, x: tf.Tensor, hIn: tf.Tensor, pre: (tf.Tensor | null)[], k: Constants): tf.Tensor[] {
  const xz = fusedProduct(x, plan.kernel, plan.bias, 'linear');
  const hz = batchProduct(hIn, plan.recurrent);
  const z = tf.add(xz, hz);
  const parts = tf.split(z, 4, 2);
  tf.dispose([xz, hz, z]);
  return parts.map((zq, q) => {
    const y = fastActivation(plan.activations[q], zq, k);
    pre.push(plan.keepPre[q] ? zq : null);
    if (!plan.keepPre[q] && y !== zq) zq.dispose();
    return y;
  });
}

/** The LSTM cell. */
export const LSTM_CELL: RecurrentCell<LstmWeights, LstmPlan> = {
  name: 'LSTM',
  gates: 4,
  stateNames: ['h', 'c'],
  extraWeights: ['projection'],
  sizes: (w, where) => lstmSizes(w, where),
  stateSizes: (s) => [s.outputSize, s.hiddenSize],

  prepare(inp, call, record) {
    const keepPre = record && needsPreActivations(call);
    const bias = inp.bias && inp.recurrentBias ? (tf.add(inp.bias, inp.recurrentBias) as tf.Tensor1D) : inp.bias ?? inp.recurrentBias;
    // Gate-split weights pay a per-call preparation (a concat and splits of the weights) to save
    // a split of z per step; for few rows (streaming: T = N = 1) one product per step is cheaper.
    const gates = call.T * call.N >= call.I + call.Hout ? gatePlans(inp, bias, call, keepPre) : null;
    const projection = inp.extra.projection;
    return {
      gates,
      whole: gates ? null : wholePlan(inp, bias, call, keepPre),
      projection: projection ? (tf.reshape(projection, [1, call.H, call.Hout]) as tf.Tensor3D) : null,
      activation: call.activation,
      keepPre,
    };
  },

  step(plan, xt, hIn, prev, k, record): CellStepResult {
    const pre: (tf.Tensor | null)[] = [];
    let acts: tf.Tensor[];
    if (plan.gates) {
      const xh = tf.concat([xt, hIn], 2) as tf.Tensor3D; // (1, N, I + H_out)
      acts = plan.gates.map((g) => runGate(g, xh, pre, k));
    } else {
      acts = runWhole(plan.whole as WholePlan, xt, hIn, pre, k);
    }
    const [i, f, g, o] = acts;
    const cNew = tf.add(tf.mul(f, prev[1]), tf.mul(i, g));
    const phiC = fastActivation(plan.activation, cNew, k);
    const hc = tf.mul(o, phiC);
    const hNew = plan.projection ? batchProduct(hc, plan.projection) : hc;
    if (!record) return { next: [hNew, cNew], saved: [] };
    const saved = [...acts, cNew, phiC, plan.projection ? hc : hIn];
    if (plan.keepPre) saved.push(...pre.map((z) => z ?? hIn));
    return { next: [hNew, cNew], saved };
  },

  recordSlots: (call) => 7 + (needsPreActivations(call) ? 4 : 0),
  backward: (inp, call) => lstmBackward(inp, call),

  inputBias: (w) => combinedBias(w),
  referenceStep: (xz, hIn, prev, w, call) =>
    lstmStepFromProjection(xz, hIn, prev[1], w, call.activation, call.recurrentActivation),
};
