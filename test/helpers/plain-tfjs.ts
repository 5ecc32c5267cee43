/**
 * Loads a saved TF.js model the way a web page without lstm-bridge does: in a separate Node
 * process that requires only `@tensorflow/tfjs-core`, its cpu backend and
 * `@tensorflow/tfjs-layers`, reads `model.json` and its shards with a loader written here, and
 * calls `tf.loadLayersModel(tf.io.fromMemory(...))` and `predict`.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const REPO = path.join(__dirname, '..', '..');

const SCRIPT = `
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');
(async () => {
  await tf.setBackend('cpu');
  const dir = process.argv[1];
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const all = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p)))));
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  const inputs = JSON.parse(fs.readFileSync(0, 'utf8')).map((i) => tf.tensor(i.values, i.shape));
  const out = model.predict(inputs.length === 1 ? inputs[0] : inputs);
  const outputs = (Array.isArray(out) ? out : [out]).map((o) => ({ shape: o.shape, values: Array.from(o.dataSync()) }));
  const loaded = Object.keys(require.cache).filter((k) => !k.includes('/node_modules/@tensorflow/') && !k.includes('/node_modules/seedrandom/') && !k.includes('/node_modules/long/'));
  process.stdout.write(JSON.stringify({ outputs, loaded, classes: model.layers.map((l) => l.getClassName()) }) + '\\n');
})().catch((e) => { process.stderr.write('PLAIN-TFJS-ERROR ' + e.message + '\\n'); process.exit(1); });
`;

/** What the plain process computed. */
export interface PlainTfjsResult {
  readonly outputs: { shape: number[]; values: number[] }[];
  /** Modules the process loaded besides tfjs' own (and their dependencies): expected none. */
  readonly loaded: string[];
  /** The model's layer classes as tfjs-layers loaded them. */
  readonly classes: string[];
}

/** Loads `dir` (model.json + shards) in plain tfjs in another process and predicts `inputs`. */
export function predictInPlainTfjs(dir: string, inputs: { shape: number[]; values: ArrayLike<number> }[]): PlainTfjsResult {
  const r = spawnSync(process.execPath, ['-e', SCRIPT, dir], {
    cwd: REPO,
    encoding: 'utf8',
    input: JSON.stringify(inputs.map((i) => ({ shape: i.shape, values: Array.from(i.values) }))),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`plain tfjs process failed (${r.status}): ${r.stderr.split('\n').filter((l) => l.includes('PLAIN-TFJS-ERROR') || l.includes('Error')).join(' | ') || r.stderr.slice(-2000)}`);
  const last = r.stdout.trim().split('\n').pop() as string;
  return JSON.parse(last) as PlainTfjsResult;
}
