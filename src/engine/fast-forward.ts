/**
 * The forward pass of the fast recurrence: one layer, one direction, a whole sequence.
 *
 * Same equations and masking semantics as the reference loop (`./lstm-reference`); what
 * differs is how the work is laid out for tfjs's backends:
 *
 * - **Gate-split, stacked weights.** Once per call, `[kernel; recurrentKernel]` is cut into four
 *   per-gate blocks `W_q (I + H_out, H)` (q = i, f, g, o) with bias blocks `b_q (H)`. Each step
 *   then runs, per gate, ONE fused kernel `act([x_t, h_{t-1}] @ W_q + b_q)` (tfjs
 *   `_FusedMatMul` with bias and, for sigmoid/relu/elu/linear gates, the activation) — the
 *   same flops as the textbook form, no separate input-projection, bias or activation kernels,
 *   and never a split of an (N, 4H) tensor along its last axis (a JS element loop on the cpu
 *   backend, four whole-tensor copies on wasm). For few rows (T·N < I + H_out, e.g.
 *   streaming) the weight preparation costs more than it saves, and each step runs
 *   `x_t @ kernel + h @ recurrentKernel` and one split instead.
 * - **Steps cut by {@link unstackRows}**, not by per-step `Slice` calls.
 * - **No transposed matMul**: every product has its weights on the right, untransposed.
 * - **tanh through sigmoid on wasm** (see {@link fastActivation}); for the candidate gate the
 *   factor 2 is folded into `W_g`, `b_g` (exact: scaling by 2 is exact in binary floating point).
 *
 * With `record` the pass keeps, per step, what the hand-written backward pass
 * (`./fast-backward`) needs; without it, each step's intermediates are disposed as soon as the
 * next state exists (inference: the peak memory is the output plus a few steps).
 *
 * Legend: T steps, N batch, I inputs, H cell size, H_out output size (P with a projection).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, applyActivation } from './activations';
import { derivativeFromOutput } from './activation-grads';
import { unstackRows } from './fast-rows';
import type { ResolvedLayerCall } from './lstm-reference';
import { StepMask, activeColumn } from './step-mask';

/** The static configuration of one fast layer call: the validated call (`resolveLayerCall`). */
export type FastLayerConfig = ResolvedLayerCall;

/** The tensors of one fast layer call (biases already summed). */
export interface FastLayerInputs {
  /** (T, N, I) */
  readonly x: tf.Tensor;
  /** (I, 4H) */
  readonly kernel: tf.Tensor2D;
  /** (H_out, 4H) */
  readonly recurrentKernel: tf.Tensor2D;
  /** (4H), the sum of the biases present. */
  readonly bias: tf.Tensor1D | null;
  /** (H, P) */
  readonly projection: tf.Tensor2D | null;
  /** (N, H_out) */
  readonly h0: tf.Tensor2D | null;
  /** (N, H) */
  readonly c0: tf.Tensor2D | null;
  /** (N, H_out), multiplies h_{t-1} in the recurrent product only. */
  readonly recurrentInputMask: tf.Tensor2D | null;
}

/**
 * What one processed (not fully masked) step keeps for the backward pass. The forward pass
 * records rank-3 step tensors (1, N, ·); `./lstm-fast` hands them to the backward pass as
 * (N, ·).
 */
export interface StepRecord {
  /** Time index of the step. */
  readonly t: number;
  readonly mask: StepMask;
  /** h_{t-1} as carried (N, H_out). */
  readonly hPrev: tf.Tensor;
  /** h_{t-1} · recurrentInputMask, the left operand of the recurrent product (N, H_out). */
  readonly hIn: tf.Tensor;
  /** c_{t-1} (N, H). */
  readonly cPrev: tf.Tensor;
  /** Activated gates i, f, g, o, each (N, H). */
  readonly gates: readonly tf.Tensor[];
  /**
   * Pre-activations z_i, z_f, z_g, z_o when a derivative needs them (null entries for gates
   * whose derivative comes from the activation's output), else null.
   */
  readonly pre: readonly (tf.Tensor | null)[] | null;
  /** c_t before masking (N, H). */
  readonly cNew: tf.Tensor;
  /** φ(c_t) (N, H). */
  readonly phiC: tf.Tensor;
  /** o ⊙ φ(c_t), the projection's input, kept only with a projection (N, H). */
  readonly hc: tf.Tensor | null;
}

