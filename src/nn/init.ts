/** PyTorch's default initialisation of recurrent layers. */
import * as tf from '@tensorflow/tfjs-core';

/** U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)), PyTorch's `reset_parameters` for RNNs. */
export function uniformInit(shape: number[], hiddenSize: number, seed?: number): tf.Tensor {
  const k = 1 / Math.sqrt(hiddenSize);
  return tf.randomUniform(shape, -k, k, 'float32', seed);
}
