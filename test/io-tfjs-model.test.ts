/**
 * `io.loadTfjsModel` / `io.loadTfjs` / `io.saveTfjs`: TF.js layers models converted from Keras 3
 * (the layouts of tensorflowjs_converter 4.22 output: `DTypePolicy` dtypes, `batch_shape`, weight
 * names with or without the model / Bidirectional prefix) load into models with the Keras
 * facade's layers and predict like tfjs-layers' own layers given the same arrays; any model
 * saved to a directory loads back identically.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { Bidirectional, LSTM, bidirectional, lstm } from '../src/layers';
import { RawTensor } from '../src/io/shared/dtypes';
import { KerasLayerError, TfjsFormatError } from '../src/io/shared/errors';
import { fileSystem, loadTfjs, loadTfjsModel, saveTfjs } from '../src/io/node';
import { raw } from './helpers/keras-fixtures';
import { tmpDirs } from './helpers/tmp';
import { expectClose, randomTensor, tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-tfjs-');
const DTYPE = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** model.json + one shard holding `weights` in order, as the converter writes them. */
function tfjsFiles(modelConfig: object, weights: { name: string; tensor: RawTensor }[]): { json: object; shards: Uint8Array[] } {
  const total = weights.reduce((a, w) => a + w.tensor.values.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const w of weights) {
    data.set(w.tensor.values as Float32Array, at);
    at += w.tensor.values.length;
  }
  return {
    json: {
      format: 'layers-model',
      generatedBy: 'keras v3.13.2',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: { keras_version: '3.13.2', backend: 'tensorflow', model_config: modelConfig },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map((w) => ({ name: w.name, shape: w.tensor.shape, dtype: 'float32' })) }],
    },
    shards: [new Uint8Array(data.buffer)],
  };
}

const lstmCfg = (name: string, units: number, seq: boolean, back: boolean) => ({ class_name: 'LSTM', config: { name, trainable: true, dtype: DTYPE, return_sequences: seq, return_state: false, go_backwards: back, stateful: false, unroll: false, units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true, dropout: 0.0, recurrent_dropout: 0.0, seed: null } });
const T = (r: RawTensor) => tf.tensor(r.values, [...r.shape]);

/** Sequential InputLayer -> Bidirectional(LSTM(3, seq)) -> Dense(2), with the given weight-name scheme. */
function bidirectionalModel(names: (half: 'forward' | 'backward', w: string) => string, densePrefix: string) {
  let s = 900;
  const half = (h: 'forward' | 'backward') => [['kernel', [4, 12]], ['recurrent_kernel', [3, 12]], ['bias', [12]]].map(([n, shape]) => ({ name: names(h, n as string), tensor: raw(shape as number[], s++) }));
  const weights = [...half('forward'), ...half('backward'), { name: `${densePrefix}dense/kernel`, tensor: raw([6, 2], s++) }, { name: `${densePrefix}dense/bias`, tensor: raw([2], s++) }];
  const config = {
    class_name: 'Sequential',
    config: { name: 'sequential', trainable: true, dtype: DTYPE, layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 5, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' } },
      { class_name: 'Bidirectional', config: { name: 'bidirectional', trainable: true, dtype: DTYPE, merge_mode: 'concat', layer: lstmCfg('forward_lstm', 3, true, false), backward_layer: lstmCfg('backward_lstm', 3, true, true) } },
      { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: DTYPE, units: 2, activation: 'softmax', use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null } } },
    ] },
  };
  const reference = (x: tf.Tensor) => {
    const bi = tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true }) as tfl.RNN, inputShape: [5, 4] });
    const d = tfl.layers.dense({ units: 2, activation: 'softmax' });
    const m = tfl.sequential({ layers: [bi, d] });
    bi.setWeights(weights.slice(0, 6).map((w) => T(w.tensor)));
    d.setWeights(weights.slice(6).map((w) => T(w.tensor)));
    return m.predict(x) as tf.Tensor;
  };
  return { ...tfjsFiles(config, weights), reference };
}