/** The result of {@link fastForward}. */
export interface FastForwardResult {
  /** (T, N, H_out) */
  readonly output: tf.Tensor3D;
  /** (N, H_out) */
  readonly h: tf.Tensor2D;
  /** (N, H) */
  readonly c: tf.Tensor2D;
  /** Processed steps in processing order, when recording. */
  readonly records: StepRecord[] | null;
}

/**
 * φ or σ for the fast path. Identical to `applyActivation` except `tanh` on the wasm backend,
 * computed as 2·sigmoid(2x) − 1: tfjs-wasm's Tanh kernel is scalar (~15 ns an element here)
 * while its Sigmoid is vectorized (~1 ns), and tanh is a quarter of the forward time at S2.
 * The two forms agree to float32 rounding (|Δ| ≤ 2.4e-7; tested).
 */
export function fastActivation(name: ActivationName, x: tf.Tensor, k?: Constants): tf.Tensor {
  // Below ~2k elements the three extra kernel calls cost more than the scalar tanh.
  if (name === 'tanh' && x.size >= TANH_VIA_SIGMOID_MIN_SIZE && tf.getBackend() === 'wasm') return tanhViaSigmoid(x, k);
  return applyActivation(name, x);
}

/** Smallest tensor for which {@link fastActivation} computes tanh through sigmoid on wasm. */
export const TANH_VIA_SIGMOID_MIN_SIZE = 2048;

/** Scalar constants made once per call (a literal scalar costs a tensor upload per op). */
export interface Constants {
  readonly one: tf.Scalar;
  readonly two: tf.Scalar;
}

/** tanh x = 2·sigmoid(2x) − 1. */
export function tanhViaSigmoid(x: tf.Tensor, k: Constants = { one: tf.scalar(1), two: tf.scalar(2) }): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, k.two)), k.two), k.one);
}

/** Per-gate blocks of a (rows, 4H) matrix or a (4H) vector, gate order i, f, g, o. */
export function gateBlocks<T extends tf.Tensor>(w: T): [T, T, T, T] {
  return tf.split(w, 4, w.rank - 1) as [T, T, T, T];
}

/** How one gate is computed from `[x_t, h_{t-1}]`. */
interface GatePlan {
  /** (1, I + H_out, H), pre-scaled by 2 when `tanhViaSigmoid`. */
  readonly w: tf.Tensor3D;
  readonly bias: tf.Tensor1D | undefined;
  /** Activation fused into the product, or `'linear'` (then `activation` runs as its own op). */
  readonly fused: 'sigmoid' | 'relu' | 'relu6' | 'elu' | 'linear';
  /** Whether `activation` still has to run after the product. */
  readonly separate: boolean;
  readonly activation: ActivationName;
  /** The product computes sigmoid(2z): finish with 2y − 1. */
  readonly tanhViaSigmoid: boolean;
  /** Keep the pre-activation for the backward pass. */
  readonly keepPre: boolean;
}

const FUSABLE: readonly ActivationName[] = ['sigmoid', 'relu', 'relu6', 'elu', 'linear'];

function gatePlans(inp: FastLayerInputs, cfg: FastLayerConfig, keepPre: boolean): GatePlan[] {
  const { I, H, Hout } = cfg;
  // Intermediates are disposed at once: the plans hold one copy of the weights, not three.
  const whole = tf.concat([inp.kernel, inp.recurrentKernel], 0) as tf.Tensor2D;
  const stacked = gateBlocks(whole);
  whole.dispose();
  const biases = inp.bias ? gateBlocks(inp.bias) : null;
  const wasm = tf.getBackend() === 'wasm';
  return stacked.map((w2, q) => {
    let w = tf.reshape(w2, [1, I + Hout, H]) as tf.Tensor3D;
    w2.dispose();
    const activation = q === 2 ? cfg.activation : cfg.recurrentActivation;
    let bias = biases ? biases[q] : undefined;
    if (activation === 'tanh' && wasm) {
      const scaled = tf.mul(w, 2) as tf.Tensor3D;
      w.dispose();
      w = scaled;
      if (bias) {
        const b2 = tf.mul(bias, 2) as tf.Tensor1D;
        bias.dispose();
        bias = b2;
      }
      return { w, bias, fused: 'sigmoid', separate: false, activation, tanhViaSigmoid: true, keepPre: false };
    }
    // Only activations whose derivative needs the input keep it, and those run unfused.
    const keep = keepPre && !derivativeFromOutput(activation);
    const fusable = FUSABLE.includes(activation) && !keep;
    return {
      w, bias, fused: fusable ? (activation as GatePlan['fused']) : 'linear', separate: !fusable,
      activation, tanhViaSigmoid: false, keepPre: keep,
    };
  });
}

