/**
 * The reference executor: the plain step loop the engine started with (slice each step's input
 * projection, one `(N, 4H)` product per step, split the gates, autodiff through every op).
 *
 * Kept as the oracle the fast executor (`./lstm-fast`) is tested against, and reachable with
 * `lstmLayer(x, w, { implementation: 'reference' })`. Its semantics are the engine's contract;
 * see `./lstm-layer` for the options.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName } from './activations';
import { LstmLayerOptions, LstmLayerResult, combinedBias, lstmStepFromProjection } from './lstm-layer';
import { StepMask, activeColumn } from './step-mask';
import { unstack0 } from './unstack';
import { LstmWeights } from './weights';

/** A validated layer call: sizes, activations, direction and per-step masks. */
export interface ResolvedLayerCall {
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

/** Runs the reference loop on a call `lstmLayer` has validated. */
export function lstmLayerReference(
  x: tf.Tensor,
  w: LstmWeights,
  options: LstmLayerOptions,
  call: ResolvedLayerCall,
): LstmLayerResult {
  const { T, N, I, H: hiddenSize, Hout: outputSize, activation, recurrentActivation, stepMasks, carry } = call;
  return tf.tidy(() => {
    // Input projection of every step in one product: (T*N, I) @ (I, 4H).
    let xz: tf.Tensor = tf.matMul(tf.reshape(x, [T * N, I]), w.kernel);
    const b = combinedBias(w);
    if (b) xz = tf.add(xz, b);
    const xzSteps = unstack0<tf.Tensor2D>(tf.reshape(xz, [T, N, 4 * hiddenSize]));

    let h: tf.Tensor2D = (options.initialState?.[0] as tf.Tensor2D) ?? tf.zeros([N, outputSize]);
    let c: tf.Tensor2D = (options.initialState?.[1] as tf.Tensor2D) ?? tf.zeros([N, hiddenSize]);
    let prevOut: tf.Tensor2D | null = null;
    const zerosOut = stepMasks ? tf.zeros([N, outputSize]) as tf.Tensor2D : null;
    const outputs: tf.Tensor2D[] = new Array(T);

    for (let k = 0; k < T; k++) {
      const t = options.reverse ? T - 1 - k : k;
      const m = stepMasks ? stepMasks[t] : null;
      if (m && m.kind === 'none') {
        outputs[t] = carry && prevOut ? prevOut : (zerosOut as tf.Tensor2D);
        continue;
      }
      const hIn = options.recurrentInputMask ? tf.mul(h, options.recurrentInputMask) as tf.Tensor2D : h;
      const [hNew, cNew] = tf.tidy(() =>
        lstmStepFromProjection(xzSteps[t], hIn, c, w, activation, recurrentActivation),
      );
      if (!m || m.kind === 'all') {
        h = hNew;
        c = cNew;
        outputs[t] = hNew;
      } else {
        const col = activeColumn(m);
        h = tf.where(col, hNew, h);
        c = tf.where(col, cNew, c);
        outputs[t] = tf.where(col, hNew, carry && prevOut ? prevOut : (zerosOut as tf.Tensor2D));
      }
      prevOut = outputs[t];
    }
    // A fully masked sequence leaves the caller's initial state as the final one: return a copy,
    // so that disposing the result never disposes the caller's tensors.
    if (h === options.initialState?.[0]) h = tf.clone(h);
    if (c === options.initialState?.[1]) c = tf.clone(c);
    return { output: tf.stack(outputs) as tf.Tensor3D, h, c };
  });
}
