/**
 * GRU gate orders and the permutations between them. A 3H-stacked GRU weight holds three gate
 * blocks along one axis:
 *
 * | order | convention |
 * |---|---|
 * | `rzn` | PyTorch `nn.GRU` (n = candidate); the engine's canonical order |
 * | `zrh` | Keras / tf.keras / tfjs-layers `GRU`, ONNX `GRU`, cuDNN through Keras `CuDNNGRU` (h = candidate) |
 *
 * | function | from | to |
 * |---|---|---|
 * | `rznToZrh`, `zrhToRzn` | PyTorch / canonical (r, z, n) | Keras / ONNX (z, r, h) |
 *
 * Each reorders the blocks along `axis` (default 0, the rows of a PyTorch/ONNX weight; 1 for
 * the columns of a Keras kernel; -1 for a bias). Exact copies of blocks.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../errors';
import { checkNumberArg, checkTensorArg, showArg } from './args';

/** A GRU gate order: the three gates' letters in stacking order (`h` and `n` both the candidate). */
export type GruGateOrder = 'rzn' | 'zrh';

const GRU_GATE_ORDERS: readonly GruGateOrder[] = ['rzn', 'zrh'];

function gruGatesOf(order: GruGateOrder, where: string): string[] {
  if (!GRU_GATE_ORDERS.includes(order)) {
    throw new ConfigError(`${where}: GRU gate order expected one of ${GRU_GATE_ORDERS.join(', ')}, got ${showArg(order)}`);
  }
  return order.split('').map((letter) => (letter === 'h' ? 'n' : letter));
}

/** Reorders the three gate blocks of `x` along `axis`. Exact (a copy of blocks). */
export function permuteGruGates<T extends tf.Tensor>(x: T, from: GruGateOrder, to: GruGateOrder, axis = 0): T {
  const where = 'permuteGruGates';
  checkTensorArg(x, 'x', where);
  checkNumberArg(axis, 'axis', where, { integer: true });
  const src = gruGatesOf(from, where);
  const perm = gruGatesOf(to, where).map((g) => src.indexOf(g));
  const ax = axis < 0 ? x.rank + axis : axis;
  if (ax < 0 || ax >= x.rank || x.shape[ax] % 3 !== 0) {
    throw new ShapeError(`${where}: axis ${axis} of a tensor shaped ${formatShape(x.shape)} must exist and hold 3 gate blocks`);
  }
  if (perm.every((p, k) => p === k)) return tf.clone(x) as T;
  return tf.tidy(() => {
    const blocks = tf.split(x, 3, ax);
    return tf.concat(perm.map((p) => blocks[p]), ax) as T;
  });
}

/** PyTorch / canonical (r, z, n) → Keras / ONNX (z, r, h). */
export const rznToZrh = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGruGates(x, 'rzn', 'zrh', axis);
/** Keras / ONNX (z, r, h) → PyTorch / canonical (r, z, n). */
export const zrhToRzn = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGruGates(x, 'zrh', 'rzn', axis);
