/**
 * Weight constraints applied the way Keras applies them: after every optimizer update, and
 * never to values that are set or loaded.
 *
 * tfjs-layers applies a `LayerVariable`'s constraint only in `LayerVariable.write()` (i.e. in
 * `setWeights()` and when loading a model), never after the optimizer's updates in `fit()`: a
 * `kernelConstraint` of `tf.layers.lstm` has no effect on training, and loading a model can
 * change its weights. Keras applies constraints after each optimizer step only.
 *
 * Optimizers update a weight with `variable.assign(newValue)`; this module makes that one
 * variable's `assign` store `constraint(newValue)`, while `LayerVariable.write()` (setWeights,
 * loading) stores the value as given. It changes only the variables of our own layers, never
 * tfjs' classes or global state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';

import type { Constraint } from './identifiers';

/**
 * Makes optimizer updates of `weight` (any `assign` on its variable outside
 * `weight.write()`) store the projection of the new value by `constraint`.
 * The `LayerVariable` must have no constraint of its own.
 */
export function constrainUpdates(weight: LayerVariable, constraint: Constraint): void {
  const variable = weight.read() as tf.Variable;
  const assign = tf.Variable.prototype.assign;
  const write = Object.getPrototypeOf(weight).write as (this: LayerVariable, value: tf.Tensor) => LayerVariable;
  let writing = false;
  Object.defineProperty(variable, 'assign', {
    configurable: true,
    writable: true,
    value(this: tf.Variable, newValue: tf.Tensor): void {
      if (writing) {
        assign.call(this, newValue);
        return;
      }
      const projected = tf.tidy(() => constraint.apply(newValue));
      assign.call(this, projected);
      if (projected !== newValue) projected.dispose();
    },
  });
  Object.defineProperty(weight, 'write', {
    configurable: true,
    writable: true,
    value(this: LayerVariable, value: tf.Tensor): LayerVariable {
      writing = true;
      try {
        return write.call(this, value);
      } finally {
        writing = false;
      }
    },
  });
}
