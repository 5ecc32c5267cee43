/**
 * Per-time-step masks for the recurrence, from sequence lengths or a (T, N) mask.
 *
 * A step of a batch element is *active* when it updates the state. The engine classifies every
 * time step once, on the JS side, so that steps where every element is active (the common case)
 * pay nothing for masking, and steps where none is active skip the computation.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';

/** How one time step is masked. */
export type StepMask =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'some'; readonly active: Uint8Array };

const ALL: StepMask = { kind: 'all' };
const NONE: StepMask = { kind: 'none' };

function classify(active: Uint8Array): StepMask {
  let on = 0;
  for (const a of active) on += a;
  if (on === active.length) return ALL;
  if (on === 0) return NONE;
  return { kind: 'some', active };
}

/**
 * Step masks from per-element lengths: element n is active at steps t < lengths[n].
 * @throws ShapeError when a length is not an integer in [0, T] or the count is not N.
 */
export function stepMasksFromLengths(lengths: ArrayLike<number>, T: number, N: number, where: string): StepMask[] {
  if (lengths.length !== N) {
    throw new ShapeError(`${where}: lengths expected ${N} entries (one per batch element), got ${lengths.length}`);
  }
  for (let n = 0; n < N; n++) {
    const len = lengths[n];
    if (!Number.isInteger(len) || len < 0 || len > T) {
      throw new ShapeError(`${where}: lengths[${n}] expected an integer in [0, ${T}], got ${len}`);
    }
  }
  const masks: StepMask[] = [];
  for (let t = 0; t < T; t++) {
    const active = new Uint8Array(N);
    for (let n = 0; n < N; n++) active[n] = t < lengths[n] ? 1 : 0;
    masks.push(classify(active));
  }
  return masks;
}

/**
 * Step masks from a time-major mask tensor (T, N): nonzero / true means active.
 * Reads the mask synchronously (masks are data, not differentiable).
 */
export function stepMasksFromTensor(mask: tf.Tensor, T: number, N: number, where: string): StepMask[] {
  if (mask.rank !== 2 || mask.shape[0] !== T || mask.shape[1] !== N) {
    throw new ShapeError(`${where}: mask expected [${T}, ${N}] (time-major), got ${formatShape(mask.shape)}`);
  }
  const data = mask.dataSync();
  const masks: StepMask[] = [];
  for (let t = 0; t < T; t++) {
    const active = new Uint8Array(N);
    for (let n = 0; n < N; n++) active[n] = data[t * N + n] ? 1 : 0;
    masks.push(classify(active));
  }
  return masks;
}

/** A (N, 1) boolean tensor of the active elements of a 'some' step. */
export function activeColumn(mask: { active: Uint8Array }): tf.Tensor2D {
  return tf.tensor2d(mask.active, [mask.active.length, 1], 'bool');
}
