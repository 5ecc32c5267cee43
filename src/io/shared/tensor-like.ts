/**
 * What the writers accept as a tensor: a tfjs tensor or plain `{dtype, shape, values}` data.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../../errors';
import { RawTensor } from './dtypes';
import { checkLengthsArg, checkTensorArg, describeValue } from '../../engine/internal';

/** A tensor to save: a tfjs tensor or plain data. */
export type TensorLike = tf.Tensor | RawTensor;

/** A tensor-like read into plain data. */
export interface Plain {
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly shape: number[];
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/** Reads a tensor-like into plain data, checking its dtype. */
export function toPlain(where: string, name: string, t: TensorLike): Plain {
  if (t instanceof tf.Tensor) {
    checkTensorArg(t, `tensors['${name}']`, where);
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new ConfigError(`${where}: tensors['${name}'] expected dtype float32, int32 or bool, got ${t.dtype}`);
    }
    return { dtype: t.dtype, shape: [...t.shape], values: t.dataSync() as Float32Array | Int32Array | Uint8Array };
  }
  if (t && typeof t === 'object' && 'values' in t && 'shape' in t) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
      throw new ConfigError(`${where}: tensors['${name}'] expected dtype float32, int32 or bool, got ${String(t.dtype)}`);
    }
    checkLengthsArg(t.shape, `tensors['${name}'].shape`, where);
    const values: unknown = t.values;
    if (!ArrayBuffer.isView(values) && !Array.isArray(values)) {
      throw new ConfigError(`${where}: tensors['${name}'].values expected a typed array, got ${describeValue(values)}`);
    }
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.values.length !== n) {
      throw new ConfigError(`${where}: tensors['${name}'] has ${t.values.length} values for shape [${t.shape.join(', ')}]`);
    }
    return { dtype: t.dtype, shape: [...t.shape], values: t.values };
  }
  throw new ConfigError(`${where}: tensors['${name}'] expected a tf.Tensor or {dtype, shape, values}, got ${describeValue(t)}`);
}

