/**
 * The one place the Keras facade's one-state cells (`GRU`, `SimpleRNN`) call the engine: a whole
 * time-major sequence through `engine.gruLayer` / `engine.rnnLayer`, with Keras' input dropout
 * applied to the inputs first (one (N, F) mask for every step and gate) and the recurrent
 * dropout mask handed to the engine (it multiplies h_{t-1} in the recurrent product only).
 *
 * Legend: T time steps, N batch, F features, U units.
 * - `x` (T, N, F); result `output` (T, N, U) at the steps' own time indices, `h` (N, U).
 * - weights: the engine's canonical form (GRU gates r, z, n; see `engine.zrhToRzn`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, GruWeights, RnnWeights, gruLayer, rnnLayer } from '../engine';

/** Which one-state cell runs, with its activations. */
export type HCellSpec =
  | { readonly kind: 'gru'; readonly resetAfter: boolean; readonly activation: ActivationName; readonly recurrentActivation: ActivationName }
  | { readonly kind: 'rnn'; readonly activation: ActivationName };

/** The options of one run. */
export interface HRecurrenceOptions {
  /** `[h0 (N, U)]`, or null for zeros. */
  readonly initialState: readonly tf.Tensor[] | null;
  /** (T, N), nonzero where a step is valid, or null. */
  readonly mask: tf.Tensor | null;
  readonly maskedOutput: 'zero' | 'carry';
  readonly reverse: boolean;
  /** (N, F) multiplying every step's input, or null. */
  readonly inputMask: tf.Tensor | null;
  /** (N, U) multiplying h_{t-1} in the recurrent product, or null. */
  readonly recurrentInputMask: tf.Tensor | null;
  readonly where: string;
}

/** Runs a one-state cell over `x` (T, N, F). Differentiable. */
export function runHRecurrence(
  spec: HCellSpec,
  x: tf.Tensor,
  w: GruWeights | RnnWeights,
  options: HRecurrenceOptions,
): { output: tf.Tensor3D; h: tf.Tensor2D } {
  const input = options.inputMask ? tf.mul(x, options.inputMask) : x;
  const common = {
    initialState: options.initialState ? ([options.initialState[0]] as [tf.Tensor]) : null,
    mask: options.mask,
    maskedOutput: options.maskedOutput,
    reverse: options.reverse,
    recurrentInputMask: options.recurrentInputMask,
    activation: spec.activation,
    where: options.where,
  };
  if (spec.kind === 'gru') {
    return gruLayer(input, w, { ...common, resetAfter: spec.resetAfter, recurrentActivation: spec.recurrentActivation });
  }
  return rnnLayer(input, w, common);
}
