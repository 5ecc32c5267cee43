/**
 * Round-trip properties per file format (fast-check, seeded): for random `nn.LSTM`
 * configurations with random weights, what is saved loads back bit for bit — `.pt` (zip),
 * safetensors, `.onnx` (through `loadOnnx`'s nn.LSTM), Keras `.h5` (through `toKeras`, `saveKeras`,
 * `loadKeras`) and TF.js `model.json` (through `saveTfjs`, `loadTfjs`, both emit modes) — and no
 * tensor is left behind.
 */
import * as path from 'path';

import * as fc from 'fast-check';
import * as tfl from '@tensorflow/tfjs-layers';

import { toKeras } from '../adapters';
import { LSTM } from '../src/nn';
import { loadKeras, loadOnnx, loadSafetensors, loadTfjs, loadTorch, saveKeras, saveOnnx, saveSafetensors, saveTfjs, saveTorch } from '../src/io/node';
import { randomizeWeights } from './helpers/layers';
import { tmpDirs } from './helpers/tmp';
import { tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-roundtrip-');

const config = fc.record({
  inputSize: fc.integer({ min: 1, max: 5 }),
  hiddenSize: fc.integer({ min: 1, max: 6 }),
  numLayers: fc.integer({ min: 1, max: 3 }),
  bidirectional: fc.boolean(),
  bias: fc.boolean(),
  batchFirst: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1 << 20 }),
});

type Config = typeof config extends fc.Arbitrary<infer C> ? C : never;

/** An nn.LSTM of `c` with seeded uniform weights (its own init is random, so it is replaced). */
function lstmOf(c: Config): LSTM {
  const lstm = new LSTM(c.inputSize, c.hiddenSize, { numLayers: c.numLayers, bidirectional: c.bidirectional, bias: c.bias, batchFirst: c.batchFirst });
  const sd = lstm.stateDict();
  const values: Record<string, tf.Tensor> = {};
  Object.entries(sd).forEach(([k, t], j) => (values[k] = tf.randomUniform(t.shape, -1, 1, 'float32', c.seed + j)));
  lstm.loadStateDict(values);
  tf.dispose(Object.values(values));
  return lstm;
}

function expectSameTensors(a: tf.NamedTensorMap, b: tf.NamedTensorMap): void {
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const k of Object.keys(a)) {
    expect(b[k].shape).toEqual(a[k].shape);
    expect(Array.from(b[k].dataSync())).toEqual(Array.from(a[k].dataSync()));
  }
}

function expectSameWeights(a: tfl.LayersModel, b: tfl.LayersModel): void {
  const [wa, wb] = [a.getWeights(), b.getWeights()];
  expect(wb.length).toBe(wa.length);
  wa.forEach((t, k) => expect(Array.from(wb[k].dataSync())).toEqual(Array.from(t.dataSync())));
}

const RUNS = { numRuns: 12, seed: 20261202 };

describe('save -> load round trips are exact, per format', () => {
  test('.pt and safetensors: the state dict', () => {
    fc.assert(
      fc.property(config, (c) => {
        const before = tf.memory().numTensors;
        const lstm = lstmOf(c);
        const sd = lstm.stateDict();
        const dir = tmp();
        saveTorch(sd, path.join(dir, 'm.pt'));
        saveSafetensors(sd, path.join(dir, 'm.safetensors'));
        for (const back of [loadTorch(path.join(dir, 'm.pt')), loadSafetensors(path.join(dir, 'm.safetensors'))]) {
          expectSameTensors(sd, back);
          tf.dispose(Object.values(back));
        }
        lstm.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }),
      RUNS,
    );
  });

  test('.onnx: loadOnnx(saveOnnx(lstm)) has the same state dict and batchFirst', () => {
    fc.assert(
      fc.property(config, (c) => {
        const before = tf.memory().numTensors;
        const lstm = lstmOf(c);
        const back = loadOnnx(saveOnnx(lstm, path.join(tmp(), 'm.onnx')));
        expect(back.batchFirst).toBe(c.batchFirst);
        expectSameTensors(lstm.stateDict(), back.stateDict());
        [lstm, back].forEach((m) => m.dispose());
        expect(tf.memory().numTensors).toBe(before);
      }),
      RUNS,
    );
  });

  test('Keras .h5 and TF.js model.json (auto and lstm-bridge emit): the model weights', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.constantFrom('auto', 'lstm-bridge') as fc.Arbitrary<'auto' | 'lstm-bridge'>, async (c, emit) => {
        const before = tf.memory().numTensors;
        const lstm = lstmOf(c);
        const model = toKeras(lstm);
        randomizeWeights(model, c.seed);
        const dir = tmp();
        await saveKeras(model, path.join(dir, 'm.h5'));
        await saveTfjs(model, path.join(dir, 'tfjs'), { emit });
        for (const back of [await loadKeras(path.join(dir, 'm.h5')), await loadTfjs(path.join(dir, 'tfjs', 'model.json'))]) {
          expectSameWeights(model, back);
          back.dispose();
        }
        model.dispose();
        lstm.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }),
      { ...RUNS, numRuns: 6 },
    );
  }, 120000);
});
