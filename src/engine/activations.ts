/**
 * Gate and cell activations the engine supports, by name.
 *
 * Names are camelCase TypeScript names; {@link parseActivation} also takes the Keras/PyTorch
 * spellings found in real configs (`hard_sigmoid`, `Tanh`, ...).
 *
 * | name | function | used by |
 * |---|---|---|
 * | `sigmoid` | 1 / (1 + e^-x) | PyTorch, Keras (default recurrent activation) |
 * | `tanh` | tanh x | PyTorch, Keras (default activation) |
 * | `hardSigmoid` | clip(0.2x + 0.5, 0, 1) | Keras 1/2, tf.keras, tfjs-layers (`hard_sigmoid`) |
 * | `hardSigmoidKeras3` | clip(x / 6 + 0.5, 0, 1) | Keras 3's `hard_sigmoid` |
 * | `relu`, `relu6`, `elu`, `selu`, `softplus`, `softsign`, `swish`, `linear` | as named | Keras configs |
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../errors';
import { showArg } from './args';

export const ACTIVATIONS = [
  'sigmoid',
  'tanh',
  'hardSigmoid',
  'hardSigmoidKeras3',
  'relu',
  'relu6',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'swish',
  'linear',
] as const;

/** An activation the engine can apply, by its canonical name. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/**
 * Spellings seen in real configs, mapped to canonical names. `hard_sigmoid` maps to the
 * Keras 2 / tfjs form: loaders of Keras 3 files must map it to `hardSigmoidKeras3` themselves.
 */
const ALIASES: Record<string, ActivationName> = {
  hard_sigmoid: 'hardSigmoid',
  hardsigmoid: 'hardSigmoid',
  hard_sigmoid_keras3: 'hardSigmoidKeras3',
  silu: 'swish',
  identity: 'linear',
  none: 'linear',
};

/** True when `name` is a canonical activation name. */
export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name);
}

/**
 * Resolves a name (canonical, snake_case, or any capitalization) to a canonical activation.
 * @throws ConfigError naming `argName` and the accepted values.
 */
export function parseActivation(name: unknown, argName: string, where: string): ActivationName {
  if (isActivationName(name)) return name;
  if (typeof name === 'string') {
    const key = name.toLowerCase();
    if (key in ALIASES) return ALIASES[key];
    const found = ACTIVATIONS.find((a) => a.toLowerCase() === key);
    if (found) return found;
  }
  throw new ConfigError(
    `${where}: ${argName} must be one of ${ACTIVATIONS.join(', ')} (or hard_sigmoid), ` +
      `got ${showArg(name)}`,
  );
}

/** Applies the named activation. Differentiable (tfjs-core ops only). */
export function applyActivation(name: ActivationName, x: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'hardSigmoid':
      return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
    case 'hardSigmoidKeras3':
      return tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1);
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'softplus':
      return tf.softplus(x);
    case 'softsign':
      return tf.div(x, tf.add(tf.abs(x), 1));
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'linear':
      return x;
  }
}
