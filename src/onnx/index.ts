/**
 * `onnx`: ONNX in one place — a hand-written codec for ONNX models (protobuf wire format, no
 * dependencies), the canonical <-> W/R/B weight mapping, the activation-name table, the one LSTM
 * graph builder (torch.onnx.export's layout), graph reading and tracing, and
 * {@link OnnxFormatError}.
 *
 * Layering: above the engine (it uses the engine's gate permutations and weight types), below
 * the onnxruntime layer (`src/runtime`), the adapters and `io`. `io.saveOnnx`/`io.loadOnnx` and
 * the onnxruntime executor build on it. Not exported by the package itself.
 *
 * - {@link decodeModel} / {@link encodeModel}: `Uint8Array` <-> {@link ModelProto} (graphs,
 *   nodes, attributes, tensors, value infos, opsets, metadata). Lossless round trip (unknown
 *   fields are kept); malformed bytes, and a well-formed model that is not a valid graph (from
 *   the graph reader), throw an {@link OnnxFormatError} (a `FileParseError`) naming the message
 *   path and byte offset; caps on size, nesting and tensor elements
 *   ({@link DecodeLimits}).
 * - {@link decodeTensor} / {@link encodeTensor}: single `TensorProto`s (ONNX test data `.pb`).
 * - {@link tensorToFloat32}, {@link tensorToNumbers}, {@link float32Tensor},
 *   {@link int32Tensor}, {@link int64Tensor}: values in and out of tensors.
 * - {@link canonicalToOnnx} / {@link onnxWeightsToCanonical}: an `LSTM` node's W, R, B and the
 *   canonical weights (`./lstm-weights`).
 * - {@link onnxActivation} / {@link engineActivation}: the activation table (`./activations`).
 * - {@link canonicalToOnnxCellWeights} / {@link onnxCellWeightsToCanonical}: the same for any
 *   kind (`LSTM`, `GRU`, `RNN`; `./cell-weights`).
 * - {@link buildRecurrentStackModel}: the ONNX model of an LSTM, GRU or RNN stack;
 *   {@link buildLstmStackModel} its LSTM case (`./lstm-graph`).
 * - graph reading (`OnnxGraph`) and tracing of LSTM stacks: `./internal`.
 *
 * Reading LSTM nodes back into canonical weights is `io.readOnnxLstmStacks` / `io.loadOnnx`,
 * above this layer.
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
export { OnnxFormatError } from './errors';
export { decodeModel, decodeTensor, dataTypeSize } from './decode';
export type { DecodeLimits } from './decode';
export { encodeModel, encodeTensor } from './encode';
export { float32Tensor, int32Tensor, int64Tensor, tensorToFloat32, tensorToNumbers } from './tensor-data';
export { ONNX_ACTIVATION_PARAMS, READABLE_ONNX_ACTIVATIONS, engineActivation, onnxActivation } from './activations';
export type { OnnxActivation } from './activations';
export { canonicalToOnnx, onnxWeightsToCanonical } from './lstm-weights';
export type { OnnxLstmWeights } from './lstm-weights';
export { ONNX_CELL_KINDS, canonicalToOnnxCellWeights, onnxCellWeightsToCanonical } from './cell-weights';
export type { OnnxCellKind, OnnxCellWeights } from './cell-weights';
export { LSTM_GRAPH_OPSET, buildLstmStackModel, buildRecurrentStackModel } from './lstm-graph';
export type { LstmModelOptions, RecurrentModelOptions } from './lstm-graph';
export { ProtoReader, ProtoWriter } from './wire';
