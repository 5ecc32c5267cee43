/**
 * GRU layers and stacks: PyTorch's `nn.GRU`, and a Keras stack of `GRU`/`Bidirectional(GRU)`
 * layers with `return_sequences` (concat merging). The cell is `./cells/gru-cell` (canonical
 * weights r, z, n there); the machinery is the LSTM's (`./cell-layer`, `./stack`).
 *
 * Legend: T time steps, N batch, D directions, L layers, H hidden size.
 * - `x`: (T, N, I), time-major; layer k > 0 takes D·H inputs.
 * - `h0`: L·D tensors (N, H), index `layer * D + direction` (PyTorch's order).
 * - result `output` (T, N, D·H); `h`: L·D tensors (N, H), same order.
 * - `resetAfter` (default true, PyTorch): see the cell.
 */
import * as tf from '@tensorflow/tfjs-core';

import { checkRecordArg, checkTensorArg } from './args';
import { cellLayer } from './cell-layer';
import { GruWeights, gruCell } from './cells/gru-cell';
import type { RecurrenceOptions } from './executor';
import { StackCall, StackLayer, StackOptions, runStack } from './stack';
import type { ActivationName } from './activations';

/** Options of {@link gruLayer}. */
export interface GruLayerOptions extends Omit<RecurrenceOptions, 'initialState'> {
  /** `[h0 (N, H)]`. */
  readonly initialState?: readonly [tf.Tensor] | null;
  /** Reset after the recurrent product (PyTorch, Keras reset_after=True). Default true. */
  readonly resetAfter?: boolean;
}

/** The result of {@link gruLayer} and of a vanilla RNN layer. */
export interface GruLayerResult {
  /** (T, N, H) */
  readonly output: tf.Tensor3D;
  /** (N, H) */
  readonly h: tf.Tensor2D;
}

/** Runs one GRU layer in one direction over a time-major sequence. */
export function gruLayer(x: tf.Tensor, w: GruWeights, options: GruLayerOptions = {}): GruLayerResult {
  checkRecordArg(options, 'options', 'engine.gruLayer', true);
  const r = cellLayer(gruCell(options.resetAfter !== false), x, w, options, 'engine.gruLayer');
  return { output: r.output, h: r.state[0] };
}

/** The weights of one layer of a GRU stack. */
export type GruStackLayer = StackLayer<GruWeights>;

/** Options of {@link gruStack}: the stack options of every kind, plus the GRU's. */
export interface GruStackOptions extends StackOptions {
  /** σ, the gates' activation. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Reset after the recurrent product (PyTorch, Keras reset_after=True). Default true. */
  readonly resetAfter?: boolean;
}

/** The result of {@link gruStack} and of a vanilla RNN stack. */
export interface GruStackResult {
  /** (T, N, D·H) */
  readonly output: tf.Tensor3D;
  /** L·D tensors (N, H), index `layer * D + direction`. */
  readonly h: tf.Tensor2D[];
}

/** The stack machinery's view of a one-state (h) call. */
export function hStackCall(options: StackOptions, where: string): StackCall {
  checkRecordArg(options, 'options', where, true);
  const w = typeof options.where === 'string' ? options.where : where;
  return { ...options, initialStates: [['h0', options.h0]], where: w };
}

/** Runs a stack of (bi)directional GRU layers; differentiable; disposes its intermediates. */
export function gruStack(x: tf.Tensor, layers: readonly GruStackLayer[], options: GruStackOptions = {}): GruStackResult {
  const call = hStackCall(options, 'engine.gruStack');
  checkTensorArg(x, 'x', call.where);
  const cell = gruCell(options.resetAfter !== false);
  const r = runStack(x, layers, call, (input, w, o) => {
    const l = cellLayer(cell, input, w, o, call.where);
    return { output: l.output, state: l.state };
  });
  return { output: r.output, h: r.states[0] };
}
