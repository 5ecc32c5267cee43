/**
 * lstm-bridge: one LSTM engine for PyTorch and Keras conventions on TensorFlow.js.
 *
 * Re-exports only. Layering, bottom to top: `engine` <- facades (`nn`, `layers`) <- `adapters`,
 * `io`.
 */
export * as engine from './engine';
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
