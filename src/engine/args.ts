/**
 * The argument checks every public entry point shares: a value that is not what the argument
 * takes (null, a plain array, a disposed tensor, a string where a number goes, an int32 tensor
 * where the engine computes in float32) gets a typed error naming the argument, the expected
 * and the received value, before any tensor is created — never a TypeError from deep inside.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../errors';

/** A short description of a value for messages: `null`, `an array of length 3`, `a tf.Tensor int32 [2, 3]`, `a string ("x")`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (v instanceof tf.Tensor) return v.isDisposed ? 'a disposed tf.Tensor' : `a tf.Tensor ${v.dtype} ${formatShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `a string (${JSON.stringify(v.slice(0, 40))})`;
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
  return `a ${typeof v} (${String(v).slice(0, 40)})`;
}

/** Options of {@link checkTensorArg}. */
export interface TensorArgOptions {
  /** Refuse other dtypes (PyTorch refuses mixed dtypes: "mat1 and mat2 must have the same dtype"). */
  readonly dtype?: tf.DataType;
}

/**
 * `value` as a live tf.Tensor, else a ShapeError (`where: name expected a tf.Tensor, got null`);
 * a ConfigError when its dtype is not `options.dtype`.
 */
export function checkTensorArg(value: unknown, name: string, where: string, options: TensorArgOptions = {}): tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    const hint = Array.isArray(value) ? ' (wrap a plain array with tf.tensor(...))' : '';
    throw new ShapeError(`${where}: ${name} expected a tf.Tensor, got ${describeValue(value)}${hint}`);
  }
  if (value.isDisposed) throw new ShapeError(`${where}: ${name} is a tf.Tensor that has been disposed`);
  if (options.dtype !== undefined && value.dtype !== options.dtype) {
    throw new ConfigError(
      `${where}: ${name} expected dtype ${options.dtype}, got ${value.dtype} (cast it with tf.cast(${name}, '${options.dtype}'); ` +
        'PyTorch refuses mixed dtypes too)',
    );
  }
  return value;
}

/** Options of {@link checkNumberArg}. */
export interface NumberArgOptions {
  readonly integer?: boolean;
  /** Smallest accepted value (inclusive). */
  readonly min?: number;
  /** Accept NaN and ±Infinity (a padding value may be either). Default false. */
  readonly nonFinite?: boolean;
}

/** `value` as a number, else a ConfigError naming the argument, what it takes and what it got. */
export function checkNumberArg(value: unknown, name: string, where: string, options: NumberArgOptions = {}): number {
  const expected = `${options.integer ? 'an integer' : 'a number'}${options.min !== undefined ? ` >= ${options.min}` : ''}`;
  const bad =
    typeof value !== 'number' ||
    (!options.nonFinite && !Number.isFinite(value)) ||
    (options.integer && !Number.isInteger(value)) ||
    (options.min !== undefined && !(value >= options.min));
  if (bad) {
    const got = typeof value === 'number' ? String(value) : describeValue(value);
    throw new ConfigError(`${where}: ${name} expected ${expected}, got ${got}`);
  }
  return value as number;
}

/**
 * A received value as it reads in a message: `NaN`, `Infinity`, `undefined`, `"x"`, `[1, -1]`,
 * a tensor described — unlike `JSON.stringify`, which renders NaN as `null`.
 */
export function showArg(v: unknown, depth = 0): string {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined || v === null) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (v instanceof tf.Tensor) return describeValue(v);
  if (Array.isArray(v)) {
    if (depth >= 3) return '[…]';
    const items = v.slice(0, 16).map((x) => showArg(x, depth + 1));
    return `[${items.join(', ')}${v.length > 16 ? ', …' : ''}]`;
  }
  if (typeof v === 'object') {
    if (depth >= 3) return '{…}';
    const keys = Object.keys(v as object);
    const items = keys.slice(0, 8).map((k) => `${k}: ${showArg((v as Record<string, unknown>)[k], depth + 1)}`);
    return `{${items.join(', ')}${keys.length > 8 ? ', …' : ''}}`;
  }
  return typeof v;
}

/**
 * `value` as a record of named arguments (weights, options): a plain object — not null, an
 * array, a tensor or a primitive — else a ConfigError naming the argument. `undefined` passes
 * (and gives `{}`) when `optional`.
 */
export function checkRecordArg<T extends object>(value: unknown, name: string, where: string, optional = false): T {
  if (optional && value === undefined) return {} as T;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof tf.Tensor) {
    throw new ConfigError(`${where}: ${name} expected an object${optional ? ' or undefined' : ''}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** `value` as an array (or typed array) of live tf.Tensors, else a ShapeError naming the argument and the bad entry. */
export function checkTensorListArg(value: unknown, name: string, where: string): readonly tf.Tensor[] {
  if (!Array.isArray(value)) throw new ShapeError(`${where}: ${name} expected an array of tf.Tensors, got ${describeValue(value)}`);
  value.forEach((t, k) => checkTensorArg(t, `${name}[${k}]`, where));
  return value as tf.Tensor[];
}

/**
 * `value` as a list of integers >= 0 (sequence lengths, batch sizes): an array or typed array,
 * else a ConfigError naming the argument and the first bad entry.
 */
export function checkLengthsArg(value: unknown, name: string, where: string): ArrayLike<number> {
  const arrayLike = Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
  if (!arrayLike) throw new ConfigError(`${where}: ${name} expected an array of integers >= 0, got ${describeValue(value)}`);
  const list = value as unknown as ArrayLike<unknown>;
  for (let k = 0; k < list.length; k++) checkNumberArg(list[k], `${name}[${k}]`, where, { integer: true, min: 0 });
  return list as ArrayLike<number>;
}

/** `value` as one of `allowed` (compared with `===`), else a ConfigError listing them. */
export function checkOneOfArg<T>(value: unknown, allowed: readonly T[], name: string, where: string): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`${where}: ${name} expected one of ${allowed.map((a) => showArg(a)).join(', ')}, got ${showArg(value)}`);
  }
  return value as T;
}

/**
 * Most time steps (or batch entries) a sequence layout helper accepts: 2^24. A count read from
 * a mask, lengths or batch sizes above it describes no tensor that fits in memory, and is
 * refused before anything is allocated.
 */
export const MAX_SEQUENCE_SIZE = 2 ** 24;

/** `value` <= {@link MAX_SEQUENCE_SIZE}, else a ShapeError naming it. */
export function checkSequenceSize(value: number, name: string, where: string): void {
  if (value > MAX_SEQUENCE_SIZE) throw new ShapeError(`${where}: ${name} expected at most ${MAX_SEQUENCE_SIZE}, got ${value}`);
}
