/**
 * The loader's model fixtures (`test/helpers/keras-model-fixtures.ts`) run by the independent
 * numpy reference (`scripts/keras_reference.py`, reading the written files with h5py): a second
 * reference besides the one in `io-keras-load.test.ts`, in Python, with its own reading of every
 * layout (Keras 1 per-gate names, cuDNN's kernel layout, Keras 3 groups and the NotEqual mask).
 */
import { spawnSync } from 'child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { loadKeras } from '../src/io/keras/load';
import { writeKeras } from '../src/io/node';
import { MODEL_FIXTURES } from './helpers/keras-model-fixtures';
import { PYTHON, REPO } from './helpers/python';
import { tmpDirs } from './helpers/tmp';
import { expectClose, tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-load-numpy-');

describe('loadKeras fixtures against the numpy reference', () => {
  it.each(Object.keys(MODEL_FIXTURES))('%s', async (key) => {
    const fx = MODEL_FIXTURES[key]();
    const dir = tmp();
    const file = path.join(dir, fx.file.format === 'keras' ? 'model.keras' : 'model.h5');
    await writeKeras(fx.file, file, { nameLists: fx.nameLists });
    const args = [path.join(REPO, 'scripts', 'keras_reference.py'), file];
    if (fx.config) {
      fs.writeFileSync(path.join(dir, 'config.json'), fx.config);
      args.push('--config', path.join(dir, 'config.json'));
    }
    const x = fx.input();
    const xs = Array.isArray(x) ? x : [x];
    const r = spawnSync(PYTHON, args, { input: JSON.stringify({ inputs: xs.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) })) }), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const ref = JSON.parse(r.stdout) as { outputs: { values: number[] }[] };
    const model = await loadKeras(new Uint8Array(fs.readFileSync(file)), fx.config ? { config: fx.config } : {});
    expectClose(model.predict(x) as tf.Tensor, ref.outputs[0].values, 1e-5, 1e-5, key);
    model.dispose();
  });
});
