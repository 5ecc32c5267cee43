/**
 * Dropout masks of the Keras facade: one mask per call, held fixed across the time steps
 * (Keras' `dropout` on the inputs and `recurrent_dropout` on the recurrent state of an LSTM).
 *
 * A mask is (N, F): each entry is 0 with probability `rate`, else 1 / (1 - rate) (inverted
 * dropout, so the expected value of a masked input is the input).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * A stream of seeds for the masks of one layer, like Keras' `SeedGenerator`: with a seed, the
 * k-th mask drawn by the layer is the same in every run; without, masks are unseeded.
 */
export class SeedStream {
  private drawn = 0;

  constructor(readonly seed: number | null) {}

  /** The seed of the next mask (`undefined` when unseeded). */
  next(): number | undefined {
    if (this.seed === null) return undefined;
    return this.seed + this.drawn++;
  }
}

/**
 * A dropout mask (N, F) of zeros (probability `rate`) and 1 / (1 - rate).
 * `rate` must be in (0, 1).
 */
export function dropoutMask(shape: readonly [number, number], rate: number, seed?: number): tf.Tensor2D {
  return tf.tidy(() => {
    const u = tf.randomUniform(shape as [number, number], 0, 1, 'float32', seed);
    return tf.div(tf.cast(tf.greaterEqual(u, rate), 'float32'), 1 - rate) as tf.Tensor2D;
  });
}
