/**
 * lstm-bridge: one LSTM engine for PyTorch and Keras conventions on TensorFlow.js.
 *
 * Re-exports only. Layering (see ARCHITECTURE.md), bottom to top: `engine` <- `onnx` <-
 * `runtime` <- facades (`nn`, `layers`) <- `adapters` <- `keras-model` <- `io`. The `engine`
 * namespace also carries `runtime`'s names (`./public-engine`).
 */
export * as engine from './public-engine';
export * as runtime from './runtime';
export * as nn from './nn';
export * as layers from './layers';
export * as io from './io';
export * as adapters from '../adapters';
export {
  ConfigError,
  FileParseError,
  LstmBridgeError,
  ShapeError,
  StateDictError,
  UnsupportedConversionError,
} from './errors';
