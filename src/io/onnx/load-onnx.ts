/**
 * `io.loadOnnx` of LSTMs (`./load-onnx-module` adds GRU / RNN): the `LSTM` nodes of an ONNX model back into `nn.LSTM`s — models written by
 * `io.saveOnnx`, by `torch.onnx.export` (with or without constant folding, batch first,
 * bidirectional, initial states as inputs, unbatched), and other models whose LSTM layers are
 * joined by pure layout changes (see `src/onnx/trace.ts`).
 *
 * Per node, the attributes go through `adapters.onnxLstmAttributes` and the weights `W`, `R`,
 * `B`, `P` through `adapters.onnxToCanonical` (gate order i, o, f, c -> the engine's i, f, g, o).
 * The weights must be constants: initializers, `Constant` nodes, or what `Slice` / `Concat` /
 * `Unsqueeze` / ... compute from them (see `src/onnx/graph.ts`); weights given as graph inputs (as in
 * ONNX's own node tests) are read from `options.inputValues`.
 *
 * Refused with {@link UnsupportedConversionError} (naming the node): nonzero peepholes, `clip`,
 * `input_forget = 1`, a `reverse`-only node, activations other than sigmoid / tanh (for an
 * `nn.LSTM`; {@link readOnnxLstmStacks} returns other activations), weights computed at run
 * time, several stacks without `options.stack`, and initial states or `sequence_lens` that
 * `nn.LSTM.forward` cannot be given (a nonzero constant, a state computed from other nodes).
 * A malformed graph is an {@link OnnxFormatError}, a malformed file a `FileParseError`.
 *
 * Example:
 * ```ts
 * const lstm = io.loadOnnx(bytes);                 // nn.LSTM, batchFirst as in the file
 * const [output, [hN, cN]] = lstm.forward(x);
 * const stacks = io.readOnnxLstmStacks(bytes);     // every stack, canonical weights and details
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmStackConfig, OnnxLstmAttributes, disposeStack, onnxLstmAttributes, onnxToCanonical, stackConfig, stackToTorchStateDict } from '../../../adapters';
import { ActivationName, LstmStackLayer } from '../../engine';
import { checkRecordArg, describeValue } from '../../engine/internal';
import { ConfigError, LstmBridgeError, ShapeError, StateDictError, UnsupportedConversionError } from '../../errors';
import { LSTM } from '../../nn';
import {
  ConstValue, DataType, ModelProto, NodeProto, OnnxFormatError, OnnxGraph, SequenceForm, StackPlan, StateSource, TensorProto,
  attrInt, attrString, attribute, decodeModel, nodeLabel, planStacks, stackOutputs, stateSource, tensorToFloat32,
} from '../../onnx/internal';
import { RawTensor } from '../shared/dtypes';
import { ReadOptions, checkLimit, resolveLimits } from '../shared/limits';
import { graphLimitCheck } from './graph-limits';

/** A value for a graph input: a tfjs tensor, plain data, or a decoded ONNX `TensorProto`. */
export type OnnxInputValue = tf.Tensor | RawTensor | TensorProto;

/** Options of {@link loadOnnx} and {@link readOnnxLstmStacks}. */
export interface LoadOnnxOptions extends ReadOptions {
  /** Which stack to load when the model has several (their index in graph order). */
  readonly stack?: number;
  /**
   * Values of graph inputs that hold weights (`W`, `R`, `B`, `P` given as inputs, as in ONNX's
   * node tests), by input name. They also override initializers of the same name.
   */
  readonly inputValues?: Readonly<Record<string, OnnxInputValue>>;
}

/** A weight tensor of the file: its name and shape. */
export interface OnnxWeightInfo {
  readonly name: string;
  readonly shape: readonly number[];
}

