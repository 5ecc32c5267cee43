/**
 * Which layer classes a saved TF.js model uses, so that a web page loads it with plain
 * `tf.loadLayersModel` — no lstm-bridge import — whenever tfjs-layers computes it exactly.
 *
 * lstm-bridge's `layers.LSTM` / `layers.GRU` / `layers.SimpleRNN` / `layers.Bidirectional` are
 * saved as `LstmBridge.LSTM` etc., which only a page that imports lstm-bridge can load. With
 * `emit: 'auto'` (the default of `saveTfjs` and of the CLI) each such layer is written as
 * tfjs-layers' own `LSTM` / `GRU` / `SimpleRNN` / `Bidirectional` when tfjs-layers computes what
 * it computes, and stays lstm-bridge's otherwise; `'tfjs-layers'` requires every layer to be plain
 * (else an {@link UnsupportedConversionError} listing the layers and why); `'lstm-bridge'` writes
 * ours.
 *
 * What keeps a layer lstm-bridge's ({@link tfjsLayersIncompatibility}):
 *
 * | layer | why tfjs-layers' layer differs |
 * |---|---|
 * | a GRU with `resetAfter: true` (Keras 3's and PyTorch's GRU) | tfjs-layers' GRU resets before the recurrent product only: its `GRUCell` refuses `reset_after=true` |
 * | activation / recurrentActivation `hardSigmoidKeras3` | tfjs' `hardSigmoid` is Keras 2's clip(0.2x + 0.5), not Keras 3's clip(x/6 + 0.5) |
 * | `timeMajor` | tfjs-layers' recurrent layers have no time-major mode |
 * | `stateful` | the carried states between calls are not checked against tfjs-layers' |
 * | a mask reaches it (`Masking`, `Embedding({maskZero})` upstream) | tfjs-layers repeats the initial state at masked steps before the first valid one (Keras: zeros) and has no `zeroOutputForMask` (Bidirectional's masked outputs) |
 * | a `Bidirectional` whose halves differ (other than the direction) | tfjs-layers' `Bidirectional` derives its backward half from the forward one |
 *
 * Everything else is exact: the activations tanh, sigmoid, hardSigmoid (Keras 2), relu, relu6,
 * elu, selu, softplus, softsign, swish, linear are tfjs' own; the GRU with `resetAfter: false` is
 * tfjs-layers' GRU (gates z, r, h; bias (3U)); the LSTM and SimpleRNN have one bias (a PyTorch
 * pair is summed by the adapters); `unroll` is written `false` (tfjs ignores it with a warning; no
 * numerical effect); `seed` and `zeroOutputForMask` (without a mask) are dropped. Training
 * differs only in how dropout masks are drawn (tfjs draws one per gate); `predict` does not drop.
 *
 * How: the model's topology (`model.toJSON`) is rewritten for the layers that turn plain, each
 * layer's config written as Keras 2 writes it (`kerasLstmConfig` of `src/keras-model`: tfjs-layers'
 * pythonic config keys are Keras 2's, checked against tfjs-layers' own `toJSON` in
 * `test/io-tfjs-emit.test.ts`); a copy with zero initializers is built by tfjs-layers itself (so
 * its weight names and order are tfjs-layers' own, and its deserializer accepts the config), given
 * the model's weights and saved; the written topology keeps the model's own initializers.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { ActivationName } from '../../engine';
import { ConfigError, UnsupportedConversionError } from '../../errors';
import { kerasLstmConfig } from '../../keras-model';
import { Bidirectional, GRU, LSTM, SimpleRNN } from '../../layers';

/** Which classes {@link tfjsModelArtifacts} writes: see the module documentation. */
export type TfjsEmit = 'auto' | 'tfjs-layers' | 'lstm-bridge';

/** Options of {@link tfjsModelArtifacts} and `saveTfjs`. */
export interface TfjsEmitOptions {
  /** Default `'auto'`: tfjs-layers' own classes wherever tfjs computes the layer exactly. */
  readonly emit?: TfjsEmit;
}

/** One recurrent layer of a saved model: the class written, and why it needs lstm-bridge to load (null when plain). */
export interface TfjsEmittedLayer {
  /** The layer's name in the model. */
  readonly name: string;
  /** `LSTM`, `GRU`, `SimpleRNN`, `Bidirectional` (tfjs-layers') or `LstmBridge.LSTM`, `LstmBridge.GRU`, ... */
  readonly className: string;
  /** Why the layer is lstm-bridge's: what tfjs-layers cannot compute, or `emit: 'lstm-bridge'`; null for plain layers. */
  readonly reason: string | null;
}

