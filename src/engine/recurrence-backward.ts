/**
 * The hand-written backward pass (BPTT) of the fast recurrence, for any cell: the gradient of
 * a whole recorded layer call (`./recurrence-recorded`).
 *
 * Why by hand: tfjs's autodiff of the step loop records every per-step `slice`, `split` and
 * `matMul`, and the gradient of `matMul` uses `transposeA`/`transposeB` products — a slow path on
 * the wasm backend (~3 vs ~40 GFLOP/s here). This pass transposes each weight once, runs only
 * the recurrent product `dz_t @ recurrentKernelᵀ` per step, and computes the weight gradients
 * after the loop as large products over all steps:
 *
 *     dZ     (T·N, G·H)   the input-product gradients of every step (the cell's `dz`)
 *     dZ_R   (T·N, G·H)   the recurrent-product gradients (= dZ for the LSTM)
 *     dKernel          = Xᵀ (I, T·N) @ dZ
 *     dRecurrentKernel = H_inᵀ (H_out, T·N) @ dZ_R
 *     dBias            = Σ_rows dZ,   dRecurrentBias = Σ_rows dZ_R
 *     dx               = dZ @ kernelᵀ (G·H, I)
 *
 * Per step, the cell (`./cell`) turns the gradients of its new state into dz and the direct
 * gradients of its previous state; this loop adds `dh_{t-1} = (dz_R @ recurrentKernelᵀ) ⊙ mask`
 * (or the cell's own `dhIn ⊙ mask`, with its own recurrent-kernel gradient, when its recurrent
 * product is not `hIn @ recurrentKernel`: the reset-before GRU).
 * Masked steps route the state gradients around the step (where the state was carried), and
 * with `maskedOutput: 'carry'` an output's gradient flows to the output it repeats.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights, RecordedStep, RecurrenceInputs, RecurrentCell, ResolvedCall } from './cell';
import { unstackRows } from './fast-rows';
import { activeColumn } from './step-mask';

/**
 * Gradients with respect to every input of a layer call, as functions: the tape calls only
 * those of inputs on the path to the watched tensors (layer 0's `dx` is skipped when the input
 * is data, a quarter of the backward flops). Each may create tensors; shared ones (dZ) exist
 * before any is called.
 */
export interface RecurrenceGrads {
  readonly dx: () => tf.Tensor3D;
  readonly dKernel: () => tf.Tensor2D;
  readonly dRecurrentKernel: () => tf.Tensor2D;
  readonly dBias: () => tf.Tensor1D;
  readonly dRecurrentBias: () => tf.Tensor1D;
  /** The cell's further weights, by name (null when absent). */
  readonly extra: Record<string, (() => tf.Tensor) | null>;
  /** One per state. */
  readonly dInitialState: (() => tf.Tensor2D)[];
  readonly dRecurrentInputMask: (() => tf.Tensor2D) | null;
}

/**
 * BPTT through the recorded steps. `dOut` (T, N, H_out) and `dFinal` (one (N, ·) per state)
 * are the gradients of the layer's results.
 */
