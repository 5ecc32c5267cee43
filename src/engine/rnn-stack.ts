/**
 * Vanilla RNN layers and stacks: PyTorch's `nn.RNN`, Keras `SimpleRNN` stacks. The cell is
 * `./cells/rnn-cell`; the machinery is shared (`./cell-layer`, `./stack`). Shapes as for
 * `gruStack` (`./gru-stack`). `activation`: PyTorch's `nonlinearity` (`'tanh'` default, `'relu'`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { checkRecordArg, checkTensorArg } from './args';
import { cellLayer } from './cell-layer';
import { RNN_CELL, RnnWeights } from './cells/rnn-cell';
import type { RecurrenceOptions } from './executor';
import { GruLayerResult, GruStackResult, hStackCall } from './gru-stack';
import { StackLayer, StackOptions, runStack } from './stack';

/** Options of {@link rnnLayer}. */
export interface RnnLayerOptions extends Omit<RecurrenceOptions, 'initialState' | 'recurrentActivation'> {
  /** `[h0 (N, H)]`. */
  readonly initialState?: readonly [tf.Tensor] | null;
}

/** Runs one vanilla RNN layer in one direction over a time-major sequence. */
export function rnnLayer(x: tf.Tensor, w: RnnWeights, options: RnnLayerOptions = {}): GruLayerResult {
  checkRecordArg(options, 'options', 'engine.rnnLayer', true);
  const r = cellLayer(RNN_CELL, x, w, options, 'engine.rnnLayer');
  return { output: r.output, h: r.state[0] };
}

/** The weights of one layer of an RNN stack. */
export type RnnStackLayer = StackLayer<RnnWeights>;

/** Options of {@link rnnStack}: the stack options of every kind (an RNN adds none). */
export type RnnStackOptions = StackOptions;

/** Runs a stack of (bi)directional vanilla RNN layers; differentiable; disposes its intermediates. */
export function rnnStack(x: tf.Tensor, layers: readonly RnnStackLayer[], options: RnnStackOptions = {}): GruStackResult {
  const call = hStackCall(options, 'engine.rnnStack');
  checkTensorArg(x, 'x', call.where);
  const r = runStack(x, layers, call, (input, w, o) => {
    const l = cellLayer(RNN_CELL, input, w, o, call.where);
    return { output: l.output, state: l.state };
  });
  return { output: r.output, h: r.states[0] };
}
