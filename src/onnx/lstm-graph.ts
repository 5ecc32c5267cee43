/**
 * The one builder of ONNX models of a recurrent stack — LSTM, GRU or vanilla RNN (opset 14) —
 * laid out as `torch.onnx.export` lays out an `nn.LSTM` / `nn.GRU` / `nn.RNN`: `io.saveOnnx`,
 * `io.saveOnnxStack` and the onnxruntime executor (`src/runtime`) all build their models here,
 * from the engine's canonical weights ({@link buildRecurrentStackModel}; {@link buildLstmStackModel}
 * is its LSTM case).
 *
 * The GRU and RNN graphs are the LSTM's with the kind's node and without `c0` / `c_n`:
 * `GRU` nodes (`gru_l{k}`) with `W_l{k}` (D, 3H, I), `R_l{k}` (D, 3H, H), `B_l{k}` (D, 6H) in ONNX's
 * gate order z, r, h and `linear_before_reset` = 1 for `resetAfter` (PyTorch; torch writes it),
 * 0 otherwise; `RNN` nodes (`rnn_l{k}`) with `W_l{k}` (D, H, I), `R_l{k}` (D, H, H), `B_l{k}` (D, 2H)
 * (converted by `./cell-weights`). `activations` lists per direction LSTM f, g, h; GRU f, g;
 * RNN g (f = `recurrentActivation`, g = h = `activation`), written only when not ONNX's
 * defaults (LSTM Sigmoid, Tanh, Tanh; GRU Sigmoid, Tanh; RNN Tanh).
 *
 * Legend: L = sequence length, N = batch, D = 2 if bidirectional else 1, I = input size of the
 * first layer, H = hidden size, K = number of layers.
 *
 * | graph input / output | shape | when |
 * |---|---|---|
 * | input `X` (`inputName`; `io.saveOnnx` names it `input`) | (L, N, I); (N, L, I) with `batchFirst`; (L, I) with `unbatched` | always |
 * | input `sequence_lens` | (N) int32, right-padded lengths | `sequenceLens` (not in torch's exports) |
 * | inputs `h0`, `c0` | (D·K, N, H); (D·K, H) unbatched, row `layer·D + direction` | `initialState` (zeros without them) |
 * | output `output` | (L, N, D·H); (N, L, D·H) with `batchFirst`; (L, D·H) unbatched | always |
 * | outputs `h_n`, `c_n` | (D·K, N, H); (D·K, H) unbatched, row `layer·D + direction` | always |
 *
 * The graph (every name below is a value in it):
 * - one `LSTM` node per layer (`lstm_l{k}`), `direction="bidirectional"` when D = 2, with
 *   initializers `W_l{k}` (D, 4H, I), `R_l{k}` (D, 4H, H), `B_l{k}` (D, 8H) (absent when the layer
 *   has no bias) in ONNX's gate order i, o, f, c, converted by {@link canonicalToOnnx}; the
 *   `activations` attribute (with `activation_alpha` / `activation_beta`) only when they are not
 *   ONNX's default Sigmoid, Tanh, Tanh (table in `./activations`);
 * - between layers, the layer's `Y` (L, D, N, H) becomes the next layer's input (L, N, D·H) by
 *   `Squeeze(axis 1)` (D = 1) or `Transpose(perm 0, 2, 1, 3)` + `Reshape(0, 0, -1)` (D = 2);
 * - `batchFirst` is done with `Transpose(perm 1, 0, 2)` nodes on the input and the output, as
 *   torch does, not with the LSTM's opset-14 `layout = 1` attribute: onnxruntime's CPU LSTM
 *   refuses `layout = 1` ("Batchwise recurrent operations (layout == 1) are not supported");
 * - unbatched input is `Unsqueeze`d to N = 1 and the outputs `Squeeze`d back;
 * - layer k's initial states are `Slice`s of `h0` / `c0`, rows [k·D, (k+1)·D);
 * - `h_n` / `c_n` are the layers' `Y_h` / `Y_c` concatenated on axis 0 (a single layer's LSTM node
 *   writes them itself).
 *
 * ONNX's `LSTM` has no projection (LSTMP), no masks other than right-padded `sequence_lens`
 * (padded outputs are zeros) and a fixed set of activations ({@link onnxActivation}): anything
 * else is an {@link UnsupportedConversionError}.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, CellWeights, LstmStackLayer, StackLayer } from '../engine';
import { UnsupportedConversionError } from '../errors';
import { onnxActivation } from './activations';
import { ONNX_CELL_KINDS, OnnxCellKind, canonicalToOnnxCellWeights } from './cell-weights';
import { canonicalToOnnx } from './lstm-weights';
import { float32Tensor, int64Tensor } from './tensor-data';
import { Attribute, AttributeType, DataType, Dimension, ModelProto, NodeProto, TensorProto, ValueInfo } from './types';

/** Options of {@link buildLstmStackModel}. */
export interface LstmModelOptions {
  /** φ (candidate and cell output). Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ (input, forget, output gates). Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Add the `sequence_lens` input. */
  readonly sequenceLens?: boolean;
  /** Add the `h0` / `c0` inputs. */
  readonly initialState?: boolean;
  /** Batch-major input and output (N, L, ·). Default false. */
  readonly batchFirst?: boolean;
  /** Input (L, I) without a batch axis (PyTorch's 2-D input); overrides `batchFirst`. Default false. */
  readonly unbatched?: boolean;
  /** The name of the sequence input. Default `'X'`. */
  readonly inputName?: string;
  /** GraphProto.name. Default `'lstm'`. */
  readonly graphName?: string;
  /** GraphProto.doc_string. */
  readonly docString?: string;
  /** ModelProto.producer_name. Default `'lstm-bridge'`. */
  readonly producerName?: string;
  /** `metadata_props` of the model (key -> value). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Prefix of error messages. Default `'onnx.buildLstmStackModel'`. */
  readonly where?: string;
}

