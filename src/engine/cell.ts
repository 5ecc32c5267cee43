/**
 * The cell contract: what a recurrent cell (LSTM, GRU reset after and before, vanilla RNN) gives the
 * engine's one recurrence machinery.
 *
 * The machinery — the sequence loop and its direction, masking (`lengths` / `mask`, zero or
 * carried outputs), stacking, recording a whole sequence as one custom-gradient op with lazy
 * per-input gradients, the hand-written BPTT loop and the reference loop — lives in
 * `./recurrence-*` and `./stack`, and knows nothing of gates. A cell owns:
 *
 * - its weight blocks: `gates` blocks of H columns in `kernel (I, G·H)` and
 *   `recurrentKernel (H_out, G·H)`, two optional bias vectors (G·H), and any further weights
 *   (`extraWeights`, e.g. the LSTM's projection); the sizes check of its canonical weights;
 * - its state, a tuple of tensors (N, stateSizes[j]) named `stateNames` (LSTM `[h, c]`, GRU and
 *   RNN `[h]`). State 0 is always h, the step's output, the left operand of the recurrent
 *   product (after the recurrent-input mask) and the input of the next layer;
 * - its step: the fast step on prepared weights (`prepare`, `step`), and the plain step of the
 *   reference loop (`inputBias`, `referenceStep`);
 * - its step gradient (`backward`), given the gradients of its new state.
 *
 * A new cell is a new file under `./cells/` implementing {@link RecurrentCell}; it reuses the
 * shared fused products and activations of `./fused`.
 *
 * Legend: T steps, N batch, I inputs, H cell size, H_out output size (state 0's size), G gates.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { ActivationName } from './activations';
import type { Constants } from './fused';
import type { StepMask } from './step-mask';

/**
 * A validated call of one layer and direction (`resolveCall` in `./executor`): sizes,
 * activations, direction and per-step masks. What every executor and every cell receives.
 */
export interface ResolvedCall {
  readonly T: number;
  readonly N: number;
  readonly I: number;
  readonly H: number;
  /** The size of state 0 (h). */
  readonly Hout: number;
  /** The size of every state tensor, in the cell's state order. */
  readonly stateSizes: readonly number[];
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly reverse: boolean;
  readonly stepMasks: readonly StepMask[] | null;
  readonly carry: boolean;
}

/** The weights every cell has, in the engine's canonical (input-rows) layout. */
export interface CellWeights {
  /** (I, G·H) */
  readonly kernel: tf.Tensor2D;
  /** (H_out, G·H) */
  readonly recurrentKernel: tf.Tensor2D;
  /** (G·H) */
  readonly bias?: tf.Tensor1D | null;
  /** (G·H) */
  readonly recurrentBias?: tf.Tensor1D | null;
}

/** The sizes a set of weights implies. */
export interface CellSizes {
  /** I */
  readonly inputSize: number;
  /** H (cell size) */
  readonly hiddenSize: number;
  /** H_out: the size of state 0 (h). */
  readonly outputSize: number;
}

/** The tensors of one call of the fast machinery (biases as given, not summed). */
export interface RecurrenceInputs {
  /** (T, N, I) */
  readonly x: tf.Tensor;
  /** (I, G·H) */
  readonly kernel: tf.Tensor2D;
  /** (H_out, G·H) */
  readonly recurrentKernel: tf.Tensor2D;
  readonly bias: tf.Tensor1D | null;
  readonly recurrentBias: tf.Tensor1D | null;
  /** The cell's further weights, by the names of `extraWeights`. */
  readonly extra: Readonly<Record<string, tf.Tensor2D | null>>;
  /** One per state (N, stateSizes[j]); null for zeros. */
  readonly initialState: readonly (tf.Tensor2D | null)[];
  /** (N, H_out), multiplies h_{t-1} in the recurrent product only. */
  readonly recurrentInputMask: tf.Tensor2D | null;
}

/** What the fast step of a cell returns. */
export interface CellStepResult {
  /** The new state, (1, N, stateSizes[j]) each; `next[0]` is the output h_t. */
  readonly next: tf.Tensor[];
  /**
   * When recording: `recordSlots(call)` tensors the cell's backward step reads (a cell may
   * repeat a tensor as a placeholder in a slot it does not use). Empty otherwise.
   */
  readonly saved: tf.Tensor[];
}

/**
 * One processed (not fully masked) step: the forward pass records it with rank-3 step tensors
 * (1, N, ·); the backward pass sees it with (N, ·) tensors (the default `T`).
 */
export interface RecordedStep<T extends tf.Tensor = tf.Tensor2D> {
  /** Time index of the step. */
  readonly t: number;
  readonly mask: StepMask;
  /** h_{t-1} · recurrentInputMask, the left operand of the recurrent product (N, H_out). */
  readonly hIn: T;
  /** The state before the step, as carried. */
  readonly prev: readonly T[];
  /** The cell's own slots (see {@link CellStepResult.saved}). */
  readonly saved: readonly T[];
}

