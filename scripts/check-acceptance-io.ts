/**
 * Optional check of the io readers against the real user files in `../shared/acceptance/`
 * (never part of `npm test`; skips cleanly when the folder or Python is absent).
 *
 * Part 1, readers: every PyTorch file is read with `readTorch` and with real
 * `torch.load(weights_only=True)`; every Keras `.h5`/`.keras` with `readKeras` (or, for HDF5
 * files that are not Keras models, the low-level HDF5 reader) and with h5py; every TF.js model
 * with `readTfjs` and with numpy over the manifest. Names, order, shapes and the max absolute
 * difference are reported.
 *
 * Part 2, models (`./acceptance/models.ts`): every Keras and TF.js file is loaded with
 * `loadKeras` / `loadTfjs` into a runnable model, run, and compared with the numbers that come
 * with it (DL4J's predictions, keras-js' golden vectors) and with an independent numpy forward
 * pass over the file's own weights (`scripts/keras_reference.py`).
 *
 *     npm run acceptance:io        (or: npx ts-node --transpile-only scripts/check-acceptance-io.ts)
 *     LSTM_BRIDGE_ACCEPTANCE=/path/to/acceptance npm run acceptance:io
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { registerChainedOps } from '../src/engine/internal';
import { KerasFormatError } from '../src/io/shared/errors';
import { H5Group, openHdf5 } from '../src/io/hdf5/reader';
import { DEFAULT_LIMITS } from '../src/io/shared/limits';
import { readKeras, readTfjs, readTorch } from '../src/io/node';
import { TORCH_MODEL_TOLERANCE, checkTorchModels, torchFiles } from './acceptance/torch-models';
import { MODEL_TOLERANCE, checkModels } from './acceptance/models';
import { files } from './acceptance/files';

const ROOT = process.env.LSTM_BRIDGE_ACCEPTANCE ?? path.resolve(__dirname, '..', '..', 'shared', 'acceptance');
const PYTHON = '/usr/bin/python3';

type Named = { name: string; shape: readonly number[]; values: ArrayLike<number> };
interface Row {
  file: string;
  reader: string;
  detail: string;
  tensors: number;
  maxDiff: number | null;
  ok: boolean;
  note?: string;
}

function python(script: string, ...args: string[]): unknown {
  const r = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`python: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout);
}

const TORCH_DUMP = `
import json, sys, warnings, torch
warnings.filterwarnings('ignore')
sd = torch.load(sys.argv[1], map_location='cpu', weights_only=True)
print(json.dumps([[k, list(v.shape), v.detach().float().flatten().tolist()] for k, v in sd.items()]))
`;

const H5_DUMP = `
import io, json, sys, zipfile, h5py, numpy as np
path, entry, paths = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
f = h5py.File(io.BytesIO(zipfile.ZipFile(path).read(entry)) if entry else path, 'r')
print(json.dumps([[p, list(f[p].shape), np.asarray(f[p], dtype=np.float64).flatten().tolist()] for p in paths]))
`;

const TFJS_DUMP = `
import json, os, sys, numpy as np
m = json.load(open(sys.argv[1]))
d = os.path.dirname(sys.argv[1])
out, data = [], b''
for g in m['weightsManifest']:
    data = b''.join(open(os.path.join(d, p), 'rb').read() for p in g['paths'])
    off = 0
    for w in g['weights']:
        n = int(np.prod(w['shape'])) if w['shape'] else 1
        dt = {'float32': '<f4', 'int32': '<i4', 'bool': 'u1'}[w['dtype']]
        a = np.frombuffer(data, dtype=dt, count=n, offset=off)
        off += a.nbytes
        out.append([w['name'], w['shape'], a.astype(np.float64).tolist()])
print(json.dumps(out))
`;

/** Keras classes (or, without a class, layer names) of recurrent layers: LSTM, GRU, SimpleRNN and their wrappers. */
const RECURRENT_CLASS = /lstm|gru|simple_?rnn|bidirectional/i;

