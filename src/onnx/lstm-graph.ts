/**
 * Builds an ONNX model that computes an LSTM stack from the engine's canonical weights: one
 * ONNX `LSTM` node (opset 14) per layer, with the glue that feeds `[forward ‖ backward]` to the
 * next layer and gathers the final states in PyTorch's order.
 *
 * Conversion, per layer and direction (gate blocks reordered i,f,g,o -> i,o,f,c with the
 * engine's {@link ifgoToIofc}):
 *
 * | ONNX input | shape | from the canonical form |
 * |---|---|---|
 * | `W` | [D, 4H, I] | `ifgoToIofc(kernelᵀ)` |
 * | `R` | [D, 4H, H] | `ifgoToIofc(recurrentKernelᵀ)` |
 * | `B` | [D, 8H] | `ifgoToIofc(bias) ‖ ifgoToIofc(recurrentBias)` (zeros when absent) |
 *
 * The model's interface (T, N symbolic; L layers, D directions):
 *
 * | name | shape | when |
 * |---|---|---|
 * | input `X` | [T, N, I] float32, time-major | always |
 * | input `sequence_lens` | [N] int32 | `sequenceLens` |
 * | inputs `initial_h_l{k}`, `initial_c_l{k}` | [D, N, H] | `initialState` (layer k's states, direction-major) |
 * | output `output` | [T, N, D·H] | always |
 * | outputs `h_n`, `c_n` | [L·D, N, H], index `layer·D + direction` | always |
 *
 * ONNX's `LSTM` has no projection (LSTMP), no masks other than right-padded `sequence_lens`
 * (padded outputs are zeros) and a fixed set of activations: {@link onnxActivation} says which
 * of the engine's map to it. Anything else is an {@link UnsupportedConversionError}.
 */
import * as tf from '@tensorflow/tfjs-core';

import { UnsupportedConversionError } from '../errors';
import { ActivationName, LstmStackLayer, LstmWeights, ifgoToIofc, lstmSizes } from '../engine';
import { float32Tensor, int64Tensor } from './tensor-data';
import { Attribute, AttributeType, DataType, Dimension, ModelProto, NodeProto, TensorProto, ValueInfo } from './types';

/** An ONNX RNN activation with its alpha/beta, when it takes them. */
export interface OnnxActivation {
  readonly name: 'Sigmoid' | 'Tanh' | 'Relu' | 'HardSigmoid' | 'Elu' | 'Softsign' | 'Softplus' | 'Affine';
  readonly alpha?: number;
  readonly beta?: number;
}

/**
 * The ONNX form of an engine activation, or null when ONNX's LSTM cannot express it
 * (relu6, selu, swish).
 */
export function onnxActivation(name: ActivationName): OnnxActivation | null {
  switch (name) {
    case 'sigmoid': return { name: 'Sigmoid' };
    case 'tanh': return { name: 'Tanh' };
    case 'relu': return { name: 'Relu' };
    case 'hardSigmoid': return { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 };
    case 'hardSigmoidKeras3': return { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 };
    case 'elu': return { name: 'Elu', alpha: 1 };
    case 'softsign': return { name: 'Softsign' };
    case 'softplus': return { name: 'Softplus' };
    case 'linear': return { name: 'Affine', alpha: 1, beta: 0 };
    default: return null;
  }
}

/** Options of {@link buildLstmStackModel}. */
export interface LstmModelOptions {
  /** φ (candidate and cell output). Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ (input, forget, output gates). Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Add the `sequence_lens` input. */
  readonly sequenceLens?: boolean;
  /** Add the `initial_h_l{k}` / `initial_c_l{k}` inputs. */
  readonly initialState?: boolean;
  /** ModelProto.producer_name. Default `'lstm-bridge'`. */
  readonly producerName?: string;
}

const utf8 = new TextEncoder();

function attrInt(name: string, i: number): Attribute {
  return { name, type: AttributeType.INT, i };
}
function attrString(name: string, s: string): Attribute {
  return { name, type: AttributeType.STRING, s: utf8.encode(s) };
}
function attrStrings(name: string, list: string[]): Attribute {
  return { name, type: AttributeType.STRINGS, strings: list.map((s) => utf8.encode(s)) };
}
function attrFloats(name: string, floats: number[]): Attribute {
  return { name, type: AttributeType.FLOATS, floats };
}
function node(opType: string, name: string, input: string[], output: string[], attribute: Attribute[] = []): NodeProto {
  return { opType, name, input, output, attribute, domain: '' };
}
function dims(...d: (number | string)[]): Dimension[] {
  return d.map((v) => (typeof v === 'number' ? { dimValue: v } : { dimParam: v }));
}
function valueInfo(name: string, elemType: number, shape: Dimension[]): ValueInfo {
  return { name, type: { tensorType: { elemType, shape } } };
}

/** W, R, B data of one direction in ONNX layout (iofc, input-columns). */
function directionArrays(w: LstmWeights, where: string): { W: Float32Array; R: Float32Array; B: Float32Array } {
  const sizes = lstmSizes(w, where);
  if (w.projection) {
    throw new UnsupportedConversionError(`${where}: ONNX LSTM has no projection (LSTMP); got a projection ${JSON.stringify(w.projection.shape)}`);
  }
  const H = sizes.hiddenSize;
  return tf.tidy(() => {
    const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
    const W = read(ifgoToIofc(tf.transpose(w.kernel)));
    const R = read(ifgoToIofc(tf.transpose(w.recurrentKernel)));
    const B = new Float32Array(8 * H);
    if (w.bias) B.set(read(ifgoToIofc(w.bias)), 0);
    if (w.recurrentBias) B.set(read(ifgoToIofc(w.recurrentBias)), 4 * H);
    return { W: W.slice(), R: R.slice(), B };
  });
}

