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
 * with `tf.grad` / `tf.variableGrads` with respect to `x`, the weights, the initial state and
 * the recurrent-input mask.
 *
 * Executors: by default the fast tfjs-ops path (`./lstm-fast`), on every tfjs backend; the
 * `implementation: 'reference'` option runs the plain step loop (`./lstm-reference`). The
 * asynchronous onnxruntime executor is reached through `lstmStackAsync` (`./lstm-async`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import './register';
import { ActivationName, applyActivation } from './activations';
import { fastLayer } from './lstm-fast';
import { ResolvedLayerCall, lstmLayerReference } from './lstm-reference';
import { StepMask, stepMasksFromLengths, stepMasksFromTensor } from './step-mask';
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
  /**
   * Which tfjs-ops executor runs the recurrence. Default `'fast'` (`./lstm-fast`: gate-split
   * weights, no per-step slices, a hand-written gradient); `'reference'` is the plain step loop
   * of `./lstm-reference`, kept as the oracle the fast path is tested against. Both give the same
   * values and gradients to float32 rounding.
   */
  readonly implementation?: 'fast' | 'reference';
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
export function combinedBias(w: LstmWeights): tf.Tensor1D | null {
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
 * Validates a layer call from the input's shape alone and resolves its configuration (sizes,
 * activations, per-step masks). Every executor checks its calls with it, so errors are the
 * same whichever runs.
 * @throws ShapeError for inconsistent weights, input, states, lengths or mask.
 */
export function resolveLayerCall(xShape: readonly number[], w: LstmWeights, options: LstmLayerOptions = {}): ResolvedLayerCall {
  const where = options.where ?? 'engine.lstmLayer';
  const { inputSize, hiddenSize, outputSize } = lstmSizes(w, where);
  if (xShape.length !== 3) {
    throw new ShapeError(`${where}: input expected rank 3 (T, N, ${inputSize}), got ${formatShape(xShape)}`);
  }
  const [T, N, I] = xShape as [number, number, number];
  if (I !== inputSize) {
    throw new ShapeError(`${where}: input expected [${T}, ${N}, ${inputSize}], got ${formatShape(xShape)}`);
  }
  if (T === 0) throw new ShapeError(`${where}: input expected at least one time step, got ${formatShape(xShape)}`);
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
  return {
    T, N, I, H: hiddenSize, Hout: outputSize,
    activation: options.activation ?? 'tanh',
    recurrentActivation: options.recurrentActivation ?? 'sigmoid',
    reverse: options.reverse ?? false,
    stepMasks,
    carry: options.maskedOutput === 'carry',
  };
}

/**
 * Runs one LSTM layer in one direction over a time-major sequence.
 * @throws ShapeError for inconsistent weights, input, states, lengths or mask.
 */
export function lstmLayer(x: tf.Tensor, w: LstmWeights, options: LstmLayerOptions = {}): LstmLayerResult {
  const resolved = resolveLayerCall(x.shape, w, options);
  if (options.implementation === 'reference') return lstmLayerReference(x, w, options, resolved);
  return fastLayer(
    {
      x,
      kernel: w.kernel,
      recurrentKernel: w.recurrentKernel,
      bias: w.bias ?? null,
      recurrentBias: w.recurrentBias ?? null,
      projection: w.projection ?? null,
      h0: (options.initialState?.[0] as tf.Tensor2D | undefined) ?? null,
      c0: (options.initialState?.[1] as tf.Tensor2D | undefined) ?? null,
      recurrentInputMask: (options.recurrentInputMask as tf.Tensor2D | null | undefined) ?? null,
    },
    resolved,
  );
}
