/**
 * Conversions of LSTM weights, gate orders, layouts and states between conventions: PyTorch,
 * Keras (and Keras 1, `CuDNNLSTM`), ONNX, TF1 cells and cuDNN's flat buffer, each to and from
 * the engine's canonical form (`src/engine/weights.ts`); the same for GRU (PyTorch, Keras
 * reset_after True/False, ONNX, `CuDNNGRU`, TF1 `GRUCell`) and vanilla RNN (PyTorch, Keras
 * `SimpleRNN`, ONNX) weights, with `convertGruWeights` / `convertRnnWeights`.
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
export type { CellKind, KerasCellWeights, OnnxCellWeights, TorchCellWeights } from './conventions/cell-kinds';
export * from './conventions/gru';
export * from './conventions/gru-cudnn';
export * from './conventions/gru-tf1';
export * from './conventions/rnn';
export * from './convert-cells';
export { rznToZrh, zrhToRzn } from '../src/engine';
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
