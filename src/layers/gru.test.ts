/**
 * `layers.GRU` and `layers.SimpleRNN` as tfjs-layers Layers: defaults, weight layout, param
 * counts, config round trips, registration, models (sequential, functional, Embedding maskZero,
 * fit, save/load through tfjs' model.json), streaming steps, stateful states, errors, leaks.
 * Numerical parity: `test/keras-gru-vs-tfjs.test.ts` (tfjs-layers) and
 * `test/keras-gru-golden.test.ts` (numpy reference of Keras' reset_after=True equations).
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import * as engine from '../engine';
import { ConfigError, ShapeError } from '../errors';
import { bidirectional } from './bidirectional';
import { GRU, gru } from './gru';
import { SimpleRNN, simpleRNN } from './simple-rnn';

const N = 2, T = 4, F = 3, U = 5;

function built<L extends GRU | SimpleRNN>(layer: L, seed = 1): L {
  tf.dispose(layer.apply(randomTensor([N, T, F], seed)) as tf.Tensor);
  return layer;
}

describe('layers.GRU / layers.SimpleRNN: construction, weights, configs', () => {
  it('are tfjs-layers Layers registered under their own class names, with lower-case factories', () => {
    expect(gru({ units: 2 })).toBeInstanceOf(GRU);
    expect(simpleRNN({ units: 2 })).toBeInstanceOf(SimpleRNN);
    expect(gru({ units: 2 })).toBeInstanceOf(tfl.layers.Layer);
    expect(gru({ units: 2 }).getClassName()).toBe('LstmBridge.GRU');
    expect(simpleRNN({ units: 2 }).getClassName()).toBe('LstmBridge.SimpleRNN');
    expect(tfl.layers.gru({ units: 2 }).getClassName()).toBe('GRU');
    expect(gru({ units: 2 }).name).toMatch(/^gru(_\d+)?$/);
    expect(simpleRNN({ units: 2 }).name).toMatch(/^simple_rnn(_\d+)?$/);
  });

  it('has Keras 3 defaults, not tfjs-layers ones', () => {
    const c = new GRU({ units: 7 }).getConfig();
    expect([c.resetAfter, c.activation, c.recurrentActivation]).toEqual([true, 'tanh', 'sigmoid']);
    expect(c.kernelInitializer).toEqual({ className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: undefined } });
    expect((c.recurrentInitializer as { className: string }).className).toBe('Orthogonal');
    expect((c.biasInitializer as { className: string }).className).toBe('Zeros');
    expect(new SimpleRNN({ units: 7 }).getConfig().activation).toBe('tanh');
    expect(tfl.layers.gru({ units: 7 }).getConfig().recurrentActivation).toBe('hardSigmoid');
  });

  it("names and shapes the weights in Keras' layout", () => {
    const shapes = (l: GRU | SimpleRNN) => l.weights.map((w) => [w.originalName, w.shape]);
    expect(shapes(built(new GRU({ units: U, name: 'g' })))).toEqual([
      ['g/kernel', [F, 3 * U]], ['g/recurrent_kernel', [U, 3 * U]], ['g/bias', [2, 3 * U]],
    ]);
    expect(shapes(built(new GRU({ units: U, name: 'g0', resetAfter: false })))).toEqual([
      ['g0/kernel', [F, 3 * U]], ['g0/recurrent_kernel', [U, 3 * U]], ['g0/bias', [3 * U]],
    ]);
    expect(shapes(built(new SimpleRNN({ units: U, name: 's', useBias: true })))).toEqual([
      ['s/kernel', [F, U]], ['s/recurrent_kernel', [U, U]], ['s/bias', [U]],
    ]);
    expect(built(new GRU({ units: U, useBias: false })).weights.length).toBe(2);
  });

  it("counts parameters as Keras' summary does", () => {
    const count = (layer: tfl.layers.Layer) => tfl.sequential({ layers: [layer] }).countParams();
    expect(count(new GRU({ units: 7, inputShape: [T, 10] }))).toBe(399);
    expect(count(new GRU({ units: 7, inputShape: [T, 10], resetAfter: false }))).toBe(378);
    expect(count(new SimpleRNN({ units: 7, inputShape: [T, 10] }))).toBe(126);
    expect(count(bidirectional({ layer: new GRU({ units: 7 }), inputShape: [T, 10] }))).toBe(798);
  });

  it('getConfig -> fromConfig -> getConfig is the identity', () => {
    const configs = [
      new GRU({
        units: 3, activation: 'relu', recurrentActivation: 'hardSigmoid', useBias: false, resetAfter: false,
        kernelInitializer: 'heNormal', recurrentInitializer: 'glorot_uniform', biasInitializer: 'ones',
        kernelRegularizer: 'l2', recurrentRegularizer: 'l1', biasRegularizer: 'l1l2', activityRegularizer: 'l2',
        kernelConstraint: 'maxNorm', recurrentConstraint: 'nonNeg', biasConstraint: 'unitNorm', dropout: 0.1,
        recurrentDropout: 0.2, seed: 7, implementation: 1, returnSequences: true, returnState: true, goBackwards: true,
        stateful: true, unroll: true, timeMajor: true, zeroOutputForMask: true, batchInputShape: [4, 2, 3], name: 'g',
      }).getConfig(),
      new SimpleRNN({ units: 3, activation: 'relu', dropout: 0.3, seed: 1, name: 's' }).getConfig(),
    ];
    for (const [Kind, config] of [[GRU, configs[0]], [SimpleRNN, configs[1]]] as const) {
      const again = (Kind.fromConfig(Kind as never, config) as GRU | SimpleRNN).getConfig();
      expect(again).toEqual(config);
    }
  });

  it('rejects bad arguments with ConfigError naming them', () => {
    expect(() => new GRU({ units: 0 })).toThrow(new ConfigError('layers.GRU: units expected a positive integer, got 0'));
    expect(() => new GRU({ units: 2, resetAfter: 1 as never })).toThrow(/layers.GRU: resetAfter expected a boolean, got 1/);
    expect(() => new GRU({ units: 2, unitForgetBias: true } as never)).toThrow(/layers.GRU: unknown argument\(s\) unitForgetBias/);
    expect(() => new SimpleRNN({ units: 2, recurrentActivation: 'sigmoid' } as never)).toThrow(
      /layers.SimpleRNN: unknown argument\(s\) recurrentActivation/,
    );
    expect(() => new SimpleRNN({ units: 2, dropout: 1 })).toThrow(ConfigError);
    expect(() => new GRU({ units: 2, activation: 'nope' })).toThrow(ConfigError);
  });

  it('rejects inputs, states and masks of the wrong shape with ShapeError, leaking nothing', () => {
    const layer = built(new GRU({ units: U, name: 'gs' }));
    const x = randomTensor([N, T, F], 2);
    const [rank2, wide, h, mask] = [tf.zeros([N, F]), tf.zeros([N, U + 1]), tf.zeros([N, U]), tf.ones([N, T + 1])];
    const before = tf.memory().numTensors;
    expect(() => layer.apply(rank2)).toThrow(ShapeError);
    expect(() => layer.apply(x, { initialState: [wide] })).toThrow('layers.GRU (gs): initialState[0] (h) expected [2, 5], got [2, 6]');
    expect(() => layer.apply(x, { initialState: [h, h] })).toThrow(/initialState expected 1 tensors, got 2/);
    expect(() => layer.apply(x, { mask })).toThrow(ShapeError);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, rank2, wide, h, mask]);
  });
});

describe('layers.GRU / layers.SimpleRNN: calls and models', () => {
  it('returns the last output, the sequence, and the state with the documented shapes', () => {
    const x = randomTensor([N, T, F], 3);
    for (const Kind of [GRU, SimpleRNN]) {
      const out = new Kind({ units: U, returnSequences: true, returnState: true }).apply(x) as tf.Tensor[];
      expect(out.map((t) => t.shape)).toEqual([[N, T, U], [N, U]]);
      expectClose(tf.squeeze(tf.slice(out[0], [0, T - 1, 0], [N, 1, U]), [1]), out[1], 0, 0, 'last = h');
      const tm = new Kind({ units: U, timeMajor: true }).apply(tf.transpose(x, [1, 0, 2])) as tf.Tensor;
      expect(tm.shape).toEqual([N, U]);
    }
  });

  it("the cell's one step is the layer's first step", () => {
    for (const layer of [built(new GRU({ units: U, returnSequences: true })), built(new SimpleRNN({ units: U, returnSequences: true }))]) {
      const x = randomTensor([N, 1, F], 4);
      const h0 = randomTensor([N, U], 5, 0.5);
      const seq = layer.apply(x, { initialState: [h0] }) as tf.Tensor;
      const [h] = layer.cell.step(tf.squeeze(x, [1]) as tf.Tensor2D, [h0 as tf.Tensor2D]);
      expectClose(h, tf.squeeze(seq, [1]), 1e-6, 1e-6, 'step');
    }
  });

  it('carries the state across stateful calls, resets it, and leaks nothing', () => {
    const x = randomTensor([N, T, F], 6);
    for (const Kind of [GRU, SimpleRNN]) {
      const stateful = new Kind({ units: U, stateful: true, batchInputShape: [N, T, F] });
      const plain = new Kind({ units: U, returnState: true });
      built(plain as never);
      const first = stateful.apply(x) as tf.Tensor;
      plain.setWeights(stateful.getWeights());
      const [, h1] = plain.apply(x) as tf.Tensor[];
      expectClose((stateful.states as tf.Tensor[])[0], h1, 1e-6, 1e-6, 'carried');
      const before = tf.memory().numTensors;
      tf.dispose(stateful.apply(x) as tf.Tensor);
      expect(tf.memory().numTensors).toBe(before);
      stateful.resetStates();
      expectClose(stateful.apply(x) as tf.Tensor, first, 1e-6, 1e-6, 'after reset');
      expect(() => stateful.resetStates([tf.zeros([N, U]), tf.zeros([N, U])])).toThrow('expected [h], got 2 tensor(s)');
    }
  });

  it('training dropout: one seeded input mask (N, F) and recurrent mask (N, U) per call, fixed across time', () => {
    const args = { units: U, dropout: 0.4, recurrentDropout: 0.3, seed: 11, returnSequences: true, resetAfter: false };
    const layer = built(new GRU(args));
    const plain = built(new GRU({ ...args, dropout: 0, recurrentDropout: 0 }));
    plain.setWeights(layer.getWeights());
    const twin = new GRU(args); // draws the same masks from the same seed stream
    const x = randomTensor([N, T, F], 12);
    const [inputMask, recurrentMask] = [twin.cell.dropoutMask([N, F], 0.4), twin.cell.dropoutMask([N, U], 0.3)];
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const ref = engine.gruLayer(tf.transpose(tf.mul(x, tf.expandDims(inputMask, 1)), [1, 0, 2]), plain.cell.weights(), {
      resetAfter: false, recurrentInputMask: recurrentMask,
    });
    expectClose(y, tf.transpose(ref.output, [1, 0, 2]), 1e-6, 1e-6, 'dropout');
    expectClose(layer.apply(x, { training: false }) as tf.Tensor, plain.apply(x) as tf.Tensor, 0, 0, 'inference');
  });

  it('takes the mask of an Embedding with maskZero in a sequential model', () => {
    const ids = tf.tensor2d([[3, 1, 0, 0], [2, 2, 4, 1]], [N, T], 'int32');
    const cut = tf.tensor2d([[3, 1], [2, 2]], [N, 2], 'int32');
    for (const Kind of [GRU, SimpleRNN]) {
      const embedding = tfl.layers.embedding({ inputDim: 5, outputDim: F, maskZero: true, inputLength: T });
      const model = tfl.sequential({ layers: [embedding, new Kind({ units: U })] });
      const y = model.predict(ids) as tf.Tensor;
      // Sample 0 ends after two valid steps: its output is the output of the first two steps.
      const short = tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: 5, outputDim: F, inputLength: 2 }), new Kind({ units: U })] });
      short.setWeights(model.getWeights());
      const y2 = short.predict(cut) as tf.Tensor;
      expectClose(tf.slice(y, [0, 0], [1, U]), tf.slice(y2, [0, 0], [1, U]), 1e-6, 1e-6, 'masked');
    }
  });

  it('fits a few steps with the same losses as tf.layers.gru / simpleRNN (reset before)', async () => {
    const x = randomTensor([8, T, F], 7);
    const y = randomTensor([8, 2], 8);
    const pairs: [tfl.layers.Layer, tfl.layers.Layer][] = [
      [new GRU({ units: U, resetAfter: false, inputShape: [T, F] }), tfl.layers.gru({ units: U, recurrentActivation: 'sigmoid', inputShape: [T, F] })],
      [new SimpleRNN({ units: U, inputShape: [T, F] }), tfl.layers.simpleRNN({ units: U, inputShape: [T, F] })],
    ];
    for (const [ours, ref] of pairs) {
      const models = [ours, ref].map((l, k) => {
        const m = tfl.sequential({ layers: [l, tfl.layers.dense({ units: 2, name: `d${k}${l.name}` })] });
        m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
        return m;
      });
      models[1].setWeights(models[0].getWeights());
      const losses: number[][] = [];
      for (const m of models) {
        const h = await m.fit(x, y, { epochs: 4, batchSize: 4, shuffle: false, verbose: 0 });
        losses.push(h.history.loss as number[]);
      }
      losses[0].forEach((l, k) => expect(Math.abs(l - losses[1][k])).toBeLessThan(1e-5));
      expect(losses[0][3]).toBeLessThan(losses[0][0]);
    }
  });

  it("saves and loads through tfjs-layers' model.json with the registered class", async () => {
    for (const layer of [
      new GRU({ units: U, returnSequences: true, inputShape: [T, F] }),
      bidirectional({ layer: new GRU({ units: U }), inputShape: [T, F], mergeMode: 'sum' }),
      new SimpleRNN({ units: U, activation: 'relu', inputShape: [T, F] }),
    ]) {
      const model = tfl.sequential({ layers: [layer] });
      let artifacts: tf.io.ModelArtifacts | null = null;
      await model.save(tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const topology = JSON.stringify((artifacts as unknown as tf.io.ModelArtifacts).modelTopology);
      expect(topology).toContain(`"class_name":"${layer.getClassName()}"`);
      const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
      const x = randomTensor([N, T, F], 9);
      expectClose(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, 0, 0, layer.name);
      expect(loaded.layers[0].getClassName()).toBe(layer.getClassName());
    }
  });
});