/** What a save wrote. */
export interface TfjsEmitReport {
  /** The `emit` the model was saved with. */
  readonly emit: TfjsEmit;
  /** Every recurrent layer, in model order (nested models' layers too). */
  readonly layers: readonly TfjsEmittedLayer[];
  /** True when loading needs lstm-bridge's classes registered (some layer is lstm-bridge's). */
  readonly needsLstmBridge: boolean;
}

type Json = Record<string, unknown>;

/** The facade's recurrent layers, each written as tfjs-layers' class of the same Keras name. */
type Recurrent = LSTM | GRU | SimpleRNN;

/** The activations whose tfjs-layers implementation is the engine's (checked in `test/io-tfjs-emit.test.ts`). */
const TFJS_ACTIVATIONS: readonly ActivationName[] = ['tanh', 'sigmoid', 'hardSigmoid', 'relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'linear'];

/** The generic layer keys kept from the model's own config entry (the rest is `kerasLstmConfig`'s). */
const TFJS_LAYER_KEYS = ['batch_input_shape', 'batch_size', 'dtype'];
const TFJS_BIDIRECTIONAL_KEYS = ['name', 'trainable', 'batch_input_shape', 'batch_size', 'dtype', 'merge_mode'];

function isRecurrent(layer: unknown): layer is Recurrent {
  return layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN;
}

/** tfjs-layers' class of the same computation: `LSTM`, `GRU`, `SimpleRNN`. */
function plainClass(layer: Recurrent): string {
  return layer instanceof LSTM ? 'LSTM' : layer instanceof GRU ? 'GRU' : 'SimpleRNN';
}

function halfIncompatibility(half: Recurrent): string | null {
  const cls = plainClass(half);
  if (half instanceof GRU && half.resetAfter) {
    return "GRU reset_after=True: tfjs-layers' GRU resets before only (its GRUCell refuses reset_after=true); loading needs lstm-bridge";
  }
  const c = half.cell.config as { activation: ActivationName; recurrentActivation?: ActivationName };
  const activations: [string, ActivationName][] = [['activation', c.activation]];
  if (c.recurrentActivation !== undefined) activations.push(['recurrentActivation', c.recurrentActivation]);
  for (const [key, a] of activations) {
    if (a === 'hardSigmoidKeras3') {
      return `${key} hard_sigmoid of Keras 3 (clip(x/6 + 0.5, 0, 1)): tfjs-layers' hardSigmoid is Keras 2's clip(0.2x + 0.5, 0, 1)`;
    }
    if (!TFJS_ACTIVATIONS.includes(a)) return `${key} '${a}' is not computed by tfjs-layers`;
  }
  if (half.timeMajor) return `timeMajor: tfjs-layers' ${cls} has no time-major mode`;
  if (half.stateful) return `stateful: the states carried between calls are not checked against tfjs-layers' ${cls}`;
  return null;
}

/** The first layer upstream of `layer` that makes a mask, or null. */
function maskSource(layer: tfl.layers.Layer): tfl.layers.Layer | null {
  const seen = new Set<tfl.layers.Layer>();
  const stack = [...layer.inboundNodes.flatMap((n) => n.inboundLayers)];
  while (stack.length) {
    const l = stack.pop()!;
    if (seen.has(l)) continue;
    seen.add(l);
    const cls = l.getClassName();
    if (cls === 'Masking' || (cls === 'Embedding' && (l.getConfig() as { maskZero?: boolean }).maskZero === true)) return l;
    stack.push(...l.inboundNodes.flatMap((n) => n.inboundLayers));
  }
  return null;
}

/**
 * The pythonic config tfjs-layers' `LSTM` / `GRU` / `SimpleRNN` reads for `layer`: Keras 2's
 * (tfjs-layers' keys), with the generic keys of the model's own `entry` config.
 */
function tfjsRecurrentConfig(layer: Recurrent, entry: Json, name: string): Json {
  const out: Json = { ...kerasLstmConfig(layer, name) };
  delete out.zero_output_for_mask; // written by Keras 2 only when true; tfjs-layers has none
  delete out.time_major;
  delete out.dtype; // the entry's, where it has one (tfjs-layers writes it on the first layer only)
  for (const key of TFJS_LAYER_KEYS) if (key in entry) out[key] = entry[key];
  return { ...out, unroll: false };
}

function withoutKeys(config: Json, keys: readonly string[]): Json {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !keys.includes(k)));
}

