/**
 * A Keras model config (Sequential or Functional, Keras 1 to 3) -> a tfjs-layers `LayersModel`
 * whose LSTM / Bidirectional layers are the Keras facade's (see `./layer-build`).
 *
 * Sequential: `config` is the layer list (Keras 1/2) or `{name, layers}`; the first layer's
 * `batch_input_shape` (or a leading `InputLayer`) becomes the model's input.
 *
 * Functional (`Model`, `Functional`): layers with `inbound_nodes`, wired here node by node:
 * - Keras 1/2: each node a list of `[layer, node_index, tensor_index, kwargs]`;
 * - Keras 3: each node `{args, kwargs}`, tensors as `{class_name: '__keras_tensor__', config:
 *   {keras_history: [layer, node_index, tensor_index]}}`; `initial_state` tensors go to the LSTM
 *   as extra inputs; `training: false` / `mask: null` are dropped;
 * - Keras 3 writes `Embedding(mask_zero=True)` feeding a recurrent layer as a `NotEqual(x, 0)`
 *   op whose output is passed as `mask=`. tfjs-layers computes that same mask from the
 *   Embedding and hands it on by itself, so the op is dropped once it is checked that the mask
 *   is `x != 0` for the very input `x` of an `Embedding(mask_zero=True)` whose output reaches the
 *   layer through layers that pass masks on; anything else is an error.
 * Layers are applied when their inputs exist; `input_layers` / `output_layers` (a list of
 * `[layer, node, tensor]`, or one such triple in Keras 3) give the model's ends.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';

import { LstmBridgeError } from '../errors';
import { KerasFormatError } from './errors';
import { Json, JsonObject, isObject, show } from './json';
import {
  BuiltLayer,
  InputSpec,
  ModelContext,
  RecurrentInfo,
  buildLayer,
  inputLayerSpec,
  layerContext,
  layerEntry,
  passesMask,
  takeInputSpec,
} from './layer-build';
import { layerError } from './objects';
import { SizeCheck, checkBuildBudget } from './weight-budget';

/** Most layers in one model config. */
const MAX_LAYERS = 10_000;
/** Most inbound nodes of one layer. */
const MAX_NODES = 1_000;

/** What {@link buildModel} returns. */
export interface BuiltModel {
  readonly model: tfl.LayersModel;
  /** Recurrent layers by name, with what their weights need. */
  readonly recurrent: ReadonlyMap<string, RecurrentInfo>;
}

function fail(m: ModelContext, message: string): never {
  throw new KerasFormatError(`${m.where}: ${message}`);
}

/** Runs `fn`, turning a tfjs-layers error into one naming the layer. */
function guarded<T>(m: ModelContext, name: string, className: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LstmBridgeError) throw e;
    return layerError(layerContext(m, name, className), `${what} failed (${e instanceof Error ? e.message : String(e)})`);
  }
}

function modelName(config: Json): string | undefined {
  return isObject(config) && typeof config.name === 'string' ? config.name : undefined;
}

