/** The input check every torch-style cell (`nn.LSTMCell`, `nn.GRUCell`, `nn.RNNCell`) makes. */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../errors';
import { checkTensorArg } from '../engine/internal';
import { checkShape } from './module';

/** Checks a cell's input, (N, H_in) or (H_in) unbatched. @throws ShapeError naming expected vs got. */
export function checkCellInput(input: tf.Tensor, inputSize: number, where: string): { unbatched: boolean; N: number } {
  checkTensorArg(input, 'input', where, { dtype: 'float32' });
  if (input.rank !== 1 && input.rank !== 2) {
    throw new ShapeError(`${where}: input expected 1-D (unbatched) or 2-D, got ${input.rank}-D ${formatShape(input.shape)}`);
  }
  const unbatched = input.rank === 1;
  const N = unbatched ? 1 : input.shape[0];
  checkShape(input, unbatched ? [inputSize] : [N, inputSize], 'input', where);
  return { unbatched, N };
}
