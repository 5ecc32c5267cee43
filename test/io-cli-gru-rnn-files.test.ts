/**
 * GRU / SimpleRNN / CuDNNGRU files at the io level (the readers keep every weight of the Keras and
 * TF.js fixtures written by `test/fixtures/keras-gru/generate_keras_gru_fixtures.py` in the real
 * frameworks' layouts) and `lstm-bridge inspect` on state dicts of nn.GRU / nn.RNN (kind, sizes,
 * parameter counts, exact conversions), with nn.LSTM beside them unchanged.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { readKeras, readTfjs, saveSafetensors } from '../src/io/node';
import { kindOf, stateDictGruRnns } from '../src/cli/recurrent-kinds';
import { cli } from './helpers/cli-in-process';
import { tmpDirs } from './helpers/tmp';

const DIR = path.join(__dirname, 'fixtures', 'keras-gru');
const tmp = tmpDirs('lstm-bridge-gru-inspect-');
const U = 4;
const I = 3;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Keras / TF.js GRU and SimpleRNN fixtures at the io level', () => {
  const h5Cases: [string, string, [string, number[]][]][] = [
    ['keras2_gru_reset_after.h5', '2.10.0', [['gru/gru_cell/kernel:0', [I, 3 * U]], ['gru/gru_cell/recurrent_kernel:0', [U, 3 * U]], ['gru/gru_cell/bias:0', [2, 3 * U]]]],
    ['keras2_gru_reset_before.h5', '2.1.4', [['gru_1/kernel:0', [I, 3 * U]], ['gru_1/recurrent_kernel:0', [U, 3 * U]], ['gru_1/bias:0', [3 * U]]]],
    ['keras2_simple_rnn.h5', '2.10.0', [['simple_rnn/simple_rnn_cell/kernel:0', [I, U]], ['simple_rnn/simple_rnn_cell/recurrent_kernel:0', [U, U]], ['simple_rnn/simple_rnn_cell/bias:0', [U]]]],
    ['keras2_cudnn_gru.h5', '2.2.4', [['cu_dnngru_1/kernel:0', [I, 3 * U]], ['cu_dnngru_1/recurrent_kernel:0', [U, 3 * U]], ['cu_dnngru_1/bias:0', [6 * U]]]],
    ['keras2_bidirectional_gru.h5', '2.10.0', [
      ['bidirectional/forward_gru/gru_cell/kernel:0', [I, 3 * U]], ['bidirectional/forward_gru/gru_cell/recurrent_kernel:0', [U, 3 * U]], ['bidirectional/forward_gru/gru_cell/bias:0', [2, 3 * U]],
      ['bidirectional/backward_gru/gru_cell/kernel:0', [I, 3 * U]], ['bidirectional/backward_gru/gru_cell/recurrent_kernel:0', [U, 3 * U]], ['bidirectional/backward_gru/gru_cell/bias:0', [2, 3 * U]],
    ]],
  ];
  it.each(h5Cases)('%s: Keras %s, the recurrent layer\'s weights by weight_names, in order, with their shapes', (file, version, weights) => {
    const before = tf.memory().numTensors;
    const k = readKeras(fs.readFileSync(path.join(DIR, file)));
    expect(k.format).toBe('h5');
    expect(k.kerasVersion).toBe(version);
    const rec = k.layers[0];
    expect(rec.weights.map((w) => [w.name, [...w.tensor.shape]])).toEqual(weights);
    expect(k.layers.map((l) => l.weights.length)).toEqual([weights.length, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keras3_gru_simple_rnn.keras: layers/gru/cell/vars/0..2 and layers/simple_rnn/cell/vars/0..2 matched to their config layers', () => {
    const k = readKeras(fs.readFileSync(path.join(DIR, 'keras3_gru_simple_rnn.keras')));
    expect(k.format).toBe('keras');
    const shapes = k.layers.map((l) => [l.name, l.weights.map((w) => [...w.tensor.shape])]);
    expect(shapes).toEqual([
      ['gru', [[I, 3 * U], [U, 3 * U], [2, 3 * U]]],
      ['simple_rnn', [[U, U], [U, U], [U]]],
      ['dense', [[U, 2], [2]]],
    ]);
  });

  it.each([
    ['tfjs_gru_reset_after', ['dense/kernel', 'dense/bias', 'gru/gru_cell/kernel', 'gru/gru_cell/recurrent_kernel', 'gru/gru_cell/bias'], [2, 3 * U]],
    ['tfjs_simple_rnn', ['dense/kernel', 'dense/bias', 'simple_rnn/simple_rnn_cell/kernel', 'simple_rnn/simple_rnn_cell/recurrent_kernel', 'simple_rnn/simple_rnn_cell/bias'], [U]],
  ])('%s/model.json: every manifest weight (layers sorted by name, as the converter writes them) and the recurrent bias shape', (dir, names, biasShape) => {
    const t = readTfjs(path.join(DIR, dir, 'model.json'));
    expect(t.weights.map((w) => w.name)).toEqual(names);
    expect([...t.weights[4].tensor.shape]).toEqual(biasShape);
  });

  it('expected.json holds one output (N=2, 2 units) per fixture, from the numpy reference', () => {
    const e = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8'));
    expect(Object.keys(e.cases).sort()).toEqual([
      'keras2_bidirectional_gru.h5', 'keras2_cudnn_gru.h5', 'keras2_gru_reset_after.h5', 'keras2_gru_reset_before.h5', 'keras2_simple_rnn.h5',
      'keras3_gru_simple_rnn.keras', 'tfjs_gru_reset_after/model.json', 'tfjs_simple_rnn/model.json',
    ]);
    for (const c of Object.values(e.cases) as { output: number[][] }[]) expect(c.output.map((r) => r.length)).toEqual([2, 2]);
  });
});

/** Random tensors of a PyTorch nn.GRU / nn.RNN / nn.LSTM state dict under `prefix`. */
function moduleDict(prefix: string, gates: number, input: number, hidden: number, layers: number, bidirectional: boolean): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (let k = 0; k < layers; k++) {
    for (const sfx of bidirectional ? ['', '_reverse'] : ['']) {
      const inK = k === 0 ? input : hidden * (bidirectional ? 2 : 1);
      out[`${prefix}weight_ih_l${k}${sfx}`] = tf.randomNormal([gates * hidden, inK]);
      out[`${prefix}weight_hh_l${k}${sfx}`] = tf.randomNormal([gates * hidden, hidden]);
      out[`${prefix}bias_ih_l${k}${sfx}`] = tf.randomNormal([gates * hidden]);
      out[`${prefix}bias_hh_l${k}${sfx}`] = tf.randomNormal([gates * hidden]);
    }
  }
  return out;
}

