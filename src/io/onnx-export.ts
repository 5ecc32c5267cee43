/**
 * `io.saveOnnx`: an `nn.LSTM` as an ONNX model (opset 14) that computes what
 * `lstm.eval().forward(input, [h0, c0])` computes, laid out as `torch.onnx.export` lays out the
 * same module, so that tools written for PyTorch's exports (and `io.loadOnnx`) read it.
 *
 * Legend: L = sequence length, N = batch, D = 2 if bidirectional else 1, H_in = inputSize,
 * H = hiddenSize, K = numLayers.
 *
 * | graph input / output | shape | | torch |
 * |---|---|---|---|
 * | input `input` | (L, N, H_in); (N, L, H_in) with `batchFirst`; (L, H_in) with `unbatched` | | `input` |
 * | inputs `h0`, `c0` (with `initialState`) | (D·K, N, H); (D·K, H) unbatched | optional: without them the states start at zero | `h_0`, `c_0` |
 * | output `output` | (L, N, D·H); (N, L, D·H) with `batchFirst`; (L, D·H) unbatched | | `output` |
 * | outputs `h_n`, `c_n` | (D·K, N, H); (D·K, H) unbatched, index `layer·D + direction` | | `h_n`, `c_n` |
 *
 * The graph (every name below is a value in it):
 * - one `LSTM` node per layer (`lstm_l{k}`), `direction="bidirectional"` when D = 2, with
 *   initializers `W_l{k}` (D, 4H, I), `R_l{k}` (D, 4H, H), `B_l{k}` (D, 8H) (absent with
 *   `bias: false`) in ONNX's gate order i, o, f, c, converted by `adapters.canonicalToOnnx`;
 * - between layers, the layer's `Y` (L, D, N, H) becomes the next layer's input (L, N, D·H) by
 *   `Squeeze(axis 1)` (D = 1) or `Transpose(perm 0, 2, 1, 3)` + `Reshape(0, 0, -1)` (D = 2);
 * - `batchFirst` is done with `Transpose(perm 1, 0, 2)` nodes on the input and the output, as
 *   torch does, not with the LSTM's opset-14 `layout = 1` attribute: onnxruntime's CPU LSTM
 *   refuses `layout = 1` ("Batchwise recurrent operations (layout == 1) are not supported");
 * - unbatched input is `Unsqueeze`d to N = 1 and the outputs `Squeeze`d back;
 * - layer k's initial states are `Slice`s of `h0` / `c0`, rows [k·D, (k+1)·D);
 * - `h_n` / `c_n` are the layers' `Y_h` / `Y_c` concatenated on axis 0.
 *
 * Not expressible: a projection (`projSize > 0`; ONNX's LSTM has no LSTMP) is an
 * {@link UnsupportedConversionError}. Inter-layer `dropout` applies in training only; the graph is
 * the inference computation, as `torch.onnx.export` exports in eval mode by default.
 *
 * Example:
 * ```ts
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true });
 * const bytes = io.saveOnnx(lstm, { initialState: true }); // Uint8Array, a .onnx file
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { tidy } from '../engine/internal';
import { canonicalToOnnx } from '../../adapters/conventions/onnx';
import { ConfigError, UnsupportedConversionError } from '../errors';
import { LSTM } from '../nn/lstm';
import { checkBool, checkKnownKeys } from '../nn/options';
import { encodeModel } from '../onnx/encode';
import { float32Tensor, int64Tensor } from '../onnx/tensor-data';
import { Attribute, AttributeType, DataType, Dimension, ModelProto, NodeProto, TensorProto, ValueInfo } from '../onnx/types';

/** Options of {@link saveOnnx}. */
export interface SaveOnnxOptions {
  /** Add graph inputs `h0`, `c0` for the initial states (zeros without them). Default false. */
  readonly initialState?: boolean;
  /** Export for unbatched input (L, H_in) (PyTorch's 2-D input). Default false. */
  readonly unbatched?: boolean;
  /** `metadata_props` of the model (key -> value). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** `producer_name`. Default `'lstm-bridge'`. */
  readonly producerName?: string;
}

const OPTION_KEYS = ['initialState', 'unbatched', 'metadata', 'producerName'] as const;

/** The opset of the exported models. */
export const ONNX_EXPORT_OPSET = 14;