/** One stack of LSTM nodes read from a model: what one `nn.LSTM` holds. */
export interface OnnxLstmStack {
  /** The LSTM nodes, bottom to top (names, or `(first output)` for unnamed nodes). */
  readonly nodes: readonly string[];
  readonly config: LstmStackConfig;
  /** Canonical weights, owned by the caller: free them with `disposeOnnxStacks`. */
  readonly layers: LstmStackLayer[];
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  /** The value `nn.LSTM`'s input corresponds to, whether it is a graph input, and its form. */
  readonly input: string;
  readonly inputIsGraphInput: boolean;
  readonly form: SequenceForm;
  /** Graph outputs equal to nn.LSTM's `output`, `h_n`, `c_n` (null when the model has none). */
  readonly output: string | null;
  readonly hN: string | null;
  readonly cN: string | null;
  /** Initial states: zeros, or graph inputs shaped (D·numLayers, N, H) like `h0` / `c0`. */
  readonly initialState: { readonly kind: 'zeros' } | { readonly kind: 'inputs'; readonly h0: string; readonly c0: string };
  /** The `sequence_lens` input all layers share, or null. */
  readonly sequenceLens: string | null;
  /** Per layer, the weight tensors as the file names them. */
  readonly weights: readonly { readonly W: OnnxWeightInfo; readonly R: OnnxWeightInfo; readonly B: OnnxWeightInfo | null }[];
  /** What `nn.LSTM.forward(input)` alone would not reproduce (`loadOnnx` refuses these). */
  readonly issues: readonly string[];
  /** Why neighbouring LSTM nodes are not part of this stack. */
  readonly notes: readonly string[];
}

/** Frees the canonical weights of stacks read by {@link readOnnxLstmStacks}. */
export function disposeOnnxStacks(stacks: readonly OnnxLstmStack[]): void {
  if (!Array.isArray(stacks)) throw new ConfigError(`io.disposeOnnxStacks: stacks expected an array of stacks from readOnnxLstmStacks, got ${describeValue(stacks)}`);
  stacks.forEach((s, k) => disposeStack(checkRecordArg<OnnxLstmStack>(s, `stacks[${k}]`, 'io.disposeOnnxStacks').layers));
}

function supplied(where: string, values: Readonly<Record<string, OnnxInputValue>> | undefined): Map<string, ConstValue> {
  const out = new Map<string, ConstValue>();
  if (values === undefined) return out;
  if (typeof values !== 'object' || values === null) throw new ConfigError(`${where}: inputValues expected an object of tensors by input name, got ${typeof values}`);
  for (const [name, v] of Object.entries(values)) {
    if (v instanceof tf.Tensor) {
      if (v.dtype !== 'float32' && v.dtype !== 'int32') throw new ConfigError(`${where}: inputValues['${name}'] expected float32 or int32, got ${v.dtype}`);
      out.set(name, { dims: [...v.shape], data: v.dtype === 'float32' ? Float32Array.from(v.dataSync()) : Float64Array.from(v.dataSync()), isFloat: v.dtype === 'float32' });
    } else if (v && typeof v === 'object' && 'dataType' in v && 'dims' in v) {
      if (v.dataType !== DataType.FLOAT && v.dataType !== DataType.DOUBLE && v.dataType !== DataType.FLOAT16) {
        throw new ConfigError(`${where}: inputValues['${name}'] expected a floating-point TensorProto, got data type ${v.dataType}`);
      }
      out.set(name, { dims: [...v.dims], data: tensorToFloat32(v), isFloat: true });
    } else if (v && typeof v === 'object' && 'values' in v && 'shape' in v) {
      const n = v.shape.reduce((a, b) => a * b, 1);
      if (v.values.length !== n) throw new ConfigError(`${where}: inputValues['${name}'] has ${v.values.length} values for shape [${v.shape.join(', ')}]`);
      out.set(name, { dims: [...v.shape], data: v.dtype === 'float32' ? Float32Array.from(v.values) : Float64Array.from(v.values), isFloat: v.dtype === 'float32' });
    } else {
      throw new ConfigError(`${where}: inputValues['${name}'] expected a tf.Tensor, {dtype, shape, values} or a TensorProto, got ${typeof v}`);
    }
  }
  return out;
}

/**
 * Rethrows a library error with `context` in front of its message. Shape and config errors
 * about what a file holds become {@link OnnxFormatError}s (the file is malformed); others keep
 * their class.
 */
export function inContext<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof LstmBridgeError)) throw e;
    const message = `${context}: ${e.message.replace(/^adapters\.\w+: /, '')}`;
    if (e instanceof ShapeError || e instanceof ConfigError) throw new OnnxFormatError(message);
    if (e instanceof StateDictError) throw new StateDictError(message, e.missingKeys, e.unexpectedKeys, e.shapeMismatches);
    const Ctor = e.constructor as new (m: string) => LstmBridgeError;
    throw new Ctor(message);
  }
}

function attributesOf(node: NodeProto): OnnxLstmAttributes {
  const a = (n: string) => attribute(node, n);
  const decoder = new TextDecoder();
  return {
    direction: attrString(node, 'direction'),
    hidden_size: attrInt(node, 'hidden_size'),
    activations: a('activations')?.strings?.map((s) => decoder.decode(s)),
    activation_alpha: a('activation_alpha')?.floats,
    activation_beta: a('activation_beta')?.floats,
    clip: a('clip')?.f,
    input_forget: attrInt(node, 'input_forget'),
    layout: attrInt(node, 'layout'),
  };
}