/** Compares our tensors with the reference's [name, shape, values] in order. */
function compare(ours: Named[], ref: [string, number[], number[]][]): { maxDiff: number; problem?: string } {
  if (ours.length !== ref.length) return { maxDiff: NaN, problem: `${ours.length} tensors vs ${ref.length}` };
  let maxDiff = 0;
  for (let k = 0; k < ours.length; k++) {
    const [name, shape, values] = ref[k];
    if (ours[k].name !== name) return { maxDiff, problem: `tensor ${k}: ${ours[k].name} vs ${name}` };
    if (ours[k].shape.join() !== shape.join()) return { maxDiff, problem: `${name}: shape [${ours[k].shape}] vs [${shape}]` };
    for (let i = 0; i < values.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[k].values[i] - values[i]));
  }
  return { maxDiff };
}

function rel(file: string): string {
  return path.relative(ROOT, file);
}

function checkTorch(file: string): Row {
  const got = readTorch(file);
  const ours = got.tensors.map((t) => ({ name: t.name, shape: t.tensor.shape, values: t.tensor.values }));
  const { maxDiff, problem } = compare(ours, python(TORCH_DUMP, file) as [string, number[], number[]][]);
  const where = [...new Set(got.tensors.map((t) => t.location))].join('/');
  return { file: rel(file), reader: 'readTorch', detail: `${got.format}, saved on ${where}`, tensors: ours.length, maxDiff, ok: !problem && maxDiff === 0, note: problem };
}

/** Every dataset below a group (low-level reader), with absolute paths. */
function allDatasets(g: H5Group, acc: Named[] = []): Named[] {
  for (const k of g.keys()) {
    const c = g.get(k);
    if (c?.kind === 'group') allDatasets(c, acc);
    else if (c?.kind === 'dataset' && c.dtype !== null) acc.push({ name: c.path, shape: c.shape, values: c.read().values });
  }
  return acc;
}

function checkKeras(file: string): Row {
  const bytes = new Uint8Array(fs.readFileSync(file));
  let ours: Named[];
  let detail: string;
  let entry = '';
  let reader = 'readKeras';
  try {
    const k = readKeras(bytes);
    const inner = k.format === 'keras' ? '' : '/';
    if (k.format === 'keras') entry = 'model.weights.h5';
    ours = k.layers.flatMap((l) => l.weights.map((w) => ({ name: `${l.group}/${w.name}`.replace(/^\/+/, inner), shape: w.tensor.shape, values: w.tensor.values })));
    const recurrent = k.layers.filter((l) => RECURRENT_CLASS.test(l.className || l.name)).map((l) => `${l.name}${l.className ? ` (${l.className})` : ''}`);
    detail = `${k.format}, Keras ${k.kerasVersion ?? '?'}${k.backend ? ` (${k.backend})` : ''}, ${k.layers.length} layers, recurrent layers: ${recurrent.join(' ') || '-'}`;
  } catch (e) {
    if (!(e instanceof KerasFormatError)) throw e;
    // Not a Keras model (e.g. DL4J's inputs/outputs files): the HDF5 reader must still open it.
    reader = 'openHdf5';
    ours = allDatasets(openHdf5('check', bytes, DEFAULT_LIMITS));
    detail = `not a Keras model (${e.message.replace(/^io\.readKeras: /, '')}); all datasets read`;
  }
  const ref = python(H5_DUMP, file, entry, JSON.stringify(ours.map((o) => o.name))) as [string, number[], number[]][];
  const { maxDiff, problem } = compare(ours, ref);
  return { file: rel(file), reader, detail, tensors: ours.length, maxDiff, ok: !problem && maxDiff === 0, note: problem };
}

function checkTfjs(file: string): Row {
  const got = readTfjs(file);
  const ours = got.weights.map((w) => ({ name: w.name, shape: w.tensor.shape, values: w.tensor.values }));
  const { maxDiff, problem } = compare(ours, python(TFJS_DUMP, file) as [string, number[], number[]][]);
  return { file: rel(file), reader: 'readTfjs', detail: `${got.format}, ${got.generatedBy}, ${got.convertedBy}`, tensors: ours.length, maxDiff, ok: !problem && maxDiff === 0, note: problem };
}

