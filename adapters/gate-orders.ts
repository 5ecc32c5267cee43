/**
 * Named gate permutations the engine does not name (`src/engine/gates.ts` has
 * `ifgoToIofc`, `iofcToIfgo`, `ifgoToIjfo`, `ijfoToIfgo`, `ifgoToIcfo`, `icfoToIfgo`).
 *
 * Each reorders the four gate blocks of a stacked weight along `axis` (default 0, the rows of a
 * PyTorch/ONNX weight; use 1 for the columns of a Keras/TF kernel). Exact copies of blocks.
 *
 * | function | from | to |
 * |---|---|---|
 * | `ifcoToIofc`, `iofcToIfco` | Keras / cuDNN (i, f, c, o) | ONNX (i, o, f, c) — tf2onnx's `ifco -> iofc` |
 * | `iofcToIjfo`, `ijfoToIofc` | ONNX | TF1 (i, j, f, o) |
 * | `ifgoToIfog`, `ifogToIfgo` | PyTorch | Caffe (i, f, o, g) |
 * | `ifgoToFico`, `ficoToIfgo` | PyTorch | OpenVINO `LSTMSequence` (f, i, c, o) |
 */
import * as tf from '@tensorflow/tfjs-core';

import { permuteGates } from '../src/engine';

export const ifcoToIofc = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifco', 'iofc', axis);
export const iofcToIfco = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'iofc', 'ifco', axis);
export const iofcToIjfo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'iofc', 'ijfo', axis);
export const ijfoToIofc = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ijfo', 'iofc', axis);
export const ifgoToIfog = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifgo', 'ifog', axis);
export const ifogToIfgo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifog', 'ifgo', axis);
export const ifgoToFico = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'ifgo', 'fico', axis);
export const ficoToIfgo = <T extends tf.Tensor>(x: T, axis = 0): T => permuteGates(x, 'fico', 'ifgo', axis);
