/**
 * Weight constraints applied the way Keras applies them: after every update of the weight.
 *
 * tfjs-layers applies a `LayerVariable`'s constraint only in `LayerVariable.write()` (i.e. in
 * `setWeights()` and when loading), never after the optimizer's updates in `fit()`, so a
 * `kernelConstraint` of `tf.layers.lstm` has no effect on training. Keras applies constraints
 * after each optimizer step. Optimizers update a weight with `variable.assign(newValue)`; this
 * module makes that one variable's `assign` store `constraint(newValue)` instead. It changes
 * only the variables of our own layers, never tfjs' classes or global state.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { Constraint } from './identifiers';

/**
 * Makes every assignment to `variable` (optimizer updates, `setWeights`, loading) store the
 * projection of the new value by `constraint`, applied once.
 */
export function constrainAssignments(variable: tf.Variable, constraint: Constraint): void {
  const assign = tf.Variable.prototype.assign;
  Object.defineProperty(variable, 'assign', {
    configurable: true,
    writable: true,
    value(this: tf.Variable, newValue: tf.Tensor): void {
      const projected = tf.tidy(() => constraint.apply(newValue));
      assign.call(this, projected);
      if (projected !== newValue) projected.dispose();
    },
  });
}
