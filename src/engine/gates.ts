/**
 * Gate orders and the permutations between them.
 *
 * A 4H-stacked weight holds the four gate blocks one after another along one axis. Frameworks
 * stack them in different orders; the letters are each framework's own names for the gates:
 *
 * | order | convention |
 * |---|---|
 * | `ifgo` | PyTorch `nn.LSTM` (g = cell candidate); the engine's canonical order |
 * | `ifco` | Keras, tf.keras, tfjs-layers, cuDNN (same order as `ifgo`, c = candidate) |
 * | `iofc` | ONNX `LSTM` |
 * | `ijfo` | TF1 `BasicLSTMCell`/`LSTMCell`, tfjs-core `basicLSTMCell` (j = candidate) |
 * | `icfo` | Keras 1 per-gate arrays |
 * | `ifog` | Caffe |
 * | `fico` | OpenVINO `LSTMSequence` |
 *
 * The candidate is spelled `g`, `c` or `j`; all three mean the same gate.
 *
 * Named permutations (tf2onnx style), each reordering the four gate blocks of a stacked weight
 * along `axis` (default 0, the rows of a PyTorch/ONNX weight; use 1 for the columns of a
 * Keras/TF kernel). Exact copies of blocks.
 *
 * | function | from | to |
 * |---|---|---|
 * | `ifgoToIofc`, `iofcToIfgo` | PyTorch / canonical (i, f, g, o) | ONNX (i, o, f, c) |
 * | `ifgoToIjfo`, `ijfoToIfgo` | PyTorch / canonical | TF1 (i, j, f, o) |
 * | `ifgoToIcfo`, `icfoToIfgo` | PyTorch / canonical | Keras 1 per-gate arrays (i, c, f, o) |
 * | `ifcoToIofc`, `iofcToIfco` | Keras / cuDNN (i, f, c, o) | ONNX — tf2onnx's `ifco -> iofc` |
 * | `iofcToIjfo`, `ijfoToIofc` | ONNX | TF1 (i, j, f, o) |
 * | `ifgoToIfog`, `ifogToIfgo` | PyTorch | Caffe (i, f, o, g) |
 * | `ifgoToFico`, `ficoToIfgo` | PyTorch | OpenVINO `LSTMSequence` (f, i, c, o) |
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../errors';
import { checkNumberArg, checkTensorArg, showArg } from './args';

/** A gate order: the four gates' letters in stacking order. */
export type GateOrder = 'ifgo' | 'ifco' | 'iofc' | 'ijfo' | 'icfo' | 'ifog' | 'fico';

type Gate = 'i' | 'f' | 'g' | 'o';

const GATE_ORDERS: readonly GateOrder[] = ['ifgo', 'ifco', 'iofc', 'ijfo', 'icfo', 'ifog', 'fico'];

function gatesOf(order: GateOrder): Gate[] {
  if (!GATE_ORDERS.includes(order)) {
    throw new ConfigError(`gate order expected one of ${GATE_ORDERS.join(', ')}, got ${showArg(order)}`);
  }
  return order.split('').map((letter) => (letter === 'c' || letter === 'j' ? 'g' : letter) as Gate);
}

/**
 * The block permutation from one order to another: `result[k]` is the index, in `from`, of the
 * block that goes to position `k` in `to`.
 */
export function gatePermutation(from: GateOrder, to: GateOrder): [number, number, number, number] {
  const src = gatesOf(from);
  const dst = gatesOf(to);
  return dst.map((gate) => src.indexOf(gate)) as [number, number, number, number];
}

/**
 * Reorders the four gate blocks of `x` along `axis` from one order to another.
 * Exact (a copy of blocks, no arithmetic). The size of `axis` must be divisible by 4.
 */
export function permuteGates<T extends tf.Tensor>(x: T, from: GateOrder, to: GateOrder, axis = 0): T {
  checkTensorArg(x, 'x', 'permuteGates');
  checkNumberArg(axis, 'axis', 'permuteGates', { integer: true });
  const perm = gatePermutation(from, to);
  const ax = axis < 0 ? x.rank + axis : axis;
  const size = x.shape[ax];
  if (ax < 0 || ax >= x.rank || size % 4 !== 0) {
    throw new ShapeError(
      `permuteGates: axis ${axis} of a tensor shaped ${formatShape(x.shape)} must exist and hold 4 gate blocks`,
    );
  }
  if (perm.every((p, k) => p === k)) return tf.clone(x) as T;
  return tf.tidy(() => {
    const blocks = tf.split(x, 4, ax);
    return tf.concat(perm.map((p) => blocks[p]), ax) as T;
  });
}

/** Named permutations, after their orders (see the table above). */
export const ifgoToIofc = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifgo', 'iofc', axis);
export const iofcToIfgo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'iofc', 'ifgo', axis);
export const ifgoToIjfo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifgo', 'ijfo', axis);
export const ijfoToIfgo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ijfo', 'ifgo', axis);
export const ifgoToIcfo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifgo', 'icfo', axis);
export const icfoToIfgo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'icfo', 'ifgo', axis);
export const ifcoToIofc = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifco', 'iofc', axis);
export const iofcToIfco = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'iofc', 'ifco', axis);
export const iofcToIjfo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'iofc', 'ijfo', axis);
export const ijfoToIofc = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ijfo', 'iofc', axis);
export const ifgoToIfog = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifgo', 'ifog', axis);
export const ifogToIfgo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifog', 'ifgo', axis);
export const ifgoToFico = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifgo', 'fico', axis);
export const ficoToIfgo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'fico', 'ifgo', axis);
