/**
 * The package's `engine` namespace: the engine (`./engine`) plus, for compatibility (users and
 * the README call `engine.lstmStackAsync`), the onnxruntime layer's public names (`./runtime`),
 * which the engine itself does not import.
 */
export * from './engine';
export {
  chooseExecutor, clearOnnxSessionCache, gruStackAsync, lstmStackAsync, rnnStackAsync, onnxRuntimeAvailable, onnxRuntimeUnavailableReason, onnxSessionCacheSize,
} from './runtime';
export type { GruStackAsyncOptions, GruStackAsyncResult, LstmExecutor, LstmStackAsyncOptions, LstmStackAsyncResult, RnnStackAsyncOptions } from './runtime';
