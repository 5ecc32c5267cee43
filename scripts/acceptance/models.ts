/**
 * Whole-model acceptance checks on the real user files in `../shared/acceptance/` (used by
 * `scripts/check-acceptance-io.ts`; never part of `npm test`).
 *
 * Every Keras (`.h5`, `.keras`, weights-only + `to_json` config) and TF.js file is loaded with
 * `io.loadKeras` / `io.loadTfjs` into a runnable model and run on inputs; the outputs are compared
 * with the numbers that come with the file where there are some (DL4J's
 * `fullconfigs_lstm/inputs_and_expected.json` = Keras 2.0.8's `predictions.npy`, DL4J's
 * `*_inputs_and_outputs.h5` = Keras' predictions, keras-js' golden vectors written into Keras
 * 2.0 `.h5` files first), and always with `scripts/keras_reference.py`, an independent numpy
 * forward pass over the file's own weights read with h5py.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { Bidirectional, LSTM } from '../../src/layers';
import { H5Group, openHdf5 } from '../../src/io/hdf5/reader';
import { DEFAULT_LIMITS } from '../../src/io/shared/limits';
import { KerasFile } from '../../src/keras-model/keras-file';
import { loadKeras, loadTfjs, readKeras, saveKeras, writeKeras } from '../../src/io/node';
import { BIDIRECTIONAL_CASE, GOLDEN_TOLERANCE, GoldenCase, LSTM_CASES } from './keras-js-cases';
import { maxAbsDiff, seededRandom } from '../../src/cli/random';
import { files } from './files';

/** One row of the table. */
export interface ModelRow {
  file: string;
  what: string;
  /** max |diff| against the numbers that come with the file, or null when none do. */
  vsExpected: number | null;
  /** max |diff| against the numpy reference, or null when it was not run. */
  vsNumpy: number | null;
  /** max |diff| of the numpy reference on the model re-saved with `saveKeras` (Keras 2 .h5), or null. */
  resaved?: number | null;
  ok: boolean;
  note?: string;
}

/** Tolerance against Keras' own float32 predictions and against the float64 numpy reference. */
export const MODEL_TOLERANCE = 1e-4;

const REFERENCE = path.join(__dirname, '..', 'keras_reference.py');

interface Arr {
  shape: readonly number[];
  values: ArrayLike<number>;
}

function numpyReference(python: string, file: string, inputs: Arr[], config?: string): Arr[] {
  const args = [REFERENCE, file, ...(config ? ['--config', config] : [])];
  const input = JSON.stringify({ inputs: inputs.map((i) => ({ shape: i.shape, values: Array.from(i.values) })) });
  const r = spawnSync(python, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`keras_reference.py: ${r.stderr.slice(-1500)}`);
  return (JSON.parse(r.stdout) as { outputs: Arr[] }).outputs;
}

/**
 * Inputs for a model: batch 3 (or the fixed batch), 7 steps where the length is free; token ids
 * with trailing zeros (padding) for an Embedding, whole steps at `mask_value` for Masking, else
 * uniform values in [-1, 1).
 */
function inputsFor(model: tfl.LayersModel, seed: number): Arr[] {
  const next = seededRandom(seed);
  const embedding = model.layers.find((l) => l.getClassName() === 'Embedding') as (tfl.layers.Layer & { inputDim: number }) | undefined;
  const masking = model.layers.find((l) => l.getClassName() === 'Masking') as (tfl.layers.Layer & { maskValue: number }) | undefined;
  return model.inputs.map((input) => {
    const shape = input.shape.map((d, k) => d ?? (k === 0 ? 3 : 7));
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    if (embedding) {
      const [N, T] = shape;
      for (let b = 0; b < N; b++) {
        const len = T - ((b * 2) % T);
        for (let t = 0; t < T; t++) values[b * T + t] = t < len ? 1 + Math.floor(next() * (embedding.inputDim - 1)) : 0;
      }
    } else {
      for (let k = 0; k < n; k++) values[k] = next() * 2 - 1;
      if (masking && shape.length === 3) {
        const [N, T, F] = shape;
        for (let b = 1; b < N; b++) for (let f = 0; f < F; f++) values[(b * T + (T - b)) * F + f] = masking.maskValue;
      }
    }
    return { shape, values };
  });
}

function predict(model: tfl.LayersModel, inputs: Arr[]): Float32Array[] {
  const xs = inputs.map((i, k) => tf.tensor(i.values, [...i.shape], model.inputs[k].dtype === 'int32' ? 'int32' : 'float32'));
  const ys = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(ys) ? ys : [ys];
  const out = list.map((y) => y.dataSync() as Float32Array);
  tf.dispose([...xs, ...list]);
  return out;
}

