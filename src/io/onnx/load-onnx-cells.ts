/**
 * `io.loadOnnxRecurrent` / `io.readOnnxRecurrentStacks`: the `GRU` and `RNN` nodes of an ONNX
 * model back into the engine's canonical stacks (what `engine.gruStack` / `engine.rnnStack`,
 * `runtime.gruStackAsync` / `rnnStackAsync` run) — models written by `io.saveOnnxStack` with
 * `cell: 'gru' | 'rnn'`, by `torch.onnx.export` of `nn.GRU` / `nn.RNN` (1 or more layers,
 * bidirectional, batch_first, h0 as an input, with or without constant folding), and other models
 * whose layers are joined by pure layout changes (the tracing of `src/onnx/trace.ts`, as for LSTMs).
 *
 * Legend: D = directions, H = hidden_size, I = input size of the layer.
 *
 * | ONNX | read as |
 * |---|---|
 * | `GRU` `W` (D, 3H, I), `R` (D, 3H, H), `B` (D, 6H), gates z, r, h | canonical kernel (I, 3H), recurrentKernel (H, 3H), bias / recurrentBias (3H), gates **r, z, n** (`src/onnx/cell-weights.ts`) |
 * | `GRU` `linear_before_reset` 1 / 0 (default 0) | `resetAfter` true (PyTorch) / false (Keras reset_after=False) |
 * | `GRU` `activations` f, g per direction (default Sigmoid, Tanh) | `recurrentActivation`, `activation` |
 * | `RNN` `W` (D, H, I), `R` (D, H, H), `B` (D, 2H) | kernel (I, H), recurrentKernel (H, H), biases (H) |
 * | `RNN` `activations` per direction (default Tanh) | `activation` (PyTorch `nonlinearity` tanh / relu) |
 *
 * Refused (UnsupportedConversionError naming the node): `clip`, a `reverse`-only node,
 * activations the engine has not, directions or layers with different activations, weights
 * computed at run time; {@link loadOnnxRecurrent} also refuses several stacks without
 * `options.stack` and what `gruStack(x, layers, { h0 })` alone does not reproduce (`issues`).
 *
 * Example:
 * ```ts
 * const gru = io.loadOnnxRecurrent(bytes);   // { kind: 'gru', layers, resetAfter, activation, batchFirst, ... }
 * const { output, h } = engine.gruStack(x, gru.layers, { resetAfter: gru.resetAfter, activation: gru.activation });
 * io.disposeOnnxRecurrentStacks([gru]);
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, CellWeights, GruStackLayer, StackLayer } from '../../engine';
import { checkRecordArg, describeValue } from '../../engine/internal';
import { ConfigError, UnsupportedConversionError } from '../../errors';
import {
  ModelProto, NodeProto, ONNX_ACTIVATION_PARAMS, ONNX_CELL_KINDS, OnnxFormatError, OnnxGraph, READABLE_ONNX_ACTIVATIONS, SequenceForm, StackPlan,
  attrInt, attrString, attribute, directionsOf, engineActivation, nodeLabel, onnxCellWeightsToCanonical, planStacks, stackOutputs,
} from '../../onnx/internal';
import { LoadOnnxOptions, OnnxWeightInfo, checkStackIndex, inContext, initialStateInputs, modelOf, nodeWeight } from './load-onnx';

/** A stack of ONNX `GRU` or `RNN` nodes read from a model. */
export interface OnnxRecurrentStack {
  /** `'gru'` for `GRU` nodes (run with `engine.gruStack`), `'rnn'` for `RNN` nodes (`engine.rnnStack`). */
  readonly kind: 'gru' | 'rnn';
  /** The nodes, bottom to top (names, or `(first output)` for unnamed nodes). */
  readonly nodes: readonly string[];
  /** Canonical weights (GRU gates r, z, n), owned by the caller: free them with {@link disposeOnnxRecurrentStacks}. */
  readonly layers: GruStackLayer[];
  /** K, the number of nodes. */
  readonly numLayers: number;
  /** D = 2 (`direction="bidirectional"`). */
  readonly bidirectional: boolean;
  /** I of the first layer. */
  readonly inputSize: number;
  /** H (`hidden_size`). */
  readonly hiddenSize: number;
  /** GRU: `linear_before_reset` = 1 (PyTorch); null for an RNN. */
  readonly resetAfter: boolean | null;
  /** φ: the GRU's candidate activation, the RNN's nonlinearity (tanh, relu, ...). */
  readonly activation: ActivationName;
  /** GRU: the gates' activation (σ); null for an RNN. */
  readonly recurrentActivation: ActivationName | null;
  /** The value the stack's input corresponds to, whether it is a graph input, and its form. */
  readonly input: string;
  /** Whether {@link OnnxRecurrentStack.input} is a run-time graph input. */
  readonly inputIsGraphInput: boolean;
  /** The input's layout: time-major, batch-first or unbatched. */
  readonly form: SequenceForm;
  /** True when the input is (N, L, ·) (a Transpose before the first layer, or layout = 1). */
  readonly batchFirst: boolean;
  /** Graph outputs equal to the stack's `output` and `h_n` (null when the model has none). */
  readonly output: string | null;
  /** The graph output equal to `h_n` (D·K, N, H), or null. */
  readonly hN: string | null;
  /** Initial state: zeros, or a graph input shaped (D·numLayers, N, H), row `layer·D + direction`. */
  readonly initialState: { readonly kind: 'zeros' } | { readonly kind: 'input'; readonly h0: string };
  /** The `sequence_lens` input all layers share, or null. */
  readonly sequenceLens: string | null;
  /** Per layer, the weight tensors as the file names them. */
  readonly weights: readonly { readonly W: OnnxWeightInfo; readonly R: OnnxWeightInfo; readonly B: OnnxWeightInfo | null }[];
  /** What the stack call alone would not reproduce ({@link loadOnnxRecurrent} refuses these). */
  readonly issues: readonly string[];
  /** Why neighbouring nodes are not part of this stack. */
  readonly notes: readonly string[];
}

