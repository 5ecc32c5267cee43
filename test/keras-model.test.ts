/**
 * The Keras facade inside tfjs-layers models: summary, masks from tfjs' own layers, functional
 * models with initial states, fit (loss goes down; regularizers and constraints take effect),
 * save -> load -> predict through the Node file-system handler, stateful models, and tensor
 * leaks across predict/fit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { randomLstmWeights } from './helpers/layers';
import { expectClose, randomTensor, tf } from './helpers/tf';
import { tmpDirs } from './helpers/tmp';
import { fileSystem } from '../src/io/tfjs/fs-handler';
import { Bidirectional, LSTM, bidirectional, lstm } from '../src/layers';

const tmpDir = tmpDirs('lstm-bridge-keras-');

function summaryLines(model: tfl.LayersModel): string[] {
  const lines: string[] = [];
  model.summary(120, undefined, (line: string) => lines.push(line));
  return lines;
}

describe('model.summary()', () => {
  it("counts the seed's stacked LSTM(7) on 10 features as 504, 420, 420 (total 1,344)", () => {
    const model = tfl.sequential();
    model.add(lstm({ units: 7, returnSequences: true, inputShape: [17, 10] }));
    model.add(lstm({ units: 7, returnSequences: true }));
    model.add(lstm({ units: 7 }));
    const lines = summaryLines(model);
    const rows = lines.filter((l) => l.includes('(LstmBridge.LSTM)'));
    expect(rows.map((r) => Number(r.trim().split(/\s+/).pop()))).toEqual([504, 420, 420]);
    expect(rows.map((r) => r.includes('[null,17,7]') || r.includes('[null,7]'))).toEqual([true, true, true]);
    expect(lines).toContain('Total params: 1344');
    expect(model.countParams()).toBe(1344);
  });

  it('counts Bidirectional(LSTM(7)) on 10 features as 1008', () => {
    const model = tfl.sequential({ layers: [bidirectional({ layer: lstm({ units: 7 }), inputShape: [17, 10] })] });
    expect(summaryLines(model)).toContain('Total params: 1008');
  });
});

describe('masks from tfjs-layers layers', () => {
  // Right-padded token ids (0 = padding) and the same model built with tfjs' own layers.
  const ids = tf.tensor2d([[3, 1, 4, 1, 0, 0], [5, 9, 2, 6, 5, 3], [5, 8, 0, 0, 0, 0]], [3, 6], 'int32');

  function pair(ourLayer: tfl.layers.Layer, refLayer: tfl.layers.Layer) {
    const make = (layer: tfl.layers.Layer) =>
      tfl.sequential({
        layers: [tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputLength: 6 }), layer],
      });
    const ours = make(ourLayer);
    const ref = make(refLayer);
    ref.setWeights(ours.getWeights());
    return { ours, ref };
  }

  it('embedding({maskZero}) -> LSTM gives tf.layers.lstm\'s result', () => {
    for (const goBackwards of [false, true]) {
      const args = { units: 5, returnSequences: false, goBackwards };
      const { ours, ref } = pair(lstm(args), tfl.layers.lstm({ ...args, recurrentActivation: 'sigmoid' }));
      expectClose(ours.predict(ids) as tf.Tensor, ref.predict(ids) as tf.Tensor, 1e-6, 0, `goBackwards=${goBackwards}`);
    }
  });

  it('the mask propagates through returnSequences to the next LSTM, as in tfjs-layers', () => {
    const make = (impl: 'ours' | 'ref') =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputLength: 6 }),
          impl === 'ours' ? lstm({ units: 5, returnSequences: true }) : tfl.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid' }),
          impl === 'ours' ? lstm({ units: 3 }) : tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }),
        ],
      });
    const ours = make('ours');
    const ref = make('ref');
    ref.setWeights(ours.getWeights());
    const out = ours.predict(ids) as tf.Tensor;
    expectClose(out, ref.predict(ids) as tf.Tensor, 1e-6, 0, 'stack');
    // Without the mask the padded sequences would end differently.
    const unmasked = tfl.sequential({
      layers: [tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), lstm({ units: 5, returnSequences: true }), lstm({ units: 3 })],
    });
    unmasked.setWeights(ours.getWeights());
    expect(tf.max(tf.abs(tf.sub(out, unmasked.predict(ids) as tf.Tensor))).dataSync()[0]).toBeGreaterThan(1e-4);
  });

  it('masking() -> Bidirectional (last output) gives tf.layers.bidirectional\'s result', () => {
    const x = tf.concat([randomTensor([3, 4, 3], 1), tf.zeros([3, 2, 3])], 1);
    const make = (layer: tfl.layers.Layer) =>
      tfl.sequential({ layers: [tfl.layers.masking({ maskValue: 0, inputShape: [6, 3] }), layer] });
    const ours = make(bidirectional({ layer: lstm({ units: 4 }) }));
    const ref = make(tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }) as tfl.RNN }));
    ref.setWeights(ours.getWeights());
    expectClose(ours.predict(x) as tf.Tensor, ref.predict(x) as tf.Tensor, 1e-6, 0, 'bidirectional');
  });
});

describe('functional models', () => {
  it('wires initial states as model inputs, and saves and loads them', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const h0 = tfl.input({ shape: [4] });
    const c0 = tfl.input({ shape: [4] });
    const layer = lstm({ units: 4, returnSequences: true, returnState: true });
    const [seq, h, c] = layer.apply(x, { initialState: [h0, c0] }) as tfl.SymbolicTensor[];
    const model = tfl.model({ inputs: [x, h0, c0], outputs: [seq, h, c] });
    const xs = randomTensor([2, 5, 3], 2);
    const s = [randomTensor([2, 4], 3), randomTensor([2, 4], 4)];
    const predicted = model.predict([xs, ...s]) as tf.Tensor[];
    const eager = layer.apply(xs, { initialState: s }) as tf.Tensor[];
    predicted.forEach((p, k) => expectClose(p, eager[k], 0, 0, `output ${k}`));
    const dir = tmpDir();
    await model.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(path.join(dir, 'model.json')));
    (loaded.predict([xs, ...s]) as tf.Tensor[]).forEach((p, k) => expectClose(p, predicted[k], 0, 0, `loaded ${k}`));
  });

  it('wires a Bidirectional\'s four initial states as model inputs, and saves and loads them', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const states = [0, 1, 2, 3].map(() => tfl.input({ shape: [4] }));
    const bi = bidirectional({ layer: lstm({ units: 4, returnSequences: true, returnState: true }), mergeMode: 'sum' });
    const outputs = bi.apply(x, { initialState: states }) as tfl.SymbolicTensor[];
    expect(outputs.map((o) => o.shape)).toEqual([[null, 5, 4], [null, 4], [null, 4], [null, 4], [null, 4]]);
    const model = tfl.model({ inputs: [x, ...states], outputs });
    const xs = randomTensor([2, 5, 3], 20);
    const s = [0, 1, 2, 3].map((k) => randomTensor([2, 4], 21 + k));
    const predicted = model.predict([xs, ...s]) as tf.Tensor[];
    const eager = bi.apply(xs, { initialState: s }) as tf.Tensor[];
    predicted.forEach((p, k) => expectClose(p, eager[k], 0, 0, `output ${k}`));
    const dir = tmpDir();
    await model.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    (loaded.predict([xs, ...s]) as tf.Tensor[]).forEach((p, k) => expectClose(p, predicted[k], 0, 0, `loaded ${k}`));
  });
});

describe('training', () => {
  it('fit lowers the loss on a small synthetic task (Bidirectional + LSTM)', async () => {
    // Target: the mean over time of the first feature, a sequence-level regression.
    const x = randomTensor([32, 8, 3], 5);
    const y = tf.mean(tf.slice(x, [0, 0, 0], [32, 8, 1]), 1);
    const model = tfl.sequential({
      layers: [
        bidirectional({ layer: lstm({ units: 6, returnSequences: true, seed: 1 }), inputShape: [8, 3], mergeMode: 'sum' }),
        lstm({ units: 6 }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0, shuffle: false });
    const losses = history.history.loss as number[];
    expect(losses[losses.length - 1]).toBeLessThan(0.3 * losses[0]);
  });

  it('includes weight and activity regularization in the fitted loss (also in both Bidirectional halves)', async () => {
    const x = randomTensor([4, 5, 3], 6);
    const y = randomTensor([4, 6], 7);
    const model = tfl.sequential({
      layers: [
        bidirectional({ layer: lstm({ units: 3, kernelRegularizer: tfl.regularizers.l2({ l2: 0.05 }) }), inputShape: [5, 3] }),
        tfl.layers.dense({ units: 6, kernelInitializer: 'ones', useBias: false }),
      ],
    });
    const single = tfl.sequential({
      layers: [lstm({ units: 6, activityRegularizer: tfl.regularizers.l2({ l2: 0.1 }), inputShape: [5, 3] })],
    });
    // Each half regularizes its own output; with concat the merged output holds both.
    const halves = tfl.sequential({
      layers: [bidirectional({ layer: lstm({ units: 3, activityRegularizer: tfl.regularizers.l2({ l2: 0.2 }) }), inputShape: [5, 3] })],
    });
    for (const [m, penalty] of [
      [model, () => tf.add(tf.mul(0.05, tf.sum(tf.square(model.getWeights()[0]))), tf.mul(0.05, tf.sum(tf.square(model.getWeights()[3]))))],
      [single, () => tf.mul(0.1, tf.sum(tf.square(single.predict(x) as tf.Tensor)))],
      [halves, () => tf.mul(0.2, tf.sum(tf.square(halves.predict(x) as tf.Tensor)))],
    ] as const) {
      m.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
      const mse = tf.losses.meanSquaredError(y, m.predict(x) as tf.Tensor).dataSync()[0];
      const expected = mse + penalty().dataSync()[0];
      const history = await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      expect(mse).toBeGreaterThan(0);
      expect(history.history.loss[0] as number).toBeCloseTo(expected, 5);
      expect((history.history.loss[0] as number) - mse).toBeGreaterThan(1e-3);
    }
  });

  it('applies weight constraints after every optimizer step (tfjs-layers applies them only in setWeights)', async () => {
    const x = randomTensor([8, 5, 3], 8);
    const y = tf.mul(randomTensor([8, 4], 9), 5);
    const train = async (constrained: boolean) => {
      const layer = lstm({
        units: 4,
        inputShape: [5, 3],
        kernelConstraint: constrained ? tfl.constraints.maxNorm({ maxValue: 0.3, axis: 0 }) : null,
        biasConstraint: constrained ? 'nonNeg' : null,
      });
      const model = tfl.sequential({ layers: [layer] });
      model.compile({ optimizer: tf.train.sgd(1), loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0 });
      const [k, , b] = layer.getWeights();
      return { maxNorm: tf.max(tf.sqrt(tf.sum(tf.square(k), 0))).dataSync()[0], minBias: tf.min(b).dataSync()[0] };
    };
    const free = await train(false);
    expect(free.maxNorm).toBeGreaterThan(0.3);
    expect(free.minBias).toBeLessThan(0);
    const constrained = await train(true);
    expect(constrained.maxNorm).toBeLessThanOrEqual(0.3 + 1e-5);
    expect(constrained.minBias).toBeGreaterThanOrEqual(0);
  });
});

describe('save -> load -> predict', () => {
  it('gives identical outputs and configs for LSTM and Bidirectional with non-default options', async () => {
    const model = tfl.sequential({
      layers: [
        bidirectional({
          layer: lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoidKeras3', kernelRegularizer: 'l2' }),
          mergeMode: 'ave',
          inputShape: [6, 3],
        }),
        lstm({
          units: 5, goBackwards: true, returnSequences: true, activation: 'softsign', recurrentConstraint: 'unitNorm',
          dropout: 0.2, seed: 11, implementation: 1, unroll: true,
        }),
        bidirectional({
          layer: lstm({ units: 2, recurrentActivation: 'hard_sigmoid' }),
          backwardLayer: lstm({ units: 3, goBackwards: true, activation: 'relu', useBias: false }),
        }),
      ],
    });
    const x = randomTensor([3, 6, 3], 10);
    const before = model.predict(x) as tf.Tensor;
    const dir = tmpDir();
    await model.save(fileSystem(dir));
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual([
      'LstmBridge.Bidirectional', 'LstmBridge.LSTM', 'LstmBridge.Bidirectional',
    ]);
    const loaded = await tfl.loadLayersModel(fileSystem(path.join(dir, 'model.json')));
    expect(loaded.layers[0]).toBeInstanceOf(Bidirectional);
    expect(loaded.layers[1]).toBeInstanceOf(LSTM);
    expectClose(loaded.predict(x) as tf.Tensor, before, 0, 0, 'predict after load');
    // Configs are equal as JSON (tfjs' initializers report an unset seed as undefined, then null).
    const asJson = (c: unknown) => JSON.parse(JSON.stringify(c, (_k, v) => (v === undefined ? null : v)));
    loaded.layers.forEach((l, k) => expect(asJson(l.getConfig())).toEqual(asJson(model.layers[k].getConfig())));
    expect(loaded.weights.map((w) => w.originalName)).toEqual(model.weights.map((w) => w.originalName));
  });

  it('round-trips a stateful timeMajor model with zeroOutputForMask', async () => {
    const layer = lstm({ units: 3, stateful: true, timeMajor: true, zeroOutputForMask: true, returnSequences: true, batchInputShape: [5, 2, 4] });
    const model = tfl.sequential({ layers: [layer] });
    const x = randomTensor([5, 2, 4], 11);
    const dir = tmpDir();
    await model.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(dir));
    expectClose(loaded.predict(x, { batchSize: 5 }) as tf.Tensor, model.predict(x, { batchSize: 5 }) as tf.Tensor, 0, 0, 'first call');
    expectClose(loaded.predict(x, { batchSize: 5 }) as tf.Tensor, model.predict(x, { batchSize: 5 }) as tf.Tensor, 0, 0, 'carried');
  });
});

describe('stateful models', () => {
  it('carry states across predict calls until model.resetStates()', () => {
    const model = tfl.sequential({ layers: [lstm({ units: 3, stateful: true, batchInputShape: [2, 4, 3] })] });
    model.setWeights(randomLstmWeights(3, 3, true, 12));
    const x = randomTensor([2, 4, 3], 13);
    const first = model.predict(x) as tf.Tensor;
    const second = model.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(first, second))).dataSync()[0]).toBeGreaterThan(1e-4);
    model.resetStates();
    expectClose(model.predict(x) as tf.Tensor, first, 0, 0, 'after resetStates');
  });
});

describe('tensor leaks', () => {
  it('predict and fit leave the number of tensors unchanged (after the optimizer is set up)', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.masking({ maskValue: 0, inputShape: [5, 3] }),
        bidirectional({ layer: lstm({ units: 4, returnSequences: true, dropout: 0.1, recurrentDropout: 0.1 }) }),
        lstm({ units: 2, activityRegularizer: 'l2', kernelRegularizer: 'l1' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = tf.concat([randomTensor([4, 3, 3], 14), tf.zeros([4, 2, 3])], 1);
    const y = randomTensor([4, 2], 15);
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    tf.dispose(model.predict(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
