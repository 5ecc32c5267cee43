/**
 * One call of a torch-style recurrent stack's `forward` / `forwardAsync` (`nn.LSTM`, `nn.GRU`,
 * `nn.RNN`), from PyTorch's layouts to the engine's and back: validation (no tensors created),
 * then `toEngine()` and `fromEngine()` (call them inside `tf.tidy`), then `wrapOutput()` to
 * rebuild a `PackedSequence` outside the tidy scope.
 *
 * Legend: N batch, L sequence length, D directions, H_in input size. The engine takes x
 * (L, N, H_in) time-major and, per state (h, and c for an LSTM), D·numLayers tensors (N, ·);
 * PyTorch's states are (D·numLayers, N, ·) (2-D for unbatched input).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import { checkTensorArg, describeValue, tidy, unstack0 } from '../engine/internal';
import { checkShape } from './module';
import { PackedLayout, PackedSequence, gatherPacked, packedLayout, scatterPacked } from './utils/rnn/packed-sequence';

/** The sizes of a recurrent stack a call depends on. */
export interface RecurrentCallSizes {
  readonly inputSize: number;
  readonly numLayers: number;
  readonly numDirections: number;
  readonly batchFirst: boolean;
}

/** One state of the module: its name in messages (`h0`) and its last dimension. */
export interface StateSpec {
  readonly name: string;
  readonly size: number;
}

/** The engine's view of a call. */
export interface EngineInputs {
  /** (L, N, H_in) */
  readonly x: tf.Tensor3D;
  /** Per state, D·numLayers tensors (N, ·); null for zeros. */
  readonly states: tf.Tensor2D[][] | null;
  /** Valid steps per batch element (packed input), or null. */
  readonly lengths: Int32Array | null;
}

/** What `fromEngine` returns: the output (packed data for packed input) and each final state. */
export interface EngineOutputs {
  readonly output: tf.Tensor;
  /** Per state, (D·numLayers, N, ·) ((D·numLayers, ·) unbatched). */
  readonly states: tf.Tensor[];
}

export interface RecurrentCall {
  /** L, the number of time steps. */
  readonly steps: number;
  readonly lengths: Int32Array | null;
  toEngine(): EngineInputs;
  fromEngine(output: tf.Tensor, states: readonly (readonly tf.Tensor[])[]): EngineOutputs;
  /** The output as the caller gets it: the tensor, or a new PackedSequence for packed input. */
  wrapOutput(output: tf.Tensor): tf.Tensor | PackedSequence;
}

function checkStates(
  m: RecurrentCallSizes, states: readonly tf.Tensor[] | null, specs: readonly StateSpec[], N: number, unbatched: boolean, where: string,
): readonly tf.Tensor[] | null {
  if (states === null) return null;
  const LD = m.numLayers * m.numDirections;
  specs.forEach((s, k) => {
    const t = checkTensorArg(states[k], s.name, where, { dtype: 'float32' });
    checkShape(t, unbatched ? [LD, s.size] : [LD, N, s.size], s.name, where);
  });
  return states;
}

function engineStates(states: readonly tf.Tensor[] | null, unbatched: boolean): tf.Tensor2D[][] | null {
  if (!states) return null;
  return states.map((s) => unstack0<tf.Tensor2D>(unbatched ? tf.expandDims(s, 1) : s));
}

const stackStates = (states: readonly (readonly tf.Tensor[])[]): tf.Tensor[] => states.map((s) => tf.stack(s as tf.Tensor[]));

/**
 * Validates a call (`states`: one tensor per spec, or null for zeros) and returns its plan.
 * @throws ShapeError naming the argument.
 */
export function planRecurrentCall(
  m: RecurrentCallSizes, input: tf.Tensor | PackedSequence, states: readonly tf.Tensor[] | null, specs: readonly StateSpec[], where: string,
): RecurrentCall {
  if (input instanceof PackedSequence) return planPacked(m, input, states, specs, where);
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
  const checked = checkStates(m, states, specs, N, unbatched, where);
  return {
    steps: shape[batchFirst ? 1 : 0],
    lengths: null,
    toEngine: () => {
      const x = (unbatched ? tf.expandDims(input, 1) : batchFirst ? tf.transpose(input, [1, 0, 2]) : input) as tf.Tensor3D;
      return { x, states: engineStates(checked, unbatched), lengths: null };
    },
    fromEngine: (output, finals) => {
      const stacked = stackStates(finals);
      if (unbatched) return { output: tf.squeeze(output, [1]), states: stacked.map((s) => tf.squeeze(s, [1])) };
      return { output: batchFirst ? tf.transpose(output, [1, 0, 2]) : output, states: stacked };
    },
    wrapOutput: (output) => output,
  };
}

function planPacked(
  m: RecurrentCallSizes, input: PackedSequence, states: readonly tf.Tensor[] | null, specs: readonly StateSpec[], where: string,
): RecurrentCall {
  checkTensorArg(input.data, 'packed data', where, { dtype: 'float32' });
  if (input.data.rank !== 2 || input.data.shape[1] !== m.inputSize) {
    throw new ShapeError(`${where}: packed data expected [${input.data.shape[0]}, ${m.inputSize}], got ${formatShape(input.data.shape)}`);
  }
  const layout: PackedLayout = packedLayout(input, where);
  const checked = checkStates(m, states, specs, layout.batch, false, where);
  return {
    steps: layout.maxLength,
    lengths: layout.lengths,
    toEngine: () => ({
      x: scatterPacked(input.data, layout, layout.maxLength, 0) as tf.Tensor3D,
      states: engineStates(checked, false),
      lengths: layout.lengths,
    }),
    fromEngine: (output, finals) => ({ output: gatherPacked(output, layout), states: stackStates(finals) }),
    wrapOutput: (output) =>
      new PackedSequence(
        output,
        tf.clone(input.batchSizes),
        input.sortedIndices ? tf.clone(input.sortedIndices) : null,
        input.unsortedIndices ? tf.clone(input.unsortedIndices) : null,
      ),
  };
}

/**
 * An asynchronous engine call on tensors made for it (`made`: the converted input and states):
 * runs it, converts its results (`convert`, inside a tidy scope), and frees every intermediate
 * but the converted results (`keep`), on success and on failure.
 */
export async function convertAsync<R, O>(
  made: readonly tf.Tensor[], run: () => Promise<R>, results: (r: R) => tf.Tensor[], convert: (r: R) => O, keep: (o: O) => tf.Tensor[],
): Promise<O> {
  const scratch: tf.Tensor[] = [...made];
  let kept = new Set<tf.Tensor>();
  try {
    const r = await run();
    scratch.push(...results(r));
    const out = tidy(() => convert(r));
    kept = new Set(keep(out));
    return out;
  } finally {
    tf.dispose(scratch.filter((t) => !kept.has(t)));
  }
}
