/**
 * Converted models run where users deploy them: a model saved by the CLI (`convert model.pt
 * out_dir`) or by `saveTfjs` is loaded by plain tfjs in a separate Node process that never
 * imports lstm-bridge (`./helpers/plain-tfjs`), and predicts what the source `nn.LSTM` computes
 * (float32: within 1e-5), or the source `nn.RNN` / Keras-style GRU (resetAfter false) and
 * SimpleRNN model (within 1e-6).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { toKeras } from '../adapters';
import { cli } from './helpers/cli-in-process';
import { saveTfjs, saveTorch } from '../src/io/node';
import { bidirectional, gru, simpleRNN } from '../src/layers';
import { GRU, LSTM, RNN } from '../src/nn';
import { randomizeWeights } from './helpers/layers';
import { predictInPlainTfjs } from './helpers/plain-tfjs';
import { tmpDirs } from './helpers/tmp';
import { maxAbsDiff, randomTensor, tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-plain-');


const CONFIGS: [string, ConstructorParameters<typeof LSTM>[2]][] = [
  ['one layer', {}],
  ['numLayers 2', { numLayers: 2 }],
  ['bidirectional', { bidirectional: true }],
  ['numLayers 2, bidirectional, batchFirst', { numLayers: 2, bidirectional: true, batchFirst: true }],
  ['no bias, batchFirst', { bias: false, batchFirst: true }],
];

/** nn.LSTM's output for a batch-major x (N, L, I), batch-major (N, L, D·H). */
function torchOutput(lstm: LSTM, x: tf.Tensor3D): tf.Tensor {
  return tf.tidy(() => {
    const input = lstm.batchFirst ? x : tf.transpose(x, [1, 0, 2]);
    const [output] = lstm.forward(input);
    return lstm.batchFirst ? output : tf.transpose(output, [1, 0, 2]);
  });
}

describe.each(CONFIGS)('an nn.LSTM (%s) converted to TF.js runs in plain tfjs', (_name, options) => {
  let lstm: LSTM;
  let x: tf.Tensor3D;
  let expected: tf.Tensor;
  beforeAll(() => {
    lstm = new LSTM(5, 6, options);
    x = randomTensor([3, 7, 5], 11) as tf.Tensor3D;
    expected = torchOutput(lstm, x);
  });
  afterAll(() => {
    lstm.dispose();
    tf.dispose([x, expected]);
  });

  it('lstm-bridge convert model.pt out_dir: plain LSTM / Bidirectional, said on stdout, predicts within 1e-5', async () => {
    const dir = tmp();
    const pt = path.join(dir, 'model.pt');
    saveTorch(lstm.stateDict(), pt);
    const out = path.join(dir, 'web_model');
    const r = await cli('convert', pt, out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/plain tfjs-layers classes; tf\.loadLayersModel loads it without lstm-bridge/);
    expect(r.out).toMatch(options?.bidirectional ? /layer 'bidirectional': Bidirectional \(tfjs-layers' own\)/ : /layer 'lstm': LSTM \(tfjs-layers' own\)/);
    const json = fs.readFileSync(path.join(out, 'model.json'), 'utf8');
    expect(json).not.toMatch(/LstmBridge/);
    const plain = predictInPlainTfjs(out, [{ shape: x.shape, values: x.dataSync() }]);
    expect(plain.loaded).toEqual([]);
    expect(plain.classes.filter((c) => c !== 'InputLayer')).toEqual(Array(options?.numLayers ?? 1).fill(options?.bidirectional ? 'Bidirectional' : 'LSTM'));
    expect(plain.outputs[0].shape).toEqual(expected.shape);
    expect(maxAbsDiff(plain.outputs[0].values, expected)).toBeLessThanOrEqual(1e-5);
  });

  it('saveTfjs(adapters.toKeras(lstm), dir) (lstm-bridge layers in memory): plain classes on disk, predicts within 1e-5', async () => {
    const model = toKeras(lstm);
    const dir = tmp();
    try {
      const before = tf.memory().numTensors;
      const { emitted } = await saveTfjs(model, dir);
      expect(tf.memory().numTensors).toBe(before);
      expect(emitted.needsLstmBridge).toBe(false);
      expect(emitted.layers.map((l) => [l.className, l.reason])).toEqual(
        Array(options?.numLayers ?? 1).fill([options?.bidirectional ? 'Bidirectional' : 'LSTM', null]),
      );
    } finally {
      model.dispose();
    }
    const plain = predictInPlainTfjs(dir, [{ shape: x.shape, values: x.dataSync() }]);
    expect(plain.loaded).toEqual([]);
    expect(maxAbsDiff(plain.outputs[0].values, expected)).toBeLessThanOrEqual(1e-5);
  });
});

/** nn.RNN's output for a batch-major x (N, L, I), batch-major (N, L, D·H). */
function rnnOutput(rnn: RNN, x: tf.Tensor3D): tf.Tensor {
  return tf.tidy(() => {
    const input = rnn.batchFirst ? x : tf.transpose(x, [1, 0, 2]);
    const [output] = rnn.forward(input);
    return rnn.batchFirst ? output : tf.transpose(output, [1, 0, 2]);
  });
}

