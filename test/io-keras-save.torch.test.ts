/**
 * `io.saveKeras` files read by real h5py (Debian's python3-h5py): Keras 2's `.h5` layout
 * (`keras_version`, `backend`, `model_config` with class names `LSTM` / `Bidirectional`,
 * `model_weights` with `layer_names` and each layer's `weight_names`, datasets at
 * `model_weights/<layer>/<weight name>`), the exact values, and an independent numpy forward
 * pass over the file (`scripts/keras_reference.py`) that matches the model's predictions.
 */
import { spawnSync } from 'child_process';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { saveKeras } from '../src/io/node';
import { IDS, functionalModel, sequentialModel } from './helpers/keras-save-models';
import { PYTHON, REPO } from './helpers/python';
import { tmpDirs } from './helpers/tmp';
import { expectClose, randomTensor, tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-save-h5py-');

const DUMP = `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
s = lambda v: v.decode() if isinstance(v, bytes) else str(v)
mw = f['model_weights']
layers = []
for name in mw.attrs['layer_names']:
    name = s(name)
    g = mw[name]
    wn = [s(w) for w in g.attrs['weight_names']]
    layers.append({'name': name, 'weights': [{'name': w, 'shape': list(g[w].shape), 'dtype': str(g[w].dtype), 'values': np.asarray(g[w]).ravel().tolist()} for w in wn]})
print(json.dumps({'keras_version': s(f.attrs['keras_version']), 'backend': s(f.attrs['backend']),
  'mw_keras_version': s(mw.attrs['keras_version']), 'model_config': json.loads(s(f.attrs['model_config'])), 'layers': layers}))
`;

interface Dump {
  keras_version: string;
  backend: string;
  mw_keras_version: string;
  model_config: { class_name: string; config: { layers: { class_name: string; config: { name: string } }[] } };
  layers: { name: string; weights: { name: string; shape: number[]; dtype: string; values: number[] }[] }[];
}

function python(args: string[], input?: string): string {
  const r = spawnSync(PYTHON, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('saveKeras files read by h5py and run by a numpy reference', () => {
  it.each([
    ['Sequential (Bidirectional, go_backwards, hard_sigmoid)', sequentialModel, () => randomTensor([3, 6, 3], 2), 'Sequential'],
    ['functional (Embedding mask_zero, no-bias LSTM, Bidirectional sum, Concatenate)', functionalModel, IDS, 'Model'],
  ])('%s', async (_label, make, input, className) => {
    const model: tfl.LayersModel = make();
    const file = path.join(tmp(), 'model.h5');
    await saveKeras(model, file);
    const dump = JSON.parse(python(['-c', DUMP, file])) as Dump;
    expect([dump.keras_version, dump.backend, dump.mw_keras_version]).toEqual(['2.15.0', 'tensorflow', '2.15.0']);
    expect(dump.model_config.class_name).toBe(className);
    const classes = dump.model_config.config.layers.map((l) => l.class_name);
    expect(classes.some((c) => c === 'LSTM' || c === 'Bidirectional')).toBe(true);
    expect(classes.join()).not.toMatch(/LstmBridge/);
    const withWeights = model.layers.filter((l) => l.weights.length > 0);
    const saved = dump.layers.filter((l) => l.weights.length > 0);
    expect(saved.map((l) => l.name)).toEqual(withWeights.map((l) => l.name));
    saved.forEach((l, k) => {
      const values = withWeights[k].getWeights();
      expect(l.weights.map((w) => w.shape)).toEqual(values.map((v) => v.shape));
      l.weights.forEach((w, j) => {
        expect(w.dtype).toBe('float32');
        expect(w.name.startsWith(`${l.name}/`) && w.name.endsWith(':0')).toBe(true);
        expect(w.values).toEqual(Array.from(values[j].dataSync()));
      });
    });
    const x = input();
    const req = JSON.stringify({ inputs: [{ shape: x.shape, values: Array.from(x.dataSync()) }] });
    const ref = JSON.parse(python([path.join(REPO, 'scripts', 'keras_reference.py'), file], req)) as { outputs: { values: number[] }[] };
    expectClose(model.predict(x) as tf.Tensor, ref.outputs[0].values, 1e-5, 1e-5, 'numpy reference');
    model.dispose();
  });
});
