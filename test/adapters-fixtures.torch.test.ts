/**
 * The adapters' committed PyTorch fixtures are what real PyTorch writes today: each generator is
 * run again (into a temporary file) and its output must equal the committed JSON exactly.
 * Needs `/usr/bin/python3` with Debian's python3-torch, and python3-onnx for the ONNX export.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const FIXTURES = path.join(__dirname, 'fixtures');

describe.each([
  ['generate-onnx-lstm-export.py', 'onnx-lstm-export.json'],
  ['generate-packed-sequence.py', 'packed-sequence.json'],
])('%s', (generator, fixture) => {
  it(`regenerates ${fixture} identically`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-adapters-'));
    const out = path.join(dir, fixture);
    try {
      execFileSync('/usr/bin/python3', [path.join(FIXTURES, generator), out], { stdio: ['ignore', 'ignore', 'pipe'] });
      const fresh = JSON.parse(fs.readFileSync(out, 'utf8'));
      const committed = JSON.parse(fs.readFileSync(path.join(FIXTURES, fixture), 'utf8'));
      expect(fresh.cases.length).toBeGreaterThan(0);
      expect(fresh).toEqual(committed);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
