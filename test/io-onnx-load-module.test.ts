/**
 * `io.loadOnnx` of every kind: `torch.onnx.export` files of nn.GRU / nn.RNN (the committed
 * PyTorch 1.13 fixtures of `test/fixtures/onnx/torch_cell_exports/`, generator
 * `test/fixtures/onnx/make_torch_cell_exports.py`, with PyTorch's own outputs) load with
 * `kind: 'GRU' | 'RNN' | 'any'` into the nn module PyTorch exported: its state dict bit for bit,
 * `batchFirst` and `nonlinearity` as in the file, `forward(input, h0)` = PyTorch's output and h_n
 * within 1e-5. Refusals (typed, naming why): a file of another kind, linear_before_reset = 0,
 * a bad kind; no tensor leaks on any path.
 */
import * as fs from 'fs';
import * as path from 'path';

import { expectClose, tf } from './helpers/tf';
import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { loadOnnx, loadOnnxRecurrent, disposeOnnxRecurrentStacks, saveOnnxStack } from '../src/io';
import { GRU, LSTM, RNN } from '../src/nn';

const TOL = 1e-5;
const DIR = path.join(__dirname, 'fixtures', 'onnx', 'torch_cell_exports');
type Arr = { shape: number[]; values: number[] };
interface Case {
  module: 'GRU' | 'RNN';
  options: { batch_first?: boolean; nonlinearity?: string };
  input: Arr;
  h0: Arr | null;
  output: Arr;
  h_n: Arr;
  state_dict: Record<string, Arr>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as { cases: Record<string, Case> };
const bytesOf = (name: string) => new Uint8Array(fs.readFileSync(path.join(DIR, `${name}.onnx`)));
const t = (a: Arr) => tf.tensor(a.values, a.shape);

describe.each(Object.keys(fixture.cases))('%s', (name) => {
  const c = fixture.cases[name];
  test.each([[c.module], ['any']] as const)("loadOnnx(kind %s): PyTorch's module, state dict bit for bit, forward = PyTorch (1e-5)", (kind) => {
    const before = tf.memory().numTensors;
    const m = loadOnnx(bytesOf(name), { kind: kind as 'any' });
    expect(m).toBeInstanceOf(c.module === 'GRU' ? GRU : RNN);
    expect(m.batchFirst).toBe(!!c.options.batch_first);
    if (m instanceof RNN) expect(m.nonlinearity).toBe(c.options.nonlinearity ?? 'tanh');
    const sd = m.stateDict();
    expect(Object.keys(sd).sort()).toEqual(Object.keys(c.state_dict).sort());
    for (const [k, v] of Object.entries(c.state_dict)) tf.tidy(() => expectClose(sd[k], t(v), 0, 0, k));
    tf.tidy(() => {
      const [output, hN] = (m as GRU).forward(t(c.input), c.h0 ? t(c.h0) : undefined);
      expectClose(output as tf.Tensor, t(c.output), TOL, 0, 'output');
      expectClose(hN as tf.Tensor, t(c.h_n), TOL, 0, 'h_n');
    });
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

test("the kind decides the type: without it, an nn.LSTM (and a GRU file is refused, naming kind: 'GRU')", () => {
  const before = tf.memory().numTensors;
  expect(() => loadOnnx(bytesOf('gru_one_layer'))).toThrow(UnsupportedConversionError);
  expect(() => loadOnnx(bytesOf('gru_one_layer'), { kind: 'RNN' })).toThrow(/io\.loadOnnx: the model has no RNN node; its GRU nodes load with \{ kind: 'GRU' \} \(or 'any'\)/);
  expect(() => loadOnnx(bytesOf('rnn_relu_batch_first_h0'), { kind: 'GRU' })).toThrow(/has no GRU node; its RNN nodes load with \{ kind: 'RNN' \}/);
  expect(() => loadOnnx(bytesOf('gru_one_layer'), { kind: 'gru' as never })).toThrow(ConfigError);
  expect(() => loadOnnx(bytesOf('gru_one_layer'), { kind: 'gru' as never })).toThrow(/kind expected one of 'LSTM', 'GRU', 'RNN', 'any', got "gru"/);
  const lstm = loadOnnx(new Uint8Array(fs.readFileSync(path.join(__dirname, 'fixtures', 'onnx', 'torch_lstm_2l_bi.onnx'))), { kind: 'any' });
  expect(lstm).toBeInstanceOf(LSTM);
  lstm.dispose();
  expect(tf.memory().numTensors).toBe(before);
});

test('a reset-before GRU (linear_before_reset = 0) is no nn.GRU: refused naming why; loadOnnxRecurrent reads it', () => {
  const s = loadOnnxRecurrent(bytesOf('gru_one_layer'));
  const bytes = saveOnnxStack(s.layers, { cell: 'gru', resetAfter: false });
  disposeOnnxRecurrentStacks([s]);
  const before = tf.memory().numTensors;
  expect(() => loadOnnx(bytes, { kind: 'GRU' })).toThrow(UnsupportedConversionError);
  expect(() => loadOnnx(bytes, { kind: 'any' })).toThrow(/linear_before_reset = 0 applies the reset gate before the recurrent product .*no nn\.GRU computes it/);
  expect(tf.memory().numTensors).toBe(before);
  const back = loadOnnxRecurrent(bytes);
  expect(back.resetAfter).toBe(false);
  disposeOnnxRecurrentStacks([back]);
});
