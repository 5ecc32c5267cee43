/**
 * Keras / TF.js files with GRU (reset after and before), SimpleRNN, Bidirectional(GRU) and CuDNNGRU
 * layers load into runnable models whose predictions equal an independent numpy reference of
 * Keras' equations (`test/fixtures/keras-gru/generate_keras_gru_fixtures.py`, float64) within 1e-5;
 * the showcase, a TF.js converter model.json of a tf.keras GRU(reset_after=True) — which plain
 * tfjs-layers refuses — also trains.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { loadKeras, loadTfjs, saveKeras, saveTfjs } from '../src/io/node';
import { UnsupportedConversionError } from '../src/errors';
import { predictInPlainTfjs } from './helpers/plain-tfjs';
import { tmpDirs } from './helpers/tmp';
import { Bidirectional, GRU, SimpleRNN } from '../src/layers';
import { tf } from './helpers/tf';

const DIR = path.join(__dirname, 'fixtures', 'keras-gru');
const TOLERANCE = 1e-5;
const tmp = tmpDirs('lstm-bridge-gru-files-');
/** The files without a GRU(reset_after=True): saveTfjs writes them with tfjs-layers' own classes. */
const PLAIN_FILES = ['keras2_gru_reset_before.h5', 'keras2_simple_rnn.h5', 'tfjs_simple_rnn/model.json'];
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as { input: number[][][]; cases: Record<string, { what: string; output: number[][] }> };

function load(file: string): Promise<tfl.LayersModel> {
  return file.endsWith('model.json') ? loadTfjs(path.join(DIR, file)) : loadKeras(path.join(DIR, file));
}

function maxDiff(a: tf.Tensor, b: number[][]): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, tf.tensor(b)))).dataSync()[0]);
}

describe('GRU / SimpleRNN Keras and TF.js files vs the numpy reference', () => {
  const layerKinds: Record<string, [string, boolean | null][]> = {
    'keras2_gru_reset_after.h5': [['GRU', true]],
    'keras2_gru_reset_before.h5': [['GRU', false]],
    'keras2_simple_rnn.h5': [['SimpleRNN', null]],
    'keras2_bidirectional_gru.h5': [['Bidirectional(GRU)', true]],
    'keras2_cudnn_gru.h5': [['GRU', true]],
    'keras3_gru_simple_rnn.keras': [['GRU', true], ['SimpleRNN', null]],
    'tfjs_gru_reset_after/model.json': [['GRU', true]],
    'tfjs_simple_rnn/model.json': [['SimpleRNN', null]],
  };

  it.each(Object.keys(expected.cases))('%s: the recurrent layers built, predict within 1e-5, no tensor left behind', async (file) => {
    const model = await load(file);
    const kinds = model.layers.flatMap((l): [string, boolean | null][] => {
      if (l instanceof GRU) return [['GRU', l.resetAfter]];
      if (l instanceof SimpleRNN) return [['SimpleRNN', null]];
      if (l instanceof Bidirectional && l.forwardLayer instanceof GRU) return [['Bidirectional(GRU)', l.forwardLayer.resetAfter]];
      return [];
    });
    expect(kinds).toEqual(layerKinds[file]);
    const before = tf.memory().numTensors;
    const x = tf.tensor(expected.input);
    const y = model.predict(x) as tf.Tensor;
    const d = maxDiff(y, expected.cases[file].output);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    expect(d).toBeLessThan(TOLERANCE);
    model.dispose();
  });

  it('CuDNNGRU: tanh / sigmoid, reset after, its cuDNN-layout kernel converted (not the stored one)', async () => {
    const model = await loadKeras(path.join(DIR, 'keras2_cudnn_gru.h5'));
    const g = model.layers.find((l): l is GRU => l instanceof GRU)!;
    expect([g.cell.config.activation, g.cell.config.recurrentActivation, g.resetAfter]).toEqual(['tanh', 'sigmoid', true]);
    expect(g.getWeights().map((w) => w.shape)).toEqual([[3, 12], [4, 12], [2, 12]]);
    model.dispose();
  });

  it('a GRU config without reset_after (Keras 2.1.4) resets before, with Keras 2 hard_sigmoid', async () => {
    const model = await loadKeras(path.join(DIR, 'keras2_gru_reset_before.h5'));
    const g = model.layers.find((l): l is GRU => l instanceof GRU)!;
    expect([g.resetAfter, g.cell.config.recurrentActivation]).toEqual([false, 'hardSigmoid']);
    model.dispose();
  });
});