describe('inspect names the kind of each recurrent module of a state dict', () => {
  let file: string;
  beforeAll(() => {
    const sd = { ...moduleDict('gru.', 3, 10, 7, 1, false), ...moduleDict('rnn.', 1, 10, 7, 2, true), ...moduleDict('lstm.', 4, 10, 7, 1, false), 'fc.weight': tf.ones([2, 7]) };
    file = path.join(tmp(), 'mixed.safetensors');
    saveSafetensors(sd, file);
    tf.dispose(Object.values(sd));
  });

  it('kindOf tells LSTM (4H rows), GRU (3H), RNN (H) apart by weight_hh_l0', () => {
    const sd = { ...moduleDict('a.', 3, 5, 2, 1, false), ...moduleDict('b.', 1, 5, 2, 1, false), ...moduleDict('c.', 4, 5, 2, 1, false), ...moduleDict('d.', 2, 5, 2, 1, false) };
    expect(['a.', 'b.', 'c.', 'd.'].map((p) => kindOf(sd, p))).toEqual(['GRU', 'RNN', 'LSTM', null]);
    const found = stateDictGruRnns(sd).map((r) => [r.prefix, r.kind, r.inputSize, r.hiddenSize, r.numLayers, r.bidirectional]);
    expect(found).toEqual([['a.', 'GRU', 5, 2, 1, false], ['b.', 'RNN', 5, 2, 1, false]]);
    tf.dispose(Object.values(sd));
  });

  it('GRU: nn.GRU(10, 7) has 399 parameters, exact as Keras GRU(reset_after=True) and ONNX linear_before_reset=1, not as plain tfjs', async () => {
    const r = await cli('inspect', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain("GRU 'gru.' (nn.GRU)");
    expect(r.out).toContain('sizes: input 10, hidden 7, layers 1, one direction, bias yes');
    expect(r.out).toContain('parameters: 399');
    expect(r.out).toContain('torch: nn.GRU(10, 7)');
    expect(r.out).toContain('keras: GRU(7, reset_after=True, return_sequences=True)  # exact');
    expect(r.out).toContain('tfjs: plain tf.layers.gru computes reset before only (reset_after=False): not exact');
    expect(r.out).toContain('onnx: GRU operator, linear_before_reset=1  # exact');
  });

  it('RNN: nn.RNN(10, 7, num_layers=2, bidirectional=True): 2·133 + 2·(7·14 + 49 + 14) parameters, Bidirectional(SimpleRNN) x2', async () => {
    const r = await cli('inspect', file);
    expect(r.out).toContain("RNN 'rnn.' (nn.RNN)");
    expect(r.out).toContain('sizes: input 10, hidden 7, layers 2, bidirectional, bias yes');
    expect(r.out).toContain(`parameters: ${2 * 133 + 2 * (7 * 14 + 49 + 14)}`);
    expect(r.out).toContain('torch: nn.RNN(10, 7, num_layers=2, bidirectional=True)');
    expect(r.out).toMatch(/keras: Bidirectional\(SimpleRNN\(7, .*\)\) x2 {2}# exact/);
  });

  it('the LSTM beside them is described as before, and only fc.weight is another tensor', async () => {
    const r = await cli('inspect', file);
    expect(r.out).toContain("LSTM 'lstm.' (nn.LSTM)");
    expect(r.out).toContain('other tensors: fc.weight [2, 7]');
    expect(r.out).not.toContain('no LSTM in this file');
  });
});

describe('convert of a GRU-only state dict', () => {
  it('converts it (the GRU branch of convert, test/cli-gru-rnn-convert.test.ts): Keras Bidirectional(GRU), verified', async () => {
    const sd = moduleDict('bigru.', 3, 5, 2, 1, true);
    const dir = tmp();
    const file = path.join(dir, 'gru.safetensors');
    saveSafetensors(sd, file);
    tf.dispose(Object.values(sd));
    const r = await cli('convert', file, path.join(dir, 'out.h5'), '--verify');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verify: nn\.GRU 'bigru\.' vs model output on input \[2, 5, 5\]: max abs difference \S+ \(tolerance 0\.00001\) ok/);
  });
});

describe('inspect of Keras / TF.js files with GRU / SimpleRNN layers', () => {
  it('Bidirectional(GRU reset_after=True): 216 parameters, exact as nn.GRU(bidirectional) and ONNX linear_before_reset=1, plain tfjs cannot', async () => {
    const r = await cli('inspect', path.join(DIR, 'keras2_bidirectional_gru.h5'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('GRU bidirectional (Bidirectional(GRU), merge concat)');
    expect(r.out).toContain('parameters: 216');
    expect(r.out).toContain('torch: nn.GRU(3, 4, bidirectional=True)  # exact');
    expect(r.out).toContain('tfjs: plain tf.layers.gru has no reset_after=True');
    expect(r.out).toContain('other layers: dense (Dense)');
  });

  it('GRU reset before with hard_sigmoid: no nn.GRU, plain tfjs exact, ONNX linear_before_reset=0', async () => {
    const r = await cli('inspect', path.join(DIR, 'keras2_gru_reset_before.h5'));
    expect(r.out).toContain('bias (3U); reset before (reset_after=False)');
    expect(r.out).toContain('parameters: 96');
    expect(r.out).toContain('torch: none: activation tanh, recurrent hard_sigmoid');
    expect(r.out).toContain('tfjs: tf.layers.gru  # exact');
    expect(r.out).toContain('onnx: GRU operator, linear_before_reset=0  # exact');
  });

  it('Keras 3 GRU -> SimpleRNN: both described (108 and 36 parameters), SimpleRNN as nn.RNN', async () => {
    const r = await cli('inspect', path.join(DIR, 'keras3_gru_simple_rnn.keras'));
    expect(r.out).toContain('GRU gru (GRU)');
    expect(r.out).toContain('parameters: 108');
    expect(r.out).toContain('SimpleRNN simple_rnn (SimpleRNN)');
    expect(r.out).toContain('parameters: 36');
    expect(r.out).toContain('torch: nn.RNN(4, 4)  # exact');
  });
});

describe('convert of a GRU(reset_after=True) Keras file to TF.js', () => {
  it('writes lstm-bridge\'s GRU and says loading needs lstm-bridge, and why', async () => {
    const out = path.join(tmp(), 'tfjs');
    const r = await cli('convert', path.join(DIR, 'keras2_gru_reset_after.h5'), out, '--to', 'tfjs');
    expect(r.code).toBe(0);
    expect(r.out + r.err).toContain("layer 'gru': LstmBridge.GRU (needs lstm-bridge to load: GRU reset_after=True: tfjs-layers' GRU resets before only");
    expect(fs.existsSync(path.join(out, 'model.json'))).toBe(true);
  });
});
