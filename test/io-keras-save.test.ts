/**
 * `io.saveKeras` / `kerasModelFile`: models with the Keras facade's layers and tfjs-layers'
 * layers written as Keras 2 `.h5` files, in Keras' layout (checked with our reader here and
 * with h5py and a numpy forward pass in `io-keras-save.torch.test.ts`), and loaded back by
 * `io.loadKeras` with identical predictions.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { UnsupportedConversionError } from '../src/errors';
import { lstm } from '../src/layers';
import { kerasModelFile, loadKeras, readKeras, saveKeras, writeKeras } from '../src/io/node';
import { IDS, functionalModel, sequentialModel } from './helpers/keras-save-models';
import { tmpDirs } from './helpers/tmp';
import { randomTensor, tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-save-');

describe('kerasModelFile: the Keras 2 .h5 layout', () => {
  it('Sequential: versions, class names, input shape on the first layer, weight names in Keras order', async () => {
    const model = sequentialModel();
    const file = kerasModelFile(model);
    const back = readKeras(await writeKeras(file));
    expect([back.format, back.kerasVersion, back.backend]).toEqual(['h5', '2.15.0', 'tensorflow']);
    const cfg = back.modelConfig as { class_name: string; config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(cfg.class_name).toBe('Sequential');
    expect(cfg.config.layers.map((l) => l.class_name)).toEqual(['Bidirectional', 'LSTM', 'Dense']);
    expect(cfg.config.layers[0].config.batch_input_shape).toEqual([null, 6, 3]);
    const inner = (cfg.config.layers[0].config.layer as { class_name: string; config: Record<string, unknown> });
    expect(inner.class_name).toBe('LSTM');
    expect([inner.config.name, inner.config.recurrent_activation, inner.config.return_sequences]).toEqual(['lstm_in', 'hard_sigmoid', true]);
    expect(cfg.config.layers[0].config.backward_layer).toBeUndefined();
    expect(cfg.config.layers[1].config.go_backwards).toBe(true);
    expect(back.layers.map((l) => l.name)).toEqual(['bi', 'lstm_mid', 'head']);
    expect(back.layers[0].weights.map((w) => w.name)).toEqual(
      ['forward_lstm_in', 'backward_lstm_in'].flatMap((h) => ['kernel', 'recurrent_kernel', 'bias'].map((n) => `bi/${h}/${n}:0`)),
    );
    expect(back.layers[1].weights.map((w) => w.name)).toEqual(['lstm_mid/kernel:0', 'lstm_mid/recurrent_kernel:0', 'lstm_mid/bias:0']);
    expect(back.layers[2].weights.map((w) => w.name)).toEqual(['head/kernel:0', 'head/bias:0']);
    const values = model.getWeights();
    const saved = back.layers.flatMap((l) => l.weights);
    values.forEach((v, k) => expect(Array.from(saved[k].tensor.values)).toEqual(Array.from(v.dataSync())));
    model.dispose();
  });

  it.each([
    ['Sequential', sequentialModel, () => randomTensor([2, 6, 3], 1)],
    ['functional with a mask, no-bias LSTM, merge sum', functionalModel, IDS],
  ])('%s: loadKeras reads the file back into a model that predicts identically', async (_label, make, input) => {
    const model = make();
    const dir = tmp();
    const file = path.join(dir, 'model.h5');
    const bytes = await saveKeras(model, file);
    expect(Array.from(fs.readFileSync(file))).toEqual(Array.from(bytes));
    const back = await loadKeras(file);
    expect(back.layers.map((l) => [l.name, l.getClassName()])).toEqual(model.layers.map((l) => [l.name, l.getClassName()]));
    const x = input();
    expect(Array.from((back.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    [model, back].forEach((m) => m.dispose());
  });

  it("refuses Keras 3's hard sigmoid, which Keras 2 cannot express", () => {
    const model = tfl.sequential({ layers: [lstm({ units: 2, recurrentActivation: 'hardSigmoidKeras3', inputShape: [3, 2], name: 'k3' })] });
    expect(() => kerasModelFile(model)).toThrow(UnsupportedConversionError);
    expect(() => kerasModelFile(model)).toThrow(/layer 'k3' recurrentActivation 'hardSigmoidKeras3'/);
    model.dispose();
  });
});
