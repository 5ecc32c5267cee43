/**
 * The forward pass of the fast recurrence: one layer, one direction, a whole sequence.
 *
 * Same equations and masking semantics as the reference loop (`./lstm-reference`); what
 * differs is how the work is laid out for tfjs's backends:
 *
 * - **Gate-split weights.** The canonical `kernel (I, 4H)` and `recurrentKernel (H_out, 4H)`
 *   are cut once per call into four per-gate blocks `kernel_g (I, H)`, `recurrent_g (H_out, H)`
 *   (gate order i, f, g, o). Each step then runs four products `h @ recurrent_g` (the same
 *   flops as one `h @ recurrentKernel`) and never splits a (N, 4H) tensor along its last axis —
 *   a JS element loop on the cpu backend and four whole-tensor copies on wasm.
 * - **One input projection per gate** for all steps, `(T·N, I) @ kernel_g + bias_g` (fused
 *   bias), cut into steps by {@link unstackRows} (no per-step `Slice`).
 * - **No transposed matMul**: every product has its weights on the right, untransposed.
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
import { StepMask, activeColumn } from './step-mask';

/** The static configuration of one fast layer call. */
export interface FastLayerConfig {
  readonly T: number;
  readonly N: number;
  readonly I: number;
  readonly H: number;
  readonly Hout: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly reverse: boolean;
  readonly stepMasks: readonly StepMask[] | null;
  readonly carry: boolean;
}

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