/** Builds the model a Keras `model_config` describes; `checkSize` enforces the caller's size caps. */
export function buildModel(m: ModelContext, modelConfig: unknown, checkSize: SizeCheck): BuiltModel {
  if (!isObject(modelConfig) || typeof modelConfig.class_name !== 'string') {
    fail(m, `model config expected {class_name, config}, got ${show(modelConfig)}`);
  }
  const { class_name: className, config } = modelConfig;
  if (className !== 'Sequential' && className !== 'Model' && className !== 'Functional') {
    fail(m, `model class ${show(className)} is not supported (Sequential, Model, Functional)`);
  }
  const created: tfl.layers.Layer[] = [];
  try {
    return className === 'Sequential' ? buildSequential(m, config, checkSize, created) : buildFunctional(m, config, checkSize, created);
  } catch (e) {
    // Layers built before the failure hold variables: free them.
    for (const l of created) disposeQuietly(l);
    if (e instanceof LstmBridgeError) throw e;
    // Whatever tfjs-layers refuses outside a guarded step (an input name it does not accept,
    // ...) comes from the file's config: a typed error, not tfjs' own.
    return fail(m, `tfjs-layers cannot build the model (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Frees a layer's variables during error cleanup (a layer never applied has none). */
function disposeQuietly(layer: tfl.layers.Layer): void {
  if (!layer.built || (layer as unknown as { _refCount: number | null })._refCount === null) return;
  layer.dispose();
}

function buildSequential(m: ModelContext, config: Json, checkSize: SizeCheck, created: tfl.layers.Layer[]): BuiltModel {
  const entries = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(entries) || entries.length === 0) fail(m, `Sequential config expected a non-empty layer list, got ${show(config)}`);
  if (entries.length > MAX_LAYERS) fail(m, `Sequential config has ${entries.length} layers, more than ${MAX_LAYERS}`);
  const layers: tfl.layers.Layer[] = [];
  const recurrent = new Map<string, RecurrentInfo>();
  const total = { bytes: 0 };
  let shape: (number | null)[] | null = null;
  let declared: InputSpec | null = null;
  entries.forEach((raw, k) => {
    const { className, config: layerConfig } = layerEntry(m, raw, k);
    const name = typeof layerConfig.name === 'string' ? layerConfig.name : `layer_${k}`;
    const ctx = layerContext(m, name, className);
    if (className === 'InputLayer') {
      if (k !== 0) layerError(ctx, 'an InputLayer is only supported as the first layer of a Sequential model');
      declared = inputLayerSpec(ctx, layerConfig);
      return;
    }
    const { config: rest, input } = takeInputSpec(ctx, layerConfig);
    let batchInputShape: (number | null)[] | null = null;
    if (shape === null) {
      const built = buildInputShape(config);
      const spec: InputSpec | null = declared ?? input ?? (built ? { batchShape: built, dtype: 'float32' } : null);
      if (!spec) layerError(ctx, 'the first layer declares no batch_input_shape, so the model input is unknown');
      // Like Keras, the input is the first layer's; an Embedding casts float ids itself, other
      // non-float inputs need an InputLayer (tfjs would give the layer's weights that dtype).
      if (spec.dtype === 'float32' || className === 'Embedding') batchInputShape = spec.batchShape;
      else layers.push(tfl.layers.inputLayer({ batchInputShape: spec.batchShape, dtype: spec.dtype as 'int32', name: `${name}_input` }));
      shape = spec.batchShape;
    }
    const built = buildLayer(m, className, rest, batchInputShape);
    created.push(built.layer);
    if (built.recurrent) recurrent.set(built.layer.name, built.recurrent);
    checkBuildBudget(m.where, built.layer, shape!, checkSize, total);
    shape = guarded(m, name, className, 'computing its output shape', () => built.layer.computeOutputShape(shape!)) as (number | null)[];
    layers.push(built.layer);
  });
  const model = guarded(m, modelName(config) ?? 'sequential', 'Sequential', 'assembling the model', () => {
    const s = tfl.sequential({ name: modelName(config) });
    for (const l of layers) s.add(l);
    return s;
  });
  return { model, recurrent };
}

/** Keras 2 (tf.keras) Sequential configs may carry `build_input_shape` instead of a first-layer shape. */
function buildInputShape(config: Json): (number | null)[] | null {
  const s = isObject(config) ? config.build_input_shape : undefined;
  return Array.isArray(s) && s.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 0)) ? (s as (number | null)[]) : null;
}

interface TensorRef {
  readonly layer: string;
  readonly node: number;
  readonly tensor: number;
}

/** An argument structure: a tensor reference, a constant, or lists of them. */
type Arg = TensorRef | Json | Arg[];

interface NodeSpec {
  readonly args: Arg[];
  readonly kwargs: JsonObject;
}

/** The output of a dropped `NotEqual(x, value)` op. */
interface MaskMarker {
  readonly maskOf: TensorRef;
  readonly value: Json;
}

interface Producer {
  readonly built: BuiltLayer | null;
  readonly config: JsonObject;
  readonly inputs: TensorRef[];
}

const key = (r: TensorRef) => `${r.layer}\u0000${r.node}\u0000${r.tensor}`;

function isRef(a: unknown): a is TensorRef {
  return typeof a === 'object' && a !== null && 'layer' in a && 'node' in a && 'tensor' in a && !Array.isArray(a);
}

function refFromTriple(m: ModelContext, v: Json, what: string): TensorRef {
  if (!Array.isArray(v) || v.length < 3 || typeof v[0] !== 'string' || !Number.isInteger(v[1]) || !Number.isInteger(v[2])) {
    fail(m, `${what} expected [layer, node_index, tensor_index], got ${show(v)}`);
  }
  return { layer: v[0] as string, node: v[1] as number, tensor: v[2] as number };
}

/** Keras 3 `{class_name: '__keras_tensor__', config: {keras_history}}` -> a reference; constants as they are. */
function parseArg(m: ModelContext, v: Json, depth = 0): Arg {
  if (depth > 8) fail(m, 'inbound node arguments nested too deeply');
  if (isObject(v) && v.class_name === '__keras_tensor__') {
    const history = isObject(v.config) ? v.config.keras_history : undefined;
    return refFromTriple(m, history ?? null, 'keras_history');
  }
  if (Array.isArray(v)) return v.map((x) => parseArg(m, x, depth + 1));
  return v;
}

/** A layer's inbound nodes in one form, whatever the Keras version. */
function parseNodes(m: ModelContext, name: string, nodes: Json | undefined): NodeSpec[] {
  if (nodes === undefined || nodes === null) return [];
  if (!Array.isArray(nodes)) fail(m, `layer '${name}' inbound_nodes expected a list, got ${show(nodes)}`);
  if (nodes.length > MAX_NODES) fail(m, `layer '${name}' has ${nodes.length} inbound nodes, more than ${MAX_NODES}`);
  return nodes.map((node) => {
    if (isObject(node)) {
      const args = Array.isArray(node.args) ? node.args.map((a) => parseArg(m, a)) : fail(m, `layer '${name}' node expected args: [...]`);
      const kwargs = node.kwargs === undefined ? {} : isObject(node.kwargs) ? node.kwargs : fail(m, `layer '${name}' node kwargs expected an object`);
      return { args, kwargs: Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k, parseArg(m, v) as Json])) };
    }
    if (!Array.isArray(node) || node.length === 0) fail(m, `layer '${name}' inbound node expected a list of inputs, got ${show(node)}`);
    const refs = node.map((entry) => refFromTriple(m, entry, `layer '${name}' inbound node entry`));
    const kw = (node[0] as Json[])[3];
    const kwargs = kw === undefined || kw === null ? {} : isObject(kw) ? kw : fail(m, `layer '${name}' inbound node kwargs expected an object`);
    return { args: [refs.length === 1 ? refs[0] : refs], kwargs };
  });
}

function refsIn(a: Arg): TensorRef[] {
  if (isRef(a)) return [a];
  if (Array.isArray(a)) return a.flatMap(refsIn);
  return [];
}

/** The model ends (`input_layers` / `output_layers`): a list of triples, or one triple (Keras 3). */
function ends(m: ModelContext, v: Json | undefined, what: string): TensorRef[] {
  if (!Array.isArray(v) || v.length === 0) fail(m, `${what} expected a non-empty list, got ${show(v)}`);
  if (typeof v[0] === 'string') return [refFromTriple(m, v, what)];
  return v.map((t) => refFromTriple(m, t, what));
}

function buildFunctional(m: ModelContext, config: Json, checkSize: SizeCheck, created: tfl.layers.Layer[]): BuiltModel {
  if (!isObject(config) || !Array.isArray(config.layers)) fail(m, `functional config expected {layers: [...]}, got ${show(config)}`);
  const entries = config.layers as Json[];
  if (entries.length > MAX_LAYERS) fail(m, `model config has ${entries.length} layers, more than ${MAX_LAYERS}`);
  const tensors = new Map<string, SymbolicTensor | MaskMarker>();
  const producers = new Map<string, Producer>();
  const recurrent = new Map<string, RecurrentInfo>();
  const built = new Map<string, BuiltLayer | 'not_equal' | 'input'>();
  const pending: { name: string; className: string; config: JsonObject; index: number; node: NodeSpec }[] = [];
  const total = { bytes: 0 };

  entries.forEach((raw, k) => {
    const { className, config: layerConfig, entry } = layerEntry(m, raw, k);
    const name = typeof entry.name === 'string' ? entry.name : typeof layerConfig.name === 'string' ? layerConfig.name : null;
    const ctx = layerContext(m, name, className);
    if (name === null) layerError(ctx, 'entry has no name');
    if (built.has(name)) layerError(ctx, 'the name appears twice in the model config');
    if (className === 'InputLayer') {
      const spec: InputSpec = inputLayerSpec(ctx, layerConfig);
      const t = tfl.input({ batchShape: spec.batchShape, dtype: spec.dtype as 'float32', name });
      tensors.set(key({ layer: name, node: 0, tensor: 0 }), t);
      built.set(name, 'input');
      return;
    }
    const nodes = parseNodes(m, name, entry.inbound_nodes);
    if (className === 'NotEqual') {
      built.set(name, 'not_equal');
    } else {
      const b = buildLayer(m, className, takeInputSpec(ctx, layerConfig).config);
      created.push(b.layer);
      built.set(name, b);
      if (b.recurrent) recurrent.set(name, b.recurrent);
    }
    nodes.forEach((node, index) => pending.push({ name, className, config: layerConfig, index, node }));
  });

  const resolve = (r: TensorRef) => tensors.get(key(r));
  let progress = true;
  while (pending.length > 0 && progress) {
    progress = false;
    for (let k = 0; k < pending.length; k++) {
      const p = pending[k];
      const refs = [...p.node.args.flatMap(refsIn), ...Object.values(p.node.kwargs).flatMap((v) => refsIn(v as Arg))];
      if (!refs.every((r) => tensors.has(key(r)))) continue;
      pending.splice(k--, 1);
      progress = true;
      const b = built.get(p.name) as BuiltLayer | 'not_equal';
      const out = { layer: p.name, node: p.index, tensor: 0 };
      if (b === 'not_equal') {
        const [x, value] = p.node.args;
        if (!isRef(x) || p.node.args.length !== 2) layerError(layerContext(m, p.name, 'NotEqual'), `expected args [tensor, value], got ${show(p.node.args)}`);
        tensors.set(key(out), { maskOf: x, value: value as Json });
        continue;
      }
      applyNode(m, p.name, b, p.node, resolve, producers, p.config, out, tensors, checkSize, total);
    }
  }
  if (pending.length > 0) {
    const p = pending[0];
    const missing = [...p.node.args.flatMap(refsIn)].find((r) => !tensors.has(key(r)));
    fail(m, `layer '${p.name}' node ${p.index} needs '${missing?.layer}' node ${missing?.node} output ${missing?.tensor}, which no layer produces`);
  }
  const pick = (refs: TensorRef[], what: string) =>
    refs.map((r) => {
      const t = resolve(r);
      if (!t || !(t instanceof tfl.SymbolicTensor)) fail(m, `${what} names '${r.layer}' node ${r.node} output ${r.tensor}, which the model does not produce`);
      return t;
    });
  const inputs = pick(ends(m, config.input_layers, 'input_layers'), 'input_layers');
  const outputs = pick(ends(m, config.output_layers, 'output_layers'), 'output_layers');
  const model = guarded(m, modelName(config) ?? 'model', 'Model', 'assembling the model', () => tfl.model({ inputs, outputs, name: modelName(config) }));
  // Layers the outputs do not depend on are not part of the model: free them now.
  const inModel = new Set(model.layers);
  for (const l of created) if (!inModel.has(l)) disposeQuietly(l);
  return { model, recurrent };
}

function applyNode(
  m: ModelContext,
  name: string,
  b: BuiltLayer,
  node: NodeSpec,
  resolve: (r: TensorRef) => SymbolicTensor | MaskMarker | undefined,
  producers: Map<string, Producer>,
  config: JsonObject,
  out: TensorRef,
  tensors: Map<string, SymbolicTensor | MaskMarker>,
  checkSize: SizeCheck,
  total: { bytes: number },
): void {
  const ctx = layerContext(m, name, b.className);
  const [first, ...extra] = node.args;
  if (extra.length > 0) layerError(ctx, `extra positional arguments ${show(extra)} are not supported`);
  const toTensor = (r: Arg): SymbolicTensor => {
    if (!isRef(r)) return layerError(ctx, `input ${show(r)} is not a tensor`);
    const t = resolve(r);
    if (!(t instanceof tfl.SymbolicTensor)) return layerError(ctx, `input '${r.layer}' is a NotEqual op, which is only supported as a mask`);
    return t;
  };
  const inputRefs = refsIn(first);
  let inputs: SymbolicTensor | SymbolicTensor[] = Array.isArray(first) ? first.map(toTensor) : toTensor(first);
  for (const [k, v] of Object.entries(node.kwargs)) {
    if (k === 'mask') {
      if (v !== null) checkMask(m, ctx.layer!, b.className, v as Arg, inputRefs[0], resolve, producers);
    } else if (k === 'training') {
      if (v !== null && v !== false) layerError(ctx, `training=${show(v)} in the model graph is not supported (inference runs with training off)`);
    } else if (k === 'initial_state' && b.recurrent) {
      const states = Array.isArray(v) ? (v as Arg[]).map(toTensor) : [toTensor(v as Arg)];
      inputs = [...(Array.isArray(inputs) ? inputs : [inputs]), ...states];
    } else {
      layerError(ctx, `call argument ${k}=${show(v)} is not supported`);
    }
  }
  const shape = Array.isArray(inputs) ? inputs[0].shape : inputs.shape;
  if (!b.layer.built) checkBuildBudget(m.where, b.layer, shape, checkSize, total);
  const result = guarded(m, name, b.className, 'applying it to its inputs', () => b.layer.apply(inputs) as SymbolicTensor | SymbolicTensor[]);
  (Array.isArray(result) ? result : [result]).forEach((t, k) => {
    const ref = { ...out, tensor: k };
    tensors.set(key(ref), t);
    producers.set(key(ref), { built: b, config, inputs: inputRefs });
  });
}

/**
 * Checks Keras 3's explicit `mask=not_equal(x, 0)` against what tfjs-layers propagates by itself
 * (see the module documentation). @throws KerasLayerError
 */
function checkMask(
  m: ModelContext,
  name: string,
  className: string,
  maskArg: Arg,
  dataRef: TensorRef | undefined,
  resolve: (r: TensorRef) => SymbolicTensor | MaskMarker | undefined,
  producers: Map<string, Producer>,
): void {
  const ctx = layerContext(m, name, className);
  const marker = isRef(maskArg) ? resolve(maskArg) : undefined;
  if (!marker || marker instanceof tfl.SymbolicTensor || !('maskOf' in marker)) {
    layerError(ctx, `mask=${show(maskArg)} is not supported (only Keras 3's NotEqual(x, 0) of an Embedding(mask_zero=True) input)`);
  }
  if (marker.value !== 0) layerError(ctx, `mask=not_equal(x, ${show(marker.value)}) is not supported (only != 0, from Embedding(mask_zero=True))`);
  let cur = dataRef;
  for (let hops = 0; cur && hops < MAX_LAYERS; hops++) {
    const p = producers.get(key(cur));
    if (!p || !p.built) break;
    if (p.built.className === 'Embedding') {
      if (p.config.mask_zero === true && p.inputs.length === 1 && key(p.inputs[0]) === key(marker.maskOf)) return;
      break;
    }
    if (!passesMask(p.built) || p.inputs.length !== 1) break;
    cur = p.inputs[0];
  }
  layerError(ctx, `its mask is not_equal('${marker.maskOf.layer}', 0), which does not match the mask tfjs-layers propagates from an Embedding(mask_zero=True) on that input`);
}
