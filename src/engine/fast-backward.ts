/**
 * The hand-written backward pass (BPTT) of the fast recurrence, used as the `tf.customGrad`
 * gradient of a whole layer call (`./lstm-fast`).
 *
 * Why by hand: tfjs's autodiff of the step loop records every per-step `slice`, `split` and
 * `matMul`, and the gradient of `matMul` uses `transposeA`/`transposeB` products — a slow path on
 * the wasm backend (~3 vs ~40 GFLOP/s here). This pass transposes each weight once, runs only
 * the recurrent product `dz_t @ recurrentKernelᵀ` per step, and computes the weight gradients
 * after the loop as three large products over all steps:
 *
 *     dZ     (T·N, 4H)   the gate pre-activation gradients of every step, gate order i, f, g, o
 *     dKernel          = Xᵀ (I, T·N) @ dZ
 *     dRecurrentKernel = H_inᵀ (H_out, T·N) @ dZ
 *     dBias            = Σ_rows dZ
 *     dx               = dZ @ kernelᵀ (4H, I)
 *
 * The step, for the equations of `./weights` (σ recurrent activation, φ activation):
 *
 *     dhc = dh_t (@ projectionᵀ)          do = dhc ⊙ φ(c_t)
 *     dc  = dc_t + dhc ⊙ o ⊙ φ'(c_t)      di = dc ⊙ g,  dg = dc ⊙ i,  df = dc ⊙ c_{t-1}
 *     dz  = [di σ'(z_i), df σ'(z_f), dg φ'(z_g), do σ'(z_o)]
 *     dh_{t-1} = (dz @ recurrentKernelᵀ) ⊙ mask,   dc_{t-1} = dc ⊙ f
 *
 * Masked steps route the state gradients around the step (where the state was carried), and
 * with `maskedOutput: 'carry'` an output's gradient flows to the output it repeats.
 */
import * as tf from '@tensorflow/tfjs-core';

import { activationBackward } from './activation-grads';
import { FastLayerConfig, FastLayerInputs, StepRecord } from './fast-forward';
import { unstackRows } from './fast-rows';
import { activeColumn } from './step-mask';

/**
 * Gradients with respect to every input of a fast layer call, as functions: the tape calls
 * only those of inputs on the path to the watched tensors (layer 0's `dx` is skipped when the
 * input is data, a quarter of the backward flops). Each may create tensors; shared ones (dZ)
 * exist before any is called.
 */
export interface FastGrads {
  readonly dx: () => tf.Tensor3D;
  readonly dKernel: () => tf.Tensor2D;
  readonly dRecurrentKernel: () => tf.Tensor2D;
  /** (4H): the gradient of every bias vector (they are summed). */
  readonly dBias: () => tf.Tensor1D;
  readonly dProjection: (() => tf.Tensor2D) | null;
  readonly dh0: () => tf.Tensor2D;
  readonly dc0: () => tf.Tensor2D;
  readonly dRecurrentInputMask: (() => tf.Tensor2D) | null;
}

/**
 * BPTT through the recorded steps. `dOut` (T, N, H_out), `dhN` (N, H_out), `dcN` (N, H) are the
 * gradients of the layer's three results.
 */
