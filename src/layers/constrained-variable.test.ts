import * as tfl from '@tensorflow/tfjs-layers';

import { expectClose, tf } from '../../test/helpers/tf';
import { constrainUpdates } from './constrained-variable';

function weight(values: number[][], constraint: Parameters<typeof constrainUpdates>[1]): tfl.LayerVariable {
  const w = new tfl.LayerVariable(tf.tensor2d(values), 'float32', 'w', true);
  constrainUpdates(w, constraint);
  return w;
}

describe('constrainUpdates', () => {
  it('projects optimizer updates', () => {
    const w = weight([[0.1, 0.2], [0.3, 0.1]], tfl.constraints.maxNorm({ maxValue: 0.5, axis: 0 }));
    const v = w.read() as tf.Variable;
    const opt = tf.train.sgd(10);
    opt.minimize(() => tf.neg(tf.sum(tf.square(v))) as tf.Scalar, false, [v]);
    for (const n of tf.sqrt(tf.sum(tf.square(v), 0)).dataSync()) expect(n).toBeLessThanOrEqual(0.5 + 1e-5);
    opt.dispose();
  });

  it('stores set or loaded values as given (write), like Keras', () => {
    const w = weight([[1, 1]], tfl.constraints.nonNeg());
    w.write(tf.tensor2d([[-1, 5]]));
    expectClose(w.read(), [-1, 5], 0, 0, 'written');
    (w.read() as tf.Variable).assign(tf.tensor2d([[-2, 3]]));
    expectClose(w.read(), [0, 3], 0, 0, 'assigned');
  });

  it('changes only the variable it is given', () => {
    weight([[1]], tfl.constraints.nonNeg());
    const other = tf.variable(tf.tensor1d([0]));
    other.assign(tf.tensor1d([-1]));
    expectClose(other, [-1], 0, 0, 'untouched');
  });

  it('leaks no tensors', () => {
    const w = weight([[0, 0], [0, 0]], tfl.constraints.unitNorm({ axis: 0 }));
    const x = tf.ones([2, 2]);
    const before = tf.memory().numTensors;
    (w.read() as tf.Variable).assign(x);
    w.write(x);
    expect(tf.memory().numTensors).toBe(before);
  });
});
