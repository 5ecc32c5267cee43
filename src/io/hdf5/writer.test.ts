import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { openHdf5 } from './reader';
import { writeHdf5 } from './writer';
import { DEFAULT_LIMITS } from '../shared/limits';

describe('writeHdf5 (h5wasm) read back by openHdf5 (jsfive)', () => {
  it('writes groups, nested dataset paths, and every attribute kind', async () => {
    const kernel = { dtype: 'float32' as const, shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, -6.5]) };
    const steps = { dtype: 'int32' as const, shape: [], values: Int32Array.from([7]) };
    const bytes = await writeHdf5({
      attrs: { keras_version: '2.2.4', names: { fixedLength: ['lstm_1', 'dense_10'] }, vlen: ['a', 'bb'], empty: { float64: [] } },
      children: {
        model_weights: { children: { 'lstm_1/lstm_1/kernel:0': { tensor: kernel, attrs: { note: 'x' } } } },
        steps: { tensor: steps },
      },
    });
    const root = openHdf5('test', bytes, DEFAULT_LIMITS);
    expect(root.attrs()).toEqual({ keras_version: '2.2.4', names: ['lstm_1', 'dense_10'], vlen: ['a', 'bb'], empty: [] });
    const d = root.get('model_weights/lstm_1/lstm_1/kernel:0');
    expect(d?.kind).toBe('dataset');
    if (d?.kind !== 'dataset') return;
    expect(d.shape).toEqual([2, 3]);
    expect(d.dtype).toBe('float32');
    expect(d.attrs()).toEqual({ note: 'x' });
    expect(Array.from(d.read().values)).toEqual([1, 2, 3, 4, 5, -6.5]);
    const s = root.get('steps');
    expect(s?.kind === 'dataset' && Array.from(s.read().values)).toEqual([7]);
    expect(root.get('missing')).toBeNull();
    expect(root.get('model_weights/lstm_1/nope')).toBeNull();
  });

  it('concurrent writers in several processes never share a file, and leave nothing behind', async () => {
    // The writer once used h5wasm's Node build, which writes through the real file system (and
    // used /lstm-bridge-<counter>.h5, the same names in every process); it now writes in memory,
    // and this checks that nothing is shared or left on disk either way.
    const script = `
      const { writeHdf5 } = require(${JSON.stringify(path.join(__dirname, 'writer.ts'))});
      const { openHdf5 } = require(${JSON.stringify(path.join(__dirname, 'reader.ts'))});
      const { DEFAULT_LIMITS } = require(${JSON.stringify(path.join(__dirname, '..', 'shared', 'limits.ts'))});
      (async () => {
        for (let k = 0; k < 15; k++) {
          const who = process.argv[1] + '-' + k;
          const root = openHdf5('t', await writeHdf5({ attrs: { who } }), DEFAULT_LIMITS);
          if (root.attrs().who !== who) throw new Error('read ' + root.attrs().who + ', wrote ' + who);
        }
        console.log('ok');
      })().catch((e) => { console.log(String(e)); process.exit(1); });`;
    const leftovers = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('lstm-bridge-h5-')).length;
    const before = leftovers();
    const runs = await Promise.all(['a', 'b', 'c'].map((who) => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script, who], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', (code) => resolve(`${code} ${out.trim()}`));
    })));
    expect(runs).toEqual(['0 ok', '0 ok', '0 ok']);
    expect(leftovers()).toBe(before);
    expect(fs.readdirSync('/').filter((f) => /^lstm-bridge-\d+\.h5$/.test(f))).toEqual([]);
  }, 120000);
});