/**
 * Input `k` of a node as a float32 tensor (pushed on `made`, which the caller frees), or null
 * when the input is absent.
 * @throws UnsupportedConversionError for weights computed at run time or given as graph inputs
 *   without a value; OnnxFormatError for integer weights.
 */
export function nodeWeight(graph: OnnxGraph, node: NodeProto, k: number, what: string, label: string, made: tf.Tensor[]): { t: tf.Tensor; info: OnnxWeightInfo } | null {
  const name = node.input[k];
  if (!name) return null;
  const v = graph.constant(name);
  if (!v) {
    const hint = graph.isRuntimeInput(name) ? 'is a graph input without a value: pass its value in options.inputValues' : 'is computed when the model runs, not stored in the file';
    throw new UnsupportedConversionError(`${label}: ${what} '${name}' ${hint}`);
  }
  if (!v.isFloat) throw new OnnxFormatError(`${label}: ${what} '${name}' holds integers, expected floating-point weights`);
  const t = tf.tensor(v.data as Float32Array, [...v.dims], 'float32');
  made.push(t);
  return { t, info: { name, shape: v.dims } };
}

/** One node's weights as canonical directions, and where they came from. */
function readNode(graph: OnnxGraph, node: NodeProto, where: string) {
  const label = `${where}: LSTM '${nodeLabel(node)}'`;
  const options = inContext(label, () => onnxLstmAttributes(attributesOf(node)));
  if (options.direction === 'reverse') {
    throw new UnsupportedConversionError(`${label}: direction 'reverse' (one backward pass only) has no nn.LSTM form`);
  }
  const made: tf.Tensor[] = [];
  const value = (k: number, what: string) => nodeWeight(graph, node, k, what, label, made);
  try {
    const W = value(1, 'W');
    const R = value(2, 'R');
    if (!W || !R) throw new OnnxFormatError(`${label}: inputs W and R are required`);
    if (W.info.shape.length !== 3 || W.info.shape.some((d) => d < 1)) throw new OnnxFormatError(`${label}: W expected [D, 4H, I] with positive sizes, got ${JSON.stringify(W.info.shape)}`);
    const B = value(3, 'B');
    const P = value(7, 'P');
    const directions = inContext(label, () => onnxToCanonical({ W: W.t, R: R.t, B: B?.t ?? null, P: P?.t ?? null }));
    const H = directions[0].recurrentKernel.shape[0];
    if (options.hiddenSize !== null && options.hiddenSize !== H) {
      tf.dispose(directions as unknown as tf.TensorContainer);
      throw new OnnxFormatError(`${label}: hidden_size ${options.hiddenSize} does not match W ${JSON.stringify(W.info.shape)} (H = ${H})`);
    }
    return { options, directions, weights: { W: W.info, R: R.info, B: B?.info ?? null } };
  } finally {
    tf.dispose(made);
  }
}

function zerosLike(t: tf.Tensor1D): tf.Tensor1D {
  return tf.zeros(t.shape, 'float32');
}

/**
 * Where a stack's initial states come from, per state input `ks` (5 = initial_h, 6 = initial_c):
 * `null` for zeros, else the graph input each state is read from (rows [k·D, (k+1)·D) of one
 * (D·numLayers, N, H) input, as nn.LSTM / nn.GRU / nn.RNN take `h0` / `c0`), and the issues.
 */
export function initialStateInputs(graph: OnnxGraph, plan: StackPlan, D: number, where: string, ks: readonly (5 | 6)[]): { names: string[] | null; issues: string[] } {
  const sources = plan.nodes.map((n) => ks.map((k) => stateSource(graph, n, k, where)));
  const flat: StateSource[] = sources.flat();
  if (flat.every((s) => s.kind === 'zeros')) return { names: null, issues: [] };
  const issues = flat.flatMap((s) => (s.kind === 'other' ? [s.what] : []));
  if (issues.length) return { names: null, issues };
  const K = plan.nodes.length;
  const names: string[] = [];
  for (let j = 0; j < ks.length; j++) {
    const col = sources.map((s) => s[j]);
    const first = col[0];
    const ok = col.every((s, k) => {
      if (s.kind !== 'input' || first.kind !== 'input' || s.name !== first.name) return false;
      if (s.unsqueezed !== (plan.input.form === 'unbatched')) return false;
      return s.rows === null ? K === 1 : s.rows[0] === k * D && s.rows[1] === (k + 1) * D;
    });
    if (!ok || first.kind !== 'input') {
      const [input, arg] = ks[j] === 6 ? ['initial_c', 'c0'] : ['initial_h', 'h0'];
      return { names: null, issues: [`the ${input} inputs of the layers are not rows [k·D, (k+1)·D) of one (D·numLayers, N, H) graph input, as nn.LSTM's ${arg}`] };
    }
    names.push(first.name);
  }
  return { names, issues: [] };
}

