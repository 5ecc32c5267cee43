/**
 * The seam between the engine and an onnxruntime package: the few members of `onnxruntime-node`
 * (Node) and `onnxruntime-web` (a page) that the runtime uses. Both packages implement the same
 * `onnxruntime-common` API, so one interface serves both; it is typed here so that the library
 * compiles and its `.d.ts` files resolve without either package. The loading of each package is
 * elsewhere (`./ort-runtime`: Node, and the one `loadOnnxRuntime` the executor asks;
 * `./ort-web`: the page).
 */

/** The members of an onnxruntime Tensor the engine reads. */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
  dispose?(): void;
}

/** The members of an onnxruntime InferenceSession the engine uses. */
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

/** The members of `onnxruntime-web`'s `env.wasm` the runtime sets (a page only). */
export interface OrtWasmEnv {
  wasmPaths?: string | Record<string, string>;
  numThreads?: number;
  proxy?: boolean;
}

/** The members of an onnxruntime module (`onnxruntime-node` or `onnxruntime-web`) the engine uses. */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: OrtSessionOptions): Promise<OrtSession> };
  readonly Tensor: new (type: 'float32' | 'int32', data: Float32Array | Int32Array, dims: readonly number[]) => OrtTensor;
  readonly env?: { versions?: Record<string, string>; wasm?: OrtWasmEnv };
}
