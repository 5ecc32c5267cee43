/**
 * Reading an ONNX `LSTM` node back into the engine's canonical form: the inverse of
 * `./lstm-graph` for one node, for loaders of `.onnx` files (`io.loadOnnx`).
 *
 * | ONNX | canonical (per direction d) |
 * |---|---|
 * | `W` [D, 4H, I], gates i,o,f,c | `kernel = iofcToIfgo(W[d])ᵀ` (I, 4H) |
 * | `R` [D, 4H, H] | `recurrentKernel = iofcToIfgo(R[d])ᵀ` (H, 4H) |
 * | `B` [D, 8H] = Wb ‖ Rb | `bias = iofcToIfgo(Wb)`, `recurrentBias = iofcToIfgo(Rb)` |
 * | `activations` [f, g, h] per direction | `recurrentActivation` = f, `activation` = g (= h) |
 * | `direction` forward / reverse / bidirectional | `forward` (run with `reverse` for 'reverse'), `backward` |
 *
 * What the engine cannot express is refused with an {@link UnsupportedConversionError} naming
 * the attribute: peepholes (`P`), `clip`, `input_forget = 1`, different g and h activations or
 * different activations per direction, and activations or parameters outside
 * {@link onnxActivation}'s list. Weights must be initializers (constant tensors in the file).
 */
import * as tf from '@tensorflow/tfjs-core';

import { FileParseError, UnsupportedConversionError } from '../errors';
import { ActivationName } from '../engine/activations';
import { iofcToIfgo } from '../engine/gates';
import { LstmWeights } from '../engine/weights';
import { onnxActivation } from './lstm-graph';
import { tensorToFloat32 } from './tensor-data';
import { Attribute, GraphProto, NodeProto, TensorProto } from './types';

/** One ONNX LSTM node in canonical form. */
export interface OnnxLstmLayer {
  /** The node's name (or its first output's name when unnamed). */
  readonly name: string;
  readonly hiddenSize: number;
  readonly inputSize: number;
  /** 'forward' | 'reverse' | 'bidirectional' (a 'reverse' node's weights are in `forward`). */
  readonly direction: 'forward' | 'reverse' | 'bidirectional';
  /** ONNX `layout`: 0 = time-major X [T, N, I], 1 = batch-major [N, T, I]. */
  readonly layout: 0 | 1;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  /** Direction 0's weights (the forward direction, or the only one of a 'reverse' node). */
  readonly forward: LstmWeights;
  /** Direction 1's weights of a bidirectional node. */
  readonly backward: LstmWeights | null;
  /** Names of the node's optional inputs that are graph inputs or other nodes' outputs. */
  readonly sequenceLens: string | null;
  readonly initialH: string | null;
  readonly initialC: string | null;
}

const decoder = new TextDecoder();

function attr(node: NodeProto, name: string): Attribute | undefined {
  return node.attribute.find((a) => a.name === name);
}

/** The engine activation an ONNX (name, alpha, beta) maps to, or null. */
function fromOnnx(name: string, alpha: number | undefined, beta: number | undefined): ActivationName | null {
  const candidates: ActivationName[] = ['sigmoid', 'tanh', 'relu', 'hardSigmoid', 'hardSigmoidKeras3', 'elu', 'softsign', 'softplus', 'linear'];
  for (const c of candidates) {
    const o = onnxActivation(c);
    if (!o || o.name.toLowerCase() !== name.toLowerCase()) continue;
    const close = (a: number | undefined, b: number | undefined) => a === undefined || b === undefined || Math.abs(a - b) < 1e-6;
    if (close(alpha, o.alpha) && close(beta, o.beta)) return c;
  }
  return null;
}

/**
 * The canonical weights and configuration of an ONNX LSTM node of `graph`.
 * @throws UnsupportedConversionError for features the engine does not have;
 *   FileParseError when a weight is missing or has the wrong shape.
 */
