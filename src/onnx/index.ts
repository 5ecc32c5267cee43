/**
 * `onnx`: a hand-written codec for ONNX models (protobuf wire format, no dependencies) and a
 * builder of ONNX `LSTM` graphs from the engine's canonical weights.
 *
 * Layering: a bottom-layer module like `engine` (it uses the engine's gate permutations and
 * weight types; nothing above it). `io.saveOnnx`/`io.loadOnnx` and the engine's onnxruntime
 * executor build on it.
 *
 * - {@link decodeModel} / {@link encodeModel}: `Uint8Array` <-> {@link ModelProto} (graphs,
 *   nodes, attributes, tensors, value infos, opsets, metadata). Lossless round trip (unknown
 *   fields are kept); malformed input throws `FileParseError` with the message path and byte
 *   offset; caps on size, nesting and tensor elements ({@link DecodeLimits}).
 * - {@link decodeTensor} / {@link encodeTensor}: single `TensorProto`s (ONNX test data `.pb`).
 * - {@link tensorToFloat32}, {@link tensorToNumbers}, {@link float32Tensor},
 *   {@link int32Tensor}, {@link int64Tensor}: values in and out of tensors.
 * - {@link buildLstmStackModel}: the ONNX model of an LSTM stack; {@link onnxActivation} says
 *   which activations ONNX can express.
 *
 * Reading LSTM nodes back into canonical weights is `io.readOnnxLstmStacks` / `io.loadOnnx`
 * (through the adapters' ONNX convention), above this layer.
 *
 * Example (read an LSTM's weights):
 *
 *     import { decodeModel, tensorToFloat32 } from './onnx';
 *     const model = decodeModel(new Uint8Array(fs.readFileSync('model.onnx')));
 *     const lstm = model.graph.node.find((n) => n.opType === 'LSTM')!;
 *     const W = model.graph.initializer.find((t) => t.name === lstm.input[1])!;
 *     const values = tensorToFloat32(W); // [D, 4H, I], gates i, o, f, c
 */
export * from './types';
export { decodeModel, decodeTensor, dataTypeSize } from './decode';
export type { DecodeLimits } from './decode';
export { encodeModel, encodeTensor } from './encode';
export { float32Tensor, int32Tensor, int64Tensor, tensorToFloat32, tensorToNumbers } from './tensor-data';
export { buildLstmStackModel, onnxActivation } from './lstm-graph';
export type { LstmModelOptions, OnnxActivation } from './lstm-graph';
export { ProtoReader, ProtoWriter } from './wire';
