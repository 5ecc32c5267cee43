import * as tfl from '@tensorflow/tfjs-layers';

import { callWithGrads, disposeResult, expectSameResults, randomLstmWeights } from '../../test/helpers/layers';
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { ConfigError, ShapeError } from '../errors';
import { LSTM, lstm } from './lstm';

const N = 2, T = 4, F = 3, U = 5;

function built(args: ConstructorParameters<typeof LSTM>[0], seed = 1): LSTM {
  const layer = new LSTM(args);
  tf.dispose(layer.apply(randomTensor([N, T, F], seed)) as tf.Tensor);
  return layer;
}

describe('layers.LSTM: construction and defaults', () => {
  it('is a tfjs-layers Layer with the lower-case factory', () => {
    const layer = lstm({ units: 7 });
    expect(layer).toBeInstanceOf(LSTM);
    expect(layer).toBeInstanceOf(tfl.layers.Layer);
    expect(layer.getClassName()).toBe('LstmBridge.LSTM');
  });

  it('has Keras defaults, not tfjs-layers ones', () => {
    const c = new LSTM({ units: 7 }).getConfig();
    expect(c.recurrentActivation).toBe('sigmoid');
    expect(c.activation).toBe('tanh');
    expect(c.unitForgetBias).toBe(true);
    expect(c.kernelInitializer).toEqual({ className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: undefined } });
    expect((c.recurrentInitializer as { className: string }).className).toBe('Orthogonal');
    expect((c.biasInitializer as { className: string }).className).toBe('Zeros');
    const tfjs = tfl.layers.lstm({ units: 7 }).getConfig();
    expect(tfjs.recurrentActivation).toBe('hardSigmoid');
    expect((tfjs.kernelInitializer as { config: { distribution: string } }).config.distribution).toBe('normal');
  });

  it('names weights kernel (F, 4U), recurrent_kernel (U, 4U), bias (4U), in that order', () => {
    const layer = built({ units: U, name: 'my_lstm' });
    expect(layer.weights.map((w) => [w.originalName, w.shape])).toEqual([
      ['my_lstm/kernel', [F, 4 * U]],
      ['my_lstm/recurrent_kernel', [U, 4 * U]],
      ['my_lstm/bias', [4 * U]],
    ]);
    expect(built({ units: U, useBias: false }).weights.length).toBe(2);
    expect(layer.countParams()).toBe(4 * U * (F + U + 1));
  });

  it('initializes like Keras: forget-gate bias 1, glorot-uniform kernel, orthogonal recurrent kernel', () => {
    const layer = built({ units: U, biasInitializer: 'ones' });
    const [k, rk, b] = layer.getWeights();
    const bias = b.arraySync() as number[];
    expect(bias).toEqual([...Array(U).fill(1), ...Array(U).fill(1), ...Array(2 * U).fill(1)]);
    const plain = built({ units: U });
    expect((plain.getWeights()[2].arraySync() as number[])).toEqual([...Array(U).fill(0), ...Array(U).fill(1), ...Array(2 * U).fill(0)]);
    const limit = Math.sqrt(6 / (F + 4 * U));
    expect(tf.max(tf.abs(k)).dataSync()[0]).toBeLessThanOrEqual(limit);
    // recurrent_kernel (U, 4U) has orthonormal rows: R R^T = I.
    expectClose(tf.matMul(rk, rk, false, true), tf.eye(U), 1e-5, 0, 'R R^T');
    const noForgetBias = built({ units: U, unitForgetBias: false, biasInitializer: 'zeros' });
    expect(tf.sum(noForgetBias.getWeights()[2]).dataSync()[0]).toBe(0);
  });

  it('accepts Keras snake_case names and tfjs objects for initializers, regularizers, constraints', () => {
    const layer = new LSTM({
      units: 3,
      recurrentActivation: 'hard_sigmoid',
      kernelInitializer: 'glorot_normal',
      recurrentInitializer: tfl.initializers.heNormal({ seed: 1 }),
      biasInitializer: { className: 'Constant', config: { value: 0.5 } },
      kernelRegularizer: 'l2',
      recurrentRegularizer: tfl.regularizers.l1({ l1: 0.1 }),
      kernelConstraint: 'max_norm',
      biasConstraint: tfl.constraints.nonNeg(),
    });
    const c = layer.getConfig();
    expect(c.recurrentActivation).toBe('hardSigmoid');
    expect(c.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(c.kernelConstraint).toEqual({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } });
    expect(c.biasInitializer).toEqual({ className: 'Constant', config: { value: 0.5 } });
  });
});

