/**
 * One call of `nn.LSTM.forward` / `forwardAsync`: the shared plan (`./recurrent-call`) with the
 * LSTM's two states, h (H_out columns) and c (H_cell columns), given as `[h0, c0]`.
 *
 * Legend: N batch, L sequence length, D directions, H_in input size, H_cell hidden size,
 * H_out output size. The engine takes x (L, N, H_in) time-major and per-layer-direction states
 * (N, ·); PyTorch's h0/c0 are (D·numLayers, N, ·) (2-D for unbatched input).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError } from '../errors';
import { describeValue } from '../engine/internal';
import { RecurrentCallSizes, planRecurrentCall } from './recurrent-call';
import { PackedSequence } from './utils/rnn/packed-sequence';

/** The sizes of an `nn.LSTM` a call depends on. */
export interface LstmCallSizes extends RecurrentCallSizes {
  readonly hiddenSize: number;
  readonly outputSize: number;
}

/** The engine's view of a call. */
export interface EngineCall {
  /** (L, N, H_in) */
  readonly x: tf.Tensor3D;
  /** D·numLayers states (N, H_out) / (N, H_cell), or null for zeros. */
  readonly h0: tf.Tensor2D[] | null;
  readonly c0: tf.Tensor2D[] | null;
  /** Valid steps per batch element (packed input), or null. */
  readonly lengths: Int32Array | null;
}

/** What `fromEngine` returns: the output (packed data for packed input) and h_n, c_n. */
export interface CallOutput {
  readonly output: tf.Tensor;
  readonly hN: tf.Tensor;
  readonly cN: tf.Tensor;
}

export interface LstmCall {
  /** L, the number of time steps. */
  readonly steps: number;
  readonly lengths: Int32Array | null;
  toEngine(): EngineCall;
  fromEngine(output: tf.Tensor, h: readonly tf.Tensor[], c: readonly tf.Tensor[]): CallOutput;
  wrap(out: CallOutput): [tf.Tensor | PackedSequence, [tf.Tensor, tf.Tensor]];
}

type State = readonly [tf.Tensor, tf.Tensor];

/** Validates a call and returns its plan. @throws ShapeError naming the argument. */
export function planLstmCall(m: LstmCallSizes, input: tf.Tensor | PackedSequence, hx: State | null, where: string): LstmCall {
  if (hx !== null && hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) {
    throw new ShapeError(`${where}: hx expected [h0, c0], got ${Array.isArray(hx) ? `an array of ${hx.length}` : describeValue(hx)}`);
  }
  const specs = [{ name: 'h0', size: m.outputSize }, { name: 'c0', size: m.hiddenSize }];
  const call = planRecurrentCall(m, input, hx ?? null, specs, where);
  return {
    steps: call.steps,
    lengths: call.lengths,
    toEngine: () => {
      const e = call.toEngine();
      return { x: e.x, h0: e.states ? e.states[0] : null, c0: e.states ? e.states[1] : null, lengths: e.lengths };
    },
    fromEngine: (output, h, c) => {
      const r = call.fromEngine(output, [h, c]);
      return { output: r.output, hN: r.states[0], cN: r.states[1] };
    },
    wrap: (out) => [call.wrapOutput(out.output), [out.hN, out.cN]],
  };
}