export function readOnnxLstm(graph: GraphProto, node: NodeProto): OnnxLstmLayer {
  const name = node.name || node.output[0] || 'LSTM';
  const where = `onnx LSTM '${name}'`;
  if (node.opType !== 'LSTM') throw new FileParseError(`${where}: expected an LSTM node, got ${node.opType}`);
  const init = (k: number, what: string): TensorProto | null => {
    const input = node.input[k];
    if (!input) return null;
    const t = graph.initializer.find((x) => x.name === input);
    if (!t) throw new UnsupportedConversionError(`${where}: ${what} '${input}' is not an initializer (computed weights are not supported)`);
    return t;
  };
  const W = init(1, 'W');
  const R = init(2, 'R');
  if (!W || !R) throw new FileParseError(`${where}: W and R are required`);
  const B = init(3, 'B');
  if (node.input[7]) throw new UnsupportedConversionError(`${where}: peepholes (input P) are not supported by the engine`);
  if (attr(node, 'clip')) throw new UnsupportedConversionError(`${where}: attribute clip is not supported by the engine`);
  if (Number(attr(node, 'input_forget')?.i ?? 0) !== 0) {
    throw new UnsupportedConversionError(`${where}: input_forget = 1 is not supported by the engine`);
  }
  const direction = (attr(node, 'direction')?.s ? decoder.decode(attr(node, 'direction')?.s) : 'forward') as OnnxLstmLayer['direction'];
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) throw new FileParseError(`${where}: unknown direction '${direction}'`);
  const D = direction === 'bidirectional' ? 2 : 1;
  const layout = Number(attr(node, 'layout')?.i ?? 0) as 0 | 1;
  if (W.dims.length !== 3 || W.dims[0] !== D || W.dims[1] % 4 !== 0) {
    throw new FileParseError(`${where}: W expected [${D}, 4H, I], got ${JSON.stringify(W.dims)}`);
  }
  const H = W.dims[1] / 4;
  const I = W.dims[2];
  const hs = attr(node, 'hidden_size')?.i;
  if (hs !== undefined && Number(hs) !== H) throw new FileParseError(`${where}: hidden_size ${hs} does not match W ${JSON.stringify(W.dims)}`);
  if (R.dims.join() !== [D, 4 * H, H].join()) throw new FileParseError(`${where}: R expected [${D}, ${4 * H}, ${H}], got ${JSON.stringify(R.dims)}`);
  if (B && B.dims.join() !== [D, 8 * H].join()) throw new FileParseError(`${where}: B expected [${D}, ${8 * H}], got ${JSON.stringify(B.dims)}`);

  const names = attr(node, 'activations')?.strings?.map((s) => decoder.decode(s)) ?? [];
  const list = names.length ? names : Array.from({ length: D }, () => ['Sigmoid', 'Tanh', 'Tanh']).flat();
  if (list.length !== 3 * D) throw new FileParseError(`${where}: activations expected ${3 * D} names, got ${list.length}`);
  const alphas = [...(attr(node, 'activation_alpha')?.floats ?? [])];
  const betas = [...(attr(node, 'activation_beta')?.floats ?? [])];
  const takes = (n: string) => ['hardsigmoid', 'affine', 'leakyrelu', 'thresholdedrelu', 'scaledtanh', 'elu'].includes(n.toLowerCase());
  const takesBeta = (n: string) => ['hardsigmoid', 'affine', 'scaledtanh'].includes(n.toLowerCase());
  const mapped = list.map((n) => {
    const a = takes(n) ? alphas.shift() : undefined;
    const b = takesBeta(n) ? betas.shift() : undefined;
    const m = fromOnnx(n, a, b);
    if (!m) throw new UnsupportedConversionError(`${where}: activation ${n}${a !== undefined ? `(alpha ${a}${b !== undefined ? `, beta ${b}` : ''})` : ''} has no engine form`);
    return m;
  });
  const [f, g, h] = mapped;
  if (g !== h) throw new UnsupportedConversionError(`${where}: different cell (${g}) and output (${h}) activations are not supported`);
  if (D === 2 && mapped.slice(3).join() !== mapped.slice(0, 3).join()) {
    throw new UnsupportedConversionError(`${where}: different activations per direction are not supported`);
  }

  const w = tensorToFloat32(W), r = tensorToFloat32(R), b = B ? tensorToFloat32(B) : null;
  const dir = (d: number): LstmWeights =>
    tf.tidy(() => {
      const wd = tf.tensor2d(w.subarray(d * 4 * H * I, (d + 1) * 4 * H * I), [4 * H, I]);
      const rd = tf.tensor2d(r.subarray(d * 4 * H * H, (d + 1) * 4 * H * H), [4 * H, H]);
      const weights: LstmWeights = {
        kernel: tf.keep(tf.transpose(iofcToIfgo(wd))) as tf.Tensor2D,
        recurrentKernel: tf.keep(tf.transpose(iofcToIfgo(rd))) as tf.Tensor2D,
        bias: b ? (tf.keep(iofcToIfgo(tf.tensor1d(b.subarray(d * 8 * H, d * 8 * H + 4 * H))))) : null,
        recurrentBias: b ? (tf.keep(iofcToIfgo(tf.tensor1d(b.subarray(d * 8 * H + 4 * H, (d + 1) * 8 * H))))) : null,
      };
      return weights as unknown as tf.TensorContainer;
    }) as unknown as LstmWeights;
  const optional = (k: number) => node.input[k] || null;
  return {
    name, hiddenSize: H, inputSize: I, direction, layout, activation: g, recurrentActivation: f,
    forward: dir(0), backward: D === 2 ? dir(1) : null,
    sequenceLens: optional(4), initialH: optional(5), initialC: optional(6),
  };
}

/** Every LSTM node of a graph, read with {@link readOnnxLstm}, in graph order. */
export function readOnnxLstms(graph: GraphProto): OnnxLstmLayer[] {
  return graph.node.filter((n) => n.opType === 'LSTM').map((n) => readOnnxLstm(graph, n));
}
