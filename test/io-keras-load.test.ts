/**
 * `io.loadKeras` on whole model files written in the real Keras layouts (see
 * `test/helpers/keras-model-fixtures.ts`): the model's recurrent layers are the Keras facade's,
 * configured as the file says, and its predictions match an independent reference
 * (tfjs-layers' own layers, or a plain-loop LSTM) within 1e-5.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { Bidirectional, LSTM } from '../src/layers';
import { KerasFormatError, KerasLayerError } from '../src/io/shared/errors';
import { loadKeras } from '../src/io/keras/load';
import { writeKeras } from '../src/io/keras/writer';
import { MODEL_FIXTURES, keras1PerGate, keras2Cudnn, keras2WeightsOnly, keras3H5HardSigmoid, keras3MaskedBidirectional, tfKerasFunctionalGraph } from './helpers/keras-model-fixtures';
import { expectClose, tf } from './helpers/tf';

async function bytesOf(fx: { file: Parameters<typeof writeKeras>[0]; nameLists?: 'fixed' | 'vlen' }): Promise<Uint8Array> {
  return writeKeras(fx.file, { nameLists: fx.nameLists });
}

describe('io.loadKeras: model files in the real layouts', () => {
  it.each(Object.keys(MODEL_FIXTURES))('%s: predictions match an independent reference', async (key) => {
    const fx = MODEL_FIXTURES[key]();
    const model = await loadKeras(await bytesOf(fx), fx.config ? { config: fx.config } : {});
    const recurrent = model.layers.filter((l) => /LSTM|Bidirectional/.test(l.getClassName()));
    expect(recurrent.length).toBeGreaterThan(0);
    for (const l of recurrent) expect(l instanceof LSTM || l instanceof Bidirectional).toBe(true);
    const x = fx.input();
    const y = model.predict(x) as tf.Tensor;
    const ref = fx.reference(x);
    expectClose(y, ref, 1e-5, 1e-5, key);
    tf.dispose([x, y, ref]);
    model.dispose();
  });

  it('takes a KerasFile as well as bytes', async () => {
    const fx = keras1PerGate();
    const model = await loadKeras(fx.file);
    const x = fx.input();
    expectClose(model.predict(x) as tf.Tensor, fx.reference(x), 1e-5, 1e-5);
    model.dispose();
  });
});

describe('io.loadKeras: the file configuration reaches the layers', () => {
  it('Keras 1 names: output_dim, inner_activation hard_sigmoid (Keras 2 form), consume_less, input_dim/input_length', async () => {
    const model = await loadKeras(await bytesOf(keras1PerGate()));
    const lstm = model.getLayer('lstm_1') as LSTM;
    expect(lstm).toBeInstanceOf(LSTM);
    expect(lstm.units).toBe(4);
    expect(lstm.cell.config.recurrentActivation).toBe('hardSigmoid');
    expect(lstm.cell.config.implementation).toBe(1);
    expect(model.inputs[0].shape).toEqual([null, 5, 3]);
    model.dispose();
  });

  it('Keras 3: hard_sigmoid is the Keras 3 form, DTypePolicy dtypes, L2 regularizer as L1L2', async () => {
    const model = await loadKeras(await bytesOf(keras3H5HardSigmoid()));
    const lstm = model.getLayer('lstm') as LSTM;
    expect(lstm.cell.config.recurrentActivation).toBe('hardSigmoidKeras3');
    expect(lstm.cell.config.kernelRegularizer?.getConfig()).toEqual({ l1: 0, l2: 0.0001 });
    model.dispose();
  });

  it('tf.keras: go_backwards, return_sequences, implementation; surrounding layers are tfjs-layers with their options', async () => {
    const fx = tfKerasFunctionalGraph();
    const model = await loadKeras(await bytesOf(fx));
    const a = model.getLayer('lstm_a') as LSTM;
    expect([a.goBackwards, a.returnSequences, a.cell.config.implementation]).toEqual([true, true, 2]);
    const out = model.getLayer('out');
    expect(out.getClassName()).toBe('Dense');
    expect((out.getConfig().kernelConstraint as { className: string }).className).toBe('MaxNorm');
    // Loading stores the file's values as they are (tfjs' setWeights would apply MaxNorm(2)).
    const fileKernel = fx.file.layers.find((l) => l.name === 'out')!.weights[0].tensor;
    expect(Array.from(out.getWeights()[0].dataSync())).toEqual(Array.from(fileKernel.values));
    expect(model.getLayer('time_distributed').getClassName()).toBe('TimeDistributed');
    model.dispose();
  });

  it('CuDNNLSTM becomes layers.LSTM with tanh / sigmoid and one bias', async () => {
    const model = await loadKeras(await bytesOf(keras2Cudnn()));
    const l = model.getLayer('cu_dnnlstm_1') as LSTM;
    expect(l).toBeInstanceOf(LSTM);
    expect([l.cell.config.activation, l.cell.config.recurrentActivation]).toEqual(['tanh', 'sigmoid']);
    expect(l.getWeights().map((t) => t.shape)).toEqual([[2, 12], [3, 12], [12]]);
    model.dispose();
  });

  it('Keras 3 Bidirectional: both halves from the config, halves matched to forward_layer / backward_layer weights', async () => {
    const model = await loadKeras(await bytesOf(keras3MaskedBidirectional()));
    const bi = model.getLayer('bidirectional') as Bidirectional;
    expect([bi.forwardLayer.name, bi.backwardLayer.name]).toEqual(['forward_lstm', 'backward_lstm']);
    expect(bi.backwardLayer.goBackwards).toBe(true);
    expect(model.layers.map((l) => l.name)).not.toContain('not_equal');
    model.dispose();
  });
});

describe('io.loadKeras: errors name the layer', () => {
  it('a weights-only file without its architecture', async () => {
    await expect(loadKeras(await bytesOf(keras2WeightsOnly()))).rejects.toThrow(/weights only .*pass its architecture as \{config/);
  });

  it('weights that do not fit the layer', async () => {
    const fx = keras1PerGate();
    const file = { ...fx.file, layers: [fx.file.layers[0], { ...fx.file.layers[1], weights: fx.file.layers[1].weights.slice(0, 1) }] };
    const err = await loadKeras(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasLayerError);
    expect((err as KerasLayerError).layer).toBe('dense_1');
    expect((err as Error).message).toMatch(/layer 'dense_1' \(Dense\): expected 2 weight arrays/);
  });

  it('a layer with no weights in the file, and weights for a layer the model lacks', async () => {
    const fx = keras1PerGate();
    await expect(loadKeras({ ...fx.file, layers: [fx.file.layers[0]] })).rejects.toThrow(/layer 'dense_1' \(Dense\): the file has no weights for it/);
    const extra = { ...fx.file.layers[1], name: 'dense_9' };
    await expect(loadKeras({ ...fx.file, layers: [...fx.file.layers, extra] })).rejects.toThrow(/weights for layer 'dense_9', which the model does not have/);
  });

  it.each([
    [{ notEqualValue: 1 }, /mask=not_equal\(x, 1\) is not supported/],
    [{ notEqualOf: 'embedding' }, /its mask is not_equal\('embedding', 0\), which does not match/],
  ])('Keras 3 masks other than NotEqual(embedding input, 0): %j', async (options, message) => {
    const err = await loadKeras(await bytesOf(keras3MaskedBidirectional(options))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasLayerError);
    expect((err as KerasLayerError).layer).toBe('bidirectional');
    expect((err as Error).message).toMatch(message);
  });

  it('an unsupported class, an unsupported option and a Keras 3 hard_sigmoid on a tfjs layer', async () => {
    const base = keras2WeightsOnly();
    const cfg = JSON.parse(base.config!);
    const withLayer = (l: object) => JSON.stringify({ ...cfg, config: [...cfg.config, l] });
    await expect(loadKeras(await bytesOf(base), { config: withLayer({ class_name: 'ConvLSTM2D', config: { name: 'conv_1', filters: 2 } }) })).rejects.toThrow(/layer 'conv_1' \(ConvLSTM2D\): class ConvLSTM2D is not supported/);
    // A GRU is supported: one after a last-step LSTM gets the layer's own shape error.
    await expect(loadKeras(await bytesOf(base), { config: withLayer({ class_name: 'GRU', config: { name: 'gru_1', units: 2 } }) })).rejects.toThrow(/layers.GRU \(gru_1\): input expected rank 3 \(batch, timesteps, features\), got \[null, 1\]/);
    await expect(loadKeras(await bytesOf(base), { config: withLayer({ class_name: 'Dense', config: { name: 'd', units: 2, lora_rank: 4 } }) })).rejects.toThrow(/layer 'd' \(Dense\): option lora_rank=4 is not supported by tfjs-layers/);
    const k3 = keras3H5HardSigmoid();
    const mc = k3.file.modelConfig as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    mc.config.layers[2].config.activation = 'hard_sigmoid';
    await expect(loadKeras(await bytesOf(k3))).rejects.toThrow(/layer 'dense' \(Dense\): activation 'hard_sigmoid' of Keras 3/);
  });

  it('frees what it built when a load fails', async () => {
    const fx = keras1PerGate();
    const bad = { ...fx.file, layers: [fx.file.layers[0]] };
    const before = tf.memory().numTensors;
    await expect(loadKeras(bad)).rejects.toThrow(KerasFormatError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loading and disposing a model, and predicting, leave no tensors behind', async () => {
    const fx = tfKerasFunctionalGraph();
    const bytes = await bytesOf(fx);
    const before = tf.memory().numTensors;
    const model = await loadKeras(bytes);
    const x = fx.input();
    const during = tf.memory().numTensors;
    const y = model.predict(x) as tf.Tensor;
    expect(tf.memory().numTensors).toBe(during + 1);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tfl).toBeDefined();
  });
});
