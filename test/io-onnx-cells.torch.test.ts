/**
 * The live PyTorch side of the GRU / RNN ONNX support (test:torch; needs /usr/bin/python3 with
 * python3-torch and python3-onnx):
 * - `make_torch_cell_exports.py` run now writes the committed fixtures (the .onnx files byte for
 *   byte, the JSON within 1e-6: torch's float32 last bits differ across CPUs);
 * - a file written by `io.saveOnnxStack` (GRU reset after, RNN tanh / relu; 2 layers,
 *   bidirectional, batch_first) put into a real nn.GRU / nn.RNN by
 *   `test/fixtures/onnx/torch_run_cell_onnx.py` gives the engine's values within 1e-5.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { expectClose, randomTensor, tf } from './helpers/tf';
import { PYTHON, REPO, runPythonJson } from './helpers/python';
import { tmpDirs } from './helpers/tmp';
import { jsonDifferences } from './helpers/json-close';
import { saveOnnxStack } from '../src/io';
import { CellWeights, StackLayer, gruStack, rnnStack } from '../src/engine';

const tmp = tmpDirs('lstm-bridge-onnx-cells-torch-');

test('the committed GRU / RNN torch.onnx.export fixtures are what make_torch_cell_exports.py writes', () => {
  const dir = tmp();
  execFileSync(PYTHON, [path.join(REPO, 'test', 'fixtures', 'onnx', 'make_torch_cell_exports.py'), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const committed = path.join(REPO, 'test', 'fixtures', 'onnx', 'torch_cell_exports');
  const names = fs.readdirSync(committed).sort();
  expect(fs.readdirSync(dir).sort()).toEqual(names);
  for (const f of names) {
    const [fresh, old] = [path.join(dir, f), path.join(committed, f)].map((p) => fs.readFileSync(p));
    if (f.endsWith('.json')) expect(jsonDifferences(JSON.parse(fresh.toString('utf8')), JSON.parse(old.toString('utf8')), 1e-6)).toEqual([]);
    else expect(fresh.equals(old)).toBe(true);
  }
});

function stack(I: number, H: number, L: number, D: number, G: number, seed: number): StackLayer<CellWeights>[] {
  const w = (inSize: number, s: number): CellWeights => ({
    kernel: randomTensor([inSize, G * H], s, 0.5) as tf.Tensor2D,
    recurrentKernel: randomTensor([H, G * H], s + 1, 0.5) as tf.Tensor2D,
    bias: randomTensor([G * H], s + 2, 0.5) as tf.Tensor1D,
    recurrentBias: randomTensor([G * H], s + 3, 0.5) as tf.Tensor1D,
  });
  return Array.from({ length: L }, (_, k) => ({ forward: w(k ? D * H : I, seed + 10 * k), backward: D === 2 ? w(k ? D * H : I, seed + 10 * k + 5) : null }));
}

test.each([
  ['GRU', 'tanh'], ['RNN', 'tanh'], ['RNN', 'relu'],
] as const)('saveOnnxStack %s (%s) run by real PyTorch equals the engine (1e-5)', (kind, nonlinearity) => {
  const layers = stack(3, 4, 2, 2, kind === 'GRU' ? 3 : 1, 40);
  const x = randomTensor([2, 5, 3], 9); // batch first (N, L, I)
  const file = path.join(tmp(), 'model.onnx');
  fs.writeFileSync(file, saveOnnxStack(layers, { cell: kind === 'GRU' ? 'gru' : 'rnn', activation: nonlinearity, batchFirst: true }));
  const torch = runPythonJson<{ output: number[][][]; h_n: number[][][] }>('test/fixtures/onnx/torch_run_cell_onnx.py', {
    file, kind, nonlinearity, batch_first: true, input: { shape: x.shape, values: Array.from(x.dataSync()) },
  });
  const xt = tf.transpose(x, [1, 0, 2]);
  const r = kind === 'GRU' ? gruStack(xt, layers) : rnnStack(xt, layers, { activation: nonlinearity });
  expectClose(tf.transpose(r.output, [1, 0, 2]), tf.tensor(torch.output), 1e-5, 0, 'output');
  expectClose(tf.stack(r.h), tf.tensor(torch.h_n), 1e-5, 0, 'h_n');
});