/** `act(a @ b + bias)` as one kernel call on rank-3 operands (no op-level reshapes). */
function fusedProduct(a: tf.Tensor, b: tf.Tensor3D, bias: tf.Tensor1D | undefined, activation: GatePlan['fused']): tf.Tensor3D {
  const inputs: tf.NamedTensorMap = bias ? { a, b, bias } : { a, b };
  return tf.engine().runKernel(tf._FusedMatMul, inputs, { transposeA: false, transposeB: false, activation }) as tf.Tensor3D;
}

/**
 * One gate's activation (1, N, H). Pushes the gate's pre-activation to `pre` (null when the
 * plan does not keep it), so `pre[q]` belongs to gate q.
 */
function runGate(plan: GatePlan, xh: tf.Tensor3D, pre: (tf.Tensor | null)[], k: Constants): tf.Tensor3D {
  const z = fusedProduct(xh, plan.w, plan.bias, plan.fused);
  if (plan.tanhViaSigmoid) {
    pre.push(null);
    const g = tf.sub(tf.mul(z, k.two), k.one) as tf.Tensor3D;
    z.dispose();
    return g;
  }
  if (!plan.separate) {
    pre.push(null);
    return z;
  }
  pre.push(plan.keepPre ? z : null);
  const y = fastActivation(plan.activation, z, k) as tf.Tensor3D;
  if (!plan.keepPre && y !== z) z.dispose();
  return y;
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

function wholePlan(inp: FastLayerInputs, cfg: FastLayerConfig, keepPre: boolean): WholePlan {
  const { I, H, Hout } = cfg;
  const activations = [0, 1, 2, 3].map((q) => (q === 2 ? cfg.activation : cfg.recurrentActivation));
  return {
    kernel: tf.reshape(inp.kernel, [1, I, 4 * H]) as tf.Tensor3D,
    recurrent: tf.reshape(inp.recurrentKernel, [1, Hout, 4 * H]) as tf.Tensor3D,
    bias: inp.bias ?? undefined,
    activations,
    keepPre: activations.map((a) => keepPre && !derivativeFromOutput(a)),
  };
}

/** The four activated gates (1, N, H) from one product pair and one split of z. */
function runWhole(plan: WholePlan, x: tf.Tensor, hIn: tf.Tensor, pre: (tf.Tensor | null)[], k: Constants): tf.Tensor[] {
  const xz = fusedProduct(x, plan.kernel, plan.bias, 'linear');
  const hz = tf.engine().runKernel(tf.BatchMatMul, { a: hIn, b: plan.recurrent }, { transposeA: false, transposeB: false }) as tf.Tensor;
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

/** True when the backward pass needs the gates' pre-activations. */
export function needsPreActivations(cfg: FastLayerConfig): boolean {
  return !derivativeFromOutput(cfg.activation) || !derivativeFromOutput(cfg.recurrentActivation);
}

/**
 * Runs the sequence. The caller runs it inside `tf.tidy` (or a customGrad forward); when
 * `record` is false, per-step intermediates are disposed eagerly.
 *
 * Inside the loop every step tensor is rank 3, (1, N, ·), so that the fused products take it
 * as it is; records hold these rank-3 tensors (the backward pass reshapes them).
 */
export function fastForward(inp: FastLayerInputs, cfg: FastLayerConfig, record: boolean): FastForwardResult {
  const { T, N, I, H, Hout } = cfg;
  const keepPre = record && needsPreActivations(cfg);
  // Gate-split weights pay a per-call preparation (a concat and splits of the weights) to save
  // a split of z per step; for few rows (streaming: T = N = 1) one product per step is cheaper.
  const gates = T * N >= I + Hout ? gatePlans(inp, cfg, keepPre) : null;
  const whole = gates ? null : wholePlan(inp, cfg, keepPre);
  const k2: Constants = { one: tf.scalar(1), two: tf.scalar(2) };
  const projection = inp.projection ? (tf.reshape(inp.projection, [1, H, Hout]) as tf.Tensor3D) : null;
  const xRows = unstackRows<tf.Rank.R3>(inp.x, T, [1, N, I]);
  const h0 = inp.h0 ? tf.reshape(inp.h0, [1, N, Hout]) : null;
  const c0 = inp.c0 ? tf.reshape(inp.c0, [1, N, H]) : null;

  let h: tf.Tensor = h0 ?? tf.zeros([1, N, Hout]);
  let c: tf.Tensor = c0 ?? tf.zeros([1, N, H]);
  const zerosOut: tf.Tensor | null = cfg.stepMasks ? tf.zeros([1, N, Hout]) : null;
  const outputs: tf.Tensor[] = new Array(T);
  const kept = new Set<tf.Tensor>([inp.x, k2.one, k2.two]);
  for (const t of [h0, c0, zerosOut]) if (t) kept.add(t);
  const records: StepRecord[] | null = record ? [] : null;
  let prevOut: tf.Tensor | null = null;
  const release = (t: tf.Tensor) => {
    if (!record && !kept.has(t)) t.dispose();
  };

  for (let k = 0; k < T; k++) {
    const t = cfg.reverse ? T - 1 - k : k;
    const m = cfg.stepMasks ? cfg.stepMasks[t] : null;
    if (m && m.kind === 'none') {
      outputs[t] = cfg.carry && prevOut ? prevOut : (zerosOut as tf.Tensor);
      prevOut = outputs[t];
      kept.add(prevOut);
      release(xRows[t]);
      continue;
    }
    // The step's arithmetic runs in a tidy scope that keeps only what outlives the step: the
    // next state and output, and with `record` what the backward pass reads.
    const hPrev = h, cPrev = c, xt = xRows[t], carried = cfg.carry && prevOut ? prevOut : zerosOut;
    let rec: StepRecord | null = null;
    const [hNext, cNext, out] = tf.tidy(() => {
      const hIn = inp.recurrentInputMask ? tf.mul(hPrev, inp.recurrentInputMask) : hPrev;
      const pre: (tf.Tensor | null)[] = [];
      let acts: tf.Tensor[];
      if (gates) {
        const xh = tf.concat([xt, hIn], 2) as tf.Tensor3D; // (1, N, I + H_out)
        acts = gates.map((plan) => runGate(plan, xh, pre, k2));
      } else {
        acts = runWhole(whole as WholePlan, xt, hIn, pre, k2);
      }
      const [i, f, g, o] = acts;
      const cNew = tf.add(tf.mul(f, cPrev), tf.mul(i, g));
      const phiC = fastActivation(cfg.activation, cNew, k2);
      const hc = tf.mul(o, phiC);
      const hNew = projection
        ? (tf.engine().runKernel(tf.BatchMatMul, { a: hc, b: projection }, { transposeA: false, transposeB: false }) as tf.Tensor)
        : hc;
      let next: tf.Tensor[];
      if (!m || m.kind === 'all') {
        next = [hNew, cNew, hNew];
      } else {
        const col = activeColumn(m); // (N, 1) broadcasts over (1, N, ·)
        next = [tf.where(col, hNew, hPrev), tf.where(col, cNew, cPrev), tf.where(col, hNew, carried as tf.Tensor)];
      }
      if (!record) return next;
      rec = {
        t, mask: m ?? { kind: 'all' }, hPrev, hIn, cPrev, gates: acts,
        pre: keepPre ? pre : null, cNew, phiC, hc: projection ? hc : null,
      };
      const keepList = [hIn, ...acts, ...pre.filter((z): z is tf.Tensor => z !== null), cNew, phiC, hc];
      return [...next, ...keepList];
    }) as tf.Tensor[];
    outputs[t] = out;
    kept.add(out);
    if (records && rec) records.push(rec);
    if (!records) {
      for (const old of [hPrev, cPrev, xt]) if (old !== hNext && old !== cNext && old !== out) release(old);
    }
    prevOut = outputs[t];
    h = hNext;
    c = cNext;
  }
  const output = tf.concat(outputs, 0) as tf.Tensor3D;
  // Reshapes are new tensor objects: disposing the results never disposes the caller's h0/c0,
  // also when a fully masked sequence leaves them as the final state.
  const hOut = tf.reshape(h, [N, Hout]) as tf.Tensor2D;
  const cOut = tf.reshape(c, [N, H]) as tf.Tensor2D;
  if (!record) {
    for (const o of new Set(outputs)) if (o !== zerosOut) o.dispose();
    if (h !== h0) release(h);
    if (c !== c0) release(c);
  }
  return { output, h: hOut, c: cOut, records };
}
