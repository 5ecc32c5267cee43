/**
 * Lazy access to the optional `onnxruntime-node` package.
 *
 * lstm-bridge lists `onnxruntime-node` as an optional dependency: it is used when installed and
 * never required. It is loaded on first use with a plain `require` inside a function (nothing
 * happens at import time, and bundlers that do not provide `require` simply see "not
 * installed"). Only the few members the engine uses are typed here, so the library compiles and
 * its `.d.ts` files resolve without the package.
 *
 * Installing it offline: its install script downloads CUDA files unless told to skip. Set
 * `onnxruntime-node-install=skip` in the project's `.npmrc` or `ONNXRUNTIME_NODE_INSTALL=skip`
 * in the environment (the script reads either); npm 11.x with `allowScripts` does not run the
 * script at all unless approved. The CPU binaries ship inside the package either way.
 *
 * In a web page the runtime is `onnxruntime-web` instead (`./ort-web`): it can only be loaded
 * asynchronously, so `loadOnnxRuntime` there returns what `loadOnnxRuntimeWeb` has loaded (the
 * asynchronous entry points await it first) and null before. The interfaces of the seam are in
 * `./ort-types`.
 */
import { OrtModule } from './ort-types';
import { isBrowserEnvironment, loadOnnxRuntimeWeb, onnxRuntimeWebState } from './ort-web';
export type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor, OrtWasmEnv } from './ort-types';

let cached: { module: OrtModule | null; error: string | null } | null = null;

/**
 * The `onnxruntime-node` module, or null when it is not installed or cannot load (no binary for
 * this platform). Loads once and remembers the outcome.
 */
export function loadOnnxRuntime(): OrtModule | null {
  if (isBrowserEnvironment()) return onnxRuntimeWebState()?.module ?? null;
  if (cached) return cached.module;
  const name = 'onnxruntime-node';
  try {
    const req = typeof require === 'function' ? require : null;
    const mod = req ? (req(name) as OrtModule) : null;
    cached = mod && typeof mod.InferenceSession?.create === 'function'
      ? { module: mod, error: null }
      : { module: null, error: `${name} is not available in this environment` };
  } catch (e) {
    cached = { module: null, error: `${name} could not be loaded: ${(e as Error).message.split('\n')[0]}` };
  }
  return cached.module;
}

/**
 * Loads the runtime package of this environment (in a page `onnxruntime-web`, asynchronously;
 * in Node `onnxruntime-node`) and resolves to true when it is available. The asynchronous entry
 * points do this themselves; call it to know beforehand (or to start loading early).
 */
export async function loadOnnxRuntimeAsync(): Promise<boolean> {
  if (isBrowserEnvironment()) return (await loadOnnxRuntimeWeb()) !== null;
  return loadOnnxRuntime() !== null;
}

/**
 * True when the runtime package is installed and loads (`onnxruntime-node`; in a page,
 * `onnxruntime-web` once an asynchronous call or {@link loadOnnxRuntimeAsync} has loaded it).
 */
export function onnxRuntimeAvailable(): boolean {
  return loadOnnxRuntime() !== null;
}

/** Why onnxruntime is unavailable (null when it is available). */
export function onnxRuntimeUnavailableReason(): string | null {
  if (isBrowserEnvironment()) {
    const web = onnxRuntimeWebState();
    return web ? web.error : 'onnxruntime-web is not loaded yet (the first asynchronous call loads it)';
  }
  loadOnnxRuntime();
  return cached?.error ?? null;
}
