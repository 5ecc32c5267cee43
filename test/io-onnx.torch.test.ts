/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * io.saveOnnx / io.loadOnnx against the real thing (Debian's python3-onnx and python3-torch,
 * `/usr/bin/python3`; script `test/fixtures/onnx/check_with_torch.py`), over 1–3 layers,
 * bidirectional, batchFirst, bias, h0/c0 inputs and unbatched input:
 *
 * - `onnx.checker.check_model(full_check=True)` accepts every exported model;
 * - real `torch.nn.LSTM` with the same state dict (written by io.saveTorch, read with
 *   `torch.load(weights_only=True)`) gives the outputs onnxruntime computes from our model
 *   (1e-5), and `nn.LSTM.forward` too;
 * - PyTorch's own `torch.onnx.export` of that module loads back with `io.loadOnnx` into our
 *   state dict, bit for bit;
 * - the committed torch.onnx.export fixtures are what the generator writes today.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { expectClose, randomTensor, tf } from './helpers/tf';
import { PYTHON, REPO, runPythonJson } from './helpers/python';
import { tmpDirs } from './helpers/tmp';
import { OrtTensor, loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { loadOnnx, saveOnnx, saveTorch } from '../src/io/node';
import { LSTM } from '../src/nn/lstm';
import { jsonDifferences } from './helpers/json-close';

const tmp = tmpDirs('lstm-bridge-onnx-torch-');
const TOL = 1e-5;
type Arr = { shape: number[]; values: number[] };
const arr = (t: tf.Tensor): Arr => ({ shape: [...t.shape], values: Array.from(t.dataSync()) });

interface Case {
  name: string;
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  bias: boolean;
  initialState: boolean;
  unbatched: boolean;
}
const cases: Case[] = [];
for (const numLayers of [1, 2, 3]) {
  for (const [bidirectional, batchFirst, bias, initialState, unbatched] of [
    [false, false, true, false, false], [true, true, true, true, false], [true, false, false, true, false],
    [false, true, false, false, false], [true, false, true, true, true], [false, false, true, false, true],
  ] as const) {
    const name = `L${numLayers}${bidirectional ? '_bi' : ''}${batchFirst ? '_bf' : ''}${bias ? '' : '_nobias'}${initialState ? '_h0' : ''}${unbatched ? '_unbatched' : ''}`;
    cases.push({ name, numLayers, bidirectional, batchFirst, bias, initialState, unbatched });
  }
}

interface PyResult {
  checker: string;
  ops: string[];
  output: Arr;
  h_n: Arr;
  c_n: Arr;
}

describe('exported models checked by onnx and PyTorch', () => {
  const dir = tmp();
  const I = 3, H = 4, L = 5, N = 2;
  const made = cases.map((c, k) => {
    const lstm = new LSTM(I, H, { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: c.batchFirst, bias: c.bias });
    const D = c.bidirectional ? 2 : 1;
    const x = randomTensor(c.unbatched ? [L, I] : c.batchFirst ? [N, L, I] : [L, N, I], 100 + k);
    const sShape = c.unbatched ? [D * c.numLayers, H] : [D * c.numLayers, N, H];
    const h0 = c.initialState ? randomTensor(sShape, 200 + k, 0.5) : null;
    const c0 = c.initialState ? randomTensor(sShape, 300 + k, 0.5) : null;
    const files = { onnx: path.join(dir, `${c.name}.onnx`), pt: path.join(dir, `${c.name}.pt`), export: path.join(dir, `${c.name}.torch.onnx`) };
    saveOnnx(lstm, files.onnx, { initialState: c.initialState, unbatched: c.unbatched });
    saveTorch(lstm.stateDict(), files.pt);
    return { c, lstm, x, h0, c0, files };
  });
  let results: Record<string, PyResult> = {};

  beforeAll(() => {
    results = runPythonJson<Record<string, PyResult>>('test/fixtures/onnx/check_with_torch.py', {
      cases: made.map(({ c, x, h0, c0, files }) => ({
        name: c.name, ...files, unbatched: c.unbatched,
        config: { input_size: I, hidden_size: H, num_layers: c.numLayers, bias: c.bias, batch_first: c.batchFirst, bidirectional: c.bidirectional },
        input: arr(x), h0: h0 ? arr(h0) : null, c0: c0 ? arr(c0) : null,
      })),
    });
  });
  afterAll(() => made.forEach((m) => m.lstm.dispose()));

  test.each(made.map((m) => [m.c.name, m] as const))('%s', async (name, m) => {
    const r = results[name];
    expect(r.checker).toBe('ok');
    expect(r.ops.filter((o) => o === 'LSTM')).toHaveLength(m.c.numLayers);
    const rt = loadOnnxRuntime();
    if (!rt) throw new Error('onnxruntime-node is not installed (optional dependency): run npm install');
    const session = await rt.InferenceSession.create(new Uint8Array(fs.readFileSync(m.files.onnx)));
    const feeds: Record<string, OrtTensor> = { input: new rt.Tensor('float32', m.x.dataSync() as Float32Array, m.x.shape) };
    if (m.h0 && m.c0) {
      feeds.h0 = new rt.Tensor('float32', m.h0.dataSync() as Float32Array, m.h0.shape);
      feeds.c0 = new rt.Tensor('float32', m.c0.dataSync() as Float32Array, m.c0.shape);
    }
    const out = await session.run(feeds);
    await session.release();
    const [y, [hN, cN]] = m.lstm.forward(m.x, m.h0 && m.c0 ? [m.h0, m.c0] : null);
    for (const [k, ours] of [['output', y], ['h_n', hN], ['c_n', cN]] as const) {
      const torch = r[k];
      expect(out[k].dims).toEqual(torch.shape);
      expectClose(out[k].data as Float32Array, torch.values, TOL, 0, `onnxruntime ${k} vs torch`);
      expectClose(ours, tf.tensor(torch.values, torch.shape), TOL, 0, `nn.LSTM ${k} vs torch`);
    }
    const back = loadOnnx(m.files.export);
    expect(back.batchFirst).toBe(m.c.batchFirst && !m.c.unbatched);
    const a = m.lstm.stateDict();
    const b = back.stateDict();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const key of Object.keys(a)) expect(Array.from(b[key].dataSync())).toEqual(Array.from(a[key].dataSync()));
    back.dispose();
    tf.dispose([y, hN, cN]);
  });
});

test('the committed torch.onnx.export fixtures are what make_torch_exports.py writes', () => {
  const dir = tmp();
  execFileSync(PYTHON, [path.join(REPO, 'test', 'fixtures', 'onnx', 'make_torch_exports.py'), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const committed = path.join(REPO, 'test', 'fixtures', 'onnx', 'torch_exports');
  const names = fs.readdirSync(committed).sort();
  expect(fs.readdirSync(dir).sort()).toEqual(names);
  for (const f of names) {
    const [fresh, old] = [path.join(dir, f), path.join(committed, f)].map((p) => fs.readFileSync(p));
    // The .onnx files are byte for byte; cases.json holds torch's outputs, whose float32 last bits
    // differ across CPUs: within 1e-6.
    if (f.endsWith('.json')) expect(jsonDifferences(JSON.parse(fresh.toString('utf8')), JSON.parse(old.toString('utf8')), 1e-6)).toEqual([]);
    else expect(fresh.equals(old)).toBe(true);
  }
});
