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
 */

/** The members of an `onnxruntime-node` Tensor the engine reads. */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
  dispose?(): void;
}

/** The members of an `onnxruntime-node` InferenceSession the engine uses. */
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** Session options the engine passes (a subset of onnxruntime's). */
export interface OrtSessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  executionMode?: 'sequential' | 'parallel';
}

/** The members of the `onnxruntime-node` module the engine uses. */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
  readonly Tensor: new (type: 'float32' | 'int32', data: Float32Array | Int32Array, dims: readonly number[]) => OrtTensor;
  readonly env?: { versions?: Record<string, string> };
}

let cached: { module: OrtModule | null; error: string | null } | null = null;

/**
 * The `onnxruntime-node` module, or null when it is not installed or cannot load (no binary for
 * this platform). Loads once and remembers the outcome.
 */
export function loadOnnxRuntime(): OrtModule | null {
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

/** True when `onnxruntime-node` is installed and loads. */
export function onnxRuntimeAvailable(): boolean {
  return loadOnnxRuntime() !== null;
}

/** Why onnxruntime is unavailable (null when it is available). */
export function onnxRuntimeUnavailableReason(): string | null {
  loadOnnxRuntime();
  return cached?.error ?? null;
}
