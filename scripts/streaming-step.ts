/**
 * A quick local loop (not a unit test, not the bench): ms per streamed step of a stateful
 * layer fed one (1, 1, F) step per `predict`, lstm-bridge against tfjs-layers, on the cpu
 * backend, same run (the ratio is what to read on a loaded machine). Also `nn.GRU.forward` on
 * one step with h carried.
 *
 *     npx ts-node --transpile-only scripts/streaming-step.ts [steps=300] [units=64] [features=32] [backend=cpu|wasm]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';

import { layers, nn } from '../src';

const [steps, U, F] = [Number(process.argv[2] ?? 300), Number(process.argv[3] ?? 64), Number(process.argv[4] ?? 32)];
const backend = process.argv[5] ?? 'cpu';

function stateful(layer: tfl.layers.Layer): tfl.Sequential {
  return tfl.sequential({ layers: [layer] });
}

/** ms per step of each row: the median of 7 rounds of `steps` calls, the rows interleaved round by round, after a warm-up. */
function msPerStep(rows: readonly (readonly [string, () => void])[]): Map<string, number> {
  for (const [, step] of rows) for (let k = 0; k < 20; k++) step();
  const rounds = rows.map((): number[] => []);
  for (let r = 0; r < 7; r++) {
    rows.forEach(([, step], i) => {
      const t0 = performance.now();
      for (let k = 0; k < steps; k++) step();
      rounds[i].push((performance.now() - t0) / steps);
    });
  }
  return new Map(rows.map(([name], i) => [name, rounds[i].sort((a, b) => a - b)[3]]));
}

function predictLoop(model: tfl.Sequential): () => void {
  const x = tf.randomNormal([1, 1, F]);
  return () => tf.dispose(model.predict(x) as tf.Tensor);
}

async function main(): Promise<void> {
  await tf.setBackend(backend);
  await tf.ready();
  console.log(`backend ${tf.getBackend()}, N = 1, units ${U}, features ${F}, ${steps} steps a round`);
  // A fresh object each: tfjs-layers writes into its args (`cell`).
  const args = () => ({ units: U, stateful: true, batchInputShape: [1, 1, F] as [number, number, number] });
  const rows: [string, () => void][] = [
    ['layers.gru (resetAfter true)', predictLoop(stateful(layers.gru(args())))],
    ['layers.gru (resetAfter false)', predictLoop(stateful(layers.gru({ ...args(), resetAfter: false })))],
    ['tf.layers.gru (sigmoid)', predictLoop(stateful(tfl.layers.gru({ ...args(), recurrentActivation: 'sigmoid' })))],
    ['layers.simpleRNN', predictLoop(stateful(layers.simpleRNN(args())))],
    ['tf.layers.simpleRNN', predictLoop(stateful(tfl.layers.simpleRNN(args())))],
    ['layers.lstm', predictLoop(stateful(layers.lstm(args())))],
    ['tf.layers.lstm (sigmoid)', predictLoop(stateful(tfl.layers.lstm({ ...args(), recurrentActivation: 'sigmoid' })))],
  ];
  const gru = new nn.GRU(F, U);
  gru.eval();
  const x = tf.randomNormal([1, 1, F]);
  let h = tf.zeros([1, 1, U]);
  rows.push(['nn.GRU.forward (L = 1, h carried)', () => {
    const [y, next] = gru.forward(x, h);
    tf.dispose([y, h]);
    h = next;
  }]);
  const times = msPerStep(rows);
  const ref = (name: string) => times.get(name) as number;
  for (const [name, ms] of times) console.log(`${name.padEnd(36)} ${ms.toFixed(3)} ms/step`);
  console.log(`ratio tf.layers.gru / layers.gru (resetAfter false): ${(ref('tf.layers.gru (sigmoid)') / ref('layers.gru (resetAfter false)')).toFixed(2)}x`);
  console.log(`ratio tf.layers.gru / layers.gru (resetAfter true):  ${(ref('tf.layers.gru (sigmoid)') / ref('layers.gru (resetAfter true)')).toFixed(2)}x`);
  console.log(`ratio tf.layers.simpleRNN / layers.simpleRNN:       ${(ref('tf.layers.simpleRNN') / ref('layers.simpleRNN')).toFixed(2)}x`);
  console.log(`ratio tf.layers.lstm / layers.lstm:                 ${(ref('tf.layers.lstm (sigmoid)') / ref('layers.lstm')).toFixed(2)}x`);
  console.log(`lastExecution of nn.GRU: ${JSON.stringify(gru.lastExecution)}`);
}

void main();