describe('layers.LSTM: config round trip', () => {
  it('getConfig -> fromConfig -> getConfig is the identity for every argument', () => {
    const layer = new LSTM({
      units: 4,
      activation: 'relu',
      recurrentActivation: 'hardSigmoidKeras3',
      useBias: false,
      kernelInitializer: 'heUniform',
      recurrentInitializer: 'glorotNormal',
      biasInitializer: 'ones',
      unitForgetBias: false,
      kernelRegularizer: 'l1',
      recurrentRegularizer: 'l2',
      biasRegularizer: 'l1l2',
      activityRegularizer: 'l2',
      kernelConstraint: 'maxNorm',
      recurrentConstraint: 'unitNorm',
      biasConstraint: 'nonNeg',
      dropout: 0.25,
      recurrentDropout: 0.5,
      seed: 42,
      implementation: 1,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      stateful: true,
      unroll: true,
      timeMajor: true,
      zeroOutputForMask: true,
      batchInputShape: [5, 2, 3],
      name: 'every_arg',
      trainable: false,
    });
    const config = layer.getConfig();
    const copy = LSTM.fromConfig(LSTM, { ...config, customObjects: {} }) as LSTM;
    expect(copy.getConfig()).toEqual(config);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(config).toMatchObject({
      units: 4, activation: 'relu', recurrentActivation: 'hardSigmoidKeras3', useBias: false, unitForgetBias: false,
      dropout: 0.25, recurrentDropout: 0.5, seed: 42, implementation: 1, returnSequences: true, returnState: true,
      goBackwards: true, stateful: true, unroll: true, timeMajor: true, zeroOutputForMask: true,
      batchInputShape: [5, 2, 3], name: 'every_arg', trainable: false,
    });
  });

  it('is registered under its own className; tfjs-layers keeps its LSTM', () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    expect(map['LstmBridge.LSTM'][0]).toBe(LSTM);
    expect(map['LSTM'][0]).not.toBe(LSTM);
    expect(tfl.layers.lstm({ units: 2 }).getClassName()).toBe('LSTM');
  });
});

