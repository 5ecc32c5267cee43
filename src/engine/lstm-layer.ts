/**
 * The LSTM recurrence: one layer, one direction, a whole sequence. Both facades (`nn`,
 * `layers`) and every adapter run through this function.
 *
 * Legend: T = time steps, N = batch, I = input features, H = cell size, H_out = output size
 * (P with a projection, else H). Weights are in the canonical form of `./weights`.
 *
 * Shapes:
 * - `x`: (T, N, I), time-major.
 * - `initialState`: `[h0 (N, H_out), c0 (N, H)]`, zeros when absent.
 * - result `output`: (T, N, H_out), the output of step t at index t (also when `reverse`);
 *   result `h`: (N, H_out), `c`: (N, H): the state after the last step processed.
 *
 * Masking (`lengths` or `mask`): at an inactive step the state is carried over unchanged and
 * the output is zero (`maskedOutput: 'zero'`, PyTorch padding and Keras `zero_output_for_mask`)
 * or repeats the previous step's output (`'carry'`, Keras' default; zeros before the first
 * active step). With right-padded lengths and `reverse`, each sequence's reverse pass starts at
 * its own last valid step, which is exactly PyTorch's packed-sequence semantics.
 *
 * The input projection of every time step is one matrix product; each step then multiplies
 * only the recurrent state. All intermediates are disposed; the function is differentiable
 * with `tf.grad` / `tf.variableGrads` with respect to `x`, the weights and the initial state.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import './register';
import { ActivationName, applyActivation } from './activations';
import { StepMask, activeColumn, stepMasksFromLengths, stepMasksFromTensor } from './step-mask';
import { unstack0 } from './unstack';
import { LstmWeights, lstmSizes } from './weights';

/** Options of {@link lstmLayer}. */
export interface LstmLayerOptions {
  /** φ, applied to the candidate and to the cell before the output gate. Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ, applied to the input, forget and output gates. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Process steps from T-1 down to 0. Outputs stay at their own time index. */
  readonly reverse?: boolean;
  /** `[h0 (N, H_out), c0 (N, H)]`. */
  readonly initialState?: readonly [tf.Tensor, tf.Tensor] | null;
  /** Valid steps per batch element (right padding): element n is active at t < lengths[n]. */
  readonly lengths?: ArrayLike<number> | null;
  /** (T, N): nonzero where a step is active. Exclusive with `lengths`. */
  readonly mask?: tf.Tensor | null;
  /** Output at inactive steps. Default `'zero'`. */
  readonly maskedOutput?: 'zero' | 'carry';
  /**
   * (N, H_out): multiplies h_{t-1} in the recurrent product only, the same at every step
   * (Keras `recurrent_dropout`). The carried state is not multiplied.
   */
  readonly recurrentInputMask?: tf.Tensor | null;
  /** Prefix of error messages, e.g. `nn.LSTM`. */
  readonly where?: string;
}

/** The result of {@link lstmLayer}. */
export interface LstmLayerResult {
  /** (T, N, H_out) */
  readonly output: tf.Tensor3D;
  /** (N, H_out) */
  readonly h: tf.Tensor2D;
  /** (N, H) */
  readonly c: tf.Tensor2D;
}

function expectShape(t: tf.Tensor, shape: number[], name: string, where: string): void {
  if (t.rank !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
    throw new ShapeError(`${where}: ${name} expected ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
}

/** Sum of the biases present, or null. */
function combinedBias(w: LstmWeights): tf.Tensor1D | null {
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
  const z = tf.add(xz, tf.matMul(h, w.recurrentKernel));
  const [zi, zf, zg, zo] = tf.split(z, 4, 1);
  const i = applyActivation(recurrentActivation, zi);
  const f = applyActivation(recurrentActivation, zf);
  const g = applyActivation(activation, zg);
  const o = applyActivation(recurrentActivation, zo);
  const cNext = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
  let hNext = tf.mul(o, applyActivation(activation, cNext)) as tf.Tensor2D;
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
  return tf.tidy(() => {
    let xz: tf.Tensor2D = tf.matMul(x, w.kernel);
    const b = combinedBias(w);
    if (b) xz = tf.add(xz, b);
    return lstmStepFromProjection(xz, state[0], state[1], w, activation, recurrentActivation);
  });
}

/**
 * Runs one LSTM layer in one direction over a time-major sequence.
 * @throws ShapeError for inconsistent weights, input, states, lengths or mask.
 */
export function lstmLayer(x: tf.Tensor, w: LstmWeights, options: LstmLayerOptions = {}): LstmLayerResult {
  const where = options.where ?? 'engine.lstmLayer';
  const { inputSize, hiddenSize, outputSize } = lstmSizes(w, where);
  if (x.rank !== 3) {
    throw new ShapeError(`${where}: input expected rank 3 (T, N, ${inputSize}), got ${formatShape(x.shape)}`);
  }
  const [T, N, I] = x.shape as [number, number, number];
  if (I !== inputSize) {
    throw new ShapeError(`${where}: input expected [${T}, ${N}, ${inputSize}], got ${formatShape(x.shape)}`);
  }
  if (T === 0) throw new ShapeError(`${where}: input expected at least one time step, got ${formatShape(x.shape)}`);
  if (options.initialState) {
    expectShape(options.initialState[0], [N, outputSize], 'h0', where);
    expectShape(options.initialState[1], [N, hiddenSize], 'c0', where);
  }
  if (options.recurrentInputMask) expectShape(options.recurrentInputMask, [N, outputSize], 'recurrentInputMask', where);
  if (options.lengths && options.mask) throw new ShapeError(`${where}: pass lengths or mask, not both`);
  const stepMasks: StepMask[] | null = options.lengths
    ? stepMasksFromLengths(options.lengths, T, N, where)
    : options.mask
      ? stepMasksFromTensor(options.mask, T, N, where)
      : null;
  const activation = options.activation ?? 'tanh';
  const recurrentActivation = options.recurrentActivation ?? 'sigmoid';
  const carry = options.maskedOutput === 'carry';

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