const RNN_CONFIGS: [string, ConstructorParameters<typeof RNN>[2]][] = [
  ['tanh, one layer', {}],
  ['relu, numLayers 2, bidirectional, batchFirst', { nonlinearity: 'relu', numLayers: 2, bidirectional: true, batchFirst: true }],
  ['tanh, no bias, bidirectional', { bias: false, bidirectional: true }],
];

describe.each(RNN_CONFIGS)('an nn.RNN (%s) converted to TF.js runs in plain tfjs (tfjs-layers\' SimpleRNN)', (_name, options) => {
  it("saveTfjs(adapters.toKeras(rnn), dir) with emit 'auto' and 'tfjs-layers': plain SimpleRNN / Bidirectional, predicts within 1e-6", async () => {
    const rnn = new RNN(5, 6, options);
    const x = randomTensor([3, 7, 5], 12) as tf.Tensor3D;
    const expected = rnnOutput(rnn, x);
    const dir = tmp();
    const model = toKeras(rnn);
    const outs = [path.join(dir, 'auto'), path.join(dir, 'tfjs-layers')];
    for (const [k, emit] of (['auto', 'tfjs-layers'] as const).entries()) {
      const { emitted } = await saveTfjs(model, outs[k], { emit });
      expect(emitted.needsLstmBridge).toBe(false);
      expect(emitted.layers.map((l) => l.className)).toEqual(Array(options?.numLayers ?? 1).fill(options?.bidirectional ? 'Bidirectional' : 'SimpleRNN'));
    }
    model.dispose();
    for (const out of outs) {
      expect(fs.readFileSync(path.join(out, 'model.json'), 'utf8')).not.toMatch(/LstmBridge/);
      const plain = predictInPlainTfjs(out, [{ shape: x.shape, values: x.dataSync() }]);
      expect(plain.loaded).toEqual([]);
      expect(plain.classes.filter((c) => c !== 'InputLayer')).toEqual(Array(options?.numLayers ?? 1).fill(options?.bidirectional ? 'Bidirectional' : 'SimpleRNN'));
      expect(plain.outputs[0].shape).toEqual(expected.shape);
      expect(maxAbsDiff(plain.outputs[0].values, expected)).toBeLessThanOrEqual(1e-6);
    }
    tf.dispose([x, expected]);
    rnn.dispose();
  });
});

describe("a Keras-style model of layers.gru({resetAfter: false}) / layers.simpleRNN / Bidirectional, saved with saveTfjs, runs in plain tfjs", () => {
  it.each(['auto', 'tfjs-layers'] as const)("emit '%s': tfjs-layers' GRU / SimpleRNN / Bidirectional on disk, predicts as the source within 1e-6", async (emit) => {
    const model = tfl.sequential({
      layers: [
        bidirectional({ layer: gru({ units: 4, resetAfter: false, returnSequences: true }), inputShape: [6, 3] }),
        simpleRNN({ units: 5, activation: 'relu', returnSequences: true, goBackwards: true }),
        gru({ units: 3, resetAfter: false, recurrentActivation: 'hardSigmoid' }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    randomizeWeights(model, 23);
    const x = randomTensor([2, 6, 3], 24);
    const expected = model.predict(x) as tf.Tensor;
    const dir = tmp();
    const before = tf.memory().numTensors;
    const { emitted } = await saveTfjs(model, dir, { emit });
    expect(tf.memory().numTensors).toBe(before);
    expect(emitted.layers.map((l) => [l.className, l.reason])).toEqual([['Bidirectional', null], ['SimpleRNN', null], ['GRU', null]]);
    const plain = predictInPlainTfjs(dir, [{ shape: x.shape, values: x.dataSync() }]);
    expect(plain.loaded).toEqual([]);
    expect(plain.classes).toEqual(['Bidirectional', 'SimpleRNN', 'GRU', 'Dense']);
    expect(maxAbsDiff(plain.outputs[0].values, expected)).toBeLessThanOrEqual(1e-6);
    tf.dispose([x, expected]);
    model.dispose();
  });
});

describe('an nn.GRU (reset after, as PyTorch) cannot be plain', () => {
  it("emit 'auto' keeps LstmBridge.GRU and says so; plain tfjs indeed cannot load it; 'tfjs-layers' refuses it", async () => {
    const torchGru = new GRU(3, 4);
    const model = toKeras(torchGru);
    const dir = tmp();
    try {
      const { emitted } = await saveTfjs(model, dir);
      expect(emitted.needsLstmBridge).toBe(true);
      expect(emitted.layers).toEqual([{ name: 'gru_l0', className: 'LstmBridge.GRU', reason: expect.stringContaining("its GRUCell refuses reset_after=true") }]);
      expect(() => predictInPlainTfjs(dir, [{ shape: [1, 2, 3], values: [1, 2, 3, 4, 5, 6] }])).toThrow(/LstmBridge\.GRU/);
      await expect(saveTfjs(model, tmp(), { emit: 'tfjs-layers' })).rejects.toThrow(/io\.saveTfjs: emit 'tfjs-layers': tfjs-layers cannot compute layer 'gru_l0' \(GRU reset_after=True/);
    } finally {
      model.dispose();
      torchGru.dispose();
    }
  });
});
