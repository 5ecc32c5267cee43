/**
 * lstm-bridge: one LSTM engine for PyTorch and Keras conventions on TensorFlow.js.
 *
 * Re-exports only. Layering (see ARCHITECTURE.md), bottom to top: `backend` (`useFastestBackend`)
 * <- `engine` <- `onnx` <-
 * `runtime` <- facades (`nn`, `layers`) <- `adapters` <- `keras-model` <- `io`. The `engine`
 * namespace also carries `runtime`'s names (`./public-engine`).
 */
export * as engine from './public-engine';
export * as runtime from './runtime';
export * as nn from './nn';
export * as layers from './layers';
export * as io from './io';
export * as adapters from '../adapters';
export { BACKEND_PACKAGES, FASTEST_FIRST, backendSkipMessage, useFastestBackend } from './backend';
export type { BackendChoice, BackendName, BackendSkip, UseFastestBackendOptions } from './backend';
export {
  ConfigError,
  FileParseError,
  LstmBridgeError,
  ShapeError,
  StateDictError,
  UnsupportedConversionError,
} from './errors';