/** `Keras 2.2.4 Sequential: Bidirectional(LSTM 40 hard_sigmoid) x2, Dense` */
function describe(model: tfl.LayersModel, version: string | null): string {
  const lstm = (l: LSTM) => `LSTM ${l.units}${l.cell.config.recurrentActivation === 'sigmoid' ? '' : ` ${l.cell.config.recurrentActivation}`}${l.returnSequences ? ' seq' : ''}`;
  const parts = model.layers
    .filter((l) => l.getClassName() !== 'InputLayer')
    .map((l) => (l instanceof LSTM ? lstm(l) : l instanceof Bidirectional ? `Bi(${lstm(l.forwardLayer)})` : l.getClassName()));
  const grouped: string[] = [];
  for (const p of parts) {
    const last = grouped[grouped.length - 1];
    const m = last ? /^(.*?)(?: x(\d+))?$/.exec(last)! : null;
    if (m && m[1] === p) grouped[grouped.length - 1] = `${p} x${Number(m[2] ?? 1) + 1}`;
    else grouped.push(p);
  }
  const kind = model instanceof tfl.Sequential ? 'Sequential' : 'Functional';
  return `${version ? `Keras ${version} ` : ''}${kind}: ${grouped.join(', ')}`;
}

/** DL4J's `<name>_inputs_and_outputs.h5`: its first input and Keras' prediction. */
function dl4jExpected(file: string): { inputs: Arr[]; expected: Arr[] } | null {
  const io = file.replace(/_model\.h5$/, '_inputs_and_outputs.h5');
  if (io === file || !fs.existsSync(io)) return null;
  const root = openHdf5('dl4j', new Uint8Array(fs.readFileSync(io)), DEFAULT_LIMITS);
  const first = (g: string) => {
    const group = root.get(g) as H5Group;
    const d = group.get(group.keys()[0]);
    if (!d || d.kind !== 'dataset') throw new Error(`${io}: no dataset under ${g}`);
    return d.read();
  };
  return { inputs: [first('inputs')], expected: [first('predictions')] };
}

/**
 * Re-saves the loaded model as a Keras 2 `.h5` with `saveKeras` and runs the numpy reference on
 * that file: the written layout and configs mean what Keras means. Null when Keras 2 cannot
 * express the model (Keras 3's hard sigmoid).
 */