/** The gradient of one step, from the gradients of the step's new state. */
export interface CellStepGradient {
  /** (N, G·H): the gradient of the input product `x_t @ kernel + bias`. */
  readonly dz: tf.Tensor2D;
  /**
   * (N, G·H): the gradient of the recurrent product `hIn @ recurrentKernel + recurrentBias`,
   * or null when it is `dz` (the LSTM: both products are summed before any gate).
   */
  readonly dzRecurrent: tf.Tensor2D | null;
  /**
   * The gradients reaching the previous state other than through the recurrent product, one
   * per state (null for none; state j > 0 must have one).
   */
  readonly dPrev: readonly (tf.Tensor2D | null)[];
  /**
   * (N, H_out): the whole gradient of `hIn` (before the recurrent-input mask), for a cell whose
   * recurrent product is not `hIn @ recurrentKernel` (the reset-before GRU multiplies the n
   * block by `r ⊙ hIn`). Absent: the machinery computes `dzRecurrent @ recurrentKernelᵀ`.
   */
  readonly dhIn?: tf.Tensor2D | null;
}

/** The per-call backward context of a cell. */
export interface CellBackward {
  /** The gradient of step `rec`, given the gradients `dNext` of its new state (N, ·). */
  step(rec: RecordedStep, dNext: readonly tf.Tensor2D[]): CellStepGradient;
  /** Gradients of the cell's `extraWeights`, after the loop (null when a weight is absent). */
  extraGrads(byTime: ReadonlyMap<number, RecordedStep>): Record<string, (() => tf.Tensor) | null>;
  /**
   * The recurrent kernel's gradient (H_out, G·H), after the loop, for a cell that returns
   * {@link CellStepGradient.dhIn}; `hIn` (T·N, H_out) and `dZR` (T·N, G·H) hold every step's
   * rows (zeros for unprocessed steps). Absent: `hInᵀ @ dZR`.
   */
  recurrentKernelGrad?(hIn: tf.Tensor2D, dZR: tf.Tensor2D): tf.Tensor2D;
}

/** A recurrent cell: see the module documentation. */
export interface RecurrentCell<W extends CellWeights, Plan = unknown> {
  /** For messages, e.g. `'LSTM'`. */
  readonly name: string;
  /** G, the number of H-column blocks of the kernels. */
  readonly gates: number;
  /** Names of the state tensors, e.g. `['h', 'c']`; state 0 is h. */
  readonly stateNames: readonly string[];
  /** Names of the further weight fields of `W` (each a 2-D tensor or absent). */
  readonly extraWeights: readonly string[];
  /**
   * Checks the weights against each other and returns their sizes.
   * @throws ShapeError naming the weight, the expected and the received shape.
   */
  sizes(w: W, where: string): CellSizes;
  /** The size of each state tensor. */
  stateSizes(s: CellSizes): number[];

  /** Prepares the weights of one fast call (runs inside the caller's scope). */
  prepare(inp: RecurrenceInputs, call: ResolvedCall, record: boolean): Plan;
  /**
   * One fast step on rank-3 step tensors: `x` (1, N, I), `hIn` (1, N, H_out) and the previous
   * state (1, N, ·). Runs inside a tidy scope of the machinery.
   */
  step(plan: Plan, x: tf.Tensor, hIn: tf.Tensor, prev: readonly tf.Tensor[], k: Constants, record: boolean): CellStepResult;
  /** Length of {@link CellStepResult.saved} when recording this call. */
  recordSlots(call: ResolvedCall): number;
  /** The backward context of a recorded call, on the call's inputs. */
  backward(inp: RecurrenceInputs, call: ResolvedCall): CellBackward;

  /** The bias added to the input projection of the reference loop, or null. */
  inputBias(w: W): tf.Tensor1D | null;
  /**
   * One plain (autodiff) step from the input projection `xz` (N, G·H) = x_t @ kernel + inputBias:
   * returns the new state (N, ·) each.
   */
  referenceStep(xz: tf.Tensor2D, hIn: tf.Tensor2D, prev: readonly tf.Tensor2D[], w: W, call: ResolvedCall): tf.Tensor2D[];
}

/** The call's tensors from canonical weights and the options' states and mask. */
export function recurrenceInputs<W extends CellWeights>(
  cell: RecurrentCell<W>,
  x: tf.Tensor,
  w: W,
  initialState: readonly tf.Tensor[] | null | undefined,
  recurrentInputMask: tf.Tensor | null | undefined,
): RecurrenceInputs {
  const fields = w as unknown as Record<string, tf.Tensor2D | null | undefined>;
  const extra: Record<string, tf.Tensor2D | null> = {};
  for (const name of cell.extraWeights) extra[name] = fields[name] ?? null;
  return {
    x,
    kernel: w.kernel,
    recurrentKernel: w.recurrentKernel,
    bias: w.bias ?? null,
    recurrentBias: w.recurrentBias ?? null,
    extra,
    initialState: cell.stateNames.map((_, j) => (initialState?.[j] as tf.Tensor2D | undefined) ?? null),
    recurrentInputMask: (recurrentInputMask as tf.Tensor2D | null | undefined) ?? null,
  };
}
