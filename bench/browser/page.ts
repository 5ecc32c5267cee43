/**
 * The browser bench, in the page: on the tfjs backend `?backend=` (cpu | wasm | webgl), the
 * S0–S2 forward and training rows of `../shapes` for lstm-bridge's tfjs path (`lstmStack`) and
 * `tf.layers.lstm`, and the streaming row for `nn.LSTM.forward` (system `lstm-bridge`), a stateful
 * `layers.LSTM`, `engine.LstmStepper`, `engine.lstmStack` with L = 1 and `tf.layers.lstm` (the same runners as the Node bench, `../runners`),
 * and, with `?ort=1`, lstm-bridge through onnxruntime-web (`lstmStackAsync`, executor 'auto',
 * which is onnxruntime-web in a page; forward only) beside onnxruntime-web on its own running the
 * same ONNX model. Each timed call ends with a read-back
 * fence (`dataSync` of a fresh scalar), so that webgl's queued work is inside the time.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { loadOnnxRuntimeAsync, setOnnxRuntimeWasmPaths } from '../../src/runtime';
import {
  Runner, StreamRunner, makeBridgeAsyncRunner, makeBridgeAsyncStream, makeBridgeLayersStream, makeBridgeNnStream, makeBridgeRunner,
  makeBridgeStepperStream, makeBridgeStream, makeOrtRunner, makeOrtStream, makeTfLayersRunner, makeTfLayersStream,
} from '../runners';
import { SHAPES, STREAM, Shape } from '../shapes';
import { report } from '../../scripts/browser/report';

interface Row { system: string; shape: string; mode: 'forward' | 'train'; ms: number; samples: number }

const query = new URLSearchParams(location.search);
const quick = query.get('quick') === '1';
const st = quick ? { warmup: 1, iters: 3, budgetMs: 300, streamWarm: 30, streamSteps: 30 } : { warmup: 2, iters: 5, budgetMs: 3000, streamWarm: 100, streamSteps: 100 };

function fence(): void {
  tf.tidy(() => tf.add(tf.scalar(0), 1).dataSync());
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function measure(fn: () => void | Promise<void>): Promise<number[]> {
  const timed = async () => {
    const t0 = performance.now();
    await fn();
    fence();
    return performance.now() - t0;
  };
  const first = await timed();
  for (let k = 1; k < (first > 1000 ? 1 : st.warmup); k++) await timed();
  const samples: number[] = [];
  const start = performance.now();
  const iters = first > 1000 ? Math.min(3, st.iters) : st.iters;
  while (samples.length < iters || (performance.now() - start < st.budgetMs && samples.length < 30)) samples.push(await timed());
  return samples;
}

const leaks: Record<string, number> = {};

function noteLeak(system: string, before: number): void {
  const n = tf.memory().numTensors - before;
  if (n !== 0) leaks[system] = (leaks[system] ?? 0) + n;
}

async function shapeRows(system: string, make: (s: Shape) => Runner | Promise<Runner>, shapes: readonly Shape[], modes: readonly ('forward' | 'train')[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const s of shapes) {
    const before = tf.memory().numTensors;
    const r = await make(s);
    for (const mode of modes) {
      const fn = mode === 'forward' ? () => r.forward() : r.train ? () => (r.train as () => void)() : null;
      if (!fn) continue;
      const samples = await measure(fn);
      rows.push({ system, shape: s.id, mode, ms: median(samples), samples: samples.length });
    }
    r.dispose();
    noteLeak(`${system} ${s.id}`, before);
  }
  return rows;
}

async function streamRow(system: string, make: () => StreamRunner | Promise<StreamRunner>): Promise<Row> {
  const before = tf.memory().numTensors;
  const r = await make();
  for (let k = 0; k < st.streamWarm; k++) await r.step();
  fence();
  const per: number[] = [];
  for (let k = 0; k < st.streamSteps; k++) {
    const t0 = performance.now();
    await r.step();
    fence();
    per.push(performance.now() - t0);
  }
  r.dispose();
  noteLeak(`${system} stream`, before);
  return { system, shape: STREAM.id, mode: 'forward', ms: median(per), samples: per.length };
}

async function run(): Promise<unknown> {
  const backend = query.get('backend') ?? 'cpu';
  if (backend === 'wasm') setWasmPaths('/tfjs-wasm/');
  setOnnxRuntimeWasmPaths('/ort/');
  await tf.setBackend(backend);
  await tf.ready();
  const shapes = SHAPES.filter((s) => ['S0', 'S1', 'S2'].includes(s.id));
  const before = tf.memory().numTensors;
  const rows: Row[] = [];
  const modes = ['forward', 'train'] as const;
  // Streaming, as a user streams: the facades' one-step calls (both run the prepared stepper),
  // the engine's stepper itself, and the engine's sequence API called with L = 1 (no stepper).
  rows.push(await streamRow('lstm-bridge', makeBridgeNnStream));
  rows.push(await streamRow('lstm-bridge layers.LSTM', makeBridgeLayersStream));
  rows.push(await streamRow('lstm-bridge engine.LstmStepper', makeBridgeStepperStream));
  rows.push(await streamRow('lstm-bridge engine.lstmStack', makeBridgeStream));
  rows.push(await streamRow('tf.layers.lstm', () => makeTfLayersStream()));
  rows.push(...await shapeRows('lstm-bridge', makeBridgeRunner, shapes, modes));
  rows.push(...await shapeRows('tf.layers.lstm', (s) => makeTfLayersRunner(s), shapes, modes));
  if (query.get('ort') === '1') {
    rows.push(await streamRow('lstm-bridge ort-web', makeBridgeAsyncStream));
    rows.push(...await shapeRows('lstm-bridge ort-web', makeBridgeAsyncRunner, shapes, ['forward']));
    // onnxruntime-web on its own, the same ONNX model, Float32Array in and out (the runners'
    // onnxruntime module is the page's onnxruntime-web once it is loaded).
    if (!await loadOnnxRuntimeAsync()) throw new Error('onnxruntime-web did not load');
    rows.push(await streamRow('onnxruntime-web alone', makeOrtStream));
    rows.push(...await shapeRows('onnxruntime-web alone', makeOrtRunner, shapes, ['forward']));
  }
  const ort = query.get('ort') === '1' ? ((await import('onnxruntime-web')) as unknown as { env: { wasm: { numThreads?: number } } }).env.wasm.numThreads : null;
  return { backend: tf.getBackend(), isolated: crossOriginIsolated, ortThreads: ort, rows, leaked: tf.memory().numTensors - before, leaks, userAgent: navigator.userAgent };
}

report(run);