const utf8 = new TextEncoder();

function node(opType: string, name: string, input: string[], output: string[], attribute: Attribute[] = []): NodeProto {
  while (input.length && input[input.length - 1] === '') input.pop();
  return { opType, name, input, output, attribute, domain: '' };
}

function ints(name: string, values: number[]): Attribute {
  return { name, type: AttributeType.INTS, ints: values };
}

function dims(...d: (number | string)[]): Dimension[] {
  return d.map((v) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v }));
}

function valueInfo(name: string, shape: Dimension[]): ValueInfo {
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape } } };
}

/** The weights of layer k as ONNX W, R, B data (D directions). */
function layerArrays(lstm: LSTM, k: number): { W: Float32Array; R: Float32Array; B: Float32Array | null } {
  return tidy(() => {
    const dirs = lstm.bidirectional ? [lstm.canonicalWeights(k, false), lstm.canonicalWeights(k, true)] : [lstm.canonicalWeights(k, false)];
    const { W, R, B } = canonicalToOnnx(dirs, `io.saveOnnx (layer ${k})`);
    const read = (t: tf.Tensor) => (t.dataSync() as Float32Array).slice();
    return { W: read(W), R: read(R), B: B ? read(B) : null };
  });
}

/**
 * The ONNX model of `lstm` (see the module documentation).
 * @throws UnsupportedConversionError for `projSize > 0`; ConfigError for bad options.
 */
