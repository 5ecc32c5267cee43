/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * `io.loadOnnx` on models written by real `torch.onnx.export` (PyTorch 1.13, opset 14; generator
 * `test/fixtures/onnx/make_torch_exports.py`, files in `test/fixtures/onnx/torch_exports/`):
 *
 * - the loaded `nn.LSTM`'s state dict is PyTorch's, bit for bit, and its `batchFirst` is the
 *   module's, for 1–3 layers, bidirectional, bias=False, batch_first, h0/c0 inputs, unbatched
 *   input and `do_constant_folding=False` (weights computed by Slice/Concat/Unsqueeze);
 * - `forward` reproduces PyTorch's outputs (1e-5), and so does onnxruntime on the torch file
 *   and on the file `io.saveOnnx` writes from the loaded module;
 * - an LSTM between Linear layers, a packed sequence (`sequence_lens`), two LSTMs that are not
 *   one `nn.LSTM` (typed error, then `options.stack`), and a decoder whose states come from
 *   the encoder (typed error; `readOnnxLstmStacks` reads it anyway).
 */
import * as fs from 'fs';
import * as path from 'path';

import { expectClose, tf } from './helpers/tf';
import { OrtModule, OrtTensor, loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { UnsupportedConversionError } from '../src/errors';
import { disposeOnnxStacks, loadOnnx, readOnnxLstmStacks, saveOnnx } from '../src/io';
import { LSTM } from '../src/nn/lstm';
import { packPaddedSequence } from '../src/nn/utils/rnn/pack';
import { padPackedSequence } from '../src/nn/utils/rnn/pad';

const DIR = path.join(__dirname, 'fixtures', 'onnx', 'torch_exports');
type Arr = { shape: number[]; values: number[] };
interface Case {
  name: string;
  file: string;
  lstms: Record<string, { repr: string; batch_first: boolean; state_dict: Record<string, Arr> }>;
  inputs: Record<string, Arr>;
  outputs: Record<string, Arr>;
}
const fixture = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as { torch_version: string; cases: Case[] };
const byName = (n: string) => fixture.cases.find((c) => c.name === n)!;
const bytesOf = (c: Case) => new Uint8Array(fs.readFileSync(path.join(DIR, c.file)));
const t = (a: Arr) => tf.tensor(a.values, a.shape);
const TOL = 1e-5;

function ort(): OrtModule {
  const m = loadOnnxRuntime();
  if (!m) throw new Error('onnxruntime-node is not installed (optional dependency): run npm install');
  return m;
}

async function runOrt(bytes: Uint8Array, inputs: Record<string, Arr>): Promise<Record<string, OrtTensor>> {
  const rt = ort();
  const session = await rt.InferenceSession.create(bytes);
  const feeds: Record<string, OrtTensor> = {};
  for (const [k, a] of Object.entries(inputs)) feeds[k] = new rt.Tensor('float32', Float32Array.from(a.values), a.shape);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function expectStateDict(lstm: LSTM, expected: Record<string, Arr>): void {
  const sd = lstm.stateDict();
  expect(Object.keys(sd)).toEqual(Object.keys(expected));
  for (const [k, a] of Object.entries(expected)) {
    expect(sd[k].shape).toEqual(a.shape);
    expect(Array.from(sd[k].dataSync())).toEqual(Array.from(Float32Array.from(a.values)));
  }
}

test('the fixtures come from PyTorch 1.13', () => {
  expect(fixture.torch_version).toMatch(/^1\.13/);
  expect(fixture.cases.length).toBe(10);
});

describe.each([
  'one_layer', 'three_layers_batch_first_states', 'bidirectional_two_layers_batch_first', 'bidirectional_no_bias_states',
  'unbatched_two_layers_states', 'no_constant_folding',
])('torch.onnx.export of %s', (name) => {
  const c = byName(name);
  const ref = c.lstms.lstm;

  test("loadOnnx gives PyTorch's state dict and batch_first; forward reproduces PyTorch", () => {
    // Loading leaves nothing behind but the module, whose dispose() frees it all.
    const before = tf.memory().numTensors;
    loadOnnx(bytesOf(c)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    const lstm = loadOnnx(bytesOf(c));
    expect(lstm.toString()).toBe(ref.repr);
    expect(lstm.batchFirst).toBe(ref.batch_first);
    expectStateDict(lstm, ref.state_dict);
    const x = t(c.inputs.input);
    const states = c.inputs.h0 ? ([t(c.inputs.h0), t(c.inputs.c0)] as [tf.Tensor, tf.Tensor]) : null;
    const [y, [hN, cN]] = lstm.forward(x, states);
    expectClose(y, t(c.outputs.output), TOL, 0, 'output');
    expectClose(hN, t(c.outputs.h_n), TOL, 0, 'h_n');
    expectClose(cN, t(c.outputs.c_n), TOL, 0, 'c_n');
    lstm.dispose();
  });

  test("onnxruntime reproduces PyTorch on the torch file and on io.saveOnnx's re-export", async () => {
    const lstm = loadOnnx(bytesOf(c));
    const unbatched = c.inputs.input.shape.length === 2;
    const again = saveOnnx(lstm, { initialState: !!c.inputs.h0, unbatched });
    lstm.dispose();
    for (const bytes of [bytesOf(c), again]) {
      const out = await runOrt(bytes, c.inputs);
      for (const k of ['output', 'h_n', 'c_n']) {
        expect(out[k].dims).toEqual(c.outputs[k].shape);
        expectClose(out[k].data as Float32Array, c.outputs[k].values, TOL, 0, k);
      }
    }
  });
});

test('an LSTM between Linear layers: its weights, batch first, input computed by the graph', () => {
  const c = byName('embedded');
  const [stack] = readOnnxLstmStacks(bytesOf(c));
  expect(stack.form).toBe('batch-first');
  expect(stack.inputIsGraphInput).toBe(false);
  expect(stack.output).toBeNull();
  disposeOnnxStacks([stack]);
  const lstm = loadOnnx(bytesOf(c));
  expect(lstm.toString()).toBe(c.lstms.lstm.repr);
  expectStateDict(lstm, c.lstms.lstm.state_dict);
  lstm.dispose();
});

test('a packed sequence: sequence_lens is recognised, and packPaddedSequence through the loaded nn.LSTM reproduces PyTorch', () => {
  const c = byName('packed');
  const [stack] = readOnnxLstmStacks(bytesOf(c));
  expect(stack.sequenceLens).not.toBeNull();
  expect(stack.issues).toEqual([]);
  disposeOnnxStacks([stack]);
  const lstm = loadOnnx(bytesOf(c));
  expectStateDict(lstm, c.lstms.lstm.state_dict);
  const packed = packPaddedSequence(t(c.inputs.input), c.inputs.lengths.values, { enforceSorted: false });
  const [out, [hN, cN]] = lstm.forward(packed);
  const [y] = padPackedSequence(out, { totalLength: c.inputs.input.shape[0] });
  expectClose(y, t(c.outputs.output), TOL, 0, 'output');
  expectClose(hN, t(c.outputs.h_n), TOL, 0, 'h_n');
  expectClose(cN, t(c.outputs.c_n), TOL, 0, 'c_n');
  lstm.dispose();
});

test('two LSTMs that are not one nn.LSTM: a typed error naming both, then options.stack picks each', () => {
  const c = byName('two_stacks');
  const bytes = bytesOf(c);
  expect(() => loadOnnx(bytes)).toThrow(UnsupportedConversionError);
  expect(() => loadOnnx(bytes)).toThrow(/not chained into one nn\.LSTM but form 2 stacks \(0: '\/enc\/LSTM'; 1: '\/dec\/LSTM'\).*differ in directions/);
  const enc = loadOnnx(bytes, { stack: 0 });
  const dec = loadOnnx(bytes, { stack: 1 });
  expectStateDict(enc, c.lstms.enc.state_dict);
  expectStateDict(dec, c.lstms.dec.state_dict);
  const [y] = enc.forward(t(c.inputs.input));
  const [z, [hN, cN]] = dec.forward(y);
  expectClose(z, t(c.outputs.output), TOL, 0, 'output');
  expectClose(hN, t(c.outputs.h_n), TOL, 0, 'h_n');
  expectClose(cN, t(c.outputs.c_n), TOL, 0, 'c_n');
  expect(() => loadOnnx(bytes, { stack: 2 })).toThrow(/stack expected an integer in \[0, 1\], got 2/);
  enc.dispose();
  dec.dispose();
});

test('a decoder started from the encoder states: loadOnnx refuses it, readOnnxLstmStacks reads it', () => {
  const c = byName('encoder_decoder');
  const bytes = bytesOf(c);
  expect(() => loadOnnx(bytes, { stack: 1 })).toThrow(UnsupportedConversionError);
  expect(() => loadOnnx(bytes, { stack: 1 })).toThrow(/initial_h '\/enc\/LSTM_output_1' is computed by the graph/);
  const stacks = readOnnxLstmStacks(bytes);
  expect(stacks.map((s) => s.nodes)).toEqual([['/enc/LSTM'], ['/dec/LSTM']]);
  expect(stacks[1].issues).toHaveLength(2);
  expect(stacks[0].notes[0]).toMatch(/starts from other states/);
  const enc = loadOnnx(bytes, { stack: 0 });
  const [y, [h, cc]] = enc.forward(t(c.inputs.input));
  const dec = new LSTM(4, 4);
  dec.loadStateDict(Object.fromEntries(Object.entries(c.lstms.dec.state_dict).map(([k, a]) => [k, t(a)])));
  const [z] = dec.forward(y, [h, cc]);
  expectClose(z, t(c.outputs.output), TOL, 0, 'output');
  const sd = dec.stateDict();
  stacks[1].layers.forEach((l) => {
    expectClose(tf.transpose(l.forward.kernel), sd.weight_ih_l0, 0, 0, 'weight_ih_l0');
    expectClose(tf.transpose(l.forward.recurrentKernel), sd.weight_hh_l0, 0, 0, 'weight_hh_l0');
  });
  disposeOnnxStacks(stacks);
  enc.dispose();
  dec.dispose();
});
