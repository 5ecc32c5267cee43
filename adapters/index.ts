/**
 * Conversions of LSTM weights, gate orders, layouts and states between conventions: PyTorch,
 * Keras (and Keras 1, `CuDNNLSTM`), ONNX, TF1 cells and cuDNN's flat buffer, each to and from
 * the engine's canonical form (`src/engine/weights.ts`).
 *
 * Whole models: `toKeras` (an `nn.LSTM` -> a tfjs `LayersModel` of Keras-style layers) and
 * `toTorch` (a Keras `LSTM` / `Bidirectional(LSTM)` layer or stack -> an `nn.LSTM`), with
 * `./model-io` mapping their inputs and outputs.
 *
 * Adapters sit above the engine and the facades; nothing below imports them.
 * Every function returns new tensors and leaves its inputs alone; dispose results with
 * `disposeWeights` or `tf.dispose`. A conversion that cannot be exact throws
 * `UnsupportedConversionError` saying why; a wrong shape throws `ShapeError` naming the weight,
 * the expected and the received shape.
 */
export { disposeWeights } from './checks';
export * from './gate-blocks';
export {
  ficoToIfgo, ifcoToIofc, ifgoToFico, ifgoToIfog, ifogToIfgo, ijfoToIofc, iofcToIfco, iofcToIjfo,
} from '../src/engine';
export * from './conventions/torch';
export * from './conventions/keras';
export * from './conventions/onnx';
export * from './conventions/tf1';
export * from './conventions/cudnn';
export * from './conventions/keras1';
export * from './convert';
export * from './sequence-layout';
export * from './states';
export * from './masks';
export * from './onnx-layout';
export * from './onnx-attributes';
export * from './stacks';
export * from './model-io';
export type { KerasStack, KerasStackLayer, TrainingDropout } from './keras-stack';
export * from './to-keras';
export * from './to-torch';
