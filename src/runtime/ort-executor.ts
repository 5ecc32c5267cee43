/**
 * The onnxruntime executor of a stack of any kind (LSTM, GRU, vanilla RNN): builds the ONNX
 * model of the stack's configuration with the ONNX module's one graph builder
 * (`buildRecurrentStackModel`, torch.onnx.export's layout: input `X` time-major,
 * `sequence_lens`, `h0` (/ `c0` for an LSTM) (L·D, N, H)), caches one inference session per
 * kind, weight set and configuration, and runs inference through it. Inference only (no gradients);
 * asynchronous. Whether a call can run here is decided by `planOnnxRuntime` (`./ort-plan`).
 *
 * Sessions are cached by the identity of the weight tensors' data (a tfjs Variable that is
 * assigned gets new data, hence a new session) and the configuration; at most
 * {@link SESSION_CACHE_SIZE} are kept (least recently used first out, released natively once
 * no call runs on them: a session is reference-counted by the calls in flight).
 * {@link clearOnnxSessionCache} releases them all.
 */
import * as tf from '@tensorflow/tfjs-core';

import { CellWeights, LstmStackLayer, LstmStackOptions, LstmStackResult, StackLayer } from '../engine';
import { ONNX_CELL_KINDS, OnnxCellKind, buildRecurrentStackModel, encodeModel } from '../onnx';
import { OrtPlan, PlannedCallOptions } from './ort-plan';
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

/** The options of a call the executor reads: the plan's, and the GRU's reset placement. */
export interface ExecutedCallOptions extends PlannedCallOptions {
  readonly resetAfter?: boolean;
}

/** A call's cell: its ONNX kind and, for a GRU, where the reset is applied. */
interface CallCell {
  readonly kind: OnnxCellKind;
  readonly options: ExecutedCallOptions;
}

function sessionKey(cell: CallCell, layers: readonly StackLayer<CellWeights>[], seq: boolean, init: boolean): string {
  const { kind, options } = cell;
  const weights = layers
    .map((l) => [l.forward, l.backward].map((w) => (w ? [w.kernel, w.recurrentKernel, w.bias, w.recurrentBias].map(dataKey).join(',') : '')).join('/'))
    .join(';');
  const reset = kind === 'GRU' ? `|${options.resetAfter !== false}` : '';
  const gate = kind === 'RNN' ? '' : options.recurrentActivation ?? 'sigmoid';
  return `${kind}${reset}|${weights}|${options.activation ?? 'tanh'}|${gate}|${seq}|${init}`;
}

/** A session lent to one call: `done()` gives it back (exactly once). */
interface SessionLease {
  readonly session: Promise<OrtSession>;
  done(): void;
}

function sessionFor(ort: OrtModule, cell: CallCell, layers: readonly StackLayer<CellWeights>[], seq: boolean, init: boolean): SessionLease {
  const key = sessionKey(cell, layers, seq, init);
  const { options } = cell;
  let entry = sessions.get(key);
  if (entry) {
    sessions.delete(key); // move to the most-recent end
  } else {
    const model = buildRecurrentStackModel(cell.kind, layers, {
      activation: options.activation, recurrentActivation: cell.kind === 'RNN' ? undefined : options.recurrentActivation,
      resetAfter: options.resetAfter, sequenceLens: seq, initialState: init,
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

/** Runs a planned LSTM stack call on onnxruntime. The result tensors belong to the caller. */
export async function runOnnxRuntime(
  x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackOptions, plan: Extract<OrtPlan, { ok: true }>,
): Promise<LstmStackResult> {
  const r = await runOnnxRuntimeCells('LSTM', x, layers, options, plan);
  return { output: r.output, h: r.h, c: r.c as tf.Tensor2D[] };
}

/** What a stack call returns on onnxruntime: `c` only for an LSTM. */
export interface OrtStackResult {
  readonly output: tf.Tensor3D;
  readonly h: tf.Tensor2D[];
  readonly c: tf.Tensor2D[] | null;
}

/** Runs a planned stack call of any kind on onnxruntime. The result tensors belong to the caller. */
export async function runOnnxRuntimeCells(
  kind: OnnxCellKind, x: tf.Tensor, layers: readonly StackLayer<CellWeights>[], options: ExecutedCallOptions, plan: Extract<OrtPlan, { ok: true }>,
): Promise<OrtStackResult> {
  const { ort } = plan;
  const init = !!options.h0 && (kind !== 'LSTM' || !!options.c0);
  const lease = sessionFor(ort, { kind, options }, layers, plan.lengths !== null, init);
  try {
    return await runOn(await lease.session, ort, kind, x, layers, options, plan, init);
  } finally {
    lease.done();
  }
}

async function runOn(
  session: OrtSession, ort: OrtModule, kind: OnnxCellKind, x: tf.Tensor, layers: readonly StackLayer<CellWeights>[],
  options: ExecutedCallOptions, plan: Extract<OrtPlan, { ok: true }>, init: boolean,
): Promise<OrtStackResult> {
  const [T, N, I] = x.shape as [number, number, number];
  const D = layers[0].backward ? 2 : 1;
  const L = layers.length;
  const H = layers[0].forward.kernel.shape[1] / ONNX_CELL_KINDS[kind].gates;
  const stateNames = kind === 'LSTM' ? (['h', 'c'] as const) : (['h'] as const);
  const pooled = copyFromWasmHeap(x);
  const feeds: Record<string, OrtTensor> = { X: new ort.Tensor('float32', pooled ?? (await float32Data(x)), [T, N, I]) };
  if (plan.lengths) feeds.sequence_lens = new ort.Tensor('int32', Int32Array.from(plan.lengths), [N]);
  if (init) {
    // States are small: read them synchronously (no promise round trip per state).
    for (const s of stateNames) {
      const list = (s === 'h' ? options.h0 : options.c0) as readonly tf.Tensor[];
      const state = new Float32Array(L * D * N * H);
      list.forEach((t, j) => state.set(t.dataSync() as Float32Array, j * N * H));
      feeds[`${s}0`] = new ort.Tensor('float32', state, [L * D, N, H]);
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
  return {
    output: tf.tensor3d(data('output'), [T, N, D * H]),
    h: states('h_n'),
    c: kind === 'LSTM' ? states('c_n') : null,
  };
}
