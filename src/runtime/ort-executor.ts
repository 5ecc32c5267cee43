/**
 * The onnxruntime executor of a stack: builds the ONNX model of the stack's configuration with
 * the ONNX module's one graph builder (`buildLstmStackModel`, torch.onnx.export's layout: input
 * `X` time-major, `sequence_lens`, `h0` / `c0` (L·D, N, H)), caches one inference session per
 * weight set and configuration, and runs inference through it. Inference only (no gradients);
 * asynchronous. Whether a call can run here is decided by `planOnnxRuntime` (`./ort-plan`).
 *
 * Sessions are cached by the identity of the weight tensors' data (a tfjs Variable that is
 * assigned gets new data, hence a new session) and the configuration; at most
 * {@link SESSION_CACHE_SIZE} are kept (least recently used first out, released natively once
 * no call runs on them: a session is reference-counted by the calls in flight).
 * {@link clearOnnxSessionCache} releases them all.
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmStackLayer, LstmStackOptions, LstmStackResult } from '../engine';
import { buildLstmStackModel, encodeModel } from '../onnx';
import { OrtPlan } from './ort-plan';
import { OrtModule, OrtSession, OrtTensor } from './ort-runtime';

/** Default number of cached sessions. */
export const SESSION_CACHE_SIZE = 8;

/**
 * A cached session and the number of calls running on it. A session evicted (or cleared) while
 * calls run on it is released when the last of them ends, never under a running call.
 */
interface CachedSession {
  readonly session: Promise<OrtSession>;
  users: number;
  evicted: boolean;
}

const sessions = new Map<string, CachedSession>();

function releaseSession(entry: CachedSession): void {
  entry.session.then((o) => o.release()).catch(() => undefined);
}

function evict(entry: CachedSession): void {
  entry.evicted = true;
  if (entry.users === 0) releaseSession(entry);
}

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

/** A session lent to one call: `done()` gives it back (exactly once). */
interface SessionLease {
  readonly session: Promise<OrtSession>;
  done(): void;
}

function sessionFor(ort: OrtModule, layers: readonly LstmStackLayer[], options: LstmStackOptions, seq: boolean, init: boolean): SessionLease {
  const key = sessionKey(layers, options, seq, init);
  let entry = sessions.get(key);
  if (entry) {
    sessions.delete(key); // move to the most-recent end
  } else {
    const model = buildLstmStackModel(layers, {
      activation: options.activation, recurrentActivation: options.recurrentActivation, sequenceLens: seq, initialState: init,
    });
    const created: CachedSession = {
      session: ort.InferenceSession.create(encodeModel(model), { graphOptimizationLevel: 'all' }),
      users: 0,
      evicted: false,
    };
    created.session.catch(() => {
      if (sessions.get(key) === created) sessions.delete(key);
    });
    entry = created;
  }
  sessions.set(key, entry);
  const lent = entry;
  lent.users++;
  while (sessions.size > SESSION_CACHE_SIZE) {
    const [oldKey, old] = sessions.entries().next().value as [string, CachedSession];
    sessions.delete(oldKey);
    evict(old);
  }
  let returned = false;
  return {
    session: lent.session,
    done: () => {
      if (returned) return;
      returned = true;
      lent.users--;
      if (lent.evicted && lent.users === 0) releaseSession(lent);
    },
  };
}

/**
 * Releases every cached onnxruntime session (native memory) and the pooled input buffers.
 * Sessions with calls still running are released when those calls end.
 */
export async function clearOnnxSessionCache(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  inputPool.clear();
  for (const entry of all) evict(entry);
  await Promise.all(all.filter((e) => e.users === 0).map((e) => e.session.then((o) => o.release()).catch(() => undefined)));
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
  const init = !!(options.h0 && options.c0);
  const lease = sessionFor(ort, layers, options, plan.lengths !== null, init);
  try {
    return await runOn(await lease.session, ort, x, layers, options, plan, init);
  } finally {
    lease.done();
  }
}

async function runOn(
  session: OrtSession, ort: OrtModule, x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackOptions,
  plan: Extract<OrtPlan, { ok: true }>, init: boolean,
): Promise<LstmStackResult> {
  const [T, N, I] = x.shape as [number, number, number];
  const D = layers[0].backward ? 2 : 1;
  const L = layers.length;
  const H = layers[0].forward.kernel.shape[1] / 4;
  const pooled = copyFromWasmHeap(x);
  const feeds: Record<string, OrtTensor> = { X: new ort.Tensor('float32', pooled ?? (await float32Data(x)), [T, N, I]) };
  if (plan.lengths) feeds.sequence_lens = new ort.Tensor('int32', Int32Array.from(plan.lengths), [N]);
  if (init) {
    // States are small: read them synchronously (no promise round trip per state).
    for (const [name, list] of [['h0', options.h0], ['c0', options.c0]] as const) {
      const state = new Float32Array(L * D * N * H);
      (list as readonly tf.Tensor[]).forEach((s, j) => state.set(s.dataSync() as Float32Array, j * N * H));
      feeds[name] = new ort.Tensor('float32', state, [L * D, N, H]);
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
