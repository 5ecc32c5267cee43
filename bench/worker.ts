/**
 * One benchmark process: one tfjs-based system on one backend. Prints one JSON object per line
 * on stdout (`{"type": "result", ...}`), so the parent keeps everything measured before an
 * abort.
 *
 * Usage (the parent `./run.ts` does this): worker.ts <systemId> <shapeIds> [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import { Runner, StreamRunner, makeBridgeAsyncRunner, makeBridgeAsyncStream, makeBridgeLayersRunner, makeBridgeLayersStream,
  makeBridgeNnRunner, makeBridgeNnStream, makeBridgeRunner, makeBridgeStepperStream, makeBridgeStream,
  makeOrtRunner, makeOrtStream, makeTfLayersRunner, makeTfLayersStream } from './runners';
import { makeGruRunner, makeGruStream } from './gru-runners';
import { SHAPES, STREAM, Shape } from './shapes';
import { BackendName, useFastestBackend } from '../src/backend';
import { Mode } from './systems';

interface Settings {
  readonly warmup: number;
  readonly minIters: number;
  readonly maxIters: number;
  readonly budgetMs: number;
  readonly streamSteps: number;
  readonly streamWarmup: number;
}

function emit(obj: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function measure(fn: () => void | Promise<void>, st: Settings, big: boolean): Promise<number[]> {
  // One warm-up always; more only for quick calls. Calls over a second get 3 timed iterations.
  const w0 = performance.now();
  await fn();
  const slow = performance.now() - w0 > 1000;
  for (let k = 1; k < (big || slow ? 1 : st.warmup); k++) await fn();
  const minIters = slow ? Math.min(3, st.minIters) : st.minIters;
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < st.maxIters && (samples.length < minIters || performance.now() - start < st.budgetMs)) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

function usesTfjs(kind: string): boolean {
  return kind !== 'ort' && kind !== 'gru-ort';
}

function isGru(kind: string): boolean {
  return kind.startsWith('gru-');
}

/** Kinds timed on the forward pass only (onnxruntime has no gradients). */
function forwardOnly(kind: string): boolean {
  return ['bridge-async', 'ort', 'gru-bridge-async', 'gru-nn-async', 'gru-ort'].includes(kind);
}

async function peakBytes(fn: () => void | Promise<void>): Promise<number> {
  const info = await tf.profile(async () => {
    await fn();
  });
  return info.peakBytes;
}

/** Reports tensors left behind by a runner (a leak in the system under test or its runner). */
function checkLeak(system: string, shape: string, before: number): void {
  const after = tf.memory().numTensors;
  if (after !== before) emit({ type: 'error', system, shape, mode: 'leak', message: `${after - before} tensors left after dispose()` });
}

async function runShape(kind: string, shape: Shape, modes: Mode[], st: Settings, system: string): Promise<void> {
  const tensorsBefore = tf.memory().numTensors;
  let runner: Runner;
  try {
    runner = isGru(kind) ? await makeGruRunner(kind, shape)
      : kind === 'bridge' ? makeBridgeRunner(shape)
      : kind === 'bridge-async' ? makeBridgeAsyncRunner(shape)
        : kind === 'tfjs-layers' ? makeTfLayersRunner(shape)
          : kind === 'nn' ? makeBridgeNnRunner(shape)
            : kind === 'layers' ? makeBridgeLayersRunner(shape)
              : await makeOrtRunner(shape);
  } catch (e) {
    emit({ type: 'error', system, shape: shape.id, mode: 'setup', message: (e as Error).message });
    return;
  }
  const big = shape.id === 'S3';
  for (const mode of modes) {
    const fn = mode === 'forward' ? () => runner.forward() : runner.train ? () => (runner.train as () => void)() : null;
    if (!fn) continue;
    try {
      const samples = await measure(fn, st, big);
      const peak = usesTfjs(kind) ? await peakBytes(fn) : null;
      emit({ type: 'result', system, shape: shape.id, mode, ms: median(samples), samples, peakBytes: peak, numTensors: tf.memory().numTensors });
    } catch (e) {
      emit({ type: 'error', system, shape: shape.id, mode, message: (e as Error).message.split('\n')[0] });
    }
  }
  runner.dispose();
  checkLeak(system, shape.id, tensorsBefore);
}

async function runStream(kind: string, st: Settings, system: string, variant = ''): Promise<void> {
  const tensorsBefore = tf.memory().numTensors;
  let r: StreamRunner;
  try {
    r = isGru(kind) ? await makeGruStream(kind)
      : kind === 'bridge' ? (variant ? makeBridgeStream() : makeBridgeStepperStream())
      : kind === 'bridge-async' ? makeBridgeAsyncStream()
        : kind === 'tfjs-layers' ? makeTfLayersStream()
          : kind === 'nn' ? makeBridgeNnStream()
            : kind === 'layers' ? makeBridgeLayersStream()
              : await makeOrtStream();
  } catch (e) {
    emit({ type: 'error', system, shape: STREAM.id, mode: 'setup', message: (e as Error).message });
    return;
  }
  // Streaming is a steady state: warm the JIT up well before timing (every system alike; quick
  // runs, a smoke test, warm up less).
  for (let k = 0; k < st.streamWarmup; k++) await r.step();
  const perStep: number[] = [];
  for (let k = 0; k < st.streamSteps; k++) {
    const t0 = performance.now();
    await r.step();
    perStep.push(performance.now() - t0);
  }
  emit({ type: 'result', system, shape: `${STREAM.id}${variant}`, mode: 'forward', ms: median(perStep), samples: perStep.length });
  r.dispose();
  checkLeak(system, `${STREAM.id}${variant}`, tensorsBefore);
}

async function main(): Promise<void> {
  const [systemId, shapeList, ...flags] = process.argv.slice(2);
  const quick = flags.includes('--quick');
  const [kind, backend] = systemId.split(':');
  const st: Settings = quick
    ? { warmup: 1, minIters: 3, maxIters: 5, budgetMs: 300, streamSteps: 50, streamWarmup: 50 }
    : { warmup: 2, minIters: 5, maxIters: 30, budgetMs: 4000, streamSteps: STREAM.steps, streamWarmup: 300 };
  // The backend under test, and only it (the library's one way to load and select a backend).
  await useFastestBackend({ backends: [(backend ?? 'cpu') as BackendName] });
  emit({ type: 'info', system: systemId, backend: tf.getBackend(), quick });
  const modes: Mode[] = forwardOnly(kind) ? ['forward'] : ['forward', 'train'];
  await runStream(kind, st, systemId);
  if (kind === 'bridge') await runStream(kind, st, systemId, '-lstmStack');
  const ids = shapeList.split(',').filter(Boolean);
  // S3 last: tf.layers.lstm's S3 training step can exhaust the 4 GB wasm heap.
  const ordered = SHAPES.filter((s) => ids.includes(s.id)).sort((a, b) => Number(a.id === 'S3') - Number(b.id === 'S3'));
  for (const shape of ordered) await runShape(kind, shape, modes, st, systemId);
  const rss = process.resourceUsage().maxRSS * 1024;
  const heap = tf.getBackend() === 'wasm' ? ((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length) : null;
  emit({ type: 'memory', system: systemId, maxRssBytes: rss, wasmHeapBytes: heap });
}

main().catch((e) => {
  emit({ type: 'error', system: process.argv[2], shape: '-', mode: 'process', message: (e as Error).message });
  process.exitCode = 1;
});