async function resavedDiff(python: string, model: tfl.LayersModel, inputs: Arr[], ours: Float32Array[]): Promise<number | null> {
  if (model.layers.some((l) => (l instanceof LSTM ? [l] : l instanceof Bidirectional ? [l.forwardLayer] : []).some((h) => h.cell.config.recurrentActivation === 'hardSigmoidKeras3'))) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-resave-'));
  try {
    const file = path.join(dir, 'model.h5');
    await saveKeras(model, file);
    const ref = numpyReference(python, file, inputs);
    return Math.max(...ours.map((o, k) => maxAbsDiff(o, ref[k].values)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function checkModelFile(root: string, python: string, file: string, load: () => Promise<tfl.LayersModel>, version: string | null, config?: string): Promise<ModelRow> {
  const model = await load();
  try {
    let inputs = inputsFor(model, file.length);
    let expected: Arr[] | null = null;
    const dl4j = dl4jExpected(file);
    if (dl4j) ({ inputs, expected } = dl4j);
    if (file.endsWith('lstm_th_keras_2_weights.h5')) {
      const j = JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'inputs_and_expected.json'), 'utf8'));
      inputs = [{ shape: j.input_shape, values: (j.inputs as number[][][]).flat(2) }];
      expected = [{ shape: j.expected_shape, values: j.expected }];
    }
    const ours = predict(model, inputs);
    const ref = numpyReference(python, file, inputs, config);
    const vsNumpy = Math.max(...ours.map((o, k) => maxAbsDiff(o, ref[k].values)));
    const vsExpected = expected ? Math.max(...ours.map((o, k) => maxAbsDiff(o, expected![k].values))) : null;
    const resaved = await resavedDiff(python, model, inputs, ours);
    const ok = [vsNumpy, vsExpected, resaved].every((d) => d === null || d <= MODEL_TOLERANCE);
    const shapes = inputs.map((i) => `[${i.shape.join(', ')}]`).join(' ');
    return { file: path.relative(root, file), what: `${describe(model, version)}; input ${shapes}`, vsExpected, vsNumpy, resaved, ok };
  } finally {
    model.dispose();
  }
}

/** keras-js' golden cases, each written as a Keras 2.0.8 `.h5` and loaded with `loadKeras`. */
async function checkGolden(root: string, tmp: string): Promise<ModelRow[]> {
  const dir = path.join(root, 'keras-js-golden');
  if (!fs.existsSync(dir)) return [];
  const rows: ModelRow[] = [];
  const cases: [string, GoldenCase, boolean][] = [];
  for (const [file, bi] of [['LSTM.json', false], ['Bidirectional_LSTM.json', true]] as const) {
    const all = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, GoldenCase>;
    for (const [name, c] of Object.entries(all)) cases.push([name, c, bi]);
  }
  for (const [name, c, bi] of cases) {
    const args = bi ? BIDIRECTIONAL_CASE : LSTM_CASES[name];
    if (!args) throw new Error(`no arguments known for ${name}`);
    const lstmConfig = {
      name: 'lstm_1',
      units: args.units,
      activation: args.activation,
      recurrent_activation: args.recurrentActivation === 'hard_sigmoid' ? 'hard_sigmoid' : args.recurrentActivation,
      use_bias: true,
      return_sequences: args.returnSequences ?? false,
      go_backwards: args.goBackwards ?? false,
      stateful: args.stateful ?? false,
    };
    const batchShape = [1, ...c.input.shape];
    const layer = bi
      ? { class_name: 'Bidirectional', config: { name: 'bidirectional_1', layer: { class_name: 'LSTM', config: lstmConfig }, merge_mode: 'concat', batch_input_shape: batchShape } }
      : { class_name: 'LSTM', config: { ...lstmConfig, batch_input_shape: batchShape } };
    const owner = bi ? 'bidirectional_1' : 'lstm_1';
    const wnames = bi
      ? ['forward_lstm_1', 'backward_lstm_1'].flatMap((h) => ['kernel', 'recurrent_kernel', 'bias'].map((n) => `${owner}/${h}/${n}:0`))
      : ['kernel', 'recurrent_kernel', 'bias'].map((n) => `${owner}/${n}:0`);
    const kfile: KerasFile = {
      format: 'h5',
      kerasVersion: '2.0.8',
      backend: 'tensorflow',
      modelConfig: { class_name: 'Sequential', config: [layer] },
      trainingConfig: null,
      metadata: null,
      layers: [{ name: owner, group: `/model_weights/${owner}`, className: layer.class_name, weights: c.weights.map((w, k) => ({ name: wnames[k], tensor: { dtype: 'float32' as const, shape: w.shape, values: Float32Array.from(w.data) } })) }],
    };
    const h5 = path.join(tmp, `${name}.h5`);
    await writeKeras(kfile, h5);
    const model = await loadKeras(h5);
    try {
      const x = { shape: batchShape, values: c.input.data };
      let y = predict(model, [x]);
      if (args.stateful) y = predict(model, [x]); // keras-js recorded the second predict of stateful cases
      const d = maxAbsDiff(y[0], c.expected.data);
      rows.push({ file: `keras-js-golden/${bi ? 'Bidirectional_LSTM' : 'LSTM'}.json ${name}`, what: `Keras 2.0 ${bi ? 'Bidirectional(' : ''}LSTM ${JSON.stringify(args).replace(/"/g, '')}${bi ? ')' : ''} as .h5`, vsExpected: d, vsNumpy: null, ok: d <= GOLDEN_TOLERANCE });
    } finally {
      model.dispose();
    }
  }
  return rows;
}

/** Runs every model check under `root`. */
export async function checkModels(root: string, python: string): Promise<ModelRow[]> {
  const rows: ModelRow[] = [];
  const run = async (file: string, fn: () => Promise<ModelRow>) => {
    try {
      rows.push(await fn());
    } catch (e) {
      rows.push({ file: path.relative(root, file), what: 'ERROR', vsExpected: null, vsNumpy: null, ok: false, note: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  };
  const keras = ['keras-h5-users', 'dl4j-keras-import', 'keras-v3-dotkeras-users'].flatMap((d) => files(path.join(root, d), /\.(h5|keras)$/));
  for (const file of keras) {
    if (/_inputs_and_outputs\.h5$/.test(file)) continue; // data for the model next to it, not a model
    const configPath = file.endsWith('lstm_th_keras_2_weights.h5') ? path.join(path.dirname(file), 'lstm_th_keras_2_config.json') : undefined;
    const version = readKeras(file).kerasVersion;
    await run(file, () => checkModelFile(root, python, file, () => loadKeras(file, { config: configPath }), version, configPath));
  }
  for (const file of files(path.join(root, 'tfjs-layers-users'), /^model\.json$/)) {
    const version = (JSON.parse(fs.readFileSync(file, 'utf8')).modelTopology?.keras_version as string | undefined) ?? null;
    await run(file, () => checkModelFile(root, python, file, () => loadTfjs(file), version ? `${version} via tfjs converter` : null));
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-golden-'));
  try {
    rows.push(...(await checkGolden(root, tmp)));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return rows;
}