function concatArrays(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The ONNX model of a stack (see the module docs for its inputs and outputs).
 * @throws UnsupportedConversionError for projections and activations ONNX cannot express.
 */
export function buildLstmStackModel(layers: readonly LstmStackLayer[], options: LstmModelOptions = {}): ModelProto {
  const where = 'onnx.buildLstmStackModel';
  if (layers.length === 0) throw new UnsupportedConversionError(`${where}: expected at least one layer, got 0`);
  const D = layers[0].backward ? 2 : 1;
  const activation = options.activation ?? 'tanh';
  const recurrentActivation = options.recurrentActivation ?? 'sigmoid';
  const f = onnxActivation(recurrentActivation);
  const g = onnxActivation(activation);
  if (!f || !g) {
    const bad = !f ? `recurrentActivation '${recurrentActivation}'` : `activation '${activation}'`;
    throw new UnsupportedConversionError(`${where}: ONNX LSTM cannot express the ${bad}`);
  }
  const perDirection = [f, g, g];
  const acts = Array.from({ length: D }, () => perDirection).flat();
  const alphas = acts.filter((a) => a.alpha !== undefined).map((a) => a.alpha as number);
  const betas = acts.filter((a) => a.beta !== undefined).map((a) => a.beta as number);

  const nodes: NodeProto[] = [];
  const initializer: TensorProto[] = [];
  const inputs: ValueInfo[] = [];
  const I0 = lstmSizes(layers[0].forward, where).inputSize;
  inputs.push(valueInfo('X', DataType.FLOAT, dims('T', 'N', I0)));
  if (options.sequenceLens) inputs.push(valueInfo('sequence_lens', DataType.INT32, dims('N')));
  let x = 'X';
  let H = 0;
  layers.forEach((layer, k) => {
    if ((layer.backward ? 2 : 1) !== D) {
      throw new UnsupportedConversionError(`${where}: every layer must have ${D} direction(s); layer ${k} differs`);
    }
    const dirs = layer.backward ? [layer.forward, layer.backward] : [layer.forward];
    const arrays = dirs.map((w, d) => directionArrays(w, `${where} (layer ${k}${d ? ', reverse' : ''})`));
    const sizes = lstmSizes(layer.forward, where);
    H = sizes.hiddenSize;
    const I = sizes.inputSize;
    initializer.push(
      float32Tensor(`W_l${k}`, [D, 4 * H, I], concatArrays(arrays.map((a) => a.W))),
      float32Tensor(`R_l${k}`, [D, 4 * H, H], concatArrays(arrays.map((a) => a.R))),
      float32Tensor(`B_l${k}`, [D, 8 * H], concatArrays(arrays.map((a) => a.B))),
    );
    const lstmInputs = [x, `W_l${k}`, `R_l${k}`, `B_l${k}`, options.sequenceLens ? 'sequence_lens' : ''];
    if (options.initialState) {
      lstmInputs.push(`initial_h_l${k}`, `initial_c_l${k}`);
      inputs.push(valueInfo(`initial_h_l${k}`, DataType.FLOAT, dims(D, 'N', H)));
      inputs.push(valueInfo(`initial_c_l${k}`, DataType.FLOAT, dims(D, 'N', H)));
    }
    while (lstmInputs[lstmInputs.length - 1] === '') lstmInputs.pop();
    const attrs: Attribute[] = [
      attrInt('hidden_size', H),
      attrString('direction', D === 2 ? 'bidirectional' : 'forward'),
      attrStrings('activations', acts.map((a) => a.name)),
    ];
    if (alphas.length) attrs.push(attrFloats('activation_alpha', alphas));
    if (betas.length) attrs.push(attrFloats('activation_beta', betas));
    nodes.push(node('LSTM', `lstm_l${k}`, lstmInputs, [`Y_l${k}`, `Y_h_l${k}`, `Y_c_l${k}`], attrs));
    // Y [T, D, N, H] -> [T, N, D·H]
    const next = k === layers.length - 1 ? 'output' : `X_l${k + 1}`;
    if (D === 1) {
      initializer.push(int64Tensor(`shape_l${k}`, [3], [0, -1, H]));
      nodes.push(node('Reshape', `reshape_l${k}`, [`Y_l${k}`, `shape_l${k}`], [next]));
    } else {
      initializer.push(int64Tensor(`shape_l${k}`, [3], [0, 0, -1]));
      nodes.push(node('Transpose', `transpose_l${k}`, [`Y_l${k}`], [`Yt_l${k}`], [{ name: 'perm', type: AttributeType.INTS, ints: [0, 2, 1, 3] }]));
      nodes.push(node('Reshape', `reshape_l${k}`, [`Yt_l${k}`, `shape_l${k}`], [next]));
    }
    x = next;
  });
  for (const [out, part] of [['h_n', 'Y_h'], ['c_n', 'Y_c']] as const) {
    const parts = layers.map((_, k) => `${part}_l${k}`);
    nodes.push(parts.length === 1
      ? node('Identity', `${out}_identity`, parts, [out])
      : node('Concat', `${out}_concat`, parts, [out], [attrInt('axis', 0)]));
  }
  const L = layers.length;
  return {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 14 }],
    producerName: options.producerName ?? 'lstm-bridge',
    graph: {
      name: 'lstm_stack',
      node: nodes,
      initializer,
      input: inputs,
      output: [
        valueInfo('output', DataType.FLOAT, dims('T', 'N', D * H)),
        valueInfo('h_n', DataType.FLOAT, dims(L * D, 'N', H)),
        valueInfo('c_n', DataType.FLOAT, dims(L * D, 'N', H)),
      ],
      valueInfo: [],
    },
    metadataProps: [],
  };
}
