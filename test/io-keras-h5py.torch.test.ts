/**
 * Python suite: Keras files written by `writeKeras` (h5wasm) are read with Debian's h5py the way
 * Keras's own loaders read them (`layer_names` / `weight_names` decoded from bytes or str,
 * arrays at `<layer>/<weight name>`; `.keras`: `layers/<group>/.../vars/<i>` inside the zip),
 * and give the same names, shapes and values.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { KERAS_FIXTURES } from './helpers/keras-fixtures';
import { writeKeras } from '../src/io/keras/writer';

const READ_LIKE_KERAS = `
import io, json, sys, zipfile
import h5py, numpy as np

def text(v):
    return v.decode('utf8') if hasattr(v, 'decode') else str(v)

def names(attrs, name):
    if name in attrs:
        return [text(n) for n in attrs[name]]
    out, k = [], 0
    while f'{name}{k}' in attrs:
        out += [text(n) for n in attrs[f'{name}{k}']]
        k += 1
    return out

path = sys.argv[1]
out = {'layers': []}
if zipfile.is_zipfile(path):
    z = zipfile.ZipFile(path)
    out['config'] = json.loads(z.read('config.json'))
    f = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')
    def walk(g, prefix, acc):
        for k in sorted(g.keys(), key=lambda s: (0, int(s)) if s.isdigit() else (1, s)):
            o = g[k]
            n = f'{prefix}/{k}' if prefix else k
            if isinstance(o, h5py.Dataset):
                acc.append([n, list(o.shape), np.asarray(o, dtype=np.float64).flatten().tolist()])
            else:
                walk(o, n, acc)
    for group in f['layers']:
        acc = []
        walk(f['layers'][group], '', acc)
        out['layers'].append(['/layers/' + group, acc])
else:
    f = h5py.File(path, 'r')
    root = f['model_weights'] if 'model_weights' in f else f
    out['keras_version'] = text(root.attrs['keras_version']) if 'keras_version' in root.attrs else None
    out['config'] = json.loads(text(f.attrs['model_config'])) if 'model_config' in f.attrs else None
    for layer in names(root.attrs, 'layer_names'):
        g = root[layer]
        out['layers'].append([layer, [[w, list(g[w].shape), np.asarray(g[w], dtype=np.float64).flatten().tolist()] for w in names(g.attrs, 'weight_names')]])
print(json.dumps(out))
`;

describe('Keras files written by io.writeKeras, read by h5py as Keras reads them', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-keras-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(Object.keys(KERAS_FIXTURES))('%s', async (key) => {
    const file = KERAS_FIXTURES[key]();
    const target = path.join(dir, `${key.replace(/\W+/g, '_')}.${file.format === 'keras' ? 'keras' : 'h5'}`);
    fs.writeFileSync(target, await writeKeras(file, { nameLists: file.kerasVersion?.startsWith('3') ? 'vlen' : 'fixed' }));
    const r = spawnSync('/usr/bin/python3', ['-c', READ_LIKE_KERAS, target], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(r.stderr);
    const got = JSON.parse(r.stdout) as { config: unknown; keras_version?: string | null; layers: [string, [string, number[], number[]][]][] };
    expect(got.config).toEqual(file.modelConfig);
    if (file.format !== 'keras') expect(got.keras_version).toEqual(file.kerasVersion);
    const expected = file.layers.map((l) => [file.format === 'keras' ? l.group : l.name, l.weights.map((w) => [w.name, [...w.tensor.shape], Array.from(w.tensor.values)])]);
    const sortKey = (x: unknown[]) => String(x[0]);
    expect([...got.layers].sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual([...expected].sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
  });
});
