/**
 * Differential suite against real PyTorch (`/usr/bin/python3` with Debian's python3-torch):
 * files written by `io.saveTorch` load with `torch.load(path, weights_only=True)` into a real
 * `nn.LSTM`, and what PyTorch saves back (zip and legacy) reads back identically.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { randomTensor, tf } from './helpers/tf';
import { readTorch } from '../src/io/torch/reader';
import { saveTorch } from '../src/io/torch/writer';

const PYTHON = '/usr/bin/python3';

function python(script: string, ...args: string[]): string {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Loads with weights_only=True and dumps names, dtypes, shapes and values as JSON. */
const DUMP = `
import json, sys, torch
sd = torch.load(sys.argv[1], weights_only=True)
print(json.dumps([[k, str(v.dtype), list(v.shape), v.flatten().tolist()] for k, v in sd.items()]))
`;

/** Loads into a real bidirectional 2-layer nn.LSTM (strict) and saves it back, both formats. */
const RESAVE = `
import sys, torch
torch.manual_seed(0)
m = torch.nn.Module()
m.lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
m.load_state_dict(torch.load(sys.argv[1], weights_only=True), strict=True)
torch.save(m.state_dict(), sys.argv[2])
torch.save(m.state_dict(), sys.argv[3], _use_new_zipfile_serialization=False)
`;

function lstmStateDict(): Record<string, tf.Tensor> {
  const sd: Record<string, tf.Tensor> = {};
  let seed = 10;
  for (let layer = 0; layer < 2; layer++) {
    for (const sfx of ['', '_reverse']) {
      const inSize = layer === 0 ? 3 : 8;
      sd[`lstm.weight_ih_l${layer}${sfx}`] = randomTensor([16, inSize], seed++, 0.5);
      sd[`lstm.weight_hh_l${layer}${sfx}`] = randomTensor([16, 4], seed++, 0.5);
      sd[`lstm.bias_ih_l${layer}${sfx}`] = randomTensor([16], seed++, 0.5);
      sd[`lstm.bias_hh_l${layer}${sfx}`] = randomTensor([16], seed++, 0.5);
    }
  }
  return sd;
}

describe('io.saveTorch against real torch.load(weights_only=True)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-io-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('torch reads every name, dtype, shape and value exactly', () => {
    const sd = {
      w: randomTensor([4, 3], 1),
      ints: tf.tensor([[1, -2], [2147483647, -2147483648]], [2, 2], 'int32'),
      mask: tf.tensor([1, 0, 1], [3], 'bool'),
      scalar: tf.scalar(-0.25),
      empty: tf.zeros([0, 2]),
    };
    const file = path.join(dir, 'mixed.pt');
    fs.writeFileSync(file, saveTorch(sd));
    const got = JSON.parse(python(DUMP, file)) as [string, string, number[], unknown][];
    expect(got.map((g) => g[0])).toEqual(Object.keys(sd));
    expect(got.map((g) => g[1])).toEqual(['torch.float32', 'torch.int64', 'torch.bool', 'torch.float32', 'torch.float32']);
    got.forEach(([name, , shape, values]) => {
      const t = sd[name as keyof typeof sd];
      expect(shape).toEqual(t.shape);
      const flat = Array.from(t.dataSync());
      expect(t.dtype === 'bool' ? flat.map(Boolean) : flat).toEqual(values);
    });
    tf.dispose(Object.values(sd));
  });

  it('a bidirectional 2-layer LSTM state dict: ours -> real nn.LSTM -> torch.save (zip and legacy) -> ours, identical', () => {
    const sd = lstmStateDict();
    const ours = path.join(dir, 'ours.pt');
    const zip = path.join(dir, 'torch_zip.pt');
    const legacy = path.join(dir, 'torch_legacy.pt');
    fs.writeFileSync(ours, saveTorch(sd, { archiveName: 'ours' }));
    python(RESAVE, ours, zip, legacy);
    for (const [file, format] of [[zip, 'zip'], [legacy, 'legacy']] as const) {
      const back = readTorch(new Uint8Array(fs.readFileSync(file)));
      expect(back.format).toBe(format);
      expect(back.tensors.map((t) => t.name)).toEqual(Object.keys(sd));
      for (const t of back.tensors) {
        expect(t.tensor.shape).toEqual(sd[t.name].shape);
        expect(Array.from(t.tensor.values)).toEqual(Array.from(sd[t.name].dataSync()));
      }
    }
    tf.dispose(Object.values(sd));
  });
});
