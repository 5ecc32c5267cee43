/**
 * The engine's canonical weight form: the weights of ONE layer and ONE direction.
 *
 * Every facade and adapter converts to this form before it calls the engine, and every later
 * module builds on it. Legend: I = input features, H = hidden (cell) size, P = projection size,
 * H_out = P when projecting, else H.
 *
 * | field | shape | meaning |
 * |---|---|---|
 * | `kernel` | (I, 4H) | input weights, gate blocks along axis 1 in order **i, f, g, o**; `x_t @ kernel` |
 * | `recurrentKernel` | (H_out, 4H) | recurrent weights, same gate order; `h_{t-1} @ recurrentKernel` |
 * | `bias` | (4H) or absent | input bias (PyTorch `bias_ih`, Keras `bias`) |
 * | `recurrentBias` | (4H) or absent | second bias (PyTorch `bias_hh`, cuDNN); summed with `bias` |
 * | `projection` | (H, P) or absent | LSTMP projection; `h_t = (o_t * act(c_t)) @ projection` |
 *
 * So the layout is Keras's (`kernel = weight_ih^T`, `recurrentKernel = weight_hh^T`,
 * `projection = weight_hr^T`) and the gate order is PyTorch's and Keras's shared i, f, g, o.
 * Matrices are "input-rows" so that the hot path multiplies without transposes. Sequences
 * passed to the engine are time-major, (T, N, I).
 *
 * The step, with σ = recurrent activation and φ = activation (PyTorch: sigmoid and tanh):
 *
 *     z_t = x_t @ kernel + h_{t-1} @ recurrentKernel + bias + recurrentBias   (N, 4H)
 *     i, f, g, o = split(z_t, 4)
 *     c_t = σ(f) * c_{t-1} + σ(i) * φ(g)
 *     h_t = σ(o) * φ(c_t)          (then @ projection when present)
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import { checkRecordArg, checkTensorArg } from './args';
import type { CellSizes, CellWeights } from './cell';

/**
 * The weights of one layer and one direction, in the engine's canonical form: the fields of
 * every cell (`CellWeights`, with G = 4: `kernel (I, 4H)`, `recurrentKernel (H_out, 4H)`, gates
 * i, f, g, o along axis 1, `bias` and `recurrentBias (4H)`, summed) plus the projection.
 */
export interface LstmWeights extends CellWeights {
  /** (H, P): output projection (LSTMP). */
  readonly projection?: tf.Tensor2D | null;
}

/** The sizes a set of canonical weights implies (H_out: P with a projection, else H). */
export type LstmSizes = CellSizes;

/**
 * Checks that the weights are consistent with each other and returns their sizes.
 * @throws ShapeError naming the weight, the expected and the received shape.
 */
export function lstmSizes(w: LstmWeights, where = 'engine'): LstmSizes {
  checkRecordArg(w, 'weights', where);
  checkTensorArg(w.kernel, 'kernel', where);
  checkTensorArg(w.recurrentKernel, 'recurrentKernel', where);
  for (const name of ['bias', 'recurrentBias', 'projection'] as const) if (w[name]) checkTensorArg(w[name], name, where);
  if (w.kernel.rank !== 2 || w.kernel.shape[1] % 4 !== 0) {
    throw new ShapeError(`${where}: kernel expected (I, 4H), got ${formatShape(w.kernel.shape)}`);
  }
  const inputSize = w.kernel.shape[0];
  const hiddenSize = w.kernel.shape[1] / 4;
  let outputSize = hiddenSize;
  if (w.projection) {
    if (w.projection.rank !== 2 || w.projection.shape[0] !== hiddenSize) {
      throw new ShapeError(
        `${where}: projection expected [${hiddenSize}, P], got ${formatShape(w.projection.shape)}`,
      );
    }
    outputSize = w.projection.shape[1];
  }
  const expectRk = [outputSize, 4 * hiddenSize];
  if (w.recurrentKernel.rank !== 2 || w.recurrentKernel.shape.some((d, k) => d !== expectRk[k])) {
    throw new ShapeError(
      `${where}: recurrentKernel expected ${formatShape(expectRk)}, got ${formatShape(w.recurrentKernel.shape)}`,
    );
  }
  for (const name of ['bias', 'recurrentBias'] as const) {
    const b = w[name];
    if (b && (b.rank !== 1 || b.shape[0] !== 4 * hiddenSize)) {
      throw new ShapeError(`${where}: ${name} expected [${4 * hiddenSize}], got ${formatShape(b.shape)}`);
    }
  }
  return { inputSize, hiddenSize, outputSize };
}

/** Number of scalar parameters in one layer-direction. */
export function countLstmParameters(w: LstmWeights): number {
  lstmSizes(w, 'engine.countLstmParameters');
  return [w.kernel, w.recurrentKernel, w.bias, w.recurrentBias, w.projection].reduce(
    (n, t) => n + (t ? t.size : 0),
    0,
  );
}