/** Options of {@link buildRecurrentStackModel}: the LSTM's, and the GRU's reset placement. */
export interface RecurrentModelOptions extends LstmModelOptions {
  /** GRU only: reset after the recurrent product (`linear_before_reset` = 1). Default true. */
  readonly resetAfter?: boolean;
}

/** The opset of the built models. */
export const LSTM_GRAPH_OPSET = 14;

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

function valueInfo(name: string, shape: Dimension[], elemType: number = DataType.FLOAT): ValueInfo {
  return { name, type: { tensorType: { elemType, shape } } };
}

/** The `activations`, `activation_alpha`, `activation_beta` attributes, or none for ONNX's defaults. */
function activationAttributes(kind: OnnxCellKind, activation: ActivationName, recurrentActivation: ActivationName, D: number, where: string): Attribute[] {
  const f = kind === 'RNN' ? onnxActivation('sigmoid') : onnxActivation(recurrentActivation);
  const g = onnxActivation(activation);
  if (!f || !g) {
    const bad = !f ? `recurrentActivation '${recurrentActivation}'` : `activation '${activation}'`;
    throw new UnsupportedConversionError(`${where}: ONNX ${kind} cannot express the ${bad}`);
  }
  if (f.name === 'Sigmoid' && g.name === 'Tanh') return [];
  const perDirection = kind === 'LSTM' ? [f, g, g] : kind === 'GRU' ? [f, g] : [g];
  const acts = Array.from({ length: D }, () => perDirection).flat();
  const alphas = acts.filter((a) => a.alpha !== undefined).map((a) => a.alpha as number);
  const betas = acts.filter((a) => a.beta !== undefined).map((a) => a.beta as number);
  const attrs: Attribute[] = [{ name: 'activations', type: AttributeType.STRINGS, strings: acts.map((a) => utf8.encode(a.name)) }];
  if (alphas.length) attrs.push({ name: 'activation_alpha', type: AttributeType.FLOATS, floats: alphas });
  if (betas.length) attrs.push({ name: 'activation_beta', type: AttributeType.FLOATS, floats: betas });
  return attrs;
}

