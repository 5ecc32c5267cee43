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