export function recurrenceBackward<W extends CellWeights, P>(
  cell: RecurrentCell<W, P>,
  inp: RecurrenceInputs,
  call: ResolvedCall,
  records: readonly RecordedStep[],
  dOut: tf.Tensor,
  dFinal: readonly tf.Tensor2D[],
): RecurrenceGrads {
  const { T, N, I, H, Hout } = call;
  const GH = cell.gates * H;
  const recurrentT = tf.transpose(inp.recurrentKernel) as tf.Tensor2D; // (G·H, H_out)
  const cellGrad = cell.backward(inp, call);
  const dOutRows = unstackRows<tf.Rank.R2>(dOut, T, [N, Hout]);
  const byTime = new Map<number, RecordedStep>(records.map((r) => [r.t, r]));

  const dz: (tf.Tensor2D | null)[] = new Array(T).fill(null); // (N, G·H) per step
  const dzR: (tf.Tensor2D | null)[] = new Array(T).fill(null);
  let shared = true; // every step's recurrent-product gradient is its dz
  let d: tf.Tensor2D[] = [...dFinal];
  let dPrev: tf.Tensor2D | null = null; // gradient of the output a later 'carry' step repeats
  let dMask: tf.Tensor2D | null = inp.recurrentInputMask ? tf.zeros([N, Hout]) : null;

  for (let k = T - 1; k >= 0; k--) {
    const t = call.reverse ? T - 1 - k : k;
    const rec = byTime.get(t);
    const gOut: tf.Tensor2D = dPrev ? (tf.add(dOutRows[t], dPrev) as tf.Tensor2D) : dOutRows[t];
    if (!rec) {
      // Fully masked: the output is zeros, or (carry) the previous output itself.
      if (call.carry) dPrev = gOut;
      continue;
    }
    let dNew: tf.Tensor2D[];
    let dCarry: (tf.Tensor2D | null)[] = d.map(() => null);
    if (rec.mask.kind === 'some') {
      const col = activeColumn(rec.mask);
      const zeros = d.map((dj) => tf.zerosLike(dj));
      dNew = d.map((dj, j) => tf.where(col, j === 0 ? tf.add(dj, gOut) : dj, zeros[j]) as tf.Tensor2D);
      dCarry = d.map((dj, j) => tf.where(col, zeros[j], dj) as tf.Tensor2D);
      dPrev = call.carry ? (tf.where(col, tf.zerosLike(gOut), gOut) as tf.Tensor2D) : null;
    } else {
      dNew = [tf.add(d[0], gOut) as tf.Tensor2D, ...d.slice(1)];
      dPrev = null;
    }
    const g = cellGrad.step(rec, dNew);
    dz[t] = g.dz;
    if (g.dzRecurrent) shared = false;
    dzR[t] = g.dzRecurrent ?? g.dz;
    const dhIn = g.dhIn ?? (tf.matMul(dzR[t] as tf.Tensor2D, recurrentT) as tf.Tensor2D);
    let dhPrev = dhIn;
    if (inp.recurrentInputMask && dMask) {
      dhPrev = tf.mul(dhIn, inp.recurrentInputMask) as tf.Tensor2D;
      dMask = tf.add(dMask, tf.mul(dhIn, rec.prev[0])) as tf.Tensor2D;
    }
    if (g.dPrev[0]) dhPrev = tf.add(dhPrev, g.dPrev[0]) as tf.Tensor2D;
    d = d.map((dj, j) => {
      const direct = j === 0 ? dhPrev : (g.dPrev[j] ?? tf.zerosLike(dj));
      const around = dCarry[j];
      return around ? (tf.add(direct, around) as tf.Tensor2D) : direct;
    });
  }

  // Weight gradients: products over all steps. Unprocessed steps contribute zeros.
  const zerosGH = tf.zeros([N, GH]) as tf.Tensor2D;
  const zerosOut = tf.zeros([N, Hout]) as tf.Tensor2D;
  const dZ = tf.concat(dz.map((v) => v ?? zerosGH), 0) as tf.Tensor2D; // (T·N, G·H)
  const dZR = shared ? dZ : (tf.concat(dzR.map((v) => v ?? zerosGH), 0) as tf.Tensor2D);
  const hIn: tf.Tensor2D[] = new Array(T);
  for (let t = 0; t < T; t++) hIn[t] = byTime.get(t)?.hIn ?? zerosOut;
  const dFinalState = d, dMaskFinal = dMask;
  return {
    dx: () => tf.reshape(tf.matMul(dZ, tf.transpose(inp.kernel)), [T, N, I]) as tf.Tensor3D,
    dKernel: () => tf.matMul(tf.transpose(tf.reshape(inp.x, [T * N, I])), dZ) as tf.Tensor2D,
    dRecurrentKernel: () => {
      const hInRows = tf.concat(hIn, 0) as tf.Tensor2D; // (T·N, H_out)
      if (cellGrad.recurrentKernelGrad) return cellGrad.recurrentKernelGrad(hInRows, dZR);
      return tf.matMul(tf.transpose(hInRows), dZR) as tf.Tensor2D;
    },
    dBias: () => tf.sum(dZ, 0) as tf.Tensor1D,
    dRecurrentBias: () => tf.sum(dZR, 0) as tf.Tensor1D,
    extra: cellGrad.extraGrads(byTime),
    dInitialState: dFinalState.map((v) => () => tf.clone(v)),
    dRecurrentInputMask: dMaskFinal ? () => tf.clone(dMaskFinal as tf.Tensor2D) : null,
  };
}
