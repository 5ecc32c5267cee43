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
 * `lstmStackAsync` (`./lstm-async`) computes the same on the fastest executor, asynchronously.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError } from '../errors';
import { ActivationName } from './activations';
import { LstmLayerOptions, lstmLayer, resolveLayerCall } from './lstm-layer';
import { LstmWeights } from './weights';

/** The weights of one layer of a stack. */
export interface LstmStackLayer {
  readonly forward: LstmWeights;
  readonly backward?: LstmWeights | null;
}

/** Options of {@link lstmStack}. */
export interface LstmStackOptions {
  readonly activation?: ActivationName;
  readonly recurrentActivation?: ActivationName;
  /** L·D initial hidden states, index `layer * D + direction`, each (N, H_out). */
  readonly h0?: readonly tf.Tensor[] | null;
  /** L·D initial cell states, each (N, H). */
  readonly c0?: readonly tf.Tensor[] | null;
  /** Valid steps per batch element (right padding). */
  readonly lengths?: ArrayLike<number> | null;
  /**
   * (T, N), time-major: nonzero where a step is active, in every layer (Keras masks, also not
   * right-padded ones). Exclusive with `lengths`.
   */
  readonly mask?: tf.Tensor | null;
  /** Output at inactive steps: `'zero'` (default, PyTorch) or `'carry'` (Keras). */
  readonly maskedOutput?: 'zero' | 'carry';
  /** The tfjs-ops executor (see `LstmLayerOptions.implementation`). Default `'fast'`. */
  readonly implementation?: 'fast' | 'reference';
  /**
   * Dropout probability on the outputs of every layer but the last (PyTorch `dropout`).
   * Applied only when > 0; callers pass 0 outside training.
   */
  readonly interLayerDropout?: number;
  /** Prefix of error messages. */
  readonly where?: string;
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

/** Checks the layer count, directions and state counts of a stack call; returns D. */
function checkStackShape(layers: readonly LstmStackLayer[], options: LstmStackOptions, where: string): number {
  if (layers.length === 0) throw new ConfigError(`${where}: expected at least one layer, got 0`);
  const D = layers[0].backward ? 2 : 1;
  if (layers.some((l) => (l.backward ? 2 : 1) !== D)) {
    throw new ConfigError(`${where}: every layer must have the same number of directions`);
  }
  const count = layers.length * D;
  for (const [name, list] of [['h0', options.h0], ['c0', options.c0]] as const) {
    if (list && list.length !== count) {
      throw new ShapeError(`${where}: ${name} expected ${count} states (layers * directions), got ${list.length}`);
    }
  }
  return D;
}

/** The options of layer k, direction d of a stack call. */
function layerOptions(options: LstmStackOptions, where: string, k: number, d: number, D: number): LstmLayerOptions {
  const idx = k * D + d;
  return {
    activation: options.activation,
    recurrentActivation: options.recurrentActivation,
    reverse: d === 1,
    lengths: options.lengths,
    mask: options.mask,
    maskedOutput: options.maskedOutput,
    implementation: options.implementation,
    initialState: options.h0 && options.c0 ? [options.h0[idx], options.c0[idx]] : null,
    where: `${where} (layer ${k}${d === 1 ? ', reverse' : ''})`,
  };
}

/**
 * Validates a whole stack call from the input's shape, with the errors `lstmStack` would
 * throw, without computing anything. Used by executors that do not run `lstmLayer`.
 * @throws ConfigError / ShapeError naming the layer, the argument and both shapes.
 */
export function checkStackCall(xShape: readonly number[], layers: readonly LstmStackLayer[], options: LstmStackOptions = {}): void {
  const where = options.where ?? 'engine.lstmStack';
  const D = checkStackShape(layers, options, where);
  let shape = [...xShape];
  layers.forEach((layer, k) => {
    const dirs = layer.backward ? [layer.forward, layer.backward] : [layer.forward];
    const outs = dirs.map((w, d) => resolveLayerCall(shape, w, layerOptions(options, where, k, d, D)).Hout);
    shape = [shape[0], shape[1], outs.reduce((a, b) => a + b, 0)];
  });
}

/** Runs a stack of (bi)directional LSTM layers; differentiable; disposes its intermediates. */
export function lstmStack(x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackOptions = {}): LstmStackResult {
  const where = options.where ?? 'engine.lstmStack';
  const D = checkStackShape(layers, options, where);
  const p = options.interLayerDropout ?? 0;
  return tf.tidy(() => {
    let input: tf.Tensor = x;
    const h: tf.Tensor2D[] = [];
    const c: tf.Tensor2D[] = [];
    layers.forEach((layer, k) => {
      const dirs = layer.backward ? [layer.forward, layer.backward] : [layer.forward];
      const outs = dirs.map((w, d) => {
        const r = lstmLayer(input, w, layerOptions(options, where, k, d, D));
        h.push(r.h);
        c.push(r.c);
        return r.output;
      });
      input = outs.length === 1 ? outs[0] : tf.concat(outs, 2);
      if (p > 0 && k < layers.length - 1) input = tf.dropout(input, p);
    });
    return { output: input as tf.Tensor3D, h, c };
  });
}
