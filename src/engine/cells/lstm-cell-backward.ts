/**
 * The LSTM cell's step gradient, for the hand-written BPTT of `../recurrence-backward`.
 *
 * The step, for the equations of `./lstm-cell` (σ recurrent activation, φ activation), given
 * the gradients dh_t, dc_t of its new state:
 *
 *     dhc = dh_t (@ projectionᵀ)          do = dhc ⊙ φ(c_t)
 *     dc  = dc_t + dhc ⊙ o ⊙ φ'(c_t)      di = dc ⊙ g,  dg = dc ⊙ i,  df = dc ⊙ c_{t-1}
 *     dz  = [di σ'(z_i), df σ'(z_f), dg φ'(z_g), do σ'(z_o)]       (N, 4H), gate order i, f, g, o
 *     dc_{t-1} = dc ⊙ f        (dh_{t-1} comes through the recurrent product: `dz @ recurrentKernelᵀ`)
 *
 * Both products share dz (they are summed before any gate). The projection's gradient is one
 * product over all steps after the loop: `(o ⊙ φ(c))ᵀ (H, T·N) @ dh (T·N, P)`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { activationBackward, derivativeFromOutput } from '../activation-grads';
import type { CellBackward, RecurrenceInputs, RecordedStep, ResolvedCall } from '../cell';
import { gateActivation, needsPreActivations } from './lstm-activations';

/** The backward context of one recorded LSTM call. */
export function lstmBackward(inp: RecurrenceInputs, call: ResolvedCall): CellBackward {
  const { T, N, H, Hout } = call;
  const projection = inp.extra.projection;
  const projectionT = projection ? (tf.transpose(projection) as tf.Tensor2D) : null; // (P, H)
  const keepPre = needsPreActivations(call);
  const dhProjected: (tf.Tensor2D | null)[] = new Array(T).fill(null); // (N, P) per step
  return {
    step(rec: RecordedStep, dNext: readonly tf.Tensor2D[]) {
      const [dhNew, dcNew] = dNext;
      const s = rec.saved;
      let dhc = dhNew;
      if (projectionT) {
        dhProjected[rec.t] = dhNew;
        dhc = tf.matMul(dhNew, projectionT) as tf.Tensor2D;
      }
      const gates = [s[0], s[1], s[2], s[3]];
      const [i, f, g, o] = gates;
      const cNew = s[4], phiC = s[5];
      const pre = keepPre ? [s[7], s[8], s[9], s[10]] : null;
      const dO = tf.mul(dhc, phiC);
      const dcTot = tf.add(dcNew, activationBackward(call.activation, tf.mul(dhc, o), cNew, phiC));
      const dGates = [tf.mul(dcTot, g), tf.mul(dcTot, rec.prev[1]), tf.mul(dcTot, i), dO];
      const dzGates = dGates.map((d, q) => {
        const name = gateActivation(call, q);
        // Placeholders sit in the slots of gates whose derivative comes from the output.
        return activationBackward(name, d, pre && !derivativeFromOutput(name) ? pre[q] : null, gates[q]);
      });
      const dz = tf.concat(dzGates, 1) as tf.Tensor2D;
      return { dz, dzRecurrent: null, dPrev: [null, tf.mul(dcTot, f) as tf.Tensor2D] };
    },
    extraGrads(byTime) {
      if (!projection) return { projection: null };
      return {
        projection: () => {
          const zerosH = tf.zeros([N, H]) as tf.Tensor2D;
          const zerosOut = tf.zeros([N, Hout]) as tf.Tensor2D;
          const hc: tf.Tensor2D[] = [];
          for (let t = 0; t < T; t++) hc.push(byTime.get(t)?.saved[6] ?? zerosH);
          const hcT = tf.transpose(tf.concat(hc, 0)) as tf.Tensor2D; // (H, T·N)
          return tf.matMul(hcT, tf.concat(dhProjected.map((d) => d ?? zerosOut), 0)) as tf.Tensor2D;
        },
      };
    },
  };
}
