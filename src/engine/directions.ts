/**
 * Combining the two directions of a bidirectional layer, as Keras' `Bidirectional` does
 * (`merge_mode`). One definition for the Keras facade and the adapters.
 *
 * Legend: forward and backward outputs of the same shape (…, H), the backward one already in
 * time order.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../errors';
import { checkTensorArg, showArg } from './args';

/** Keras `Bidirectional` merge modes; `null` keeps the two outputs apart. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

/** Every {@link MergeMode}, Keras' default `'concat'` first. */
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', null];

/**
 * Merges a forward and a (time-ordered) backward output: `concat` (last axis, forward first:
 * PyTorch's layout too), `sum`, `mul`, `ave` ((f + b) / 2), or `null` (`[f, b]`, copies).
 * @throws ConfigError for an unknown mode.
 */
export function mergeDirections(
  forward: tf.Tensor,
  backward: tf.Tensor,
  mode: MergeMode,
  where = 'engine.mergeDirections',
): tf.Tensor | [tf.Tensor, tf.Tensor] {
  checkTensorArg(forward, 'forward', where);
  checkTensorArg(backward, 'backward', where);
  // concat joins outputs of different sizes (a backward layer of other units); the others combine element-wise.
  const same = mode === 'concat' ? forward.shape.slice(0, -1).join() === backward.shape.slice(0, -1).join() && forward.rank === backward.rank : forward.shape.join() === backward.shape.join();
  if (mode !== null && !same) {
    const what = mode === 'concat' ? `all but the last axis of forward ${formatShape(forward.shape)}` : `the shape of forward ${formatShape(forward.shape)}`;
    throw new ShapeError(`${where}: backward expected ${what} (merge mode ${showArg(mode)}), got ${formatShape(backward.shape)}`);
  }
  switch (mode) {
    case 'concat':
      return tf.concat([forward, backward], forward.rank - 1);
    case 'sum':
      return tf.add(forward, backward);
    case 'mul':
      return tf.mul(forward, backward);
    case 'ave':
      return tf.tidy(() => tf.div(tf.add(forward, backward), 2));
    case null:
      return [tf.clone(forward), tf.clone(backward)];
    default:
      throw new ConfigError(`${where}: mode must be 'concat', 'sum', 'mul', 'ave' or null, got ${showArg(mode)}`);
  }
}
