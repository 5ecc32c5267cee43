/**
 * Real PyTorch -> `lstm-bridge convert model.pt web_model` -> plain tfjs in a process without
 * lstm-bridge (`./helpers/plain-tfjs`): the page's prediction is within 1e-5 of PyTorch's own
 * `nn.LSTM` output (`scripts/torch/save_lstm_case.py` saves the module and computes it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { main } from '../src/cli/main';
import { NO_PROGRESS } from '../src/cli/progress';
import { predictInPlainTfjs } from './helpers/plain-tfjs';
import { runPythonJson } from './helpers/python';
import { tmpDirs } from './helpers/tmp';
import { maxAbsDiff } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-plain-torch-');

const CONFIGS: [string, Record<string, unknown>][] = [
  ['one layer', {}],
  ['num_layers=2', { num_layers: 2 }],
  ['bidirectional', { bidirectional: true }],
  ['num_layers=2, bidirectional, batch_first', { num_layers: 2, bidirectional: true, batch_first: true }],
  ['bias=False', { bias: false }],
];

it.each(CONFIGS)('torch.nn.LSTM(5, 6, %s) saved by torch.save -> CLI -> plain tf.loadLayersModel: within 1e-5 of PyTorch', async (_name, config) => {
  const dir = tmp();
  const pt = path.join(dir, 'model.pt');
  const ref = runPythonJson<{ x: number[]; output: number[]; shape: number[] }>('scripts/torch/save_lstm_case.py', {
    config: { input_size: 5, hidden_size: 6, ...config },
    seed: 3,
    path: pt,
    shape: [3, 7],
  });
  const out = path.join(dir, 'web_model');
  const lines: string[] = [];
  const code = await main(['convert', pt, out], { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l), chooseBackend: false, progress: NO_PROGRESS });
  expect([code, lines.join('\n')]).toEqual([0, expect.stringMatching(/plain tfjs-layers classes/)]);
  expect(fs.readFileSync(path.join(out, 'model.json'), 'utf8')).not.toMatch(/LstmBridge/);
  const plain = predictInPlainTfjs(out, [{ shape: [3, 7, 5], values: ref.x }]);
  expect(plain.loaded).toEqual([]);
  expect(plain.outputs[0].shape).toEqual(ref.shape);
  expect(maxAbsDiff(plain.outputs[0].values, ref.output)).toBeLessThanOrEqual(1e-5);
});
