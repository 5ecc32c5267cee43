/**
 * The fast executor of one layer and direction, for any cell: `./recurrence-forward` for the
 * values and, when a gradient is being recorded, `./recurrence-backward` as one custom-gradient
 * op over the whole sequence.
 *
 * - No gradient recorded (`isRecordingGradient()` is false: plain inference, also inside
 *   `tf.tidy`): the forward pass alone, freeing each step's intermediates as it goes.
 * - Inside `tf.grad` / `tf.variableGrads` / `optimizer.minimize`: one custom-gradient op
 *   (`./lazy-grad`) whose inputs are x, the weights, the initial state and the recurrent-input
 *   mask, so gradients reach every one of them, each computed only when the tape needs it.
 *   The op returns one tensor, so its value packs `[output, ...state]` flat and the caller
 *   cuts it (O(size), once per call).
 *
 * Only tfjs-core ops; registers no kernel or gradient globally.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights, RecordedStep, RecurrenceInputs, RecurrentCell, ResolvedCall } from './cell';
import type { RecurrenceResult } from './executor';
import { LazyBody, lazyGradOp } from './lazy-grad';
import { recurrenceBackward } from './recurrence-backward';
import { ForwardRecord, recurrenceForward } from './recurrence-forward';
import { isRecordingGradient } from './recording';

/** Runs one layer and direction; differentiable with respect to every tensor it is given. */
export function fastRecurrence<W extends CellWeights, P>(
  cell: RecurrentCell<W, P>, inp: RecurrenceInputs, call: ResolvedCall,
): RecurrenceResult {
  if (!isRecordingGradient()) {
    return tf.tidy(() => {
      const r = recurrenceForward(cell, inp, call, false);
      return { output: r.output, state: r.state };
    });
  }
  return recordedLayer(cell, inp, call);
}

/** How the optional inputs of a call are laid out after x, kernel, recurrentKernel. */
interface InputLayout {
  /** Names of the optional inputs present, in order. */
  readonly present: readonly string[];
  readonly stateNames: readonly string[];
}

function optionalTensors(inp: RecurrenceInputs, stateNames: readonly string[]): [string, tf.Tensor | null][] {
  return [
    ['bias', inp.bias],
    ['recurrentBias', inp.recurrentBias],
    ...Object.entries(inp.extra),
    ...stateNames.map((name, j): [string, tf.Tensor | null] => [`${name}0`, inp.initialState[j]]),
    ['recurrentInputMask', inp.recurrentInputMask],
  ];
}

/** The call's inputs from a list laid out as [x, kernel, recurrentKernel, ...present]. */
function inputsOf(layout: InputLayout, extraNames: readonly string[], list: readonly tf.Tensor[]): RecurrenceInputs {
  const opt = <T extends tf.Tensor>(name: string) => {
    const k = layout.present.indexOf(name);
    return k < 0 ? null : (list[3 + k] as T);
  };
  const extra: Record<string, tf.Tensor2D | null> = {};
  for (const name of extraNames) extra[name] = opt<tf.Tensor2D>(name);
  return {
    x: list[0],
    kernel: list[1] as tf.Tensor2D,
    recurrentKernel: list[2] as tf.Tensor2D,
    bias: opt<tf.Tensor1D>('bias'),
    recurrentBias: opt<tf.Tensor1D>('recurrentBias'),
    extra,
    initialState: layout.stateNames.map((name) => opt<tf.Tensor2D>(`${name}0`)),
    recurrentInputMask: opt<tf.Tensor2D>('recurrentInputMask'),
  };
}

function recordedLayer<W extends CellWeights, P>(
  cell: RecurrentCell<W, P>, ts: RecurrenceInputs, call: ResolvedCall,
): RecurrenceResult {
  const { T, N, Hout, stateSizes } = call;
  const S = stateSizes.length;
  const optional = optionalTensors(ts, cell.stateNames).filter((e): e is [string, tf.Tensor] => e[1] !== null);
  const layout: InputLayout = { present: optional.map((e) => e[0]), stateNames: cell.stateNames };
  const extraNames = Object.keys(ts.extra);
  const inputs: tf.Tensor[] = [ts.x, ts.kernel, ts.recurrentKernel, ...optional.map((e) => e[1])];
  const outSize = T * N * Hout;
  const sizes = [outSize, ...stateSizes.map((s) => N * s)];
  const offsets = sizes.map((_, j) => sizes.slice(0, j).reduce((a, b) => a + b, 0));
  let recordMeta: Pick<ForwardRecord, 't' | 'mask'>[] = [];

  const body: LazyBody = (got, save) => {
    const r = recurrenceForward(cell, inputsOf(layout, extraNames, got), call, true);
    const records = r.records as ForwardRecord[];
    recordMeta = records.map((rec) => ({ t: rec.t, mask: rec.mask }));
    // Saved: the inputs, then per record h_{t-1}·mask, the previous state and the cell's slots.
    const flat: tf.Tensor[] = [...got];
    for (const rec of records) flat.push(rec.hIn, ...rec.prev, ...rec.saved);
    save(flat);
    const value = tf.concat([tf.reshape(r.output, [-1]), ...r.state.map((s) => tf.reshape(s, [-1]))]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const sinp = inputsOf(layout, extraNames, saved.slice(0, got.length));
      const per = 1 + S + cell.recordSlots(call);
      const recs: RecordedStep[] = recordMeta.map((meta, k) => {
        const o = got.length + k * per;
        // Recorded as (1, N, ·); the backward pass works on (N, ·).
        const q = saved.slice(o, o + per).map((v) => tf.reshape(v, [N, -1]) as tf.Tensor2D);
        return { t: meta.t, mask: meta.mask, hIn: q[0], prev: q.slice(1, 1 + S), saved: q.slice(1 + S) };
      });
      const dOut = tf.slice(dy, [0], [outSize]);
      const dFinal = stateSizes.map((s, j) => tf.reshape(tf.slice(dy, [offsets[j + 1]], [sizes[j + 1]]), [N, s]) as tf.Tensor2D);
      const g = recurrenceBackward(cell, sinp, call, recs, dOut, dFinal);
      const byName: Record<string, (() => tf.Tensor) | null> = {
        bias: g.dBias,
        recurrentBias: g.dRecurrentBias,
        ...g.extra,
        recurrentInputMask: g.dRecurrentInputMask,
      };
      cell.stateNames.forEach((name, j) => {
        byName[`${name}0`] = g.dInitialState[j];
      });
      return [g.dx, g.dKernel, g.dRecurrentKernel, ...layout.present.map((name) => byName[name] as () => tf.Tensor)];
    };
    return { value, gradFunc };
  };

  return tf.tidy(() => {
    const packed = lazyGradOp(inputs, body);
    return {
      output: tf.reshape(tf.slice(packed, [0], [outSize]), [T, N, Hout]) as tf.Tensor3D,
      state: stateSizes.map((s, j) => tf.reshape(tf.slice(packed, [offsets[j + 1]], [sizes[j + 1]]), [N, s]) as tf.Tensor2D),
    };
  });
}
