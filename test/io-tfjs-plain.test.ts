/**
 * Converted models run where users deploy them: a model saved by the CLI (`convert model.pt
 * out_dir`) or by `saveTfjs` is loaded by plain tfjs in a separate Node process that never
 * imports lstm-bridge (`./helpers/plain-tfjs`), and predicts what the source `nn.LSTM` computes
 * (float32: within 1e-5).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { toKeras } from '../adapters';
import { cli } from './helpers/cli-in-process';
import { saveTfjs, saveTorch } from '../src/io/node';
import { LSTM } from '../src/nn';
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
