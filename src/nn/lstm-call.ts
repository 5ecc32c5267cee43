/**
 * One call of `nn.LSTM.forward` / `forwardAsync`, from PyTorch's layouts to the engine's and
 * back: validation (no tensors created), then `toEngine()` and `fromEngine()` (call them inside
 * `tf.tidy`), then `wrap()` to rebuild a `PackedSequence` outside the tidy scope.
 *
 * Legend: N batch, L sequence length, D directions, H_in input size, H_cell hidden size,
 * H_out output size. The engine takes x (L, N, H_in) time-major and per-layer-direction states
 * (N, ·); PyTorch's h0/c0 are (D·numLayers, N, ·) (2-D for unbatched input).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import { checkTensorArg, describeValue, unstack0 } from '../engine/internal';
import { checkShape } from './module';
import { PackedLayout, PackedSequence, gatherPacked, packedLayout, scatterPacked } from './utils/rnn/packed-sequence';

/** The sizes of an `nn.LSTM` a call depends on. */
export interface LstmCallSizes {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly numLayers: number;
  readonly numDirections: number;
  readonly batchFirst: boolean;
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

function checkState(m: LstmCallSizes, hx: State | null, N: number, unbatched: boolean, where: string): State | null {
  if (hx === null || hx === undefined) return null;
  if (!Array.isArray(hx) || hx.length !== 2) {
    throw new ShapeError(`${where}: hx expected [h0, c0], got ${Array.isArray(hx) ? `an array of ${hx.length}` : describeValue(hx)}`);
  }
  const LD = m.numLayers * m.numDirections;
  const h0 = checkTensorArg(hx[0], 'h0', where, { dtype: 'float32' });
  const c0 = checkTensorArg(hx[1], 'c0', where, { dtype: 'float32' });
  checkShape(h0, unbatched ? [LD, m.outputSize] : [LD, N, m.outputSize], 'h0', where);
  checkShape(c0, unbatched ? [LD, m.hiddenSize] : [LD, N, m.hiddenSize], 'c0', where);
  return hx;
}

function engineStates(hx: State | null, unbatched: boolean): Pick<EngineCall, 'h0' | 'c0'> {
  if (!hx) return { h0: null, c0: null };
  const [h0, c0] = unbatched ? [tf.expandDims(hx[0], 1), tf.expandDims(hx[1], 1)] : hx;
  return { h0: unstack0<tf.Tensor2D>(h0), c0: unstack0<tf.Tensor2D>(c0) };
}

/** Validates a call and returns its plan. @throws ShapeError naming the argument. */
export function planLstmCall(m: LstmCallSizes, input: tf.Tensor | PackedSequence, hx: State | null, where: string): LstmCall {
  if (input instanceof PackedSequence) return planPacked(m, input, hx, where);
  if (!(input instanceof tf.Tensor)) {
    throw new ShapeError(`${where}: input expected a tf.Tensor or a PackedSequence, got ${describeValue(input)}`);
  }
  checkTensorArg(input, 'input', where, { dtype: 'float32' });
  if (input.rank !== 2 && input.rank !== 3) {
    throw new ShapeError(`${where}: input expected 2-D (unbatched) or 3-D, got ${input.rank}-D ${formatShape(input.shape)}`);
  }
  const unbatched = input.rank === 2;
  const shape = input.shape as number[];
  if (shape[shape.length - 1] !== m.inputSize) {
    const expected = [...shape];
    expected[shape.length - 1] = m.inputSize;
    throw new ShapeError(`${where}: input expected ${formatShape(expected)} (last dimension = inputSize), got ${formatShape(shape)}`);
  }
  const batchFirst = !unbatched && m.batchFirst;
  if (shape[batchFirst ? 1 : 0] === 0) {
    // Said here, with the caller's shape (the engine would report its own (L, N, H_in) layout).
    throw new ShapeError(`${where}: input expected at least one time step (as in PyTorch), got ${formatShape(shape)}`);
  }
  const N = unbatched ? 1 : shape[batchFirst ? 0 : 1];
  const states = checkState(m, hx, N, unbatched, where);
  return {
    steps: shape[batchFirst ? 1 : 0],
    lengths: null,
    toEngine: () => {
      const x = (unbatched ? tf.expandDims(input, 1) : batchFirst ? tf.transpose(input, [1, 0, 2]) : input) as tf.Tensor3D;
      return { x, ...engineStates(states, unbatched), lengths: null };
    },
    fromEngine: (output, h, c) => {
      const hN = tf.stack(h as tf.Tensor[]);
      const cN = tf.stack(c as tf.Tensor[]);
      if (unbatched) return { output: tf.squeeze(output, [1]), hN: tf.squeeze(hN, [1]), cN: tf.squeeze(cN, [1]) };
      return { output: batchFirst ? tf.transpose(output, [1, 0, 2]) : output, hN, cN };
    },
    wrap: (out) => [out.output, [out.hN, out.cN]],
  };
}

function planPacked(m: LstmCallSizes, input: PackedSequence, hx: State | null, where: string): LstmCall {
  checkTensorArg(input.data, 'packed data', where, { dtype: 'float32' });
  if (input.data.rank !== 2 || input.data.shape[1] !== m.inputSize) {
    throw new ShapeError(`${where}: packed data expected [${input.data.shape[0]}, ${m.inputSize}], got ${formatShape(input.data.shape)}`);
  }
  const layout: PackedLayout = packedLayout(input, where);
  const states = checkState(m, hx, layout.batch, false, where);
  return {
    steps: layout.maxLength,
    lengths: layout.lengths,
    toEngine: () => ({
      x: scatterPacked(input.data, layout, layout.maxLength, 0) as tf.Tensor3D,
      ...engineStates(states, false),
      lengths: layout.lengths,
    }),
    fromEngine: (output, h, c) => ({
      output: gatherPacked(output, layout),
      hN: tf.stack(h as tf.Tensor[]),
      cN: tf.stack(c as tf.Tensor[]),
    }),
    wrap: (out) => [
      new PackedSequence(
        out.output,
        tf.clone(input.batchSizes),
        input.sortedIndices ? tf.clone(input.sortedIndices) : null,
        input.unsortedIndices ? tf.clone(input.unsortedIndices) : null,
      ),
      [out.hN, out.cN],
    ],
  };
}
