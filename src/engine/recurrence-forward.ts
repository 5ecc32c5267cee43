/**
 * The forward pass of the fast recurrence, for any cell: one layer, one direction, a whole
 * sequence. The cell (`./cell`) prepares its weights once per call and computes each step;
 * this loop owns the rest:
 *
 * - **Steps cut by `unstackRows`** (`./fast-rows`), not by per-step `Slice` calls; every step
 *   tensor is rank 3, (1, N, ·), so that the cells' fused products take it as it is.
 * - **Direction**: with `reverse`, steps run from T-1 down to 0; outputs stay at their index.
 * - **Masking**: a fully inactive step is skipped (its output zeros, or with `carry` the
 *   previous output); a partly active one keeps each inactive element's state with `where`.
 * - **Recording**: with `record`, each processed step's state before it, h_{t-1}·mask and the
 *   cell's slots are kept for the backward pass (`./recurrence-backward`); without it, each
 *   step's intermediates are disposed as soon as the next state exists (inference: the peak
 *   memory is the output plus a few steps).
 *
 * Legend: T steps, N batch, I inputs, H_out output size (state 0's size).
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights, RecordedStep, RecurrenceInputs, RecurrentCell, ResolvedCall } from './cell';
import { makeConstants } from './fused';
import { unstackRows } from './fast-rows';
import { StepMask, activeColumn } from './step-mask';

/** What one processed step keeps for the backward pass, as rank-3 step tensors (1, N, ·). */
export type ForwardRecord = RecordedStep<tf.Tensor>;

/** The result of {@link recurrenceForward}. */
export interface ForwardResult {
  /** (T, N, H_out) */
  readonly output: tf.Tensor3D;
  /** The final state (N, stateSizes[j]). */
  readonly state: tf.Tensor2D[];
  /** Processed steps in processing order, when recording. */
  readonly records: ForwardRecord[] | null;
}

const ALL: StepMask = { kind: 'all' };

/**
 * Runs the sequence. The caller runs it inside `tf.tidy` (or a custom-gradient forward); when
 * `record` is false, per-step intermediates are disposed eagerly.
 */
export function recurrenceForward<W extends CellWeights, P>(
  cell: RecurrentCell<W, P>, inp: RecurrenceInputs, call: ResolvedCall, record: boolean,
): ForwardResult {
  const { T, N, I, Hout, stateSizes } = call;
  const S = stateSizes.length;
  const plan = cell.prepare(inp, call, record);
  const k2 = makeConstants();
  const xRows = unstackRows<tf.Rank.R3>(inp.x, T, [1, N, I]);
  const init = inp.initialState.map((s, j) => (s ? tf.reshape(s, [1, N, stateSizes[j]]) : null));

  let state: tf.Tensor[] = init.map((s, j) => s ?? tf.zeros([1, N, stateSizes[j]]));
  const zerosOut: tf.Tensor | null = call.stepMasks ? tf.zeros([1, N, Hout]) : null;
  const outputs: tf.Tensor[] = new Array(T);
  const kept = new Set<tf.Tensor>([inp.x, k2.one, k2.two]);
  for (const t of [...init, zerosOut]) if (t) kept.add(t);
  const records: ForwardRecord[] | null = record ? [] : null;
  let prevOut: tf.Tensor | null = null;
  const release = (t: tf.Tensor) => {
    if (!record && !kept.has(t)) t.dispose();
  };

  for (let k = 0; k < T; k++) {
    const t = call.reverse ? T - 1 - k : k;
    const m = call.stepMasks ? call.stepMasks[t] : null;
    if (m && m.kind === 'none') {
      outputs[t] = call.carry && prevOut ? prevOut : (zerosOut as tf.Tensor);
      prevOut = outputs[t];
      kept.add(prevOut);
      release(xRows[t]);
      continue;
    }
    // The step's arithmetic runs in a tidy scope that keeps only what outlives the step: the
    // next state and output, and with `record` what the backward pass reads.
    const prev = state, xt = xRows[t], carried = call.carry && prevOut ? prevOut : zerosOut;
    let rec: ForwardRecord | null = null;
    const res = tf.tidy(() => {
      const hIn = inp.recurrentInputMask ? tf.mul(prev[0], inp.recurrentInputMask) : prev[0];
      const s = cell.step(plan, xt, hIn, prev, k2, record);
      const hNew = s.next[0];
      let next: tf.Tensor[];
      if (!m || m.kind === 'all') {
        next = [...s.next, hNew];
      } else {
        const col = activeColumn(m); // (N, 1) broadcasts over (1, N, ·)
        next = [...s.next.map((v, j) => tf.where(col, v, prev[j])), tf.where(col, hNew, carried as tf.Tensor)];
      }
      if (!record) return next;
      rec = { t, mask: m ?? ALL, hIn, prev, saved: s.saved };
      return [...next, hIn, ...s.saved];
    }) as tf.Tensor[];
    const nextState = res.slice(0, S);
    const out = res[S];
    outputs[t] = out;
    kept.add(out);
    if (records && rec) records.push(rec);
    if (!records) {
      for (const old of [...prev, xt]) if (!nextState.includes(old) && old !== out) release(old);
    }
    prevOut = outputs[t];
    state = nextState;
  }
  const output = tf.concat(outputs, 0) as tf.Tensor3D;
  // Reshapes are new tensor objects: disposing the results never disposes the caller's initial
  // state, also when a fully masked sequence leaves it as the final state.
  const finals = state.map((s, j) => tf.reshape(s, [N, stateSizes[j]]) as tf.Tensor2D);
  if (!record) {
    for (const o of new Set(outputs)) if (o !== zerosOut) o.dispose();
    state.forEach((s, j) => {
      if (s !== init[j]) release(s);
    });
  }
  return { output, state: finals, records };
}