/** Frees the canonical weights of stacks read by {@link readOnnxRecurrentStacks} / {@link loadOnnxRecurrent}. */
export function disposeOnnxRecurrentStacks(stacks: readonly OnnxRecurrentStack[]): void {
  if (!Array.isArray(stacks)) throw new ConfigError(`io.disposeOnnxRecurrentStacks: stacks expected an array of stacks, got ${describeValue(stacks)}`);
  stacks.forEach((s, k) => {
    const layers = checkRecordArg<OnnxRecurrentStack>(s, `stacks[${k}]`, 'io.disposeOnnxRecurrentStacks').layers;
    if (!Array.isArray(layers)) throw new ConfigError(`io.disposeOnnxRecurrentStacks: stacks[${k}].layers expected an array of canonical layers, got ${describeValue(layers)}`);
    const tensors: tf.Tensor[] = [];
    for (const l of layers) {
      if (!l || typeof l !== 'object') continue;
      for (const w of [l.forward, l.backward]) if (w && typeof w === 'object') for (const t of [w.kernel, w.recurrentKernel, w.bias, w.recurrentBias]) if (t instanceof tf.Tensor) tensors.push(t);
    }
    tf.dispose(tensors);
  });
}

/** A node's activations, per direction: [f, g] for a GRU, [g] for an RNN (ONNX's defaults when absent). */
function activationsOf(node: NodeProto, op: 'GRU' | 'RNN', D: number, label: string): ActivationName[] {
  const perDirection = op === 'GRU' ? 2 : 1;
  const decoder = new TextDecoder();
  const names = attribute(node, 'activations')?.strings?.map((s) => decoder.decode(s)) ?? (op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh']);
  if (names.length !== perDirection && names.length !== perDirection * D) {
    throw new OnnxFormatError(`${label}: activations expected ${perDirection} or ${perDirection * D} names, got ${names.length}`);
  }
  const alphas = [...(attribute(node, 'activation_alpha')?.floats ?? [])];
  const betas = [...(attribute(node, 'activation_beta')?.floats ?? [])];
  const all = (names.length === perDirection ? Array.from({ length: D }, () => names).flat() : names).map((name) => {
    const params = ONNX_ACTIVATION_PARAMS[name];
    if (!params) throw new OnnxFormatError(`${label}: unknown activation '${name}'`);
    const alpha = params.alpha === undefined ? undefined : alphas.length ? alphas.shift() : params.alpha;
    const beta = params.beta === undefined ? undefined : betas.length ? betas.shift() : params.beta;
    const a = engineActivation(name, alpha, beta);
    if (!a) throw new UnsupportedConversionError(`${label}: activation ${name}(${[alpha, beta].filter((v) => v !== undefined).join(', ')}) has no engine form (readable: ${READABLE_ONNX_ACTIVATIONS})`);
    return a;
  });
  for (let d = 1; d < D; d++) {
    if (all.slice(d * perDirection, (d + 1) * perDirection).join() !== all.slice(0, perDirection).join()) {
      throw new UnsupportedConversionError(`${label}: the directions use different activations (${all.join(', ')})`);
    }
  }
  return all.slice(0, perDirection);
}

function readNode(graph: OnnxGraph, node: NodeProto, op: 'GRU' | 'RNN', where: string) {
  const label = `${where}: ${op} '${nodeLabel(node)}'`;
  const direction = attrString(node, 'direction') ?? 'forward';
  if (direction === 'reverse') throw new UnsupportedConversionError(`${label}: direction 'reverse' (one backward pass only) has no stack form`);
  if (direction !== 'forward' && direction !== 'bidirectional') throw new OnnxFormatError(`${label}: direction expected forward, reverse or bidirectional, got '${direction}'`);
  if (attribute(node, 'clip')) throw new UnsupportedConversionError(`${label}: clip (cell clipping) is not computed by the engine`);
  const D = directionsOf(node);
  const activations = activationsOf(node, op, D, label);
  const lbr = attrInt(node, 'linear_before_reset') ?? 0;
  if (lbr !== 0 && lbr !== 1) throw new OnnxFormatError(`${label}: linear_before_reset expected 0 or 1, got ${lbr}`);
  const G = ONNX_CELL_KINDS[op].gates;
  const gh = G === 1 ? 'H' : `${G}H`;
  const made: tf.Tensor[] = [];
  try {
    const W = nodeWeight(graph, node, 1, 'W', label, made);
    const R = nodeWeight(graph, node, 2, 'R', label, made);
    if (!W || !R) throw new OnnxFormatError(`${label}: inputs W and R are required`);
    const [Dw, GH, I] = W.info.shape;
    const H = GH / G;
    if (W.info.shape.length !== 3 || Dw !== D || !Number.isInteger(H) || H < 1 || I < 1) {
      throw new OnnxFormatError(`${label}: W expected [${D}, ${gh}, I] with positive sizes, got ${JSON.stringify(W.info.shape)}`);
    }
    if (JSON.stringify(R.info.shape) !== JSON.stringify([D, GH, H])) throw new OnnxFormatError(`${label}: R expected ${JSON.stringify([D, GH, H])}, got ${JSON.stringify(R.info.shape)}`);
    const B = nodeWeight(graph, node, 3, 'B', label, made);
    if (B && JSON.stringify(B.info.shape) !== JSON.stringify([D, 2 * GH])) throw new OnnxFormatError(`${label}: B expected ${JSON.stringify([D, 2 * GH])}, got ${JSON.stringify(B.info.shape)}`);
    const hs = attrInt(node, 'hidden_size');
    if (hs !== undefined && hs !== H) throw new OnnxFormatError(`${label}: hidden_size ${hs} does not match W ${JSON.stringify(W.info.shape)} (H = ${H})`);
    const directions = inContext(label, () => onnxCellWeightsToCanonical(op, { W: W.t, R: R.t, B: B?.t ?? null }));
    return { directions, activations, resetAfter: lbr === 1, I, H, weights: { W: W.info, R: R.info, B: B?.info ?? null } };
  } finally {
    tf.dispose(made);
  }
}

function readStack(graph: OnnxGraph, plan: StackPlan, op: 'GRU' | 'RNN', where: string): OnnxRecurrentStack {
  const layers: StackLayer<CellWeights>[] = [];
  const weights: OnnxRecurrentStack['weights'][number][] = [];
  const label = `${where}: ${op} ${plan.nodes.map((n) => `'${nodeLabel(n)}'`).join(', ')}`;
  try {
    const read = plan.nodes.map((node) => {
      const r = readNode(graph, node, op, where);
      layers.push({ forward: r.directions[0], backward: r.directions[1] ?? null });
      weights.push(r.weights);
      return r;
    });
    const acts = new Set(read.map((r) => r.activations.join('/')));
    if (acts.size > 1) throw new UnsupportedConversionError(`${label}: the layers use different activations (${[...acts].join(', ')})`);
    const D = layers[0].backward ? 2 : 1;
    const { names, issues } = initialStateInputs(graph, plan, D, where, [5]);
    const lens = new Set(plan.nodes.map((n) => n.input[4] ?? ''));
    const sequenceLens = lens.size === 1 ? [...lens][0] || null : null;
    if (lens.size > 1) issues.push('the layers do not share one sequence_lens input');
    if (sequenceLens) issues.push(`sequence_lens '${sequenceLens}' is a run-time input (pass it as the stack call's lengths)`);
    const { output, hN } = stackOutputs(graph, plan, where);
    const first = read[0];
    return {
      kind: op === 'GRU' ? 'gru' : 'rnn', nodes: plan.nodes.map(nodeLabel), layers, numLayers: layers.length, bidirectional: D === 2,
      inputSize: first.I, hiddenSize: first.H,
      resetAfter: op === 'GRU' ? first.resetAfter : null,
      activation: op === 'GRU' ? first.activations[1] : first.activations[0],
      recurrentActivation: op === 'GRU' ? first.activations[0] : null,
      input: plan.input.name, inputIsGraphInput: plan.input.isGraphInput, form: plan.input.form, batchFirst: plan.input.form === 'batch-first',
      output, hN, initialState: names ? { kind: 'input', h0: names[0] } : { kind: 'zeros' }, sequenceLens, weights, issues, notes: plan.notes,
    };
  } catch (e) {
    disposeOnnxRecurrentStacks([{ layers } as unknown as OnnxRecurrentStack]);
    throw e;
  }
}

function plansOf(where: string, source: Uint8Array | ModelProto, options: LoadOnnxOptions): { graph: OnnxGraph; plans: { plan: StackPlan; op: 'GRU' | 'RNN' }[] } {
  const { graph, plans } = modelOf(where, source, options, 'GRU');
  const rnn = planStacks(graph, where, 'RNN');
  return { graph, plans: [...plans.map((plan) => ({ plan, op: 'GRU' as const })), ...rnn.map((plan) => ({ plan, op: 'RNN' as const }))] };
}

/**
 * Every stack of `GRU` nodes, then of `RNN` nodes, in the model (an empty list when there is
 * none), with canonical weights (free them with {@link disposeOnnxRecurrentStacks}).
 */
export function readOnnxRecurrentStacks(source: Uint8Array | ModelProto, options: LoadOnnxOptions = {}): OnnxRecurrentStack[] {
  const where = 'io.readOnnxRecurrentStacks';
  const { graph, plans } = plansOf(where, source, options);
  const picked = options.stack === undefined ? plans : [plans[checkStackIndex(where, options.stack, plans.map((p) => p.plan))]];
  const out: OnnxRecurrentStack[] = [];
  try {
    for (const p of picked) out.push(readStack(graph, p.plan, p.op, where));
  } catch (e) {
    disposeOnnxRecurrentStacks(out);
    throw e;
  }
  return out;
}

/**
 * The one GRU or RNN stack of a model (choose with `options.stack` when there are several), as
 * canonical weights and the call options that reproduce it (see the module documentation).
 * @throws UnsupportedConversionError, OnnxFormatError, FileParseError, ConfigError.
 */
export function loadOnnxRecurrent(source: Uint8Array | ModelProto, options: LoadOnnxOptions = {}): OnnxRecurrentStack {
  const where = 'io.loadOnnxRecurrent';
  const { graph, plans } = plansOf(where, source, options);
  if (plans.length === 0) {
    const ops = [...new Set(graph.graph.node.map((n) => n.opType))].slice(0, 12).join(', ');
    throw new UnsupportedConversionError(`${where}: the model has no GRU or RNN node (ops: ${ops || 'none'})`);
  }
  if (plans.length > 1 && options.stack === undefined) {
    const list = plans.map((p, k) => `${k}: ${p.op} ${p.plan.nodes.map((n) => `'${nodeLabel(n)}'`).join(' -> ')}`).join('; ');
    throw new UnsupportedConversionError(`${where}: the model's GRU / RNN nodes form ${plans.length} stacks (${list}); choose one with options.stack`);
  }
  const p = plans[options.stack === undefined ? 0 : checkStackIndex(where, options.stack, plans.map((q) => q.plan))];
  const stack = readStack(graph, p.plan, p.op, where);
  if (stack.issues.length) {
    disposeOnnxRecurrentStacks([stack]);
    throw new UnsupportedConversionError(`${where}: ${p.op} ${stack.nodes.map((n) => `'${n}'`).join(', ')}: the stack call cannot reproduce the model: ${stack.issues.join('; ')} (io.readOnnxRecurrentStacks reads the weights anyway)`);
  }
  return stack;
}
