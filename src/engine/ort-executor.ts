/**
 * The onnxruntime executor of a stack: builds the ONNX model of the stack's configuration
 * (`../onnx/lstm-graph`), caches one inference session per weight set and configuration, and
 * runs inference through it. Inference only (no gradients); asynchronous.
 *
 * {@link planOnnxRuntime} decides whether a call can run here. ONNX's `LSTM` cannot express a
 * projection (LSTMP), relu6/selu/swish activations, inter-layer dropout, masks that are not a
 * right padding, or `maskedOutput: 'carry'` once a step is masked; and for a sequence of length
 * 0 onnxruntime's final state is zeros where the engine's is the initial state. Those calls stay
 * on tfjs.
 *
 * Sessions are cached by the identity of the weight tensors' data (a tfjs Variable that is
 * assigned gets new data, hence a new session) and the configuration; at most
 * {@link SESSION_CACHE_SIZE} are kept (least recently used first out, released natively).
 * {@link clearOnnxSessionCache} releases them all.
 */
import * as tf from '@tensorflow/tfjs-core';

import { buildLstmStackModel, onnxActivation } from '../onnx/lstm-graph';
import { encodeModel } from '../onnx/encode';
import { LstmStackLayer, LstmStackOptions, LstmStackResult } from './lstm-stack';
import { OrtModule, OrtSession, OrtTensor, loadOnnxRuntime, onnxRuntimeUnavailableReason } from './ort-runtime';

/** Whether and how a stack call can run on onnxruntime. */
export type OrtPlan =
  | { readonly ok: true; readonly ort: OrtModule; readonly lengths: number[] | null }
  | { readonly ok: false; readonly reason: string };

/** Right-padding lengths of a (T, N) mask, or null when the mask is not a right padding. */
function maskLengths(mask: tf.Tensor): number[] | null {
  const [T, N] = mask.shape;
  const data = mask.dataSync();
  const lengths: number[] = [];
  for (let n = 0; n < N; n++) {
    let len = 0;
    while (len < T && data[len * N + n]) len++;
    for (let t = len; t < T; t++) if (data[t * N + n]) return null;
    lengths.push(len);
  }
  return lengths;
}

/**
 * Whether onnxruntime can compute this (already validated) stack call exactly as the tfjs
 * executor does, and with which sequence lengths.
 */
export function planOnnxRuntime(x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackOptions): OrtPlan {
  const ort = loadOnnxRuntime();
  if (!ort) return { ok: false, reason: onnxRuntimeUnavailableReason() ?? 'onnxruntime-node is not installed' };
  if (x.dtype !== 'float32') return { ok: false, reason: `input dtype ${x.dtype} (ONNX LSTM takes float32)` };
  for (const name of [options.activation ?? 'tanh', options.recurrentActivation ?? 'sigmoid']) {
    if (!onnxActivation(name)) return { ok: false, reason: `activation '${name}' has no ONNX LSTM form` };
  }
  if (layers.some((l) => l.forward.projection || l.backward?.projection)) {
    return { ok: false, reason: 'a projection (LSTMP), which ONNX LSTM does not have' };
  }
  if ((options.interLayerDropout ?? 0) > 0) return { ok: false, reason: 'inter-layer dropout (training)' };
  const [T] = x.shape;
  let lengths: number[] | null = options.lengths ? Array.from(options.lengths) : null;
  if (options.mask) {
    lengths = maskLengths(options.mask);
    if (!lengths) return { ok: false, reason: 'a mask that is not a right padding (ONNX has only sequence_lens)' };
  }
  if (lengths && lengths.every((l) => l === T)) lengths = null;
  if (lengths && options.maskedOutput === 'carry') {
    return { ok: false, reason: "maskedOutput 'carry' with masked steps (ONNX LSTM outputs zeros there)" };
  }
  if (lengths && lengths.some((l) => l === 0) && options.h0 && options.c0) {
    return { ok: false, reason: 'a sequence length of 0 with an initial state (onnxruntime returns zeros as its final state, the engine the initial state)' };
  }
  return { ok: true, ort, lengths };
}

/** Default number of cached sessions. */
export const SESSION_CACHE_SIZE = 8;

const sessions = new Map<string, Promise<OrtSession>>();
const dataIds = new WeakMap<object, number>();
let nextDataId = 1;

function dataKey(t: tf.Tensor | null | undefined): string {
  if (!t) return '-';
  const id = t.dataId as object;
  let n = dataIds.get(id);
  if (n === undefined) {
    n = nextDataId++;
    dataIds.set(id, n);
  }
  return `${n}`;
}

function sessionKey(layers: readonly LstmStackLayer[], options: LstmStackOptions, seq: boolean, init: boolean): string {
  const weights = layers
    .map((l) => [l.forward, l.backward].map((w) => (w ? [w.kernel, w.recurrentKernel, w.bias, w.recurrentBias].map(dataKey).join(',') : '')).join('/'))
    .join(';');
  return `${weights}|${options.activation ?? 'tanh'}|${options.recurrentActivation ?? 'sigmoid'}|${seq}|${init}`;
}

