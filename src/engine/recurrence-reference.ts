/**
 * The reference executor, for any cell: the plain step loop the engine started with (slice
 * each step's input projection, the cell's plain step, autodiff through every op).
 *
 * Kept as the oracle the fast executor (`./recurrence-fast`) is tested against, and reachable
 * with `lstmLayer(x, w, { implementation: 'reference' })`. Its semantics are the engine's
 * contract; see `./executor` for the options.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights, RecurrentCell, ResolvedCall } from './cell';
import type { RecurrenceOptions, RecurrenceResult } from './executor';
import { activeColumn } from './step-mask';
import { unstack0 } from './unstack';

/** Runs the reference loop on a call `resolveCall` has validated. */
export function referenceRecurrence<W extends CellWeights>(
  cell: RecurrentCell<W>,
  x: tf.Tensor,
  w: W,
  options: RecurrenceOptions,
  call: ResolvedCall,
): RecurrenceResult {
  const { T, N, I, H, Hout, stateSizes, stepMasks, carry } = call;
  const initial = options.initialState ?? null;
  return tf.tidy(() => {
    // Input projection of every step in one product: (T*N, I) @ (I, G·H).
    let xz: tf.Tensor = tf.matMul(tf.reshape(x, [T * N, I]), w.kernel);
    const b = cell.inputBias(w);
    if (b) xz = tf.add(xz, b);
    const xzSteps = unstack0<tf.Tensor2D>(tf.reshape(xz, [T, N, cell.gates * H]));

    let state: tf.Tensor2D[] = stateSizes.map((s, j) => (initial?.[j] as tf.Tensor2D | undefined) ?? tf.zeros([N, s]));
    let prevOut: tf.Tensor2D | null = null;
    const zerosOut = stepMasks ? tf.zeros([N, Hout]) as tf.Tensor2D : null;
    const outputs: tf.Tensor2D[] = new Array(T);

    for (let k = 0; k < T; k++) {
      const t = options.reverse ? T - 1 - k : k;
      const m = stepMasks ? stepMasks[t] : null;
      if (m && m.kind === 'none') {
        outputs[t] = carry && prevOut ? prevOut : (zerosOut as tf.Tensor2D);
        continue;
      }
      const prev = state;
      const hIn = options.recurrentInputMask ? tf.mul(prev[0], options.recurrentInputMask) as tf.Tensor2D : prev[0];
      const next = tf.tidy(() => cell.referenceStep(xzSteps[t], hIn, prev, w, call));
      if (!m || m.kind === 'all') {
        state = next;
        outputs[t] = next[0];
      } else {
        const col = activeColumn(m);
        state = next.map((v, j) => tf.where(col, v, prev[j]));
        outputs[t] = tf.where(col, next[0], carry && prevOut ? prevOut : (zerosOut as tf.Tensor2D));
      }
      prevOut = outputs[t];
    }
    // A fully masked sequence leaves the caller's initial state as the final one: return a copy,
    // so that disposing the result never disposes the caller's tensors.
    state = state.map((s, j) => (s === initial?.[j] ? tf.clone(s) : s));
    return { output: tf.stack(outputs) as tf.Tensor3D, state };
  });
}