/** The stack's initial states and the issues they raise. */
function initialStates(graph: OnnxGraph, plan: StackPlan, D: number, where: string): { state: OnnxLstmStack['initialState']; issues: string[] } {
  const { names, issues } = initialStateInputs(graph, plan, D, where, [5, 6]);
  return { state: names ? { kind: 'inputs', h0: names[0], c0: names[1] } : { kind: 'zeros' }, issues };
}

function readStack(graph: OnnxGraph, plan: StackPlan, where: string): OnnxLstmStack {
  const layers: LstmStackLayer[] = [];
  const weights: OnnxLstmStack['weights'][number][] = [];
  const acts = new Set<string>();
  try {
    for (const node of plan.nodes) {
      const r = readNode(graph, node, where);
      layers.push({ forward: r.directions[0], backward: r.directions[1] ?? null });
      weights.push(r.weights);
      for (const a of r.options.activations) acts.add(JSON.stringify([a.activation, a.recurrentActivation]));
    }
    const label = `${where}: LSTM ${plan.nodes.map((n) => `'${nodeLabel(n)}'`).join(', ')}`;
    if (acts.size > 1) throw new UnsupportedConversionError(`${label}: the layers or directions use different activations (${[...acts].join(', ')})`);
    // nn.LSTM has one bias flag: layers without B get zero biases when others have one.
    if (layers.some((l) => l.forward.bias) && layers.some((l) => !l.forward.bias)) {
      for (const l of layers) {
        for (const w of l.backward ? [l.forward, l.backward] : [l.forward]) {
          if (w.bias) continue;
          const mut = w as { bias: tf.Tensor1D | null; recurrentBias: tf.Tensor1D | null };
          const ref = layers.find((x) => x.forward.bias)!.forward.bias as tf.Tensor1D;
          mut.bias = zerosLike(ref);
          mut.recurrentBias = zerosLike(ref);
        }
      }
    }
    const config = inContext(label, () => stackConfig(layers, 'layers'));
    const [activation, recurrentActivation] = JSON.parse([...acts][0]) as [ActivationName, ActivationName];
    const { state, issues } = initialStates(graph, plan, config.bidirectional ? 2 : 1, where);
    const lens = new Set(plan.nodes.map((n) => n.input[4] ?? ''));
    const sequenceLens = lens.size === 1 ? [...lens][0] || null : null;
    if (lens.size > 1) issues.push('the layers do not share one sequence_lens input');
    const outputs = stackOutputs(graph, plan, where);
    return {
      nodes: plan.nodes.map(nodeLabel), config, layers, activation, recurrentActivation,
      input: plan.input.name, inputIsGraphInput: plan.input.isGraphInput, form: plan.input.form,
      ...outputs, initialState: state, sequenceLens, weights, issues, notes: plan.notes,
    };
  } catch (e) {
    disposeStack(layers);
    throw e;
  }
}

/** `source` decoded (bytes within the size caps), after checking `options`' keys. */
export function decodedModel(where: string, source: Uint8Array | ModelProto, options: LoadOnnxOptions): ModelProto {
  if (typeof options !== 'object' || options === null) throw new ConfigError(`${where}: options expected an object, got ${typeof options}`);
  const known = ['stack', 'inputValues', 'limits'];
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length) throw new ConfigError(`${where}: unknown option ${JSON.stringify(unknown[0])}; expected one of ${known.join(', ')}`);
  const limits = resolveLimits(options.limits);
  if (source instanceof Uint8Array) {
    checkLimit(where, 'file size in bytes', source.length, limits, 'maxFileBytes');
    return decodeModel(source, { maxBytes: limits.maxFileBytes, maxTensorElements: Math.floor(limits.maxTensorBytes / 4) });
  }
  if (source && typeof source === 'object' && 'graph' in source) return source;
  throw new ConfigError(`${where}: source expected the bytes of an .onnx file (Uint8Array) or a decoded ModelProto, got ${typeof source}`);
}

