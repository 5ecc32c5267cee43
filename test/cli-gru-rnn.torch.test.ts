/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * GRU / RNN files written by real PyTorch (Debian's python3-torch; script
 * `scripts/torch/gru_rnn_files.py`: `torch.save(state_dict)` and `torch.onnx.export` of
 * nn.GRU / nn.RNN over layers, bidirectional, batch_first, bias, h0, relu):
 *
 * - `io.loadOnnx(file, { kind: 'any' })` of the torch export is the module: forward(input, h0)
 *   gives PyTorch's output and h_n (1e-5);
 * - `lstm-bridge convert --verify` of the `.pt` to Keras `.h5`, TF.js and ONNX passes, and each
 *   written file, run in its own runtime (io.loadKeras's model, tf.loadLayersModel's, the ONNX
 *   file's module through io.loadOnnx, time-major as a state dict's export), gives PyTorch's
 *   output on PyTorch's input (1e-5).
 */
import * as fs from 'fs';
import * as path from 'path';

import { expectClose, tf } from './helpers/tf';
import { runPythonJson } from './helpers/python';
import { tmpDirs } from './helpers/tmp';
import { cli } from './helpers/cli-in-process';
import { loadKeras, loadOnnx, loadTfjs } from '../src/io/node';
import { GRU, RNN } from '../src/nn';

const TOL = 1e-5;
const tmp = tmpDirs('lstm-bridge-gru-torch-');
type Arr = { shape: number[]; values: number[] };
const t = (a: Arr) => tf.tensor(a.values, a.shape);

interface Case {
  name: string;
  module: 'GRU' | 'RNN';
  options: { input_size: number; hidden_size: number; num_layers?: number; bidirectional?: boolean; batch_first?: boolean; bias?: boolean; nonlinearity?: string };
  batch: number;
  steps: number;
  h0: boolean;
}
const CASES: Case[] = [
  { name: 'gru_2l_bi_bf', module: 'GRU', options: { input_size: 3, hidden_size: 4, num_layers: 2, bidirectional: true, batch_first: true }, batch: 2, steps: 5, h0: false },
  { name: 'gru_3l_h0', module: 'GRU', options: { input_size: 5, hidden_size: 3, num_layers: 3 }, batch: 3, steps: 4, h0: true },
  { name: 'gru_nobias_bf', module: 'GRU', options: { input_size: 4, hidden_size: 6, bias: false, batch_first: true }, batch: 2, steps: 6, h0: false },
  { name: 'rnn_relu_2l_bi', module: 'RNN', options: { input_size: 3, hidden_size: 5, num_layers: 2, bidirectional: true, nonlinearity: 'relu' }, batch: 2, steps: 5, h0: true },
  { name: 'rnn_tanh_bf', module: 'RNN', options: { input_size: 4, hidden_size: 4, batch_first: true }, batch: 2, steps: 7, h0: false },
];

const dir = tmp();
let torch: Record<string, { input: Arr; h0: Arr | null; output: Arr; h_n: Arr }> = {};
beforeAll(() => {
  torch = runPythonJson('scripts/torch/gru_rnn_files.py', { dir, cases: CASES });
});

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (name, c) => {
  test("io.loadOnnx of torch.onnx.export's file reproduces PyTorch (1e-5)", () => {
    const before = tf.memory().numTensors;
    const m = loadOnnx(path.join(dir, `${name}.onnx`), { kind: 'any' });
    expect(m).toBeInstanceOf(c.module === 'GRU' ? GRU : RNN);
    if (m instanceof RNN) expect(m.nonlinearity).toBe(c.options.nonlinearity ?? 'tanh');
    tf.tidy(() => {
      const r = torch[name];
      const [y, hN] = (m as GRU).forward(t(r.input), r.h0 ? t(r.h0) : undefined);
      expectClose(y as tf.Tensor, t(r.output), TOL, 0, 'output');
      expectClose(hN as tf.Tensor, t(r.h_n), TOL, 0, 'h_n');
    });
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('convert --verify of the .pt to .h5, TF.js and .onnx; each written file reproduces PyTorch (1e-5)', async () => {
    const pt = path.join(dir, `${name}.pt`);
    const nl = c.module === 'RNN' ? ['--nonlinearity', c.options.nonlinearity ?? 'tanh'] : [];
    const r = torch[name];
    // The Keras side is batch first; PyTorch's time-major input is transposed to it.
    const bf = (a: tf.Tensor) => (c.options.batch_first ? a : tf.transpose(a, [1, 0, 2]));
    const out = path.join(dir, `${name}_out`);
    fs.mkdirSync(out, { recursive: true });
    for (const target of ['m.h5', 'tfjs', 'm.onnx']) {
      const file = path.join(out, target);
      const run = await cli('convert', pt, file, '--verify', ...nl);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/verify: .* ok/);
      expect(run.out).not.toMatch(/FAILED/);
      if (target === 'm.onnx') {
        // A state dict does not record batch_first: the file is time-major, as torch.onnx.export of nn.GRU's default.
        const m = loadOnnx(file, { kind: 'any' });
        expect(m.batchFirst).toBe(false);
        tf.tidy(() => {
          const tm = (a: tf.Tensor) => (c.options.batch_first ? tf.transpose(a, [1, 0, 2]) : a);
          const [y, hN] = (m as GRU).forward(tm(t(r.input)), r.h0 ? t(r.h0) : undefined);
          expectClose(tm(y as tf.Tensor), t(r.output), TOL, 0, 'ONNX output');
          expectClose(hN as tf.Tensor, t(r.h_n), TOL, 0, 'ONNX h_n');
        });
        m.dispose();
      } else if (!r.h0) {
        const model = target === 'tfjs' ? await loadTfjs(path.join(file, 'model.json')) : await loadKeras(file);
        tf.tidy(() => expectClose(bf(model.predict(bf(t(r.input))) as tf.Tensor), t(r.output), TOL, 0, `${target} output`));
        model.dispose();
      }
    }
  });
});