/** The weights of a layer as ONNX W, R, B data (D directions). */
function layerArrays(kind: OnnxCellKind, layer: StackLayer<CellWeights>, where: string): { W: Float32Array; R: Float32Array; B: Float32Array | null } {
  const directions = layer.backward ? [layer.forward, layer.backward] : [layer.forward];
  const { W, R, B } = kind === 'LSTM' ? canonicalToOnnx(directions, where) : canonicalToOnnxCellWeights(kind, directions, where);
  const read = (t: tf.Tensor) => (t.dataSync() as Float32Array).slice();
  try {
    return { W: read(W), R: read(R), B: B ? read(B) : null };
  } finally {
    tf.dispose(B ? [W, R, B] : [W, R]);
  }
}

/**
 * The ONNX model of a stack (see the module documentation for its inputs, outputs and nodes).
 * @throws UnsupportedConversionError for projections, activations ONNX cannot express, no
 *   layer, or layers with different numbers of directions.
 */
export function buildLstmStackModel(layers: readonly LstmStackLayer[], options: LstmModelOptions = {}): ModelProto {
  return buildRecurrentStackModel('LSTM', layers, { ...options, where: options.where ?? 'onnx.buildLstmStackModel' });
}

/**
 * The ONNX model of a stack of `kind` layers (see the module documentation).
 * @throws UnsupportedConversionError for projections, activations ONNX cannot express, no
 *   layer, or layers with different numbers of directions.
 */
