/**
 * Shape checks and tensor bookkeeping shared by the adapters.
 *
 * Every check throws a {@link ShapeError} that names where it comes from, the weight, the
 * expected and the received shape: `adapters.torchToCanonical: weight_hh expected [16, 4], got [16, 3]`.
 * `null` in an expected shape matches any size.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../src/errors';
import { checkRecordArg, checkTensorArg, checkTensorListArg, describeValue } from '../src/engine/internal';

export { checkLengthsArg, checkNumberArg, checkOneOfArg, checkTensorArg } from '../src/engine/internal';

/** An expected shape; `null` entries match any size. */
export type ExpectedShape = readonly (number | null)[];

function matches(shape: readonly number[], expected: ExpectedShape): boolean {
  return shape.length === expected.length && shape.every((d, k) => expected[k] === null || d === expected[k]);
}

/**
 * Checks that `t` is a tensor of the expected shape.
 * @throws ShapeError `where: name expected [..], got [..]` (or `got nothing` / `got a <type>`).
 */
export function expectShape(t: unknown, expected: ExpectedShape, name: string, where: string): asserts t is tf.Tensor {
  if (!(t instanceof tf.Tensor)) {
    throw new ShapeError(`${where}: ${name} expected a tensor ${formatShape(expected)}, got ${describeValue(t)}`);
  }
  checkTensorArg(t, name, where);
  if (!matches(t.shape, expected)) {
    throw new ShapeError(`${where}: ${name} expected ${formatShape(expected)}, got ${formatShape(t.shape)}`);
  }
}

/** Like {@link expectShape} for an optional weight: `undefined` and `null` pass. */
export function expectOptionalShape(
  t: unknown,
  expected: ExpectedShape,
  name: string,
  where: string,
): asserts t is tf.Tensor | null | undefined {
  if (t !== undefined && t !== null) expectShape(t, expected, name, where);
}

/**
 * The shared check of every adapter entry point's arguments of one kind: a record of weights,
 * an options object or a list of tensors, before any field is read (the engine's checks in
 * `src/engine/args.ts`, so every entry point words it the same way).
 * @throws ConfigError / ShapeError naming the argument, the expected and the received value.
 */
export function expectRecord<T extends object>(value: unknown, name: string, where: string): T {
  return checkRecordArg<T>(value, name, where);
}

/** Like {@link expectRecord} for an optional options argument: `undefined` gives `{}`. */
export function expectOptions<T extends object>(value: unknown, name: string, where: string): T {
  return checkRecordArg<T>(value, name, where, true);
}

/** A list of live tensors, each checked. */
export function expectTensorList(value: unknown, name: string, where: string): readonly tf.Tensor[] {
  return checkTensorListArg(value, name, where);
}

/**
 * Checks that a size taken from one weight is a positive multiple of `multiple`, and returns the
 * quotient (e.g. the hidden size H from a 4H axis).
 * @throws ShapeError naming the weight and its shape.
 */
export function gateSize(t: tf.Tensor, axis: number, multiple: number, name: string, what: string, where: string): number {
  const size = t.shape[axis];
  if (size === undefined || size === 0 || size % multiple !== 0) {
    throw new ShapeError(
      `${where}: ${name} expected axis ${axis} to be ${what} (a positive multiple of ${multiple}), ` +
        `got ${formatShape(t.shape)}`,
    );
  }
  return size / multiple;
}

/**
 * Disposes every tensor among the values of a record of weights (as returned by the
 * conversions). Other values are ignored.
 */
export function disposeWeights(weights: object | readonly object[]): void {
  const records = Array.isArray(weights) ? weights : [weights];
  records.forEach((record, k) => expectRecord(record, Array.isArray(weights) ? `weights[${k}]` : 'weights', 'adapters.disposeWeights'));
  for (const record of records) {
    for (const value of Object.values(record as Record<string, unknown>)) {
      if (value instanceof tf.Tensor) value.dispose();
    }
  }
}

/** True when every element of `t` is exactly zero (reads the data synchronously). */
export function isAllZero(t: tf.Tensor): boolean {
  const data = t.dataSync();
  for (let k = 0; k < data.length; k++) if (data[k] !== 0) return false;
  return true;
}

/**
 * The one bias of a single-bias convention from the canonical two: their float32 sum. When one
 * of them is absent or exactly zero everywhere, the other is copied as is, so that a single bias
 * that went through a two-bias convention (where it sits beside zeros) comes back bit for bit,
 * -0 included. Returns `null` when both are absent.
 */
export function mergeBiases(bias: tf.Tensor1D | null | undefined, recurrentBias: tf.Tensor1D | null | undefined): tf.Tensor1D | null {
  if (!bias && !recurrentBias) return null;
  if (!recurrentBias || (bias && isAllZero(recurrentBias))) return tf.clone(bias as tf.Tensor1D);
  if (!bias || isAllZero(bias)) return tf.clone(recurrentBias);
  return tf.add(bias, recurrentBias) as tf.Tensor1D;
}