export function fastBackward(
  inp: FastLayerInputs,
  cfg: FastLayerConfig,
  records: readonly StepRecord[],
  dOut: tf.Tensor,
  dhN: tf.Tensor2D,
  dcN: tf.Tensor2D,
): FastGrads {
  const { T, N, I, H, Hout } = cfg;
  const recurrentT = tf.transpose(inp.recurrentKernel) as tf.Tensor2D; // (4H, H_out)
  const projectionT = inp.projection ? (tf.transpose(inp.projection) as tf.Tensor2D) : null; // (P, H)
  const dOutRows = unstackRows<tf.Rank.R2>(dOut, T, [N, Hout]);
  const byTime = new Map<number, StepRecord>(records.map((r) => [r.t, r]));

  const dz: (tf.Tensor2D | null)[] = new Array(T).fill(null); // (N, 4H) per step
  const dhProjected: (tf.Tensor2D | null)[] = new Array(T).fill(null); // (N, P) per step
  let dh: tf.Tensor2D = dhN;
  let dc: tf.Tensor2D = dcN;
  let dPrev: tf.Tensor2D | null = null; // gradient of the output a later 'carry' step repeats
  let dMask: tf.Tensor2D | null = inp.recurrentInputMask ? tf.zeros([N, Hout]) : null;

  for (let k = T - 1; k >= 0; k--) {
    const t = cfg.reverse ? T - 1 - k : k;
    const rec = byTime.get(t);
    const gOut: tf.Tensor2D = dPrev ? (tf.add(dOutRows[t], dPrev) as tf.Tensor2D) : dOutRows[t];
    if (!rec) {
      // Fully masked: the output is zeros, or (carry) the previous output itself.
      if (cfg.carry) dPrev = gOut;
      continue;
    }
    let dhNew: tf.Tensor2D, dcNew: tf.Tensor2D;
    let dhCarry: tf.Tensor2D | null = null, dcCarry: tf.Tensor2D | null = null;
    if (rec.mask.kind === 'some') {
      const col = activeColumn(rec.mask);
      const zh = tf.zerosLike(dh), zc = tf.zerosLike(dc);
      dhNew = tf.where(col, tf.add(dh, gOut), zh) as tf.Tensor2D;
      dcNew = tf.where(col, dc, zc);
      dhCarry = tf.where(col, zh, dh);
      dcCarry = tf.where(col, zc, dc);
      dPrev = cfg.carry ? (tf.where(col, tf.zerosLike(gOut), gOut) as tf.Tensor2D) : null;
    } else {
      dhNew = tf.add(dh, gOut) as tf.Tensor2D;
      dcNew = dc;
      dPrev = null;
    }
    let dhc = dhNew;
    if (projectionT) {
      dhProjected[t] = dhNew;
      dhc = tf.matMul(dhNew, projectionT) as tf.Tensor2D;
    }
    const [i, f, g, o] = rec.gates as tf.Tensor2D[];
    const pre = rec.pre;
    const dO = tf.mul(dhc, rec.phiC);
    const dcTot = tf.add(dcNew, activationBackward(cfg.activation, tf.mul(dhc, o), rec.cNew, rec.phiC));
    const dGates = [tf.mul(dcTot, g), tf.mul(dcTot, rec.cPrev), tf.mul(dcTot, i), dO];
    const dzGates = dGates.map((d, gate) =>
      activationBackward(gate === 2 ? cfg.activation : cfg.recurrentActivation, d, pre ? pre[gate] : null, rec.gates[gate]),
    );
    const dzStep = tf.concat(dzGates, 1) as tf.Tensor2D;
    dz[t] = dzStep;
    const dhIn = tf.matMul(dzStep, recurrentT) as tf.Tensor2D;
    let dhPrev = dhIn;
    if (inp.recurrentInputMask && dMask) {
      dhPrev = tf.mul(dhIn, inp.recurrentInputMask) as tf.Tensor2D;
      dMask = tf.add(dMask, tf.mul(dhIn, rec.hPrev)) as tf.Tensor2D;
    }
    const dcPrev = tf.mul(dcTot, f) as tf.Tensor2D;
    dh = dhCarry ? (tf.add(dhPrev, dhCarry) as tf.Tensor2D) : dhPrev;
    dc = dcCarry ? (tf.add(dcPrev, dcCarry) as tf.Tensor2D) : dcPrev;
  }

  // Weight gradients: three products over all steps. Unprocessed steps contribute zeros.
  const zeros4H = tf.zeros([N, 4 * H]) as tf.Tensor2D;
  const zerosOut = tf.zeros([N, Hout]) as tf.Tensor2D;
  const dZ = tf.concat(dz.map((d) => d ?? zeros4H), 0) as tf.Tensor2D; // (T·N, 4H)
  const hIn: tf.Tensor2D[] = new Array(T);
  for (let t = 0; t < T; t++) hIn[t] = (byTime.get(t)?.hIn as tf.Tensor2D | undefined) ?? zerosOut;
  const dhFinal = dh, dcFinal = dc, dMaskFinal = dMask;
  const dProjection = inp.projection
    ? () => {
      const zerosH = tf.zeros([N, H]) as tf.Tensor2D;
      const hc: tf.Tensor2D[] = [];
      for (let t = 0; t < T; t++) hc.push((byTime.get(t)?.hc as tf.Tensor2D | null | undefined) ?? zerosH);
      const hcT = tf.transpose(tf.concat(hc, 0)) as tf.Tensor2D; // (H, T·N)
      return tf.matMul(hcT, tf.concat(dhProjected.map((d) => d ?? zerosOut), 0)) as tf.Tensor2D;
    }
    : null;
  return {
    dx: () => tf.reshape(tf.matMul(dZ, tf.transpose(inp.kernel)), [T, N, I]) as tf.Tensor3D,
    dKernel: () => tf.matMul(tf.transpose(tf.reshape(inp.x, [T * N, I])), dZ) as tf.Tensor2D,
    dRecurrentKernel: () => tf.matMul(tf.transpose(tf.concat(hIn, 0)), dZ) as tf.Tensor2D,
    dBias: () => tf.sum(dZ, 0) as tf.Tensor1D,
    dProjection,
    dh0: () => tf.clone(dhFinal),
    dc0: () => tf.clone(dcFinal),
    dRecurrentInputMask: dMaskFinal ? () => tf.clone(dMaskFinal as tf.Tensor2D) : null,
  };
}