export function buildRecurrentStackModel(kind: OnnxCellKind, layers: readonly StackLayer<CellWeights>[], options: RecurrentModelOptions = {}): ModelProto {
  const where = options.where ?? 'onnx.buildRecurrentStackModel';
  const G = ONNX_CELL_KINDS[kind].gates;
  const stateNames = kind === 'LSTM' ? (['h', 'c'] as const) : (['h'] as const);
  const op = kind.toLowerCase();
  if (layers.length === 0) throw new UnsupportedConversionError(`${where}: expected at least one layer, got 0`);
  const D = layers[0].backward ? 2 : 1;
  layers.forEach((layer, k) => {
    if ((layer.backward ? 2 : 1) !== D) {
      throw new UnsupportedConversionError(`${where}: every layer must have ${D} direction(s); layer ${k} differs`);
    }
  });
  const actAttrs = activationAttributes(kind, options.activation ?? 'tanh', options.recurrentActivation ?? 'sigmoid', D, where);
  if (kind === 'GRU') actAttrs.push({ name: 'linear_before_reset', type: AttributeType.INT, i: options.resetAfter === false ? 0 : 1 });
  const { inputSize, hiddenSize: H } = ONNX_CELL_KINDS[kind].sizes(layers[0].forward, where);
  const K = layers.length;
  const unbatched = options.unbatched ?? false;
  const batchFirst = (options.batchFirst ?? false) && !unbatched;
  const initialState = options.initialState ?? false;
  const X = options.inputName ?? 'X';
  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  /** The name of an int64 constant, added on first use (onnxruntime warns about unused ones). */
  const constant = (name: string, values: number[]): string => {
    if (!initializer.some((t) => t.name === name)) initializer.push(int64Tensor(name, [values.length], values));
    return name;
  };
  const inputs: ValueInfo[] = [valueInfo(X, unbatched ? dims('L', inputSize) : batchFirst ? dims('N', 'L', inputSize) : dims('L', 'N', inputSize))];
  let x = X;
  if (batchFirst) {
    nodes.push(node('Transpose', 'input_to_time_major', [X], ['input_time_major'], [ints('perm', [1, 0, 2])]));
    x = 'input_time_major';
  } else if (unbatched) {
    nodes.push(node('Unsqueeze', 'input_add_batch', [X, constant('axes_1', [1])], ['input_batched']));
    x = 'input_batched';
  }
  if (options.sequenceLens) inputs.push(valueInfo('sequence_lens', dims('N'), DataType.INT32));
  /** Per state (h, c for an LSTM), the value the layers' initial states are read from ('' for zeros). */
  const initial = new Map<string, string>();
  if (initialState) {
    for (const s of stateNames) {
      inputs.push(valueInfo(`${s}0`, unbatched ? dims(D * K, H) : dims(D * K, 'N', H)));
      if (unbatched) nodes.push(node('Unsqueeze', `${s}0_add_batch`, [`${s}0`, constant('axes_1', [1])], [`${s}0_batched`]));
      initial.set(s, unbatched ? `${s}0_batched` : `${s}0`);
    }
  }
  const stateOut = (k: number, s: 'h' | 'c') => (K === 1 && !unbatched ? `${s}_n` : `Y_${s}_l${k}`);
  layers.forEach((layer, k) => {
    const { W, R, B } = layerArrays(kind, layer, `${where} (layer ${k})`);
    const I = W.length / (D * G * H);
    initializer.push(float32Tensor(`W_l${k}`, [D, G * H, I], W), float32Tensor(`R_l${k}`, [D, G * H, H], R));
    if (B) initializer.push(float32Tensor(`B_l${k}`, [D, 2 * G * H], B));
    const states = stateNames.map((s) => initial.get(s) ?? '');
    if (initialState && K > 1) {
      const rows = [constant(`rows_l${k}_start`, [k * D]), constant(`rows_l${k}_end`, [(k + 1) * D]), constant('axes_0', [0])];
      stateNames.forEach((s, j) => {
        nodes.push(node('Slice', `${s}0_l${k}_slice`, [states[j], ...rows], [`${s}0_l${k}`]));
        states[j] = `${s}0_l${k}`;
      });
    }
    const attrs: Attribute[] = [{ name: 'hidden_size', type: AttributeType.INT, i: H }, ...actAttrs];
    if (D === 2) attrs.unshift({ name: 'direction', type: AttributeType.STRING, s: utf8.encode('bidirectional') });
    const cellInputs = [x, `W_l${k}`, `R_l${k}`, B ? `B_l${k}` : '', options.sequenceLens ? 'sequence_lens' : '', ...states];
    nodes.push(node(kind, `${op}_l${k}`, cellInputs, [`Y_l${k}`, ...stateNames.map((s) => stateOut(k, s))], attrs));
    const last = k === K - 1;
    const next = last ? (batchFirst || unbatched ? 'output_time_major' : 'output') : `input_l${k + 1}`;
    if (D === 1) {
      nodes.push(node('Squeeze', `Y_l${k}_squeeze`, [`Y_l${k}`, constant('axes_1', [1])], [next]));
    } else {
      nodes.push(node('Transpose', `Y_l${k}_transpose`, [`Y_l${k}`], [`Y_l${k}_t`], [ints('perm', [0, 2, 1, 3])]));
      nodes.push(node('Reshape', `Y_l${k}_reshape`, [`Y_l${k}_t`, constant('shape_merge_directions', [0, 0, -1])], [next]));
    }
    x = next;
  });
  if (batchFirst) nodes.push(node('Transpose', 'output_to_batch_first', [x], ['output'], [ints('perm', [1, 0, 2])]));
  if (unbatched) nodes.push(node('Squeeze', 'output_drop_batch', [x, constant('axes_1', [1])], ['output']));
  for (const s of stateNames) {
    if (K === 1 && !unbatched) continue; // the node writes h_n (/ c_n) itself
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
    opsetImport: [{ domain: '', version: LSTM_GRAPH_OPSET }],
    producerName: options.producerName ?? 'lstm-bridge',
    graph: {
      name: options.graphName ?? op,
      ...(options.docString !== undefined ? { docString: options.docString } : {}),
      node: nodes,
      initializer,
      input: inputs,
      output: [valueInfo('output', outShape), ...stateNames.map((s) => valueInfo(`${s}_n`, stateShape))],
      valueInfo: [],
    },
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}