async function sessionFor(ort: OrtModule, layers: readonly LstmStackLayer[], options: LstmStackOptions, seq: boolean, init: boolean): Promise<OrtSession> {
  const key = sessionKey(layers, options, seq, init);
  let s = sessions.get(key);
  if (s) {
    sessions.delete(key); // move to the most-recent end
    sessions.set(key, s);
    return s;
  }
  const model = buildLstmStackModel(layers, {
    activation: options.activation, recurrentActivation: options.recurrentActivation, sequenceLens: seq, initialState: init,
  });
  s = ort.InferenceSession.create(encodeModel(model), { graphOptimizationLevel: 'all' });
  sessions.set(key, s);
  s.catch(() => sessions.delete(key));
  while (sessions.size > SESSION_CACHE_SIZE) {
    const [oldKey, old] = sessions.entries().next().value as [string, Promise<OrtSession>];
    sessions.delete(oldKey);
    old.then((o) => o.release()).catch(() => undefined);
  }
  return s;
}

/** Releases every cached onnxruntime session (native memory) and the pooled input buffers. */
export async function clearOnnxSessionCache(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  inputPool.clear();
  await Promise.all(all.map((s) => s.then((o) => o.release()).catch(() => undefined)));
}

/** Number of cached sessions (for tests and diagnostics). */
export function onnxSessionCacheSize(): number {
  return sessions.size;
}

async function float32Data(t: tf.Tensor): Promise<Float32Array> {
  const d = await t.data();
  return d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
}

/**
 * Reusable input buffers. Reading a large tensor back (`data()`) allocates a fresh buffer per
 * call, and first-touching fresh memory costs as much as the copy; a buffer reused from call to
 * call costs only the copy. A buffer is lent to one call at a time.
 */
const inputPool = new Map<number, Float32Array[]>();
const POOL_MAX_SIZES = 4;

function acquire(size: number): Float32Array {
  const free = inputPool.get(size);
  const buf = free?.pop();
  return buf ?? new Float32Array(size);
}

function release(buf: Float32Array): void {
  const free = inputPool.get(buf.length) ?? [];
  if (free.length < 2) free.push(buf);
  inputPool.delete(buf.length);
  inputPool.set(buf.length, free);
  while (inputPool.size > POOL_MAX_SIZES) inputPool.delete(inputPool.keys().next().value as number);
}

/**
 * A float32 tensor's values in a pooled buffer: copied straight from the wasm heap when the
 * tensor lives on the wasm backend (read-only use of the backend's data map), else from
 * `data()`. Returns null when neither applies cheaply (the caller then uses `data()`).
 */
function copyFromWasmHeap(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || tf.getBackend() !== 'wasm') return null;
  const engine = tf.engine() as unknown as { state?: { tensorInfo?: Map<object, { backend?: unknown }> } };
  const backend = tf.backend() as unknown as {
    dataIdMap?: { get(id: object): { memoryOffset?: number } | undefined };
    wasm?: { HEAPU8?: Uint8Array };
  };
  if (engine.state?.tensorInfo?.get(t.dataId)?.backend !== backend) return null;
  const offset = backend.dataIdMap?.get(t.dataId)?.memoryOffset;
  const heap = backend.wasm?.HEAPU8;
  if (typeof offset !== 'number' || !heap) return null;
  const buf = acquire(t.size);
  buf.set(new Float32Array(heap.buffer, heap.byteOffset + offset, t.size));
  return buf;
}

/** Runs a planned stack call on onnxruntime. The result tensors belong to the caller. */
export async function runOnnxRuntime(
  x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackOptions, plan: Extract<OrtPlan, { ok: true }>,
): Promise<LstmStackResult> {
  const { ort } = plan;
  const [T, N, I] = x.shape as [number, number, number];
  const D = layers[0].backward ? 2 : 1;
  const L = layers.length;
  const H = layers[0].forward.kernel.shape[1] / 4;
  const init = !!(options.h0 && options.c0);
  const session = await sessionFor(ort, layers, options, plan.lengths !== null, init);
  const pooled = copyFromWasmHeap(x);
  const feeds: Record<string, OrtTensor> = { X: new ort.Tensor('float32', pooled ?? (await float32Data(x)), [T, N, I]) };
  if (plan.lengths) feeds.sequence_lens = new ort.Tensor('int32', Int32Array.from(plan.lengths), [N]);
  if (init) {
    for (let k = 0; k < L; k++) {
      for (const [name, list] of [['h', options.h0], ['c', options.c0]] as const) {
        const state = new Float32Array(D * N * H);
        // States are small: read them synchronously (no promise round trip per state).
        for (let d = 0; d < D; d++) state.set((list as readonly tf.Tensor[])[k * D + d].dataSync() as Float32Array, d * N * H);
        feeds[`initial_${name}_l${k}`] = new ort.Tensor('float32', state, [D, N, H]);
      }
    }
  }
  let out: Record<string, OrtTensor>;
  try {
    out = await session.run(feeds);
  } finally {
    if (pooled) release(pooled);
  }
  const data = (name: string) => out[name].data as Float32Array;
  const states = (name: string) => {
    const all = data(name);
    return Array.from({ length: L * D }, (_, j) => tf.tensor2d(all.subarray(j * N * H, (j + 1) * N * H), [N, H]));
  };
  const result: LstmStackResult = {
    output: tf.tensor3d(data('output'), [T, N, D * H]),
    h: states('h_n'),
    c: states('c_n'),
  };
  return result;
}
