import { KerasLayerError } from './errors';
import {
  LayerContext,
  defaultRecurrentActivation,
  dtypeName,
  kerasGeneration,
  normalizeConstraint,
  normalizeInitializer,
  normalizeRegularizer,
  tfjsActivation,
} from './objects';

const ctx = (generation: 1 | 2 | 3 = 2): LayerContext => ({ where: 'io.loadKeras', layer: 'dense_1', className: 'Dense', generation });

describe('keras-objects', () => {
  it('tells the Keras generation from keras_version, else from the config', () => {
    expect(['1.2.2', '2.0.8', '2.2.4-tf', '3.13.2', 'tfjs-layers 4.22.0'].map((v) => kerasGeneration(v, null))).toEqual([1, 2, 2, 3, 2]);
    expect(kerasGeneration(null, { config: { layers: [{ config: { batch_shape: [null, 2] } }] } })).toBe(3);
    expect(kerasGeneration(null, { config: [{ config: { output_dim: 4, init: 'glorot_uniform' } }] })).toBe(1);
    expect(kerasGeneration(null, { config: [{ config: { units: 4 } }] })).toBe(2);
  });

  it('defaults recurrent_activation as each Keras version did', () => {
    expect(defaultRecurrentActivation('1.2.2', 1)).toBe('hard_sigmoid');
    expect(defaultRecurrentActivation('2.2.4', 2)).toBe('hard_sigmoid');
    expect(defaultRecurrentActivation('2.3.1', 2)).toBe('sigmoid');
    expect(defaultRecurrentActivation('2.2.4-tf', 2)).toBe('sigmoid');
    expect(defaultRecurrentActivation('3.0.0', 3)).toBe('sigmoid');
  });

  it('reads dtypes as strings or DTypePolicy objects', () => {
    expect(dtypeName(ctx(), 'int32')).toBe('int32');
    expect(dtypeName(ctx(), { module: 'keras', class_name: 'DTypePolicy', config: { name: 'mixed_float16' }, registered_name: null })).toBe('mixed_float16');
    expect(() => dtypeName(ctx(), { class_name: 'Other' })).toThrow(KerasLayerError);
  });

  it('maps activations of tfjs layers; hard_sigmoid only before Keras 3', () => {
    expect(tfjsActivation(ctx(), 'silu')).toBe('swish');
    expect(tfjsActivation(ctx(), null)).toBe('linear');
    expect(tfjsActivation(ctx(3), { module: 'keras.activations', class_name: 'function', config: 'relu', registered_name: 'function' })).toBe('relu');
    expect(tfjsActivation(ctx(2), 'hard_sigmoid')).toBe('hard_sigmoid');
    expect(() => tfjsActivation(ctx(3), 'hard_sigmoid')).toThrow(/layer 'dense_1' \(Dense\): activation 'hard_sigmoid' of Keras 3/);
    expect(() => tfjsActivation(ctx(), 'exponential')).toThrow(/activation "exponential" is not supported/);
  });

  it('normalizes initializers, regularizers and constraints from Keras 1, 2 and 3', () => {
    expect(normalizeInitializer(ctx(1), 'init', 'uniform')).toEqual({ class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } });
    expect(normalizeInitializer(ctx(3), 'k', { module: 'keras.initializers', class_name: 'LecunNormal', config: { seed: 3 }, registered_name: null })).toEqual({ class_name: 'LeCunNormal', config: { seed: 3 } });
    expect(normalizeInitializer(ctx(2), 'k', { class_name: 'GlorotUniform', config: { seed: null, dtype: 'float32' } })).toEqual({ class_name: 'GlorotUniform', config: { seed: null } });
    expect(() => normalizeInitializer(ctx(), 'k', { class_name: 'MyInit', config: {} })).toThrow(/k "MyInit" is not an initializer/);
    expect(normalizeRegularizer(ctx(1), 'W_regularizer', { name: 'WeightRegularizer', l1: 0, l2: 0.01 })).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(normalizeRegularizer(ctx(3), 'r', { module: 'keras.regularizers', class_name: 'L2', config: { l2: 1e-4 }, registered_name: null })).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 1e-4 } });
    expect(() => normalizeRegularizer(ctx(3), 'r', { class_name: 'OrthogonalRegularizer', config: {} })).toThrow(KerasLayerError);
    expect(normalizeConstraint(ctx(1), 'W_constraint', { name: 'MaxNorm', m: 2, axis: 0 })).toEqual({ class_name: 'MaxNorm', config: { axis: 0, max_value: 2 } });
    expect(() => normalizeConstraint(ctx(), 'c', { class_name: 'Clip', config: {} })).toThrow(/c \{"class_name":"Clip"/);
  });
});
