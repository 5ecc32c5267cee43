/**
 * A stack of LSTM layers, each one- or two-directional: what PyTorch's `nn.LSTM` computes,
 * and what a Keras stack of `LSTM`/`Bidirectional(LSTM)` layers with `return_sequences`
 * computes (with concat merging).
 *
 * Legend: T = time steps, N = batch, D = directions (1 or 2), L = layers, H_out = output size.
 *
 * - `x`: (T, N, I), time-major.
 * - `layers[k].forward` / `layers[k].backward`: canonical weights (see `./weights`); layer k > 0
 *   takes D·H_out inputs, `[forward ‖ backward]` of the layer below at each step.
 * - `initialStates`: `h0`/`c0` lists of L·D tensors, index `layer * D + direction`
 *   (PyTorch's order), each (N, H_out) / (N, H).
 * - result `output`: (T, N, D·H_out); `h`, `c`: lists of L·D tensors in the same order.
 *
 * `lengths` mask every layer (PyTorch packed sequences): padded outputs are zero, each
 * sequence's final state is the one at its own last step, and the backward direction starts at
 * each sequence's own last step. A `mask` does the same for any pattern of active steps, with
 * `maskedOutput: 'carry'` for Keras's repeat-the-last-output convention.
 *
 * The stacking itself is the cell-generic `./stack`. `lstmStackAsync` (`src/runtime`, above) computes
 * the same on the fastest executor, asynchronously.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName } from './activations';
import { checkLengthsArg, checkRecordArg, checkTensorArg } from './args';
import { LstmLayerOptions, lstmLayer, resolveLayerCall } from './lstm-layer';
import { StackCall, StackLayer, StackOptions, checkStackShape, directionsOf, runStack, stackLayerOptions } from './stack';
import { LstmWeights } from './weights';

/** The weights of one layer of a stack. */
export interface LstmStackLayer extends StackLayer<LstmWeights> {
  readonly forward: LstmWeights;
  readonly backward?: LstmWeights | null;
}

/** Options of {@link lstmStack}: the stack options of every kind, plus the LSTM's. */
export interface LstmStackOptions extends StackOptions {
  /** σ, the gates' activation. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** L·D initial cell states, each (N, H). */
  readonly c0?: readonly tf.Tensor[] | null;
}

/** The result of {@link lstmStack}. */
export interface LstmStackResult {
  /** (T, N, D·H_out) */
  readonly output: tf.Tensor3D;
  /** L·D tensors (N, H_out), index `layer * D + direction`. */
  readonly h: tf.Tensor2D[];
  /** L·D tensors (N, H). */
  readonly c: tf.Tensor2D[];
}

/** The stack machinery's view of a call (`./stack`). */
function stackCall(options: LstmStackOptions, where: string): StackCall {
  checkRecordArg(options, 'options', where, true);
  const w = options === undefined || typeof options.where !== 'string' ? where : options.where;
  return { ...options, initialStates: [['h0', options.h0], ['c0', options.c0]], where: w };
}

/**
 * Validates a whole stack call from the input's shape, with the errors `lstmStack` would
 * throw, without computing anything. Used by executors that do not run `lstmLayer`.
 * @throws ConfigError / ShapeError naming the layer, the argument and both shapes.
 */
export function checkStackCall(xShape: readonly number[], layers: readonly LstmStackLayer[], options: LstmStackOptions = {}): void {
  const call = stackCall(options, 'engine.lstmStack');
  checkLengthsArg(xShape, 'xShape', call.where);
  const D = checkStackShape(layers, call);
  let shape = [...xShape];
  layers.forEach((layer, k) => {
    const outs = directionsOf(layer).map((w, d) => resolveLayerCall(shape, w, stackLayerOptions(call, k, d, D) as LstmLayerOptions).Hout);
    shape = [shape[0], shape[1], outs.reduce((a, b) => a + b, 0)];
  });
}

/** Runs a stack of (bi)directional LSTM layers; differentiable; disposes its intermediates. */
export function lstmStack(x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackOptions = {}): LstmStackResult {
  const call = stackCall(options, 'engine.lstmStack');
  checkTensorArg(x, 'x', call.where);
  const r = runStack(x, layers, call, (input, w, o) => {
    const l = lstmLayer(input, w, o as LstmLayerOptions);
    return { output: l.output, state: [l.h, l.c] };
  });
  return { output: r.output, h: r.states[0], c: r.states[1] };
}
