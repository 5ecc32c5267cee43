/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * `io.loadOnnxRecurrent` on nn.GRU / nn.RNN models written by real `torch.onnx.export`
 * (PyTorch 1.13, opset 14; generator `test/fixtures/onnx/make_torch_cell_exports.py`, files in
 * `test/fixtures/onnx/torch_cell_exports/`): 1–2 layers, bidirectional, batch_first, h0 as an
 * input, bias=False, relu, `do_constant_folding=False`.
 *
 * - the loaded canonical weights are PyTorch's state dict bit for bit (kernel = weight_ih^T,
 *   gates r, z, n), with the module's kind, resetAfter (torch writes linear_before_reset = 1),
 *   activation and batch_first;
 * - the engine (`gruStack` / `rnnStack`) and `gruStackAsync` / `rnnStackAsync` on onnxruntime
 *   reproduce PyTorch's output and h_n within 1e-5;
 * - onnxruntime runs the torch file itself and the file `io.saveOnnxStack` writes from the loaded
 *   stack, and both give PyTorch's values within 1e-5.
 */
import * as fs from 'fs';
import * as path from 'path';

import { expectClose, tf } from './helpers/tf';
import { OrtModule, OrtTensor, loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { UnsupportedConversionError } from '../src/errors';
import { disposeOnnxRecurrentStacks, loadOnnx, loadOnnxRecurrent, readOnnxRecurrentStacks, saveOnnxStack } from '../src/io';
import { gruStack, rnnStack } from '../src/engine';
import { gruStackAsync, rnnStackAsync } from '../src/runtime';

const TOL = 1e-5;
const DIR = path.join(__dirname, 'fixtures', 'onnx', 'torch_cell_exports');
type Arr = { shape: number[]; values: number[] };
interface Case {
  module: 'GRU' | 'RNN';
  options: { input_size: number; hidden_size: number; num_layers?: number; bidirectional?: boolean; batch_first?: boolean; bias?: boolean; nonlinearity?: string };
  input: Arr;
  h0: Arr | null;
  output: Arr;
  h_n: Arr;
  state_dict: Record<string, Arr>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as { torch_version: string; cases: Record<string, Case> };
const NAMES = Object.keys(fixture.cases);
const bytesOf = (name: string) => new Uint8Array(fs.readFileSync(path.join(DIR, `${name}.onnx`)));
const t = (a: Arr) => tf.tensor(a.values, a.shape);
const ort = loadOnnxRuntime() as OrtModule;

async function runOrt(bytes: Uint8Array, feeds: Record<string, tf.Tensor>): Promise<Record<string, OrtTensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const f: Record<string, OrtTensor> = {};
    for (const [k, v] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', Float32Array.from(v.dataSync()), v.shape);
    return await session.run(f);
  } finally {
    await session.release();
  }
}

test('the fixtures are PyTorch 1.13 exports, each under 50 KB', () => {
  expect(fixture.torch_version).toMatch(/^1\.13/);
  expect(NAMES).toHaveLength(6);
  for (const n of NAMES) expect(fs.statSync(path.join(DIR, `${n}.onnx`)).size).toBeLessThan(50_000);
});

describe.each(NAMES)('%s', (name) => {
  const c = fixture.cases[name];
  const o = c.options;
  const D = o.bidirectional ? 2 : 1;
  const L = o.num_layers ?? 1;

  test('loads as the module: kind, options, canonical weights = state dict', () => {
    const before = tf.memory().numTensors;
    const s = loadOnnxRecurrent(bytesOf(name));
    expect(s).toEqual(expect.objectContaining({
      kind: c.module.toLowerCase(), numLayers: L, bidirectional: D === 2, inputSize: o.input_size, hiddenSize: o.hidden_size,
      resetAfter: c.module === 'GRU' ? true : null, activation: o.nonlinearity === 'relu' ? 'relu' : 'tanh',
      recurrentActivation: c.module === 'GRU' ? 'sigmoid' : null, batchFirst: !!o.batch_first,
      output: 'output', hN: 'h_n', initialState: c.h0 ? { kind: 'input', h0: 'h0' } : { kind: 'zeros' }, issues: [],
    }));
    tf.tidy(() => s.layers.forEach((layer, k) => {
      [layer.forward, layer.backward].slice(0, D).forEach((w, d) => {
        const sfx = `_l${k}${d ? '_reverse' : ''}`;
        expectClose(w!.kernel, tf.transpose(t(c.state_dict[`weight_ih${sfx}`])), 0, 0, `weight_ih${sfx}`);
        expectClose(w!.recurrentKernel, tf.transpose(t(c.state_dict[`weight_hh${sfx}`])), 0, 0, `weight_hh${sfx}`);
        if (o.bias === false) {
          expect(w!.bias).toBeNull();
        } else {
          expectClose(w!.bias!, t(c.state_dict[`bias_ih${sfx}`]), 0, 0, `bias_ih${sfx}`);
          expectClose(w!.recurrentBias!, t(c.state_dict[`bias_hh${sfx}`]), 0, 0, `bias_hh${sfx}`);
        }
      });
    }));
    disposeOnnxRecurrentStacks([s]);
    expect(tf.memory().numTensors).toBe(before);
  });

  test("the engine and onnxruntime reproduce PyTorch's output and h_n (1e-5)", async () => {
    const s = loadOnnxRecurrent(bytesOf(name));
    const input = t(c.input);
    const x = s.batchFirst ? tf.transpose(input, [1, 0, 2]) : input;
    const h0 = c.h0 ? tf.unstack(t(c.h0)) : null;
    const opts = { h0, activation: s.activation, ...(s.kind === 'gru' ? { resetAfter: s.resetAfter!, recurrentActivation: s.recurrentActivation! } : {}) };
    const sync = s.kind === 'gru' ? gruStack(x, s.layers, opts) : rnnStack(x, s.layers, opts);
    const async = await (s.kind === 'gru' ? gruStackAsync(x, s.layers, { ...opts, executor: 'onnxruntime' }) : rnnStackAsync(x, s.layers, { ...opts, executor: 'onnxruntime' }));
    const want = t(c.output);
    for (const [label, r] of [['engine', sync], ['onnxruntime', async]] as const) {
      const out = s.batchFirst ? tf.transpose(r.output, [1, 0, 2]) : r.output;
      expectClose(out, want, TOL, 0, `${label} output`);
      expectClose(tf.stack(r.h), t(c.h_n), TOL, 0, `${label} h_n`);
    }
    // onnxruntime on the torch file, and on the file saveOnnxStack writes from the loaded stack.
    const feeds: Record<string, tf.Tensor> = { input, ...(c.h0 ? { h0: t(c.h0) } : {}) };
    const saved = saveOnnxStack(s.layers, {
      cell: s.kind, resetAfter: s.resetAfter ?? undefined, activation: s.activation, batchFirst: s.batchFirst, initialState: !!c.h0,
    });
    for (const [label, bytes] of [['torch file', bytesOf(name)], ['saveOnnxStack file', saved]] as const) {
      const out = await runOrt(bytes, feeds);
      expectClose(tf.tensor(out.output.data as Float32Array, out.output.dims as number[]), want, TOL, 0, `${label} output`);
      expectClose(tf.tensor(out.h_n.data as Float32Array, out.h_n.dims as number[]), t(c.h_n), TOL, 0, `${label} h_n`);
    }
    // The saved file reads back to the same weights.
    const again = loadOnnxRecurrent(saved);
    expect(again).toEqual(expect.objectContaining({ kind: s.kind, resetAfter: s.resetAfter, activation: s.activation, batchFirst: s.batchFirst }));
    disposeOnnxRecurrentStacks([s, again]);
  });
});

test("loadOnnx without kind (nn.LSTM) points GRU files to kind: 'GRU'; an LSTM file has no GRU/RNN stack", () => {
  expect(() => loadOnnx(bytesOf('gru_one_layer'))).toThrow(/has no LSTM node; its GRU nodes load with \{ kind: 'GRU' \} \(or 'any'\)/);
  const lstm = new Uint8Array(fs.readFileSync(path.join(__dirname, 'fixtures', 'onnx', 'torch_lstm_2l_bi.onnx')));
  expect(readOnnxRecurrentStacks(lstm)).toEqual([]);
  expect(() => loadOnnxRecurrent(lstm)).toThrow(UnsupportedConversionError);
  expect(() => loadOnnxRecurrent(lstm)).toThrow(/has no GRU or RNN node/);
});

// A real user's file (torch 1.13 export of a GRU + Linear, opset 11), read in place when present.
const USER_FILE = '/work/shared/acceptance/gru-users/kingkv2005-lgtm+AI-Based-Flow-Controller/model_gru_model.onnx';
(fs.existsSync(USER_FILE) ? test : test.skip)("a user's torch GRU export (GRU -> Linear) is read", () => {
  const s = loadOnnxRecurrent(new Uint8Array(fs.readFileSync(USER_FILE)));
  expect(s).toEqual(expect.objectContaining({ kind: 'gru', numLayers: 1, bidirectional: false, inputSize: 7, hiddenSize: 32, resetAfter: true, batchFirst: true, initialState: { kind: 'zeros' } }));
  disposeOnnxRecurrentStacks([s]);
});
