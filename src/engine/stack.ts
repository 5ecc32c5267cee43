/**
 * Stacking, for any cell: L layers, each one- or two-directional, the input of layer k > 0 the
 * concatenation `[forward ‖ backward]` of the layer below at each step, optional dropout between
 * layers. The per-state initial lists follow PyTorch's order, index `layer * D + direction`.
 * `lstmStack` (`./lstm-stack`) is this machinery with the LSTM's layer call.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError } from '../errors';
import { checkRecordArg, checkTensorListArg, describeValue } from './args';
import type { ActivationName } from './activations';
import type { RecurrenceOptions } from './executor';

/**
 * The options every kind's stack call takes (`lstmStack`, `gruStack`, `rnnStack`; each kind
 * adds its own: the LSTM's `c0`, the GRU's `resetAfter`, their `recurrentActivation`).
 */
export interface StackOptions {
  /** φ, the cell's activation. Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** L·D initial hidden states, index `layer * D + direction`, each (N, H_out). */
  readonly h0?: readonly tf.Tensor[] | null;
  /** Valid steps per batch element (right padding). */
  readonly lengths?: ArrayLike<number> | null;
  /**
   * (T, N), time-major: nonzero where a step is active, in every layer (Keras masks, also not
   * right-padded ones). Exclusive with `lengths`.
   */
  readonly mask?: tf.Tensor | null;
  /** Output at inactive steps: `'zero'` (default, PyTorch) or `'carry'` (Keras). */
  readonly maskedOutput?: 'zero' | 'carry';
  /** The tfjs-ops executor (see `RecurrenceOptions.implementation`). Default `'fast'`. */
  readonly implementation?: 'fast' | 'reference';
  /**
   * Dropout probability on the outputs of every layer but the last (PyTorch `dropout`).
   * Applied only when > 0; callers pass 0 outside training.
   */
  readonly interLayerDropout?: number;
  /** Prefix of error messages. */
  readonly where?: string;
}

/** The weights of one layer of a stack. */
export interface StackLayer<W> {
  readonly forward: W;
  readonly backward?: W | null;
}

/** The options a stack call shares with every layer call, plus the stack's own. */
export interface StackCall extends Omit<RecurrenceOptions, 'initialState' | 'reverse' | 'recurrentInputMask' | 'where'> {
  /**
   * Per state name (`h0`, `c0`, ...), L·D initial tensors, index `layer * D + direction`, or
   * null for zeros. Every list must be present for the states to be used.
   */
  readonly initialStates: readonly (readonly [string, readonly tf.Tensor[] | null | undefined])[];
  /** Dropout probability on the outputs of every layer but the last. */
  readonly interLayerDropout?: number;
  readonly where: string;
}

/** One layer and direction, as a stack runs it. */
export type RunLayer<W> = (x: tf.Tensor, w: W, options: RecurrenceOptions) => { output: tf.Tensor; state: tf.Tensor2D[] };

/** Checks the layer count, directions and state counts of a stack call; returns D. */
export function checkStackShape<W>(layers: readonly StackLayer<W>[], call: StackCall): number {
  const where = call.where;
  if (!Array.isArray(layers)) throw new ConfigError(`${where}: layers expected an array of { forward, backward? }, got ${describeValue(layers)}`);
  layers.forEach((l, k) => {
    checkRecordArg(l, `layers[${k}]`, where);
    checkRecordArg(l.forward, `layers[${k}].forward`, where);
    if (l.backward !== undefined && l.backward !== null) checkRecordArg(l.backward, `layers[${k}].backward`, where);
  });
  if (layers.length === 0) throw new ConfigError(`${where}: expected at least one layer, got 0`);
  const D = layers[0].backward ? 2 : 1;
  if (layers.some((l) => (l.backward ? 2 : 1) !== D)) {
    throw new ConfigError(`${where}: every layer must have the same number of directions`);
  }
  const count = layers.length * D;
  for (const [name, list] of call.initialStates) {
    if (list !== undefined && list !== null) checkTensorListArg(list, name, where);
    if (list && list.length !== count) {
      throw new ShapeError(`${where}: ${name} expected ${count} states (layers * directions), got ${list.length}`);
    }
  }
  return D;
}

/** The options of layer k, direction d of a stack call. */
export function stackLayerOptions(call: StackCall, k: number, d: number, D: number): RecurrenceOptions {
  const idx = k * D + d;
  const lists = call.initialStates.map((e) => e[1]);
  return {
    activation: call.activation,
    recurrentActivation: call.recurrentActivation,
    reverse: d === 1,
    lengths: call.lengths,
    mask: call.mask,
    maskedOutput: call.maskedOutput,
    implementation: call.implementation,
    initialState: lists.every((l) => l) ? lists.map((l) => (l as readonly tf.Tensor[])[idx]) : null,
    where: `${call.where} (layer ${k}${d === 1 ? ', reverse' : ''})`,
  };
}

/** The directions of a layer, forward first. */
export function directionsOf<W>(layer: StackLayer<W>): W[] {
  return layer.backward ? [layer.forward, layer.backward] : [layer.forward];
}

/**
 * Runs a stack; differentiable; disposes its intermediates. Returns the last layer's output
 * and, per state, the L·D final tensors.
 */
export function runStack<W>(
  x: tf.Tensor, layers: readonly StackLayer<W>[], call: StackCall, runLayer: RunLayer<W>,
): { output: tf.Tensor3D; states: tf.Tensor2D[][] } {
  const D = checkStackShape(layers, call);
  const p = call.interLayerDropout ?? 0;
  const S = call.initialStates.length;
  return tf.tidy(() => {
    let input: tf.Tensor = x;
    const states: tf.Tensor2D[][] = Array.from({ length: S }, () => []);
    layers.forEach((layer, k) => {
      const outs = directionsOf(layer).map((w, d) => {
        const r = runLayer(input, w, stackLayerOptions(call, k, d, D));
        r.state.forEach((s, j) => states[j].push(s));
        return r.output;
      });
      input = outs.length === 1 ? outs[0] : tf.concat(outs, 2);
      // p = 1 drops every input of the next layer (PyTorch runs it; tfjs's dropout refuses rate 1).
      if (p > 0 && k < layers.length - 1) input = p >= 1 ? tf.mul(input, 0) : tf.dropout(input, p);
    });
    return { output: input as tf.Tensor3D, states };
  });
}