/**
 * Why tfjs-layers' own `LSTM` / `GRU` / `SimpleRNN` / `Bidirectional` would not compute what
 * `layer` computes, or null when it does (the table in the module documentation). `layer` is in
 * a model (for masks).
 */
export function tfjsLayersIncompatibility(layer: Recurrent | Bidirectional): string | null {
  const halves: Recurrent[] = layer instanceof Bidirectional ? [layer.forwardLayer as Recurrent, layer.backwardLayer as Recurrent] : [layer];
  for (const h of halves) {
    const why = halfIncompatibility(h);
    if (why) return halves.length === 2 ? `${h === halves[0] ? 'forward' : 'backward'} half: ${why}` : why;
  }
  if (layer instanceof Bidirectional) {
    const [f, b] = halves.map((h) => withoutKeys(h.getConfig() as Json, ['name', 'goBackwards', 'batchInputShape', 'zeroOutputForMask']));
    if (plainClass(halves[0]) !== plainClass(halves[1]) || JSON.stringify(f) !== JSON.stringify(b)) {
      return "its backward half's config differs from the forward half's: tfjs-layers' Bidirectional derives the backward half from the forward one";
    }
  }
  const masker = maskSource(layer);
  if (masker) {
    return (
      `it receives a mask (from '${masker.name}', ${masker.getClassName()}): tfjs-layers' ${plainClass(halves[0])} repeats the initial state at ` +
      'masked steps before the first valid one (Keras gives zeros) and has no zero_output_for_mask'
    );
  }
  return null;
}

interface Rewrite {
  readonly report: TfjsEmittedLayer[];
  /** The topology to write. */
  readonly topology: Json;
  /** The same with zero initializers on the rewritten layers, to build in this process. */
  readonly buildTopology: Json;
}

const ZEROS = { class_name: 'Zeros', config: {} };

function zeroInitializers(config: Json): Json {
  const zeros: Json = { ...config, kernel_initializer: ZEROS, recurrent_initializer: ZEROS, bias_initializer: ZEROS };
  // unit_forget_bias (LSTM) off too: tfjs-layers' forget-bias initializer leaks its intermediate tensors.
  if ('unit_forget_bias' in config) zeros.unit_forget_bias = false;
  return zeros;
}

/** Rewrites the layer entries of a (possibly nested) model config; returns [written, build] entries. */
function rewriteLayers(model: tfl.LayersModel, entries: Json[], emit: TfjsEmit, report: TfjsEmittedLayer[]): [Json[], Json[]] {
  const written: Json[] = [];
  const build: Json[] = [];
  for (const entry of entries) {
    const config = entry.config as Json;
    const live = model.getLayer(config.name as string);
    if (live instanceof tfl.LayersModel && Array.isArray(config.layers)) {
      const [w, b] = rewriteLayers(live, config.layers as Json[], emit, report);
      written.push({ ...entry, config: { ...config, layers: w } });
      build.push({ ...entry, config: { ...config, layers: b } });
      continue;
    }
    if (!(isRecurrent(live) || live instanceof Bidirectional)) {
      written.push(entry);
      build.push(entry);
      continue;
    }
    const why = emit === 'lstm-bridge' ? "emit: 'lstm-bridge'" : tfjsLayersIncompatibility(live);
    if (why) {
      report.push({ name: live.name, className: live.getClassName(), reason: why });
      written.push(entry);
      build.push(entry);
      continue;
    }
    if (isRecurrent(live)) {
      const cls = plainClass(live);
      const c = tfjsRecurrentConfig(live, config, live.name);
      written.push({ ...entry, class_name: cls, config: c });
      build.push({ ...entry, class_name: cls, config: zeroInitializers(c) });
      report.push({ name: live.name, className: cls, reason: null });
      continue;
    }
    const half = live.forwardLayer as Recurrent;
    const cls = plainClass(half);
    const innerName = half.name.replace(/^forward_/, '');
    const c = tfjsRecurrentConfig(half, {}, innerName);
    const outer: Json = {};
    for (const key of TFJS_BIDIRECTIONAL_KEYS) if (key in config) outer[key] = config[key];
    written.push({ ...entry, class_name: 'Bidirectional', config: { ...outer, layer: { class_name: cls, config: c } } });
    build.push({ ...entry, class_name: 'Bidirectional', config: { ...outer, layer: { class_name: cls, config: zeroInitializers(c) } } });
    report.push({ name: live.name, className: 'Bidirectional', reason: null });
  }
  return [written, build];
}