export function onnxModelOf(lstm: LSTM, options: SaveOnnxOptions = {}): ModelProto {
  const where = 'io.saveOnnx';
  if (!(lstm instanceof LSTM)) throw new ConfigError(`${where}: lstm expected an nn.LSTM, got ${lstm === null ? 'null' : typeof lstm}`);
  if (typeof options !== 'object' || options === null) throw new ConfigError(`${where}: options expected an object, got ${typeof options}`);
  checkKnownKeys(options, OPTION_KEYS, where);
  const initialState = checkBool(options.initialState, 'initialState', where, false);
  const unbatched = checkBool(options.unbatched, 'unbatched', where, false);
  const metadata = options.metadata ?? {};
  if (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string')) {
    throw new ConfigError(`${where}: metadata expected an object of strings, got ${JSON.stringify(metadata)}`);
  }
  if (lstm.projSize > 0) {
    throw new UnsupportedConversionError(
      `${where}: ${lstm.toString()} has projSize ${lstm.projSize}: the ONNX LSTM operator has no projection (LSTMP), so it cannot be exported exactly`,
    );
  }
  const D = lstm.numDirections;
  const H = lstm.hiddenSize;
  const K = lstm.numLayers;
  const batchFirst = lstm.batchFirst && !unbatched;
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  /** The name of an int64 constant, added on first use (onnxruntime warns about unused ones). */
  const constant = (name: string, values: number[]): string => {
    if (!initializer.some((t) => t.name === name)) initializer.push(int64Tensor(name, [values.length], values));
    return name;
  };
  const inputs: ValueInfo[] = [
    valueInfo('input', unbatched ? dims('L', lstm.inputSize) : batchFirst ? dims('N', 'L', lstm.inputSize) : dims('L', 'N', lstm.inputSize)),
  ];
  let x = 'input';
  if (batchFirst) {
    nodes.push(node('Transpose', 'input_to_time_major', ['input'], ['input_time_major'], [ints('perm', [1, 0, 2])]));
    x = 'input_time_major';
  } else if (unbatched) {
    nodes.push(node('Unsqueeze', 'input_add_batch', ['input', constant('axes_1', [1])], ['input_batched']));
    x = 'input_batched';
  }
  let h0 = '';
  let c0 = '';
  if (initialState) {
    for (const s of ['h0', 'c0']) {
      inputs.push(valueInfo(s, unbatched ? dims(D * K, H) : dims(D * K, 'N', H)));
      if (unbatched) nodes.push(node('Unsqueeze', `${s}_add_batch`, [s, constant('axes_1', [1])], [`${s}_batched`]));
    }
    [h0, c0] = unbatched ? ['h0_batched', 'c0_batched'] : ['h0', 'c0'];
  }
  const stateOut = (k: number, s: 'h' | 'c') => (K === 1 && !unbatched ? `${s}_n` : `Y_${s}_l${k}`);
  for (let k = 0; k < K; k++) {
    const { W, R, B } = layerArrays(lstm, k);
    const I = W.length / (D * 4 * H);
    initializer.push(float32Tensor(`W_l${k}`, [D, 4 * H, I], W), float32Tensor(`R_l${k}`, [D, 4 * H, H], R));
    if (B) initializer.push(float32Tensor(`B_l${k}`, [D, 8 * H], B));
    let [h, c] = [h0, c0];
    if (initialState && K > 1) {
      const rows = [constant(`rows_l${k}_start`, [k * D]), constant(`rows_l${k}_end`, [(k + 1) * D]), constant('axes_0', [0])];
      for (const s of ['h', 'c'] as const) nodes.push(node('Slice', `${s}0_l${k}_slice`, [s === 'h' ? h0 : c0, ...rows], [`${s}0_l${k}`]));
      [h, c] = [`h0_l${k}`, `c0_l${k}`];
    }
    const attrs: Attribute[] = [{ name: 'hidden_size', type: AttributeType.INT, i: H }];
    if (D === 2) attrs.unshift({ name: 'direction', type: AttributeType.STRING, s: utf8.encode('bidirectional') });
    nodes.push(node('LSTM', `lstm_l${k}`, [x, `W_l${k}`, `R_l${k}`, B ? `B_l${k}` : '', '', h, c], [`Y_l${k}`, stateOut(k, 'h'), stateOut(k, 'c')], attrs));
    const last = k === K - 1;
    const next = last ? (batchFirst || unbatched ? 'output_time_major' : 'output') : `input_l${k + 1}`;
    if (D === 1) {
      nodes.push(node('Squeeze', `Y_l${k}_squeeze`, [`Y_l${k}`, constant('axes_1', [1])], [next]));
    } else {
      nodes.push(node('Transpose', `Y_l${k}_transpose`, [`Y_l${k}`], [`Y_l${k}_t`], [ints('perm', [0, 2, 1, 3])]));
      nodes.push(node('Reshape', `Y_l${k}_reshape`, [`Y_l${k}_t`, constant('shape_merge_directions', [0, 0, -1])], [next]));
    }
    x = next;
  }
  if (batchFirst) nodes.push(node('Transpose', 'output_to_batch_first', [x], ['output'], [ints('perm', [1, 0, 2])]));
  if (unbatched) nodes.push(node('Squeeze', 'output_drop_batch', [x, constant('axes_1', [1])], ['output']));
  for (const s of ['h', 'c'] as const) {
    if (K === 1 && !unbatched) continue; // the LSTM node writes h_n / c_n itself
    const parts = Array.from({ length: K }, (_, k) => stateOut(k, s));
    let joined = parts[0];
    if (K > 1) {
      joined = unbatched ? `${s}_n_batched` : `${s}_n`;
      nodes.push(node('Concat', `${s}_n_concat`, parts, [joined], [{ name: 'axis', type: AttributeType.INT, i: 0 }]));
    }
    if (unbatched) nodes.push(node('Squeeze', `${s}_n_drop_batch`, [joined, constant('axes_1', [1])], [`${s}_n`]));
  }
  const outShape = unbatched ? dims('L', D * H) : batchFirst ? dims('N', 'L', D * H) : dims('L', 'N', D * H);
  const stateShape = unbatched ? dims(D * K, H) : dims(D * K, 'N', H);
  return {
    irVersion: 7,
    opsetImport: [{ domain: '', version: ONNX_EXPORT_OPSET }],
    producerName: options.producerName ?? 'lstm-bridge',
    graph: {
      name: 'lstm',
      docString: `${lstm.toString()}, exported by lstm-bridge io.saveOnnx`,
      node: nodes,
      initializer,
      input: inputs,
      output: [valueInfo('output', outShape), valueInfo('h_n', stateShape), valueInfo('c_n', stateShape)],
      valueInfo: [],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}

/**
 * `lstm` as the bytes of an ONNX model file (see the module documentation; the Node variant in
 * `lstm-bridge/node` writes them to a path).
 * @throws UnsupportedConversionError for `projSize > 0`; ConfigError for bad options.
 */
export function saveOnnx(lstm: LSTM, options: SaveOnnxOptions = {}): Uint8Array {
  return encodeModel(onnxModelOf(lstm, options));
}
