/**
 * The executor contract of one layer call: its options, its result and the validated call
 * every executor (fast, reference, stepper) receives. Executors import this module, never the
 * dispatcher (`./lstm-layer`), so no executor depends on another.
 *
 * Legend: T = time steps, N = batch, I = input features, H = cell size, H_out = output size
 * (P with a projection, else H). Weights are in the canonical form of `./weights`.
 *
 * Shapes:
 * - `x`: (T, N, I), time-major.
 * - `initialState`: one tensor per state of the cell, e.g. the LSTM's `[h0 (N, H_out),
 *   c0 (N, H)]`, zeros when absent.
 * - result `output`: (T, N, H_out), the output of step t at index t (also when `reverse`);
 *   the final state (the LSTM's `h` (N, H_out), `c` (N, H)): the state after the last step
 *   processed.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import { ActivationName } from './activations';
import { checkLengthsArg, checkRecordArg, checkTensorListArg } from './args';
import type { CellWeights, RecurrentCell, ResolvedCall } from './cell';
import { StepMask, stepMasksFromLengths, stepMasksFromTensor } from './step-mask';

/** Options of one layer call of any cell (see `LstmLayerOptions` for the LSTM's). */
export interface RecurrenceOptions {
  /** φ, the cell's activation. Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ, the gates' activation. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Process steps from T-1 down to 0. Outputs stay at their own time index. */
  readonly reverse?: boolean;
  /** One tensor per state of the cell (N, stateSizes[j]); zeros when absent. */
  readonly initialState?: readonly tf.Tensor[] | null;
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
   * Which tfjs-ops executor runs the recurrence. Default `'fast'` (`./recurrence-recorded`:
   * gate-split weights, no per-step slices, a hand-written gradient); `'reference'` is the plain
   * step loop of `./recurrence-reference`, kept as the oracle the fast path is tested against.
   * Both give the same values and gradients to float32 rounding.
   */
  readonly implementation?: 'fast' | 'reference';
}

/** Options of `lstmLayer`. */
export interface LstmLayerOptions extends RecurrenceOptions {
  /** φ, applied to the candidate and to the cell before the output gate. Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ, applied to the input, forget and output gates. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** `[h0 (N, H_out), c0 (N, H)]`. */
  readonly initialState?: readonly [tf.Tensor, tf.Tensor] | null;
}

/** The result of `lstmLayer`. */
export interface LstmLayerResult {
  /** (T, N, H_out) */
  readonly output: tf.Tensor3D;
  /** (N, H_out) */
  readonly h: tf.Tensor2D;
  /** (N, H) */
  readonly c: tf.Tensor2D;
}

/** The result of one layer call of any cell. */
export interface RecurrenceResult {
  /** (T, N, H_out) */
  readonly output: tf.Tensor3D;
  /** The final state, one tensor per state of the cell (N, stateSizes[j]). */
  readonly state: tf.Tensor2D[];
}

/** A validated layer call (see `./cell`). */
export type ResolvedLayerCall = ResolvedCall;

function expectShape(t: tf.Tensor, shape: readonly number[], name: string, where: string): void {
  if (t.rank !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
    throw new ShapeError(`${where}: ${name} expected ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
}

/**
 * Validates a layer call of `cell` from the input's shape alone and resolves its configuration
 * (sizes, activations, per-step masks). Every executor checks its calls with it, so errors are
 * the same whichever runs.
 * @throws ShapeError for inconsistent weights, input, states, lengths or mask.
 */
export function resolveCall<W extends CellWeights>(
  cell: RecurrentCell<W>, xShape: readonly number[], w: W, options: RecurrenceOptions = {},
): ResolvedCall {
  checkRecordArg(options, 'options', 'engine.lstmLayer', true);
  const where = typeof options.where === 'string' ? options.where : 'engine.lstmLayer';
  checkLengthsArg(xShape, 'input shape', where);
  const sizes = cell.sizes(w, where);
  const { inputSize, hiddenSize, outputSize } = sizes;
  if (xShape.length !== 3) {
    throw new ShapeError(`${where}: input expected rank 3 (T, N, ${inputSize}), got ${formatShape(xShape)}`);
  }
  const [T, N, I] = xShape as [number, number, number];
  if (I !== inputSize) {
    throw new ShapeError(`${where}: input expected [${T}, ${N}, ${inputSize}], got ${formatShape(xShape)}`);
  }
  if (T === 0) throw new ShapeError(`${where}: input expected at least one time step, got ${formatShape(xShape)}`);
  const stateSizes = cell.stateSizes(sizes);
  if (options.initialState) {
    const init = checkTensorListArg(options.initialState, 'initialState', where);
    cell.stateNames.forEach((name, j) => expectShape(init[j], [N, stateSizes[j]], `${name}0`, where));
  }
  if (options.recurrentInputMask) expectShape(options.recurrentInputMask, [N, outputSize], 'recurrentInputMask', where);
  if (options.lengths && options.mask) throw new ShapeError(`${where}: pass lengths or mask, not both`);
  const stepMasks: StepMask[] | null = options.lengths
    ? stepMasksFromLengths(options.lengths, T, N, where)
    : options.mask
      ? stepMasksFromTensor(options.mask, T, N, where)
      : null;
  return {
    T, N, I, H: hiddenSize, Hout: outputSize, stateSizes,
    activation: options.activation ?? 'tanh',
    recurrentActivation: options.recurrentActivation ?? 'sigmoid',
    reverse: options.reverse ?? false,
    stepMasks,
    carry: options.maskedOutput === 'carry',
  };
}