async function main(): Promise<number> {
  if (!fs.existsSync(ROOT)) {
    console.log(`check-acceptance-io: skipped (no acceptance folder at ${ROOT})`);
    return 0;
  }
  if (!fs.existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import torch, h5py, numpy']).status !== 0) {
    console.log(`check-acceptance-io: skipped (${PYTHON} with torch, h5py and numpy is needed for the reference values)`);
    return 0;
  }
  const rows: Row[] = [];
  const run = (file: string, check: (f: string) => Row) => {
    try {
      rows.push(check(file));
    } catch (e) {
      rows.push({ file: rel(file), reader: check.name, detail: 'ERROR', tensors: 0, maxDiff: null, ok: false, note: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  };
  // gru-users: GRU / SimpleRNN / nn.GRU / nn.RNN files of every format (its .onnx is checked by acceptance:onnx).
  for (const d of ['pytorch-users', 'gru-users']) for (const f of files(path.join(ROOT, d), /\.(pt|pth)$/)) run(f, checkTorch);
  for (const d of ['keras-h5-users', 'dl4j-keras-import', 'keras-v3-dotkeras-users', 'gru-users']) {
    for (const f of files(path.join(ROOT, d), /\.(h5|keras)$/)) run(f, checkKeras);
  }
  for (const d of ['tfjs-layers-users', 'gru-users']) for (const f of files(path.join(ROOT, d), /^model\.json$/)) run(f, checkTfjs);
  for (const r of rows) {
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file}\n     ${r.reader}: ${r.detail}; ${r.tensors} tensors, max |diff| ${r.maxDiff}${r.note ? `\n     ${r.note}` : ''}`);
  }
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`\ncheck-acceptance-io, readers: ${rows.length - failed} passed, ${failed} failed`);

  registerChainedOps();
  await tf.setBackend('cpu');
  const models = await checkModels(ROOT, PYTHON);
  const fmt = (d: number | null) => (d === null ? '-' : d.toExponential(2));
  console.log(`\nModels (tolerance ${MODEL_TOLERANCE}; keras-js golden 2e-5):\n`);
  console.log('| file | what it is | max abs diff vs expected | vs numpy reference | re-saved .h5 vs numpy |\n|---|---|---|---|---|');
  for (const r of models) {
    console.log(`| ${r.ok ? '' : '**FAIL** '}${r.file} | ${r.what}${r.note ? ` — ${r.note}` : ''} | ${fmt(r.vsExpected)} | ${fmt(r.vsNumpy)} | ${fmt(r.resaved ?? null)} |`);
  }
  const failedModels = models.filter((r) => !r.ok).length;
  console.log(`\ncheck-acceptance-io, models: ${models.length - failedModels} passed, ${failedModels} failed`);

  const torchRows = checkTorchModels(ROOT, PYTHON, torchFiles(path.join(ROOT, 'pytorch-users')));
  console.log(`\nPyTorch files: nn.LSTM.fromStateDict vs real torch.nn.LSTM on the same input (tolerance ${TORCH_MODEL_TOLERANCE}):\n`);
  console.log('| file | module | max abs diff (output, h_n, c_n) |\n|---|---|---|');
  for (const r of torchRows) {
    console.log(`| ${r.ok ? '' : '**FAIL** '}${r.file} | ${r.module}${r.note ? ` — ${r.note}` : ''} | ${fmt(r.maxDiff)} |`);
  }
  const failedTorch = torchRows.filter((r) => !r.ok).length;
  console.log(`\ncheck-acceptance-io, PyTorch modules: ${torchRows.length - failedTorch} passed, ${failedTorch} failed`);
  // The folder exists, so it must have held files: an empty run is a failure, not a pass.
  return failed > 0 || failedModels > 0 || failedTorch > 0 || rows.length === 0 || models.length === 0 || torchRows.length === 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
