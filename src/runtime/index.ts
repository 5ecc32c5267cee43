/**
 * `runtime`: onnxruntime (onnxruntime-node in Node, onnxruntime-web in a page) as an executor of LSTM stacks, and the one choice between tfjs and
 * onnxruntime ({@link lstmStackAsync}). Above the engine and the ONNX module, below the facades.
 *
 * - `./ort-types`: the seam, the members of onnxruntime's API the runtime uses (both packages).
 * - `./ort-runtime`: lazy loading of the optional `onnxruntime-node` package (Node), and the one
 *   `loadOnnxRuntime` the executor asks in either environment.
 * - `./ort-web`: in a web page, lazy `import('onnxruntime-web')`, its wasm paths and threads.
 * - `./ort-plan`: whether a call is expressible in ONNX, with a typed fallback reason.
 * - `./ort-executor`: the model of a stack (the ONNX module's builder), cached sessions, runs.
 * - `./lstm-async`: `lstmStackAsync` / `chooseExecutor`, the contract (see there).
 * - `./execution-report`: what the facades report of their last call (`lastExecution`).
 *
 * The package exports these names in `runtime` and, for compatibility, in `engine`.
 */
export { chooseExecutor, lstmStackAsync } from './lstm-async';
export { gruStackAsync, rnnStackAsync } from './gru-async';
export type { GruStackAsyncOptions, GruStackAsyncResult, RnnStackAsyncOptions } from './gru-async';
export type { LstmExecutor, LstmStackAsyncOptions, LstmStackAsyncResult } from './lstm-async';
export type { AsyncExecutionReport, ExecutionReport, SyncExecutionReport } from './execution-report';
export { fallbackMessage } from './ort-plan';
export type { AsyncExecution, Inexpressible, OrtFallbackReason } from './ort-plan';
export { clearOnnxSessionCache, onnxSessionCacheSize } from './ort-executor';
export { loadOnnxRuntimeAsync, onnxRuntimeAvailable, onnxRuntimeUnavailableReason } from './ort-runtime';
export { configureOnnxRuntimeWeb, setOnnxRuntimeWasmPaths } from './ort-web';
export type { OnnxRuntimeWebOptions } from './ort-web';