describe('io.loadTfjsModel: Keras 3 models converted by tensorflowjs_converter', () => {
  it.each([
    ['model and Bidirectional prefixes (raw converter output)', (h: string, w: string) => `sequential/bidirectional/${h}_lstm/lstm_cell/${w}`, 'sequential/'],
    ['the names tfjs-layers gives its own Bidirectional', (h: string, w: string) => `bidirectional/${h}_forward_lstm/${w}`, ''],
    ['no prefix at all (the converter on Functional models)', (h: string, w: string) => `${h}_lstm/lstm_cell/${w}`, ''],
  ])('weight names with %s', async (_label, names, densePrefix) => {
    const { json, shards, reference } = bidirectionalModel(names as (h: 'forward' | 'backward', w: string) => string, densePrefix);
    const model = await loadTfjsModel(json, shards);
    expect(model.getLayer('bidirectional')).toBeInstanceOf(Bidirectional);
    const x = randomTensor([2, 5, 4], 3);
    expectClose(model.predict(x) as tf.Tensor, reference(x), 1e-5, 1e-5);
    model.dispose();
  });

  it('takes the model.json text, and a directory on disk', async () => {
    const { json, shards, reference } = bidirectionalModel((h, w) => `sequential/bidirectional/${h}_lstm/lstm_cell/${w}`, 'sequential/');
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), shards[0]);
    const x = randomTensor([2, 5, 4], 4);
    for (const model of [await loadTfjsModel(JSON.stringify(json), shards), await loadTfjs(dir), await loadTfjs(path.join(dir, 'model.json'))]) {
      expectClose(model.predict(x) as tf.Tensor, reference(x), 1e-5, 1e-5);
      model.dispose();
    }
  });

  it('errors: a weight that matches no layer, a graph model', async () => {
    const { json, shards } = bidirectionalModel((h, w) => `elsewhere/${h}/${w}`, '');
    await expect(loadTfjsModel(json, shards)).rejects.toThrow(KerasLayerError);
    await expect(loadTfjsModel({ format: 'graph-model', modelTopology: null, weightsManifest: [] }, [])).rejects.toThrow(TfjsFormatError);
  });
});

describe('io.saveTfjs / io.loadTfjs: any model to a directory and back', () => {
  it('a functional model with the facade layers and tfjs layers predicts identically after the round trip', async () => {
    const input = tfl.input({ shape: [6, 3] });
    const a = bidirectional({ layer: lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoidKeras3' }), mergeMode: 'ave' }).apply(input) as tfl.SymbolicTensor;
    const b = lstm({ units: 5, goBackwards: true }).apply(tfl.layers.batchNormalization().apply(a)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2 }).apply(b) as tfl.SymbolicTensor });
    const dir = tmp();
    // lstm-bridge's classes on disk: bitwise the same engine after loading (emit 'auto', the
    // default, writes the goBackwards LSTM as tfjs-layers' own: io-tfjs-emit.test.ts).
    await saveTfjs(model, dir, { emit: 'lstm-bridge' });
    const x = randomTensor([3, 6, 3], 5);
    const expected = model.predict(x) as tf.Tensor;
    const back = await loadTfjs(dir);
    const viaTfjs = await tfl.loadLayersModel(fileSystem(dir));
    expect(back.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(Array.from((back.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(Array.from((viaTfjs.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected.dataSync()));
    [model, back, viaTfjs].forEach((m) => m.dispose());
  });

  it("tfjs-layers' own LSTM in a saved model becomes layers.LSTM with the same numbers", async () => {
    const native = tfl.sequential({ layers: [tfl.layers.lstm({ units: 3, inputShape: [4, 2], returnSequences: true }), tfl.layers.lstm({ units: 2 })] });
    const dir = tmp();
    await native.save(fileSystem(dir));
    const loaded = await loadTfjs(dir);
    expect(loaded.layers.every((l) => l instanceof LSTM)).toBe(true);
    expect((loaded.layers[0] as LSTM).cell.config.recurrentActivation).toBe('hardSigmoid');
    const x = randomTensor([2, 4, 2], 6);
    expectClose(loaded.predict(x) as tf.Tensor, native.predict(x) as tf.Tensor, 1e-6, 1e-6);
    [native, loaded].forEach((m) => m.dispose());
  });
});
