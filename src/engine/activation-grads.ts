/**
 * Derivatives of the engine's activations, for the hand-written backward pass of the fast
 * recurrence (`./recurrence-backward`, `./cells/*-backward`).
 *
 * `activationDerivative(name, pre, post)` returns dφ/dx evaluated element-wise, given the
 * pre-activation `pre` (x) and the activation `post` (φ(x)). Each formula matches the gradient
 * tfjs-core's own kernels give for the ops `applyActivation` uses (e.g. clipByValue passes the
 * gradient where `min <= u <= max`, relu's where `x > 0`), so the two paths agree to float32
 * rounding.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName } from './activations';

/** True when the derivative of `name` can be computed from the activation's output alone. */
export function derivativeFromOutput(name: ActivationName): boolean {
  return name === 'sigmoid' || name === 'tanh' || name === 'linear' || name === 'elu';
}

function clipMask(u: tf.Tensor, scale: number): tf.Tensor {
  return tf.mul(tf.cast(tf.logicalAnd(tf.greaterEqual(u, 0), tf.lessEqual(u, 1)), 'float32'), scale);
}

/**
 * dφ/dx element-wise. `pre` may be null for the activations of {@link derivativeFromOutput}.
 * Returns null for `linear` (the derivative is one: callers skip the product).
 */
export function activationDerivative(name: ActivationName, pre: tf.Tensor | null, post: tf.Tensor): tf.Tensor | null {
  const x = () => {
    if (!pre) throw new Error(`activationDerivative: ${name} needs the pre-activation`);
    return pre;
  };
  switch (name) {
    case 'linear':
      return null;
    case 'sigmoid':
      return tf.mul(post, tf.sub(1, post));
    case 'tanh':
      return tf.sub(1, tf.square(post));
    case 'elu':
      return tf.where(tf.greaterEqual(post, 0), tf.onesLike(post), tf.add(post, 1));
    case 'hardSigmoid':
      return clipMask(tf.add(tf.mul(x(), 0.2), 0.5), 0.2);
    case 'hardSigmoidKeras3':
      return clipMask(tf.add(tf.div(x(), 6), 0.5), 1 / 6);
    case 'relu':
      return tf.cast(tf.greater(x(), 0), 'float32');
    case 'relu6':
      return tf.cast(tf.logicalAnd(tf.greater(x(), 0), tf.lessEqual(x(), 6)), 'float32');
    case 'selu': {
      const scale = 1.0507009873554804934193349852946;
      const alpha = 1.6732632423543772848170429916717;
      return tf.where(tf.greater(x(), 0), tf.fill(x().shape, scale), tf.mul(tf.exp(x()), scale * alpha));
    }
    case 'softplus':
      return tf.sigmoid(x());
    case 'softsign':
      return tf.reciprocal(tf.square(tf.add(tf.abs(x()), 1)));
    case 'swish': {
      const s = tf.sigmoid(x());
      return tf.add(s, tf.mul(x(), tf.mul(s, tf.sub(1, s))));
    }
  }
}

/** `dy * dφ/dx`, skipping the product for `linear`. */
export function activationBackward(name: ActivationName, dy: tf.Tensor, pre: tf.Tensor | null, post: tf.Tensor): tf.Tensor {
  const d = activationDerivative(name, pre, post);
  return d ? tf.mul(dy, d) : dy;
}
