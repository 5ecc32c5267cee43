/**
 * Optional acceptance check (not part of `npm test`): runs `layers.LSTM` / `layers.Bidirectional`
 * on the Keras 2.0 golden vectors that keras-js recorded from real Keras
 * (`../shared/acceptance/keras-js-golden/{LSTM,Bidirectional_LSTM}.json`, not in this repo), and
 * prints the largest difference per case. The layer arguments of each case (from keras-js'
 * notebooks) and the tolerance are in `./acceptance/keras-js-cases.ts`; `check-acceptance-io.ts`
 * runs the same cases through Keras 2 `.h5` files and `io.loadKeras`.
 *
 * Usage: npx ts-node --transpile-only scripts/check-keras-js-golden.ts [dir]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { Bidirectional, LSTM } from '../src/layers';
import { BIDIRECTIONAL_CASE, GOLDEN_TOLERANCE as TOLERANCE, GoldenArray, GoldenCase, LSTM_CASES } from './acceptance/keras-js-cases';

type Arr = GoldenArray;

function maxDiff(a: tf.Tensor, b: Arr): number {
  const x = a.dataSync();
  if (x.length !== b.data.length) return Infinity;
  return b.data.reduce((m, v, k) => Math.max(m, Math.abs(x[k] - v)), 0);
}

function run(layer: LSTM | Bidirectional, c: GoldenCase, twice: boolean): number {
  const x = tf.tensor(c.input.data, [1, ...c.input.shape]);
  tf.dispose(layer.apply(x) as tf.Tensor);
  layer.setWeights(c.weights.map((w) => tf.tensor(w.data, w.shape)));
  if (layer.stateful) layer.resetStates();
  if (twice) tf.dispose(layer.apply(x) as tf.Tensor);
  return maxDiff(layer.apply(x) as tf.Tensor, c.expected);
}

function main(): void {
  const dir = process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'acceptance', 'keras-js-golden');
  const lstmCases = JSON.parse(fs.readFileSync(path.join(dir, 'LSTM.json'), 'utf8')) as Record<string, GoldenCase>;
  const biCases = JSON.parse(fs.readFileSync(path.join(dir, 'Bidirectional_LSTM.json'), 'utf8')) as Record<string, GoldenCase>;
  let failures = 0;
  const report = (name: string, diff: number) => {
    const ok = diff <= TOLERANCE;
    if (!ok) failures++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: max |diff| ${diff.toExponential(2)}`);
  };
  for (const [name, c] of Object.entries(lstmCases)) {
    const args = LSTM_CASES[name];
    if (!args) throw new Error(`no arguments known for ${name}`);
    report(name, run(new LSTM(args), c, args.stateful === true));
  }
  // [wrappers.Bidirectional.6] merge_mode='concat', LSTM(4, tanh, hard_sigmoid, return_sequences=True)
  for (const [name, c] of Object.entries(biCases)) {
    const layer = new Bidirectional({ layer: new LSTM(BIDIRECTIONAL_CASE), mergeMode: 'concat' });
    report(name, run(layer, c, false));
  }
  if (failures > 0) process.exitCode = 1;
}

main();