/** What one processed (not fully masked) step keeps for the backward pass. */
export interface StepRecord {
  /** Time index of the step. */
  readonly t: number;
  readonly mask: StepMask;
  /** h_{t-1} as carried (N, H_out). */
  readonly hPrev: tf.Tensor2D;
  /** h_{t-1} · recurrentInputMask, the left operand of the recurrent product (N, H_out). */
  readonly hIn: tf.Tensor2D;
  /** c_{t-1} (N, H). */
  readonly cPrev: tf.Tensor2D;
  /** Activated gates i, f, g, o, each (N, H). */
  readonly gates: readonly [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  /** Pre-activations z_i, z_f, z_g, z_o, kept only when a derivative needs them. */
  readonly pre: readonly [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] | null;
  /** c_t before masking (N, H). */
  readonly cNew: tf.Tensor2D;
  /** φ(c_t) (N, H). */
  readonly phiC: tf.Tensor2D;
  /** o ⊙ φ(c_t), the projection's input, kept only with a projection (N, H). */
  readonly hc: tf.Tensor2D | null;
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

/** Per-gate blocks of a (rows, 4H) matrix or a (4H) vector, gate order i, f, g, o. */
export function gateBlocks<T extends tf.Tensor>(w: T): [T, T, T, T] {
  return tf.split(w, 4, w.rank - 1) as [T, T, T, T];
}

/** True when the backward pass needs the gates' pre-activations. */
export function needsPreActivations(cfg: FastLayerConfig): boolean {
  return !derivativeFromOutput(cfg.activation) || !derivativeFromOutput(cfg.recurrentActivation);
}

/**
 * Runs the sequence. The caller runs it inside `tf.tidy` (or a customGrad forward); when
 * `record` is false, per-step intermediates are disposed eagerly.
 */
export function fastForward(inp: FastLayerInputs, cfg: FastLayerConfig, record: boolean): FastForwardResult {
  const { T, N, I, H, Hout } = cfg;
  const keepPre = record && needsPreActivations(cfg);
  const recurrent = gateBlocks(inp.recurrentKernel);
  const kernels = gateBlocks(inp.kernel);
  const biases = inp.bias ? gateBlocks(inp.bias) : null;
  const x2 = tf.reshape(inp.x, [T * N, I]) as tf.Tensor2D;
  // xz[g][t]: (N, H) input projection of gate g at step t, bias included.
  const xz = kernels.map((k, g) => {
    const all = tf.fused.matMul({ a: x2, b: k, bias: biases ? biases[g] : undefined });
    const rows = unstackRows<tf.Rank.R2>(all, T, [N, H]);
    if (rows[0] !== all) all.dispose();
    return rows;
  });

  let h: tf.Tensor2D = inp.h0 ?? tf.zeros([N, Hout]);
  let c: tf.Tensor2D = inp.c0 ?? tf.zeros([N, H]);
  const zerosOut: tf.Tensor2D | null = cfg.stepMasks ? tf.zeros([N, Hout]) : null;
  const outputs: tf.Tensor2D[] = new Array(T);
  const kept = new Set<tf.Tensor>([inp.x, inp.kernel, inp.recurrentKernel]);
  for (const t of [inp.h0, inp.c0, zerosOut]) if (t) kept.add(t);
  const records: StepRecord[] | null = record ? [] : null;
  let prevOut: tf.Tensor2D | null = null;
  const release = (t: tf.Tensor) => {
    if (!record && !kept.has(t)) t.dispose();
  };

  for (let k = 0; k < T; k++) {
    const t = cfg.reverse ? T - 1 - k : k;
    const m = cfg.stepMasks ? cfg.stepMasks[t] : null;
    if (m && m.kind === 'none') {
      outputs[t] = cfg.carry && prevOut ? prevOut : (zerosOut as tf.Tensor2D);
      prevOut = outputs[t];
      kept.add(prevOut);
      for (const g of xz) release(g[t]);
      continue;
    }
    const hIn = inp.recurrentInputMask ? (tf.mul(h, inp.recurrentInputMask) as tf.Tensor2D) : h;
    const pre = recurrent.map((r, g) => tf.add(xz[g][t], tf.matMul(hIn, r)) as tf.Tensor2D) as [
      tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D,
    ];
    const gates = pre.map((z, g) =>
      applyActivation(g === 2 ? cfg.activation : cfg.recurrentActivation, z),
    ) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const [i, f, g, o] = gates;
    const cNew = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
    const phiC = applyActivation(cfg.activation, cNew) as tf.Tensor2D;
    const hc = tf.mul(o, phiC) as tf.Tensor2D;
    const hNew = inp.projection ? (tf.matMul(hc, inp.projection) as tf.Tensor2D) : hc;

    let hNext: tf.Tensor2D, cNext: tf.Tensor2D;
    if (!m || m.kind === 'all') {
      hNext = hNew;
      cNext = cNew;
      outputs[t] = hNew;
    } else {
      const col = activeColumn(m);
      hNext = tf.where(col, hNew, h);
      cNext = tf.where(col, cNew, c);
      outputs[t] = tf.where(col, hNew, cfg.carry && prevOut ? prevOut : (zerosOut as tf.Tensor2D));
      if (!record) col.dispose();
    }
    kept.add(outputs[t]);
    if (records) {
      records.push({ t, mask: m ?? { kind: 'all' }, hPrev: h, hIn, cPrev: c, gates, pre: keepPre ? pre : null, cNew, phiC, hc: inp.projection ? hc : null });
    } else {
      const scratch = new Set<tf.Tensor>([hIn, ...pre, ...gates, cNew, phiC, hc, hNew, h, c]);
      scratch.delete(hNext);
      scratch.delete(cNext);
      scratch.delete(outputs[t]);
      for (const s of scratch) release(s);
      for (const gz of xz) release(gz[t]);
    }
    prevOut = outputs[t];
    h = hNext;
    c = cNext;
  }
  const output = tf.stack(outputs) as tf.Tensor3D;
  // A fully masked sequence leaves the caller's initial state as the final one: return a copy,
  // so that disposing the result never disposes the caller's tensors.
  if (h === inp.h0) h = tf.clone(h);
  if (c === inp.c0) c = tf.clone(c);
  if (!record) {
    for (const o of new Set(outputs)) if (o !== h && o !== zerosOut && o !== inp.h0) o.dispose();
  }
  return { output, h, c, records };
}