function rewrite(model: tfl.LayersModel, emit: TfjsEmit): Rewrite {
  const topology = model.toJSON(null, false) as Json;
  const config = topology.config as Json;
  const report: TfjsEmittedLayer[] = [];
  const [written, build] = rewriteLayers(model, config.layers as Json[], emit, report);
  return {
    report,
    topology: { ...topology, config: { ...config, layers: written } },
    buildTopology: { ...topology, config: { ...config, layers: build } },
  };
}

async function capture(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts as unknown as tf.io.ModelArtifacts;
}

/** Sets every layer of `target` to the weights of the layer of the same name in `source`. */
function copyWeights(source: tfl.LayersModel, target: tfl.LayersModel): void {
  for (const layer of source.layers) {
    if (layer.weights.length === 0) continue;
    const weights = layer.getWeights();
    target.getLayer(layer.name).setWeights(weights);
  }
}

/**
 * The artifacts (`model.json` topology, weight specs and data) of `model` with the classes
 * `options.emit` asks for (see the module documentation), and what was written.
 * @throws UnsupportedConversionError with `emit: 'tfjs-layers'` when a layer needs lstm-bridge.
 * @throws ConfigError for a bad `emit`.
 */
export async function tfjsModelArtifacts(model: tfl.LayersModel, options: TfjsEmitOptions = {}): Promise<{ artifacts: tf.io.ModelArtifacts; report: TfjsEmitReport }> {
  return emitArtifacts(model, options, 'io.tfjsModelArtifacts');
}

/** {@link tfjsModelArtifacts} with the error messages' prefix (`io.saveTfjs`). */
export async function emitArtifacts(model: tfl.LayersModel, options: TfjsEmitOptions, where: string): Promise<{ artifacts: tf.io.ModelArtifacts; report: TfjsEmitReport }> {
  if (!(model instanceof tfl.LayersModel)) throw new ConfigError(`${where}: model expected a tf.LayersModel, got ${model === null ? 'null' : typeof model}`);
  if (options === null || typeof options !== 'object') throw new ConfigError(`${where}: options expected an object, got ${options}`);
  const unknown = Object.keys(options).filter((k) => k !== 'emit');
  if (unknown.length) throw new ConfigError(`${where}: unknown option(s) ${unknown.join(', ')}; expected emit`);
  const emit = options.emit ?? 'auto';
  if (emit !== 'auto' && emit !== 'tfjs-layers' && emit !== 'lstm-bridge') {
    throw new ConfigError(`${where}: emit expected 'auto', 'tfjs-layers' or 'lstm-bridge', got ${JSON.stringify(emit)}`);
  }
  const { report, topology, buildTopology } = rewrite(model, emit);
  const kept = report.filter((l) => l.reason !== null);
  if (emit === 'tfjs-layers' && kept.length) {
    throw new UnsupportedConversionError(
      `${where}: emit 'tfjs-layers': tfjs-layers cannot compute ${kept.map((l) => `layer '${l.name}' (${l.reason})`).join('; ')}; ` +
        "save with emit 'auto' (those layers then need lstm-bridge at load time)",
    );
  }
  const done = (artifacts: tf.io.ModelArtifacts) => ({ artifacts, report: { emit, layers: report, needsLstmBridge: kept.length > 0 } });
  const own = await capture(model);
  if (report.every((l) => l.reason !== null)) return done(own);
  const built = await tfl.models.modelFromJSON({ modelTopology: buildTopology as tf.serialization.ConfigDict });
  try {
    // tfjs-layers' RNN and Bidirectional keep symbolic initial states in their nodes' call
    // arguments besides their inputs; only the inputs run and are saved, and the copy makes
    // saving warn that it cannot serialize it (as in adapters.toKeras): drop it.
    for (const layer of built.layers) for (const node of layer.inboundNodes) if (node.callArgs) delete node.callArgs.initialState;
    copyWeights(model, built);
    const plain = await capture(built);
    return done({ ...own, modelTopology: topology, weightSpecs: plain.weightSpecs, weightData: plain.weightData });
  } finally {
    built.dispose();
  }
}
