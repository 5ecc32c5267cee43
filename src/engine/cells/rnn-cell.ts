/**
 * The vanilla RNN cell (PyTorch `nn.RNN`, Keras `SimpleRNN`, ONNX `RNN`). Canonical weights,
 * legend I inputs, H hidden size:
 *
 * | field | shape | meaning |
 * |---|---|---|
 * | `kernel` | (I, H) | `weight_ih^T`, Keras `kernel` |
 * | `recurrentKernel` | (H, H) | `weight_hh^T`, Keras `recurrent_kernel` |
 * | `bias` | (H) or absent | PyTorch `bias_ih`, Keras `bias` |
 * | `recurrentBias` | (H) or absent | PyTorch `bias_hh`; summed with `bias` |
 *
 * State `[h (N, H)]`. The step, φ the activation (PyTorch `nonlinearity` tanh or relu):
 *
 *     h_t = φ(x_t @ kernel + bias + h_{t-1} @ recurrentKernel + recurrentBias)
 */
import * as tf from '@tensorflow/tfjs-core';

import { applyActivation } from '../activations';
import type { CellSizes, CellWeights, RecurrentCell } from '../cell';
import { ConfigError } from '../../errors';
import { gateCellSizes } from './gate-cell-sizes';

/** The weights of one vanilla RNN layer and direction, canonical form (see the module table). */
export type RnnWeights = CellWeights;

/**
 * Checks RNN weights against each other and returns their sizes.
 * @throws ShapeError naming the weight, the expected and the received shape.
 */
export function rnnSizes(w: RnnWeights, where = 'engine'): CellSizes {
  return gateCellSizes(w, 1, where);
}

function notYet(): never {
  throw new ConfigError('engine: the fast RNN executor is not built yet');
}

/** The vanilla RNN cell. */
export const RNN_CELL: RecurrentCell<RnnWeights> = {
  name: 'RNN',
  gates: 1,
  stateNames: ['h'],
  extraWeights: [],
  sizes: (w, where) => rnnSizes(w, where),
  stateSizes: (s) => [s.hiddenSize],
  prepare: notYet,
  step: notYet,
  recordSlots: () => 0,
  backward: notYet,
  inputBias: (w) => {
    if (w.bias && w.recurrentBias) return tf.add(w.bias, w.recurrentBias) as tf.Tensor1D;
    return w.bias ?? w.recurrentBias ?? null;
  },
  referenceStep: (xz, hIn, _prev, w, call) => [applyActivation(call.activation, tf.add(xz, tf.matMul(hIn, w.recurrentKernel))) as tf.Tensor2D],
};