describe('layers.LSTM: call', () => {
  it('returns the last output, the sequence, and the states with the documented shapes', () => {
    const x = randomTensor([N, T, F], 3);
    expect((lstm({ units: U }).apply(x) as tf.Tensor).shape).toEqual([N, U]);
    const [seq, h, c] = lstm({ units: U, returnSequences: true, returnState: true }).apply(x) as tf.Tensor[];
    expect([seq.shape, h.shape, c.shape]).toEqual([[N, T, U], [N, U], [N, U]]);
    expectClose(tf.reshape(tf.slice(seq, [0, T - 1, 0], [N, 1, U]), [N, U]), h, 0, 0, 'last step = h');
    const xt = tf.transpose(x, [1, 0, 2]);
    expect((lstm({ units: U, timeMajor: true, returnSequences: true }).apply(xt) as tf.Tensor).shape).toEqual([T, N, U]);
  });

  it('timeMajor computes exactly the batch-major result, transposed', () => {
    const x = randomTensor([N, T, F], 4);
    const mask = tf.tensor2d([[1, 1, 0, 1], [1, 0, 1, 1]], [N, T], 'bool');
    for (const goBackwards of [false, true]) {
      const a = built({ units: U, returnSequences: true, returnState: true, goBackwards });
      const b = new LSTM({ units: U, returnSequences: true, returnState: true, goBackwards, timeMajor: true });
      tf.dispose(b.apply(tf.transpose(x, [1, 0, 2])) as tf.Tensor[]);
      b.setWeights(a.getWeights());
      const [seqA, hA, cA] = a.apply(x, { mask }) as tf.Tensor[];
      const [seqB, hB, cB] = b.apply(tf.transpose(x, [1, 0, 2]), { mask: tf.transpose(mask) }) as tf.Tensor[];
      expectClose(tf.transpose(seqB, [1, 0, 2]), seqA, 0, 0, 'sequence');
      expectClose(hB, hA, 0, 0, 'h');
      expectClose(cB, cA, 0, 0, 'c');
    }
  });

  it("the cell's one step is the layer's first step", () => {
    const layer = built({ units: U, returnSequences: true });
    const x = randomTensor([N, T, F], 5);
    const seq = layer.apply(x) as tf.Tensor;
    const x0 = tf.reshape(tf.slice(x, [0, 0, 0], [N, 1, F]), [N, F]) as tf.Tensor2D;
    const [h] = layer.cell.step(x0, [tf.zeros([N, U]), tf.zeros([N, U])]);
    expectClose(h, tf.reshape(tf.slice(seq, [0, 0, 0], [N, 1, U]), [N, U]), 1e-6, 0, 'step');
  });

  it('propagates the mask only with returnSequences', () => {
    const x = randomTensor([N, T, F], 6);
    const mask = tf.ones([N, T], 'bool');
    expect(lstm({ units: 2, returnSequences: true }).computeMask(x, mask)).toBe(mask);
    expect(lstm({ units: 2 }).computeMask(x, mask)).toBeNull();
    expect(lstm({ units: 2, returnSequences: true, returnState: true }).computeMask(x, [mask])).toEqual([mask, null, null]);
    expect(lstm({ units: 2, returnState: true }).computeMask(x, mask)).toEqual([null, null, null]);
  });

  it('leaks no tensors across calls (with masks, states, dropout in training)', () => {
    const layer = built({ units: U, returnState: true, dropout: 0.2, recurrentDropout: 0.3 });
    const x = randomTensor([N, T, F], 7);
    const mask = tf.tensor2d([[1, 1, 0, 1], [1, 0, 1, 1]], [N, T], 'bool');
    const h0 = [tf.zeros([N, U]), tf.ones([N, U])];
    const before = tf.memory().numTensors;
    for (const training of [false, true]) {
      tf.dispose(layer.apply(x, { mask, initialState: h0, training }) as tf.Tensor[]);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('layers.LSTM: stateful', () => {
  it('carries the states across calls and resets them', () => {
    const layer = built({ units: U, stateful: true, returnState: true });
    layer.resetStates();
    const x = randomTensor([N, T, F], 8);
    const [y1] = layer.apply(x) as tf.Tensor[];
    const [y2, h2, c2] = layer.apply(x) as tf.Tensor[];
    expect(tf.max(tf.abs(tf.sub(y1, y2))).dataSync()[0]).toBeGreaterThan(1e-3);
    expectClose(layer.states![0], h2, 0, 0, 'carried h');
    expectClose(layer.states![1], c2, 0, 0, 'carried c');
    layer.resetStates();
    expectClose((layer.apply(x) as tf.Tensor[])[0], y1, 0, 0, 'after reset');
    const h = tf.fill([N, U], 0.5);
    layer.resetStates([h, tf.zeros([N, U])]);
    const stateless = built({ units: U, returnState: true });
    stateless.setWeights(layer.getWeights());
    const [expected] = stateless.apply(x, { initialState: [h, tf.zeros([N, U])] }) as tf.Tensor[];
    expectClose((layer.apply(x) as tf.Tensor[])[0], expected, 0, 0, 'reset to given states');
  });

  it('one step per call (streaming) equals the whole sequence, also after setWeights', () => {
    for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
      const layer = built({ units: U, stateful: true, returnSequences: true, recurrentActivation });
      const whole = built({ units: U, returnSequences: true, returnState: true, recurrentActivation });
      for (const round of [0, 1]) {
        if (round === 1) layer.setWeights(randomLstmWeights(F, U, true, 30)); // the prepared step weights must follow
        whole.setWeights(layer.getWeights());
        layer.resetStates();
        const x = randomTensor([N, T, F], 9 + round);
        const [expected, h, c] = whole.apply(x) as tf.Tensor[];
        for (let t = 0; t < T; t++) {
          const y = layer.apply(tf.slice(x, [0, t, 0], [N, 1, F])) as tf.Tensor;
          expectClose(y, tf.slice(expected, [0, t, 0], [N, 1, U]), 1e-5, 0, `${recurrentActivation} step ${t}`);
        }
        expectClose(layer.states![0], h, 1e-5, 0, 'h');
        expectClose(layer.states![1], c, 1e-5, 0, 'c');
      }
    }
  });

  it('keeps the number of tensors constant across stateful calls', () => {
    const layer = built({ units: U, stateful: true });
    const x = randomTensor([N, T, F], 9);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) tf.dispose(layer.apply(x, { training: k % 2 === 0 }) as tf.Tensor);
    layer.resetStates();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients through a stateful call match tfjs-layers (also outside training)', () => {
    const ours = built({ units: U, stateful: true, returnSequences: true });
    const ref = tfl.layers.lstm({ units: U, stateful: true, returnSequences: true, recurrentActivation: 'sigmoid' });
    tf.dispose(ref.apply(randomTensor([N, T, F], 1)) as tf.Tensor);
    const w = randomLstmWeights(F, U, true, 3);
    ours.setWeights(w);
    ref.setWeights(w);
    ours.resetStates();
    ref.resetStates();
    for (let k = 0; k < 2; k++) {
      const x = randomTensor([N, T, F], 20 + k);
      const a = callWithGrads(ours, x, { training: false });
      const b = callWithGrads(ref, x, { training: true });
      expectSameResults(a, b, `call ${k}`);
      disposeResult(a);
      disposeResult(b);
    }
  });
});

describe('layers.LSTM: typed errors', () => {
  it('rejects bad arguments with ConfigError naming them', () => {
    expect(() => new LSTM({ units: 0 })).toThrow(ConfigError);
    expect(() => new LSTM({ units: 2.5 })).toThrow(/units expected a positive integer, got 2.5/);
    expect(() => new LSTM({ units: 2, dropout: 1 })).toThrow(/dropout expected a number in \[0, 1\), got 1/);
    expect(() => new LSTM({ units: 2, recurrentDropout: -0.1 })).toThrow(ConfigError);
    expect(() => new LSTM({ units: 2, recurrentActivation: 'softmax' })).toThrow(/recurrentActivation must be one of/);
    expect(() => new LSTM({ units: 2, kernelInitializer: 'glorot_banana' })).toThrow(/kernelInitializer expected one of/);
    expect(() => new LSTM({ units: 2, kernelRegularizer: tfl.initializers.zeros() as never })).toThrow(/kernelRegularizer expected a regularizer/);
    expect(() => new LSTM({ units: 2, kernelConstraint: { className: 'L1L2', config: {} } })).toThrow(/kernelConstraint expected the className of a registered constraint/);
    expect(() => new LSTM({ units: 2, implementation: 3 as 1 })).toThrow(/implementation expected 1 or 2, got 3/);
    expect(() => new LSTM({ units: 2, returnSequences: 'yes' as unknown as boolean })).toThrow(/returnSequences expected a boolean/);
    expect(() => new LSTM({ units: 2, dtype: 'int32' })).toThrow(/dtype expected 'float32'/);
    expect(() => new LSTM({ units: 2, dropoutFunc: () => null } as never)).toThrow(/unknown argument\(s\) dropoutFunc/);
    expect(() => new LSTM({ units: 2, seed: 1.5 })).toThrow(/seed expected an integer or null/);
    // tfjs-layers' own config validation (plain Errors) surfaces as a ConfigError naming the argument.
    const badInit = () => new LSTM({ units: 2, kernelInitializer: { className: 'VarianceScaling', config: { mode: 'banana' } } });
    expect(badInit).toThrow(ConfigError);
    expect(badInit).toThrow(/kernelInitializer VarianceScaling config \{"mode":"banana"\} is invalid/);
  });

  it('rejects inputs of the wrong rank or feature size with ShapeError', () => {
    const layer = built({ units: U, name: 'shapes' });
    expect(() => layer.apply(tf.zeros([N, F]))).toThrow(ShapeError);
    expect(() => layer.apply(tf.zeros([N, F]))).toThrow('layers.LSTM (shapes): input expected rank 3 (batch, timesteps, features), got [2, 3]');
    expect(() => layer.apply(tf.zeros([N, T, F + 1]))).toThrow('layers.LSTM (shapes): input expected [2, 4, 3] (batch, timesteps, 3), got [2, 4, 4]');
    expect(() => layer.apply(tfl.input({ shape: [T, F + 2] }))).toThrow(ShapeError);
    expect(() => lstm({ units: 2 }).apply(tfl.input({ shape: [F] }))).toThrow(/expected rank 3/);
    expect(() => layer.apply(tf.zeros([N, 0, F]))).toThrow(/at least one time step/);
  });

  it('rejects states and masks of the wrong shape with ShapeError', () => {
    const layer = built({ units: U, name: 'states' });
    const x = tf.zeros([N, T, F]);
    expect(() => layer.apply(x, { initialState: [tf.zeros([N, U]), tf.zeros([N + 1, U])] })).toThrow(
      'layers.LSTM (states): initialState[1] (c) expected [2, 5], got [3, 5]',
    );
    expect(() => layer.apply(x, { initialState: [tf.zeros([N, U + 1]), tf.zeros([N, U])] })).toThrow(ShapeError);
    expect(() => layer.apply(x, { initialState: [tf.zeros([N, U])] })).toThrow(/initialState expected 2 tensors, got 1/);
    expect(() => layer.apply(x, { mask: tf.ones([T, N]) })).toThrow('layers.LSTM (states): mask expected [2, 4] (batch, timesteps), got [4, 2]');
  });

  it('needs a fixed batch size when stateful', () => {
    const model = tfl.sequential();
    expect(() => model.add(lstm({ units: 2, stateful: true, inputShape: [T, F] }))).toThrow(ConfigError);
    expect(() => lstm({ units: 2, stateful: true, name: 's' }).apply(tfl.input({ shape: [T, F] }))).toThrow(
      'layers.LSTM (s): stateful: true needs a fixed batch size (batchInputShape or batchSize on the first layer, ' +
        'or an input with a fixed batch size), got input shape [null, 4, 3]',
    );
    const layer = built({ units: 2, stateful: true });
    expect(() => layer.apply(tf.zeros([N + 1, T, F]))).toThrow(/stateful layer expected batch size 2, got input \[3, 4, 3\]/);
    expect(() => layer.resetStates([tf.zeros([N, 2])])).toThrow(ConfigError);
    expect(() => layer.resetStates([tf.zeros([N, 2]), tf.zeros([N, 3])])).toThrow(ShapeError);
    expect(() => built({ units: 2 }).resetStates()).toThrow(/resetStates\(\) needs stateful: true/);
  });
});
