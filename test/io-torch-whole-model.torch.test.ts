/**
 * Against live PyTorch and scikit-learn (`/usr/bin/python3`, Debian's python3-torch and
 * python3-sklearn): the fixture generator writes fresh whole-model pickles and checkpoints into a
 * temporary folder, with what `state_dict()` gave there; `readTorch(..., { unknownClasses: 'skip' })`
 * must return exactly those names and values, and list exactly the globals outside the allowlist.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { readTorch } from '../src/io/node';
import { torchGlobals } from '../src/io/torch/globals';
import { tmpDirs } from './helpers/tmp';

const tmp = tmpDirs('lstm-bridge-whole-model-');
const GENERATOR = path.join(__dirname, 'fixtures', 'io', 'make_whole_model_fixtures.py');

test('freshly saved whole-model pickles read as their state_dict(), nothing run', () => {
  const dir = tmp();
  const r = spawnSync('/usr/bin/python3', [GENERATOR, dir], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the generator failed (${r.status}): ${r.stderr}`);
  const expected = JSON.parse(fs.readFileSync(path.join(dir, 'whole-model-expected.json'), 'utf8')) as {
    files: Record<string, { tensors: { name: string; shape: number[]; values: number[] }[]; globals: string[] }>;
  };
  const allowed = new Set(torchGlobals('t').keys());
  expect(Object.keys(expected.files).length).toBeGreaterThanOrEqual(7);
  for (const [file, want] of Object.entries(expected.files)) {
    const got = readTorch(path.join(dir, file), { unknownClasses: 'skip' });
    expect(got.tensors.map((t) => t.name)).toEqual(want.tensors.map((t) => t.name));
    got.tensors.forEach((t, k) => {
      expect([...t.tensor.shape]).toEqual(want.tensors[k].shape);
      expect(Array.from(t.tensor.values)).toEqual(want.tensors[k].values);
    });
    expect(got.skippedClasses).toEqual(want.globals.filter((g) => !allowed.has(g)));
  }
  expect(fs.existsSync(path.join(dir, 'lstm_bridge_pwned'))).toBe(false); // evil_reduce.pt was read, never run
});
