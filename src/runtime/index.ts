/**
 * `runtime`: onnxruntime-node as an executor of LSTM stacks, and the one choice between tfjs and
 * onnxruntime ({@link lstmStackAsync}). Above the engine and the ONNX module, below the facades.
 *
 * - `./ort-runtime`: lazy loading of the optional `onnxruntime-node` package.
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
export type { Inexpressible, OrtFallbackReason } from './ort-plan';
export { clearOnnxSessionCache, onnxSessionCacheSize } from './ort-executor';
export { onnxRuntimeAvailable, onnxRuntimeUnavailableReason } from './ort-runtime';