describe('showcase: a TF.js converter model.json with tf.keras GRU(reset_after=True)', () => {
  it('loads, predicts as the numpy reference and trains (loss decreases, no NaN)', async () => {
    const model = await loadTfjs(path.join(DIR, 'tfjs_gru_reset_after', 'model.json'));
    const x = tf.tensor(expected.input);
    const y0 = model.predict(x) as tf.Tensor;
    expect(maxDiff(y0, expected.cases['tfjs_gru_reset_after/model.json'].output)).toBeLessThan(TOLERANCE);
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const target = tf.zeros([2, 2]);
    const h = await model.fit(x, target, { epochs: 8, batchSize: 2, verbose: 0 });
    const losses = h.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.9);
    tf.dispose([x, y0, target]);
    model.dispose();
  });
});

describe('GRU / SimpleRNN models saved again', () => {
  it.each(Object.keys(expected.cases))('%s: saveKeras (.h5 and .keras) and saveTfjs, loaded back, predict within 1e-5', async (file) => {
    const model = await load(file);
    const dir = tmp();
    const x = tf.tensor(expected.input);
    const again = [await (async () => (await saveKeras(model, path.join(dir, 'm.h5')), loadKeras(path.join(dir, 'm.h5'))))(),
      await (async () => (await saveKeras(model, path.join(dir, 'm.keras')), loadKeras(path.join(dir, 'm.keras'))))()];
    const saved = await saveTfjs(model, path.join(dir, 'tfjs'));
    again.push(await loadTfjs(path.join(dir, 'tfjs', 'model.json')));
    // Only a GRU with reset_after=True keeps lstm-bridge's class (tfjs-layers' GRUCell refuses it);
    // the rest is written as tfjs-layers' own GRU / SimpleRNN, which plain tfjs loads (a separate
    // process without lstm-bridge) and computes as the numpy reference does.
    expect(saved.emitted.needsLstmBridge).toBe(!PLAIN_FILES.includes(file));
    if (PLAIN_FILES.includes(file)) {
      const plain = predictInPlainTfjs(path.join(dir, 'tfjs'), [{ shape: x.shape, values: x.dataSync() }]);
      expect(plain.loaded).toEqual([]);
      expect(maxDiff(tf.tensor(plain.outputs[0].values, plain.outputs[0].shape), expected.cases[file].output)).toBeLessThan(TOLERANCE);
    }
    for (const m of again) {
      const y = m.predict(x) as tf.Tensor;
      expect(maxDiff(y, expected.cases[file].output)).toBeLessThan(TOLERANCE);
      y.dispose();
      m.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it("saveTfjs emit 'tfjs-layers' of GRU(reset_after=True) is an UnsupportedConversionError saying lstm-bridge is needed", async () => {
    const model = await loadTfjs(path.join(DIR, 'tfjs_gru_reset_after', 'model.json'));
    const before = tf.memory().numTensors;
    const err = await saveTfjs(model, path.join(tmp(), 'plain'), { emit: 'tfjs-layers' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedConversionError);
    expect((err as Error).message).toMatch(/layer 'gru' \(GRU reset_after=True: tfjs-layers' GRU resets before only.*loading needs lstm-bridge\)/);
    expect(tf.memory().numTensors).toBe(before);
    const auto = await saveTfjs(model, path.join(tmp(), 'auto'));
    expect(auto.emitted.layers).toEqual([{ name: 'gru', className: 'LstmBridge.GRU', reason: expect.stringContaining('reset_after=True') }]);
    model.dispose();
  });
});
