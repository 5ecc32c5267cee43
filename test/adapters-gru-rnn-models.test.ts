/**
 * Whole-model adapters for the one-state kinds against real PyTorch: the committed fixture
 * (test/fixtures/torch/adapters-gru-rnn-models.json, written by
 * scripts/torch/gen_adapter_gru_rnn_models.py from real nn.GRU / nn.RNN modules: multi-layer,
 * bidirectional, batch_first, bias=False, tanh and relu, with and without h0) holds each module's
 * state dict, PyTorch's output and h_n, and the Keras weights written from PyTorch's equations and
 * Keras' layout in Python (independently of lstm-bridge).
 *
 * - `adapters.toKeras` of the loaded module: its layers hold exactly those Keras weights (bit for
 *   bit), and the model predicts PyTorch's output and h_n within 1e-5 (float32), with h0 fed as
 *   model inputs; for nn.RNN also with tfjs-layers' own SimpleRNN (`emit: 'tfjs-layers'`).
 * - `adapters.toTorch` of that model: the same state dict, bit for bit (GRU: every key; RNN: the
 *   weights, `bias_ih` = the Keras bias = PyTorch's float32 b_ih + b_hh, `bias_hh` = 0, the one
 *   bias a SimpleRNN has), a module of the same configuration, computing PyTorch's output.
 * No tensor is left behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { toKeras, toTorch } from '../adapters';
import { GRU, RNN } from '../src/nn';
import { maxAbsDiff, tf } from './helpers/tf';
import { JsonTensor, fromJson } from './helpers/torch-case';

interface Case {
  name: string;
  kind: 'gru' | 'rnn';
  config: { input_size: number; hidden_size: number; num_layers: number; bias: boolean; batch_first: boolean; bidirectional: boolean; nonlinearity: 'tanh' | 'relu' };
  state_dict: [string, JsonTensor][];
  input: JsonTensor;
  h0: JsonTensor | null;
  output: JsonTensor;
  h_n: JsonTensor;
  keras: { kernel: JsonTensor; recurrent_kernel: JsonTensor; bias?: JsonTensor }[][];
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'torch', 'adapters-gru-rnn-models.json'), 'utf8')) as { cases: Case[] };
const TOLERANCE = 1e-5;

function build(c: Case): GRU | RNN {
  const cfg = c.config;
  const o = { numLayers: cfg.num_layers, bias: cfg.bias, batchFirst: cfg.batch_first, bidirectional: cfg.bidirectional };
  const module = c.kind === 'gru' ? new GRU(cfg.input_size, cfg.hidden_size, o) : new RNN(cfg.input_size, cfg.hidden_size, { ...o, nonlinearity: cfg.nonlinearity });
  const sd = tf.tidy(() => Object.fromEntries(c.state_dict.map(([k, v]) => [k, fromJson(v)])));
  try {
    module.loadStateDict(sd);
  } finally {
    tf.dispose(Object.values(sd));
  }
  return module;
}

/** The values of a tensor and of a JSON tensor are the same float32 numbers, and the shapes equal. */
function expectBitEqual(actual: tf.Tensor, expected: JsonTensor | tf.Tensor, what: string): void {
  const e = expected instanceof tf.Tensor ? { shape: expected.shape, data: Array.from(expected.dataSync()) } : { shape: expected.shape, data: Array.from(Float32Array.from(expected.data)) };
  expect([what, actual.shape]).toEqual([what, e.shape]);
  expect([what, Array.from(actual.dataSync())]).toEqual([what, e.data]);
}

/** Model inputs: the batch-major sequence, then h0[k·D + d] for every layer k and direction d. */
function modelInputs(c: Case): tf.Tensor[] {
  const x = fromJson(c.input);
  if (!c.h0) return [x];
  const h0 = fromJson(c.h0);
  const states = tf.unstack(h0);
  h0.dispose();
  return [x, ...states];
}

/** PyTorch's output, batch-major (N, T, D·H). */
function torchOutputBatchMajor(c: Case): tf.Tensor {
  return tf.tidy(() => (c.config.batch_first ? fromJson(c.output) : tf.transpose(fromJson(c.output), [1, 0, 2])));
}

