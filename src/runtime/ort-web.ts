/**
 * onnxruntime in a web page: the optional `onnxruntime-web` package, loaded on first use by a
 * dynamic `import('onnxruntime-web')` (a bundler resolves it when the package is installed and
 * splits it into its own chunk; a page without a bundler maps the name in its import map).
 * Nothing is loaded at import time, and nothing at all outside a page (Node uses
 * `onnxruntime-node`, `./ort-runtime`).
 *
 * ## Its wasm files
 *
 * onnxruntime-web fetches `ort-wasm-simd-threaded.wasm` (and, for the non-bundled builds, its
 * loader `ort-wasm-simd-threaded.mjs`) at its first session. By default it looks beside its own
 * module (`node_modules/onnxruntime-web/dist/`, as served by the page or copied by the bundler);
 * {@link setOnnxRuntimeWasmPaths} points it at another folder of the page's own origin (copy the
 * files from `onnxruntime-web/dist/` there). lstm-bridge never names a CDN.
 *
 * ## Threads
 *
 * Threads need `SharedArrayBuffer`, which a page has only when it is cross-origin isolated
 * (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`). When isolated, the runtime uses
 * `min(4, navigator.hardwareConcurrency)` threads unless `env.wasm.numThreads` is already set
 * (by you, or by {@link configureOnnxRuntimeWeb}); when not, 1 thread (onnxruntime-web would
 * otherwise warn and fall back itself). Settings take effect before the first session is
 * created: onnxruntime-web reads them once, when it initializes.
 */
import { ConfigError } from '../errors';
import { OrtModule } from './ort-types';

/** What {@link configureOnnxRuntimeWeb} sets. */
export interface OnnxRuntimeWebOptions {
  /**
   * URL of the folder holding onnxruntime-web's wasm files (ending in `/`), as
   * `env.wasm.wasmPaths`; e.g. `'/ort/'` or `new URL('./ort/', import.meta.url).href`.
   */
  readonly wasmPaths?: string;
  /** Threads when the page is cross-origin isolated (ignored, 1, when it is not). */
  readonly numThreads?: number;
}

interface WebState {
  readonly module: OrtModule | null;
  readonly error: string | null;
}

const settings: { wasmPaths?: string; numThreads?: number } = {};
let state: WebState | null = null;
let loading: Promise<OrtModule | null> | null = null;

interface PageGlobals {
  process?: { versions?: { node?: string } };
  document?: unknown;
  importScripts?: unknown;
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

const page = globalThis as unknown as PageGlobals;

/** True in a web page or a web worker (not Node, where `onnxruntime-node` is the runtime). */
export function isBrowserEnvironment(): boolean {
  if (typeof page.process?.versions?.node === 'string') return false;
  return page.document !== undefined || typeof page.importScripts === 'function';
}

/** The package that is the runtime here: `onnxruntime-web` in a page, else `onnxruntime-node`. */
export function onnxRuntimePackage(): 'onnxruntime-node' | 'onnxruntime-web' {
  return isBrowserEnvironment() ? 'onnxruntime-web' : 'onnxruntime-node';
}

function configError(message: string): ConfigError {
  return new ConfigError(`runtime.configureOnnxRuntimeWeb: ${message}`);
}

/**
 * Sets where onnxruntime-web finds its wasm files and how many threads it uses in a
 * cross-origin isolated page. Call it before the first `forwardAsync` / `lstmStackAsync` that
 * runs on onnxruntime (later calls apply to a module not yet initialized only).
 */
export function configureOnnxRuntimeWeb(options: OnnxRuntimeWebOptions): void {
  if (typeof options !== 'object' || options === null) throw configError(`options must be an object, got ${String(options)}`);
  const { wasmPaths, numThreads } = options;
  if (wasmPaths !== undefined && (typeof wasmPaths !== 'string' || wasmPaths === '')) {
    throw configError(`wasmPaths must be a non-empty URL string, got ${JSON.stringify(wasmPaths)}`);
  }
  if (numThreads !== undefined && !(Number.isInteger(numThreads) && numThreads >= 1)) {
    throw configError(`numThreads must be a positive integer, got ${String(numThreads)}`);
  }
  if (wasmPaths !== undefined) settings.wasmPaths = wasmPaths.endsWith('/') ? wasmPaths : `${wasmPaths}/`;
  if (numThreads !== undefined) settings.numThreads = numThreads;
  if (state?.module) applySettings(state.module, true);
}

/** `configureOnnxRuntimeWeb({ wasmPaths: url })`. */
export function setOnnxRuntimeWasmPaths(url: string): void {
  configureOnnxRuntimeWeb({ wasmPaths: url });
}

function applySettings(ort: OrtModule, explicit: boolean): void {
  const wasm = ort.env?.wasm;
  if (!wasm) return;
  if (settings.wasmPaths !== undefined) wasm.wasmPaths = settings.wasmPaths;
  const isolated = page.crossOriginIsolated === true;
  if (!isolated) wasm.numThreads = 1;
  else if (settings.numThreads !== undefined) wasm.numThreads = settings.numThreads;
  else if (!explicit && (wasm.numThreads === undefined || wasm.numThreads === 0)) {
    wasm.numThreads = Math.max(1, Math.min(4, page.navigator?.hardwareConcurrency ?? 1));
  }
}

/** The module's own shape, or its default export's (a CommonJS build seen through `import()`). */
function asOrtModule(mod: unknown): OrtModule | null {
  const ok = (m: unknown): m is OrtModule =>
    typeof m === 'object' && m !== null && typeof (m as OrtModule).InferenceSession?.create === 'function';
  if (ok(mod)) return mod;
  const d = (mod as { default?: unknown } | null)?.default;
  return ok(d) ? d : null;
}

/**
 * Loads `onnxruntime-web` in a page (once; later calls return the same outcome), or resolves to
 * null outside a page or when the package is not installed or does not load.
 */
export function loadOnnxRuntimeWeb(): Promise<OrtModule | null> {
  if (!isBrowserEnvironment()) return Promise.resolve(null);
  if (state) return Promise.resolve(state.module);
  loading ??= import('onnxruntime-web').then(
    (mod: unknown) => {
      const ort = asOrtModule(mod);
      if (ort) applySettings(ort, false);
      state = ort ? { module: ort, error: null } : { module: null, error: 'onnxruntime-web loaded but is not an onnxruntime module' };
      return state.module;
    },
    (e: unknown) => {
      state = { module: null, error: `onnxruntime-web could not be loaded: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
      return null;
    },
  );
  return loading;
}

/**
 * What the last {@link loadOnnxRuntimeWeb} found: the module, or why there is none (null
 * before the first load finished).
 */
export function onnxRuntimeWebState(): WebState | null {
  return state;
}
