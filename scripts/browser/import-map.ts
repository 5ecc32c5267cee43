/**
 * The README's plain `<script type="module">` + import map page, no bundler: lstm-bridge's ESM
 * build and tfjs' single-file ES modules served from node_modules, seedrandom (the cpu
 * backend's CommonJS dependency) converted to an ES module. `writeImportMapPage` writes the page
 * into `dir`; the runner serves `dir` at '/import-map/', the repository at '/repo/', and reads
 * the page's `window.__result`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const IMPORT_MAP: Record<string, string> = {
  'lstm-bridge': '/repo/dist/esm/src/index.js',
  '@tensorflow/tfjs-core': '/repo/node_modules/@tensorflow/tfjs-core/dist/tf-core.fesm.js',
  '@tensorflow/tfjs-core/dist/register_all_gradients': '/repo/node_modules/@tensorflow/tfjs-layers/dist/tf-layers.fesm.js',
  '@tensorflow/tfjs-layers': '/repo/node_modules/@tensorflow/tfjs-layers/dist/tf-layers.fesm.js',
  '@tensorflow/tfjs-backend-cpu': '/repo/node_modules/@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.fesm.js',
  seedrandom: '/vendor/seedrandom.js',
  jsfive: '/repo/node_modules/jsfive/dist/esm/index.mjs',
  fflate: '/repo/node_modules/fflate/esm/browser.js',
};

const PAGE_SCRIPT = `
import * as tf from '@tensorflow/tfjs-core';
import { nn, io } from 'lstm-bridge';
const lstm = new nn.LSTM(3, 4);
const x = tf.ones([5, 2, 3]);
const [y] = lstm.forward(x);
const dx = tf.grad((xi) => tf.sum(lstm.forward(xi)[0]))(x);
const back = nn.LSTM.fromStateDict(io.loadSafetensors(io.saveSafetensors(lstm.stateDict())));
const [y2] = back.forward(x);
globalThis.__result = { backend: tf.getBackend(), shape: y.shape, gradFinite: dx.dataSync().every(Number.isFinite), gradNonZero: dx.dataSync().some((v) => v !== 0), roundTrip: Math.max(...tf.abs(tf.sub(y, y2)).dataSync()) };
`;

export async function writeImportMapPage(dir: string, repo: string): Promise<void> {
  mkdirSync(join(dir, 'vendor'), { recursive: true });
  await build({ entryPoints: [join(repo, 'node_modules/seedrandom/index.js')], bundle: true, format: 'esm', outfile: join(dir, 'vendor/seedrandom.js'), platform: 'browser', logLevel: 'error' });
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>import map</title>
<script type="importmap">${JSON.stringify({ imports: IMPORT_MAP })}</script>
<script type="module">${PAGE_SCRIPT}</script>
`);
}