/** The indexed graph of `source` and its stacks of `op` nodes (`LSTM` by default). */
export function modelOf(where: string, source: Uint8Array | ModelProto, options: LoadOnnxOptions, op: 'LSTM' | 'GRU' | 'RNN' = 'LSTM'): { graph: OnnxGraph; plans: StackPlan[] } {
  const model = decodedModel(where, source, options);
  const graph = new OnnxGraph(model, where, graphLimitCheck(resolveLimits(options.limits)), supplied(where, options.inputValues));
  return { graph, plans: planStacks(graph, where, op) };
}

/**
 * Every stack of LSTM nodes in the model (an empty list when there is none), with canonical
 * weights (free them with {@link disposeOnnxStacks}) and what the file says about inputs,
 * outputs and states. Other activations than sigmoid / tanh are returned, not refused.
 */
export function readOnnxLstmStacks(source: Uint8Array | ModelProto, options: LoadOnnxOptions = {}): OnnxLstmStack[] {
  const where = 'io.readOnnxLstmStacks';
  const { graph, plans } = modelOf(where, source, options);
  const picked = options.stack === undefined ? plans : [plans[checkStackIndex(where, options.stack, plans)]];
  const out: OnnxLstmStack[] = [];
  try {
    for (const p of picked) out.push(readStack(graph, p, where));
  } catch (e) {
    disposeOnnxStacks(out);
    throw e;
  }
  return out;
}

export function checkStackIndex(where: string, stack: unknown, plans: readonly StackPlan[]): number {
  if (typeof stack !== 'number' || !Number.isInteger(stack) || stack < 0 || stack >= plans.length) {
    throw new ConfigError(`${where}: stack expected an integer in [0, ${plans.length - 1}], got ${JSON.stringify(stack)}`);
  }
  return stack;
}

/**
 * The `nn.LSTM` of an ONNX model's LSTM stack (see the module documentation); `io.loadOnnx`
 * (`./load-onnx-module`) with `kind: 'LSTM'`. `batchFirst`
 * follows the file (a `Transpose(1, 0, 2)` before the first layer, or `layout = 1`).
 * @throws UnsupportedConversionError, OnnxFormatError, FileParseError, ConfigError.
 */
export function loadOnnxLstm(source: Uint8Array | ModelProto, options: LoadOnnxOptions = {}, where = 'io.loadOnnx'): LSTM {
  const { graph, plans } = modelOf(where, source, options);
  if (plans.length === 0) {
    const ops = [...new Set(graph.graph.node.map((n) => n.opType))].slice(0, 12).join(', ');
    throw new UnsupportedConversionError(`${where}: the model has no LSTM node (ops: ${ops || 'none'})`);
  }
  if (plans.length > 1 && options.stack === undefined) {
    const list = plans.map((p, k) => `${k}: ${p.nodes.map((n) => `'${nodeLabel(n)}'`).join(' -> ')}`).join('; ');
    const why = plans.slice(1).flatMap((p) => p.notes.filter((n) => n.startsWith('not joined'))).slice(0, 3).join('; ');
    throw new UnsupportedConversionError(`${where}: the model's LSTM nodes are not chained into one nn.LSTM but form ${plans.length} stacks (${list})${why ? ` — ${why}` : ''}; choose one with options.stack`);
  }
  const plan = plans[options.stack === undefined ? 0 : checkStackIndex(where, options.stack, plans)];
  const stack = readStack(graph, plan, where);
  try {
    const label = `${where}: LSTM ${stack.nodes.map((n) => `'${n}'`).join(', ')}`;
    if (stack.activation !== 'tanh' || stack.recurrentActivation !== 'sigmoid') {
      throw new UnsupportedConversionError(`${label}: activations ${stack.recurrentActivation} / ${stack.activation}; nn.LSTM computes sigmoid / tanh only (io.readOnnxLstmStacks reads the weights anyway)`);
    }
    if (stack.issues.length) {
      throw new UnsupportedConversionError(`${label}: nn.LSTM.forward cannot reproduce the model: ${stack.issues.join('; ')} (io.readOnnxLstmStacks reads the weights anyway)`);
    }
    const sd = stackToTorchStateDict(stack.layers);
    try {
      return LSTM.fromStateDict(sd, { prefix: '', batchFirst: stack.form === 'batch-first' });
    } finally {
      tf.dispose(Object.values(sd));
    }
  } finally {
    disposeStack(stack.layers);
  }
}

