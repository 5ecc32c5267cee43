/**
 * The adapters' committed PyTorch fixtures are what real PyTorch writes today: each generator is
 * run again (into a temporary file) and its output must equal the committed JSON: the same
 * structure, inputs and weights exactly, computed outputs within 1e-6 (PyTorch's float32 kernels
 * give other last bits on other CPUs).
 * Needs `/usr/bin/python3` with Debian's python3-torch, and python3-onnx for the ONNX export. The whole-model
 * adapters' fixture of real nn.GRU / nn.RNN modules (scripts/torch/gen_adapter_gru_rnn_models.py) too.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { jsonDifferences } from './helpers/json-close';
import { runPythonJson } from './helpers/python';

const FIXTURES = path.join(__dirname, 'fixtures');

describe.each([
  ['generate-onnx-lstm-export.py', 'onnx-lstm-export.json'],
  ['generate-packed-sequence.py', 'packed-sequence.json'],
  ['generate-gru-conventions.py', 'gru-conventions.json'],
])('%s', (generator, fixture) => {
  it(`regenerates ${fixture} (float outputs within 1e-6)`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-adapters-'));
    const out = path.join(dir, fixture);
    try {
      execFileSync('/usr/bin/python3', [path.join(FIXTURES, generator), out], { stdio: ['ignore', 'ignore', 'pipe'] });
      const fresh = JSON.parse(fs.readFileSync(out, 'utf8'));
      const committed = JSON.parse(fs.readFileSync(path.join(FIXTURES, fixture), 'utf8'));
      expect(fresh.cases.length).toBeGreaterThan(0);
      expect(jsonDifferences(fresh, committed, 1e-6)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts/torch/gen_adapter_gru_rnn_models.py', () => {
  it('regenerates test/fixtures/torch/adapters-gru-rnn-models.json (the same structure, every number within 1e-6)', () => {
    const fresh = runPythonJson<{ cases: unknown[] }>('scripts/torch/gen_adapter_gru_rnn_models.py', null, ['--stdout']);
    const committed = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'torch', 'adapters-gru-rnn-models.json'), 'utf8'));
    expect(fresh.cases.length).toBeGreaterThan(0);
    expect(jsonDifferences({ ...fresh, torch_version: null }, { ...committed, torch_version: null }, 1e-6)).toEqual([]);
  });
});
