/**
 * The call arguments of the Keras facade's recurrent layers, normalized and checked.
 *
 * tfjs-layers hands a layer its inputs in several forms: `apply(x, {initialState})` from user
 * code; `apply([x, h0, c0])` when a model (or a loaded file) wires initial states as extra
 * inputs; `call(x | [x, ...], kwargs)` from the model's executor, with the input mask in
 * `kwargs.mask` (sometimes as a one-element array). These helpers turn all of them into one
 * sequence, an optional list of states and an optional mask, and check their shapes.
 *
 * Legend: N = batch, T = time steps, F = features, U = units. Batch-major sequences are
 * (N, T, F) and masks (N, T); with `timeMajor`, (T, N, F) and (T, N).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Shape, SymbolicTensor } from '@tensorflow/tfjs-layers';

import { ConfigError, ShapeError, formatShape } from '../errors';

/** A concrete or symbolic tensor: anything with a shape. */
export type AnyTensor = tf.Tensor | SymbolicTensor;

/** What tfjs-layers' `Layer.apply` takes and returns. */
export type LayerInputs = tf.Tensor | tf.Tensor[] | SymbolicTensor | SymbolicTensor[];

/** The sequence's shape among the input shapes tfjs hands to `build`/`computeOutputShape`. */
export function firstShape(inputShape: Shape | Shape[]): Shape {
  return Array.isArray(inputShape[0]) ? (inputShape[0] as Shape) : (inputShape as Shape);
}

/** Inputs split into the sequence and the initial states (possibly none). */
export interface SplitInputs<T extends AnyTensor> {
  readonly sequence: T;
  readonly states: T[] | null;
}

function asList<T>(value: T | T[] | null | undefined): T[] | null {
  if (value === null || value === undefined) return null;
  return Array.isArray(value) ? value : [value];
}

/**
 * Splits `inputs` (a tensor, or `[sequence, ...states]`) and `initialState` (a tensor or list)
 * into the sequence and the states.
 * @throws ConfigError when states come both ways, or the count is not `stateCount`.
 */
export function splitInputs<T extends AnyTensor>(
  inputs: T | T[],
  initialState: T | T[] | null | undefined,
  stateCount: number,
  where: string,
): SplitInputs<T> {
  const list = asList(inputs) ?? [];
  if (list.length === 0) throw new ConfigError(`${where}: expected an input sequence, got none`);
  const fromInputs = list.length > 1 ? list.slice(1) : null;
  const fromKwargs = asList(initialState);
  if (fromInputs && fromKwargs && fromKwargs.length > 0) {
    throw new ConfigError(`${where}: initial states given both as extra inputs and as initialState`);
  }
  const states = fromInputs ?? (fromKwargs && fromKwargs.length > 0 ? fromKwargs : null);
  if (states && states.length !== stateCount) {
    throw new ConfigError(`${where}: initialState expected ${stateCount} tensors, got ${states.length}`);
  }
  return { sequence: list[0], states };
}

/** The mask among tfjs' forms (`mask`, `[mask, ...]`, null). */
export function pickMask(mask: unknown): tf.Tensor | null {
  const m = Array.isArray(mask) ? mask[0] : mask;
  return m instanceof tf.Tensor ? m : null;
}

/** The (batch, time) positions of a sequence shape. */
export function batchAndTime(shape: Shape, timeMajor: boolean): { batch: number | null; time: number | null } {
  return timeMajor ? { batch: shape[1], time: shape[0] } : { batch: shape[0], time: shape[1] };
}

/** How a sequence shape is written in messages. */
export function layoutName(timeMajor: boolean, features: number | string = 'features'): string {
  return timeMajor ? `(timesteps, batch, ${features})` : `(batch, timesteps, ${features})`;
}

/**
 * Checks a sequence shape: rank 3 and, once built, `features` features.
 * @throws ShapeError naming the expected layout and the received shape.
 */
export function checkSequenceShape(shape: Shape, features: number | null, timeMajor: boolean, where: string): void {
  if (shape.length !== 3) {
    throw new ShapeError(`${where}: input expected rank 3 ${layoutName(timeMajor)}, got ${formatShape(shape)}`);
  }
  if (features !== null && shape[2] !== null && shape[2] !== features) {
    const expected = [shape[0], shape[1], features];
    throw new ShapeError(
      `${where}: input expected ${formatShape(expected)} ${layoutName(timeMajor, features)}, got ${formatShape(shape)}`,
    );
  }
}

/**
 * Checks the initial states against `[batch, size]` each.
 * @throws ShapeError naming the state.
 */
export function checkStates(
  states: readonly AnyTensor[],
  batch: number | null,
  sizes: readonly number[],
  names: readonly string[],
  where: string,
): void {
  states.forEach((s, k) => {
    const expected = [batch, sizes[k]];
    const ok = s.shape.length === 2 && (batch === null || s.shape[0] === null || s.shape[0] === batch) && s.shape[1] === sizes[k];
    if (!ok) {
      throw new ShapeError(`${where}: initialState[${k}] (${names[k]}) expected ${formatShape(expected)}, got ${formatShape(s.shape)}`);
    }
  });
}

/**
 * Checks a mask against the sequence: (N, T), or (T, N) with `timeMajor`.
 * @throws ShapeError
 */
export function checkMask(mask: tf.Tensor, sequenceShape: readonly number[], timeMajor: boolean, where: string): void {
  const expected = [sequenceShape[0], sequenceShape[1]];
  if (mask.rank !== 2 || mask.shape[0] !== expected[0] || mask.shape[1] !== expected[1]) {
    throw new ShapeError(
      `${where}: mask expected ${formatShape(expected)} ${timeMajor ? '(timesteps, batch)' : '(batch, timesteps)'}, ` +
        `got ${formatShape(mask.shape)}`,
    );
  }
}