describe.each(fixture.cases.map((c) => [c.name, c] as const))('%s (real PyTorch)', (_name, c) => {
  it('adapters.toKeras: the Keras weights are PyTorch\'s in Keras\' layout, bit for bit; the model predicts output and h_n within 1e-5', () => {
    const before = tf.memory().numTensors;
    const module = build(c);
    const model = toKeras(module, { returnState: true, initialStateInputs: c.h0 !== null });
    const D = c.config.bidirectional ? 2 : 1;
    const recurrent = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    expect(recurrent.map((l) => l.name)).toEqual(
      Array.from({ length: c.config.num_layers }, (_, k) => (D === 2 ? `bidirectional_l${k}` : `${c.kind === 'gru' ? 'gru' : 'simple_rnn'}_l${k}`)),
    );
    recurrent.forEach((layer, k) => {
      const expected = c.keras[k].flatMap((w) => [w.kernel, w.recurrent_kernel, ...(w.bias ? [w.bias] : [])]);
      const actual = layer.getWeights();
      expect(actual).toHaveLength(expected.length);
      actual.forEach((w, j) => expectBitEqual(w, expected[j], `${layer.name} weight ${j}`));
    });
    const inputs = modelInputs(c);
    const [output, ...states] = model.predict(inputs) as tf.Tensor[];
    const torchOutput = torchOutputBatchMajor(c);
    const hN = tf.stack(states);
    expect(output.shape).toEqual(torchOutput.shape);
    expect(maxAbsDiff(output, torchOutput)).toBeLessThanOrEqual(TOLERANCE);
    expect(hN.shape).toEqual(c.h_n.shape);
    expect(maxAbsDiff(hN, c.h_n.data)).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([output, ...states, hN, torchOutput, ...inputs]);
    model.dispose();
    module.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('adapters.toTorch(adapters.toKeras(module)): the same configuration and state dict, bit for bit; PyTorch\'s output within 1e-5', () => {
    const before = tf.memory().numTensors;
    const module = build(c);
    const model = toKeras(module, { initialStateInputs: c.h0 !== null });
    const back = toTorch<GRU | RNN>(model);
    expect(back).toBeInstanceOf(c.kind === 'gru' ? GRU : RNN);
    expect([back.inputSize, back.hiddenSize, back.numLayers, back.bidirectional, back.bias, back.batchFirst]).toEqual([
      c.config.input_size, c.config.hidden_size, c.config.num_layers, c.config.bidirectional, c.config.bias, true,
    ]);
    if (back instanceof RNN) expect(back.nonlinearity).toBe(c.config.nonlinearity);
    const sd = back.stateDict();
    expect(Object.keys(sd)).toEqual(c.state_dict.map(([k]) => k)); // PyTorch's key order
    for (const [key, original] of c.state_dict) {
      if (c.kind === 'rnn' && key.startsWith('bias_')) continue;
      expectBitEqual(sd[key], original, key);
    }
    if (c.kind === 'rnn' && c.config.bias) {
      c.keras.forEach((dirs, k) => dirs.forEach((w, d) => {
        const suffix = `_l${k}${d ? '_reverse' : ''}`;
        expectBitEqual(sd[`bias_ih${suffix}`], w.bias!, `bias_ih${suffix} = the Keras bias = b_ih + b_hh`);
        expect(Array.from(sd[`bias_hh${suffix}`].dataSync()).every((v) => Object.is(v, 0))).toBe(true);
      }));
      // Once in the single-bias form, a further trip changes nothing.
      const again = toKeras(back);
      const twice = toTorch<RNN>(again);
      const sd2 = twice.stateDict();
      for (const [key, t] of Object.entries(sd)) expectBitEqual(sd2[key], t, `second trip ${key}`);
      again.dispose();
      twice.dispose();
    }
    const [x, ...h0States] = modelInputs(c);
    const h0 = h0States.length ? tf.stack(h0States) : null;
    const [out, hN] = back.forward(x, h0);
    const torchOutput = torchOutputBatchMajor(c);
    expect(maxAbsDiff(out, torchOutput)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDiff(hN, c.h_n.data)).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([x, ...h0States, h0 ?? [], out, hN, torchOutput]);
    model.dispose();
    back.dispose();
    module.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  if (c.kind === 'rnn') {
    it("adapters.toKeras(module, {emit: 'tfjs-layers'}) (tf.layers.simpleRNN) predicts PyTorch's output within 1e-5, and converts back bit for bit", () => {
      const before = tf.memory().numTensors;
      const module = build(c);
      const model = toKeras(module, { emit: 'tfjs-layers', initialStateInputs: c.h0 !== null });
      const classes = model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.getClassName());
      expect(classes).toEqual(Array(c.config.num_layers).fill(c.config.bidirectional ? 'Bidirectional' : 'SimpleRNN'));
      const inputs = modelInputs(c);
      const output = model.predict(inputs) as tf.Tensor;
      const torchOutput = torchOutputBatchMajor(c);
      expect(maxAbsDiff(output, torchOutput)).toBeLessThanOrEqual(TOLERANCE);
      const back = toTorch<RNN>(model);
      const sd = back.stateDict();
      for (const [key, original] of c.state_dict) if (key.startsWith('weight_')) expectBitEqual(sd[key], original, key);
      tf.dispose([output, torchOutput, ...inputs]);
      back.dispose();
      model.dispose();
      module.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('the fixture', () => {
  it('covers GRU and RNN (tanh, relu), several layers, bidirectional, batch_first, bias=False and h0', () => {
    const cs = fixture.cases;
    expect(new Set(cs.map((c) => c.kind))).toEqual(new Set(['gru', 'rnn']));
    for (const kind of ['gru', 'rnn']) {
      const k = cs.filter((c) => c.kind === kind);
      expect(k.some((c) => c.config.num_layers > 1 && c.config.bidirectional && c.config.batch_first)).toBe(true);
      expect(k.some((c) => !c.config.bias)).toBe(true);
      expect(k.some((c) => !c.config.batch_first)).toBe(true);
      expect(k.some((c) => c.h0 !== null)).toBe(true);
    }
    expect(cs.some((c) => c.kind === 'rnn' && c.config.nonlinearity === 'relu')).toBe(true);
  });
});
