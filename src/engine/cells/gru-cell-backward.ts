/**
 * The GRU cell's step gradient, for the hand-written BPTT of `../recurrence-backward`.
 *
 * The step, for the equations of `./gru-cell` (σ recurrent activation, φ activation, a_q the
 * pre-activation of gate q), given the gradient dh_t of its new state:
 *
 *     dn = dh_t ⊙ (1 − z)     da_n = dn ⊙ φ'(a_n)     dz_gate = dh_t ⊙ (h_{t-1} − n)
 *     reset after:  dr = da_n ⊙ hn                    reset before:  dq = da_n @ recurrentKernel_nᵀ,  dr = dq ⊙ hIn
 *     da_r = dr ⊙ σ'(a_r),   da_z = dz_gate ⊙ σ'(a_z)
 *     dz   = [da_r, da_z, da_n]                (N, 3H): the input product's gradient, gate order r, z, n
 *     dh_{t-1} (direct) = dh_t ⊙ z
 *
 * The recurrent product differs by cell form:
 * - reset after: its gradient is `[da_r, da_z, da_n ⊙ r]` (`dzRecurrent`); the machinery does the rest;
 * - reset before: its n block multiplies `r ⊙ hIn`, so the cell gives the whole gradient of hIn,
 *   `[da_r, da_z] @ recurrentKernel_rzᵀ + dq ⊙ r`, and the recurrent kernel's gradient,
 *   `[hInᵀ @ dZ_rz, (r ⊙ hIn)ᵀ @ dZ_n]` over all steps; both biases sum outside the reset, so
 *   both get dz.
 */
import * as tf from '@tensorflow/tfjs-core';

import { activationBackward } from '../activation-grads';
import type { CellBackward, CellStepGradient, RecordedStep, RecurrenceInputs, ResolvedCall } from '../cell';
import { needsPreActivations } from './lstm-activations';

/** The backward context of one recorded GRU call. */
export function gruBackward(inp: RecurrenceInputs, call: ResolvedCall, resetAfter: boolean): CellBackward {
  const { T, N, H } = call;
  const keepPre = needsPreActivations(call);
  // Reset before: recurrentKernel_rzᵀ (2H, H), recurrentKernel_nᵀ (H, H), and every step's r ⊙ hIn.
  const split = resetAfter ? null : tf.split(inp.recurrentKernel, [2 * H, H], 1);
  const rkRzT = split ? (tf.transpose(split[0]) as tf.Tensor2D) : null;
  const rkNT = split ? (tf.transpose(split[1]) as tf.Tensor2D) : null;
  const resetIn: (tf.Tensor2D | null)[] = new Array(T).fill(null);
  return {
    step(rec: RecordedStep, dNext: readonly tf.Tensor2D[]): CellStepGradient {
      const [dh] = dNext;
      const [r, z, n, hn] = rec.saved;
      const pre = keepPre ? rec.saved.slice(4, 7) : [null, null, null];
      const dn = tf.mul(dh, tf.sub(1, z));
      const daN = activationBackward(call.activation, dn, pre[2], n) as tf.Tensor2D;
      const dzGate = tf.mul(dh, tf.sub(rec.prev[0], n));
      const dq = rkNT ? (tf.matMul(daN, rkNT) as tf.Tensor2D) : null;
      const dr = dq ? tf.mul(dq, rec.hIn) : tf.mul(daN, hn);
      const daR = activationBackward(call.recurrentActivation, dr, pre[0], r);
      const daZ = activationBackward(call.recurrentActivation, dzGate, pre[1], z);
      const dz = tf.concat([daR, daZ, daN], 1) as tf.Tensor2D;
      const dPrev = [tf.mul(dh, z) as tf.Tensor2D];
      if (!dq) return { dz, dzRecurrent: tf.concat([daR, daZ, tf.mul(daN, r)], 1) as tf.Tensor2D, dPrev };
      resetIn[rec.t] = tf.mul(r, rec.hIn) as tf.Tensor2D;
      const dhIn = tf.add(tf.matMul(tf.concat([daR, daZ], 1), rkRzT as tf.Tensor2D), tf.mul(dq, r)) as tf.Tensor2D;
      return { dz, dzRecurrent: null, dPrev, dhIn };
    },
    extraGrads: () => ({}),
    ...(resetAfter
      ? {}
      : {
          recurrentKernelGrad(hIn: tf.Tensor2D, dZR: tf.Tensor2D): tf.Tensor2D {
            const [dRz, dN] = tf.split(dZR, [2 * H, H], 1);
            const zeros = tf.zeros([N, H]) as tf.Tensor2D;
            const rh = tf.concat(resetIn.map((v) => v ?? zeros), 0); // (T·N, H)
            return tf.concat([tf.matMul(tf.transpose(hIn), dRz), tf.matMul(tf.transpose(rh), dN)], 1) as tf.Tensor2D;
          },
        }),
  };
}
