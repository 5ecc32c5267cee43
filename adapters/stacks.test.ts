import * as fs from 'fs';
import * as path from 'path';

import * as tfl from '@tensorflow/tfjs-layers';

import { lstmStack } from '../src/engine';
import { ShapeError, StateDictError, UnsupportedConversionError } from '../src/errors';
import { randomNative, randomValues } from '../test/helpers/conventions';
import { expectClose, tf } from '../test/helpers/tf';
import { disposeStack, kerasWeightsToStack, stackToKerasWeights, stackToTorchStateDict, torchStateDictToStack } from './stacks';

interface JsonTensor {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  config: { input_size: number; hidden_size: number; num_layers: number; bidirectional: boolean; bias: boolean };
  state_dict: Record<string, JsonTensor>;
  input: JsonTensor;
  output: JsonTensor;
  h_n: JsonTensor;
  c_n: JsonTensor;
}
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'onnx-lstm-export.json'), 'utf8')) as { cases: Case[] };
const tensor = (t: JsonTensor) => tf.tensor(t.data, t.shape);

describe('PyTorch state dicts <-> engine stacks', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: a real state dict runs as PyTorch ran it, and is written back key for key', (_, c) => {
    const before = tf.memory().numTensors;
    const stateDict: Record<string, tf.Tensor> = { 'fc.weight': tf.zeros([2, 2]) };
    for (const [k, v] of Object.entries(c.state_dict)) stateDict[`lstm.${k}`] = tensor(v);
    const { config, layers } = torchStateDictToStack(stateDict, { prefix: 'lstm.' });
    expect(config).toEqual({
      inputSize: c.config.input_size, hiddenSize: c.config.hidden_size, projSize: 0,
      numLayers: c.config.num_layers, bidirectional: c.config.bidirectional, bias: c.config.bias,
    });
    const x = tensor(c.input);
    const run = lstmStack(x, layers);
    const [output, h_n, c_n] = [tensor(c.output), tensor(c.h_n), tensor(c.c_n)];
    const [h, cc] = [tf.stack(run.h), tf.stack(run.c)];
    expectClose(run.output, output, 1e-5, 0, 'output');
    expectClose(h, h_n, 1e-5, 0, 'h_n');
    expectClose(cc, c_n, 1e-5, 0, 'c_n');
    const back = stackToTorchStateDict(layers, { prefix: 'lstm.' });
    expect(Object.keys(back)).toEqual(Object.keys(c.state_dict).map((k) => `lstm.${k}`));
    for (const [k, v] of Object.entries(back)) expect(Array.from(v.dataSync())).toEqual(Array.from(stateDict[k].dataSync()));
    tf.dispose([x, run.output, ...run.h, ...run.c, output, h_n, c_n, h, cc, ...Object.values(back), ...Object.values(stateDict)]);
    disposeStack(layers);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lists missing and unexpected keys, and shape mismatches, in a StateDictError', () => {
    const c = fixture.cases.find((k) => k.name === 'two_layers_bidirectional') as Case;
    const full: Record<string, tf.Tensor> = Object.fromEntries(Object.entries(c.state_dict).map(([k, v]) => [k, tensor(v)]));
    const { weight_hh_l1_reverse: dropped, ...missing } = full;
    try {
      torchStateDictToStack({ ...missing, weight_xx_l0: dropped });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(StateDictError);
      expect((e as StateDictError).missingKeys).toEqual(['weight_hh_l1_reverse']);
      expect((e as StateDictError).unexpectedKeys).toEqual(['weight_xx_l0']);
    }
    const wrong = { ...full, weight_ih_l1: tf.zeros([12, 3]) };
    expect(() => torchStateDictToStack(wrong)).toThrow(StateDictError);
    expect(() => torchStateDictToStack(wrong)).toThrow('layer 1 expected (input, hidden, output) sizes (6, 3, 3), got (3, 3, 3)');
    expect(() => torchStateDictToStack(full, { prefix: 'rnn.' })).toThrow("no LSTM keys under prefix 'rnn.'");
    tf.dispose([...Object.values(full), wrong.weight_ih_l1]);
  });
});

describe('Keras weight lists <-> engine stacks', () => {
  it('a real tfjs-layers stack of Bidirectional(LSTM) layers computes what lstmStack computes', () => {
    const before = tf.memory().numTensors;
    const [I, H, T, N] = [3, 4, 5, 2];
    const s = (seed: number, inputs: number) => ({ I: inputs, H, P: 0, bias: true, seed, special: false });
    const layers = [
      { forward: randomNative('canonical', s(1, I)), backward: randomNative('canonical', s(2, I)) },
      { forward: randomNative('canonical', s(3, 2 * H)), backward: randomNative('canonical', s(4, 2 * H)) },
    ];
    const lists = stackToKerasWeights(layers);
    expect(lists.map((l) => l.length)).toEqual([6, 6]);
    const model = tfl.sequential({
      layers: [
        tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid' }) as tfl.RNN, inputShape: [T, I] }),
        tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid' }) as tfl.RNN }),
      ],
    });
    model.setWeights(lists.flat());
    const xBatch = randomValues([N, T, I], 9, false, 1);
    const y = model.predict(xBatch) as tf.Tensor;
    const x = tf.transpose(xBatch, [1, 0, 2]);
    const run = lstmStack(x, layers);
    const yEngine = tf.transpose(run.output, [1, 0, 2]);
    expectClose(y, yEngine, 1e-5, 0, 'stack output');
    const { config, layers: again } = kerasWeightsToStack(lists);
    expect(config).toEqual({ inputSize: I, hiddenSize: H, projSize: 0, numLayers: 2, bidirectional: true, bias: true });
    const run2 = lstmStack(x, again);
    expectClose(run2.output, run.output, 0, 0, 'through Keras lists and back');
    model.dispose();
    tf.dispose([y, xBatch, x, yEngine, run.output, ...run.h, ...run.c, run2.output, ...run2.h, ...run2.c, ...lists.flat()]);
    disposeStack(layers);
    disposeStack(again);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses lists of other lengths, mixed directions and projections', () => {
    const k = () => [tf.zeros([3, 8]), tf.zeros([2, 8]), tf.zeros([8])];
    const [a, b, c] = [k(), k(), k()];
    expect(() => kerasWeightsToStack([a.slice(0, 1)])).toThrow(ShapeError);
    expect(() => kerasWeightsToStack([[...a, ...b], c])).toThrow('layer 1 has 1 direction, layer 0 has 2');
    const projected = [{ forward: randomNative('canonical', { I: 2, H: 3, P: 2, bias: false, seed: 1, special: false }) }];
    expect(() => stackToKerasWeights(projected)).toThrow(UnsupportedConversionError);
    tf.dispose([...a, ...b, ...c]);
    disposeStack(projected);
  });
});
