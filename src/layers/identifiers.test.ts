import * as tfl from '@tensorflow/tfjs-layers';

import { tf } from '../../test/helpers/tf';
import { ConfigError } from '../errors';
import { getConstraint, getInitializer, getRegularizer, serializeObject } from './identifiers';

const W = 'test';

describe('identifiers', () => {
  it('resolves initializers by tfjs or Keras name, object, or {className, config}', () => {
    expect(serializeObject(getInitializer('glorotUniform', 'k', W))).toEqual(serializeObject(getInitializer('glorot_uniform', 'k', W)));
    expect(getInitializer('lecun_normal', 'k', W)!.getClassName()).toBe('VarianceScaling');
    expect(serializeObject(getInitializer('orthogonal', 'k', W))).toEqual({ className: 'Orthogonal', config: { gain: 1, seed: undefined } });
    const obj = tfl.initializers.randomNormal({ mean: 1, stddev: 2 });
    expect(getInitializer(obj, 'k', W)).toBe(obj);
    const dict = serializeObject(obj)!;
    expect(serializeObject(getInitializer(dict, 'k', W))).toEqual(dict);
    expect(getInitializer(null, 'k', W)).toBeNull();
  });

  it('resolves regularizers and constraints with documented defaults', () => {
    expect(serializeObject(getRegularizer('l1', 'r', W))).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0 } });
    expect(serializeObject(getRegularizer('L2', 'r', W))).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(serializeObject(getRegularizer('l1_l2', 'r', W))).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0.01 } });
    expect(serializeObject(getConstraint('non_neg', 'c', W))).toEqual({ className: 'NonNeg', config: {} });
    expect(serializeObject(getConstraint({ className: 'MinMaxNorm', config: { maxValue: 3 } }, 'c', W))).toEqual({
      className: 'MinMaxNorm',
      config: { minValue: 0, maxValue: 3, rate: 1, axis: 0 },
    });
    const reg = getRegularizer('l2', 'r', W)!;
    const x = tf.tensor1d([1, 2]);
    expect(reg.apply(x).dataSync()[0]).toBeCloseTo(0.05, 6);
  });

  it('rejects unknown names, wrong kinds and malformed values with ConfigError naming the argument', () => {
    expect(() => getInitializer('he_banana', 'kernelInitializer', W)).toThrow(ConfigError);
    expect(() => getInitializer('he_banana', 'kernelInitializer', W)).toThrow(/test: kernelInitializer expected one of/);
    expect(() => getRegularizer(tfl.constraints.nonNeg(), 'kernelRegularizer', W)).toThrow(/expected a regularizer, got a NonNeg/);
    expect(() => getConstraint({ className: 'Zeros', config: {} }, 'biasConstraint', W)).toThrow(/registered constraint class/);
    expect(() => getConstraint(3, 'biasConstraint', W)).toThrow(/got number 3/);
    expect(() => getInitializer([], 'k', W)).toThrow(/got an array/);
  });
});
