/**
 * A tfjs-layers `LayersModel` (with the Keras facade's LSTM / Bidirectional, and tfjs-layers'
 * own layers) -> the neutral {@link KerasFile} of a Keras 2 `.h5` model file, which
 * `writeKeras` (`lstm-bridge/node`) writes and Keras 2 / tf.keras' `load_model` reads:
 *
 * - root attrs `keras_version` (`2.15.0` unless told), `backend` (`tensorflow`), `model_config`:
 *   `{"class_name": "Sequential" | "Model", "config": ...}` with Keras 2 layer configs —
 *   `layers.LSTM` as `LSTM` (`recurrent_activation: "hard_sigmoid"` for `'hardSigmoid'`; Keras 3's
 *   hard sigmoid has no Keras 2 name and is refused), `layers.Bidirectional` as `Bidirectional`
 *   with its `layer` (and `backward_layer` only when the backward half is not the default copy);
 *   tfjs-layers' layers with their own config in Keras spelling (what tfjs' converter writes);
 * - group `model_weights` (attrs `layer_names`, `backend`, `keras_version`), one group per layer
 *   with `weight_names` `<layer>/kernel:0`, `<layer>/recurrent_kernel:0`, `<layer>/bias:0`, for a
 *   Bidirectional `<layer>/forward_<lstm>/kernel:0` ... then `backward_...` (Keras loads them by
 *   position, forward half first).
 *
 * Keras 2 has no dropout `seed` on LSTM (Keras 3 does): it is left out, as it cannot carry over
 * anyway (tfjs and Keras draw different random numbers). `time_major` and `zero_output_for_mask`
 * are written only when true (standalone Keras 2.2 does not know `time_major`).
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { Bidirectional, GRU, LSTM, SimpleRNN } from '../layers';
import { ConfigError, UnsupportedConversionError } from '../errors';
import { describeValue } from '../engine/internal';
import { KerasFile, KerasLayerWeights, RawTensor } from './keras-file';
import { Json, JsonObject, tsToPythonic } from './json';

/** Options of {@link kerasModelFile}. */
export interface KerasModelFileOptions {
  /** `keras_version` written in the file. Default `'2.15.0'` (the layout is tf.keras 2's). */
  readonly kerasVersion?: string;
}

const WHERE = 'io.saveKeras';

/** The facade's recurrent layers a Keras 2 file writes (class names `LSTM`, `GRU`, `SimpleRNN`). */
type RecurrentLayer = LSTM | GRU | SimpleRNN;

function kerasClass(layer: RecurrentLayer): string {
  return layer instanceof LSTM ? 'LSTM' : layer instanceof GRU ? 'GRU' : 'SimpleRNN';
}

function activationName(layer: RecurrentLayer, key: 'activation' | 'recurrentActivation'): string {
  const name = (layer.cell.config as unknown as Record<string, string>)[key];
  if (name === 'hardSigmoidKeras3') {
    throw new UnsupportedConversionError(
      `${WHERE}: layer '${layer.name}' ${key} 'hardSigmoidKeras3' (Keras 3's x / 6 + 0.5) has no Keras 2 name; ` +
        'a Keras 2 file cannot express it',
    );
  }
  return tsToPythonic(name) as string;
}

/**
 * A `layers.LSTM` / `layers.GRU` / `layers.SimpleRNN` as a Keras 2 `LSTM` / `GRU` / `SimpleRNN`
 * config (GRU: `reset_after` always written, so no Keras version's default decides it). These are
 * tfjs-layers' own pythonic config keys too: `saveTfjs` writes its plain layers with it
 * (`src/io/tfjs/emit.ts`).
 */
export function kerasLstmConfig(layer: RecurrentLayer, name = layer.name): JsonObject {
  const lstm = layer instanceof LSTM;
  const rnn = layer instanceof SimpleRNN;
  const cell = tsToPythonic(layer.cell.getConfig()) as JsonObject;
  const config: JsonObject = {
    name,
    trainable: layer.trainable,
    dtype: 'float32',
    return_sequences: layer.returnSequences,
    return_state: layer.returnState,
    go_backwards: layer.goBackwards,
    stateful: layer.stateful,
    unroll: layer.unroll,
    units: layer.units,
    activation: activationName(layer, 'activation'),
    ...(rnn ? {} : { recurrent_activation: activationName(layer, 'recurrentActivation') }),
    use_bias: cell.use_bias,
    kernel_initializer: cell.kernel_initializer,
    recurrent_initializer: cell.recurrent_initializer,
    bias_initializer: cell.bias_initializer,
    ...(lstm ? { unit_forget_bias: cell.unit_forget_bias } : {}),
    kernel_regularizer: cell.kernel_regularizer,
    recurrent_regularizer: cell.recurrent_regularizer,
    bias_regularizer: cell.bias_regularizer,
    activity_regularizer: tsToPythonic(layer.getConfig().activityRegularizer),
    kernel_constraint: cell.kernel_constraint,
    recurrent_constraint: cell.recurrent_constraint,
    bias_constraint: cell.bias_constraint,
    dropout: cell.dropout,
    recurrent_dropout: cell.recurrent_dropout,
    ...(rnn ? {} : { implementation: cell.implementation }),
    ...(layer instanceof GRU ? { reset_after: layer.resetAfter } : {}),
  };
  if (layer.timeMajor) config.time_major = true;
  if (layer.zeroOutputForMask) config.zero_output_for_mask = true;
  return config;
}

/** A `layers.Bidirectional` as a Keras 2 `Bidirectional` config. */
function kerasBidirectionalConfig(layer: Bidirectional<RecurrentLayer>): JsonObject {
  const f = layer.forwardLayer;
  const b = layer.backwardLayer;
  const cls = kerasClass(f);
  const innerName = f.name.replace(/^forward_/, '');
  // The halves carry zero_output_for_mask because the wrapper set it; Keras' wrapper does the same.
  const strip = (c: JsonObject) => {
    const { name: _n, go_backwards: _g, zero_output_for_mask: _z, ...rest } = c;
    void [_n, _g, _z];
    return JSON.stringify(rest);
  };
  const fc = kerasLstmConfig(f, innerName);
  delete fc.zero_output_for_mask;
  const bc = kerasLstmConfig(b);
  delete bc.zero_output_for_mask;
  const config: JsonObject = {
    name: layer.name,
    trainable: layer.trainable,
    dtype: 'float32',
    layer: { class_name: cls, config: fc },
    merge_mode: layer.mergeMode,
  };
  const defaultBackward = b.name === `backward_${innerName}` && b.goBackwards !== f.goBackwards && strip(fc) === strip(bc);
  if (!defaultBackward) config.backward_layer = { class_name: kerasClass(b), config: bc };
  return config;
}

/** One layer's Keras 2 `{class_name, config}`. */
function layerConfig(layer: tfl.layers.Layer): { class_name: string; config: JsonObject } {
  if (layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN) return { class_name: kerasClass(layer), config: kerasLstmConfig(layer) };
  if (layer instanceof Bidirectional) return { class_name: 'Bidirectional', config: kerasBidirectionalConfig(layer as Bidirectional<RecurrentLayer>) };
  const config = tsToPythonic(layer.getConfig()) as JsonObject;
  return { class_name: layer.getClassName(), config };
}

function raw(t: { shape: number[]; dataSync(): Float32Array | Int32Array | Uint8Array }, dtype: string): RawTensor {
  if (dtype === 'int32') return { dtype: 'int32', shape: [...t.shape], values: Int32Array.from(t.dataSync()) };
  return { dtype: 'float32', shape: [...t.shape], values: Float32Array.from(t.dataSync()) };
}

/** The weights of one layer, named as Keras 2 names them. */
function layerWeights(layer: tfl.layers.Layer): KerasLayerWeights {
  const lstmNames = (l: RecurrentLayer, prefix: string) => ['kernel', 'recurrent_kernel', ...(l.cell.config.useBias ? ['bias'] : [])].map((n) => `${prefix}/${n}:0`);
  let names: string[];
  if (layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN) names = lstmNames(layer, layer.name);
  else if (layer instanceof Bidirectional) {
    const b = layer as Bidirectional<RecurrentLayer>;
    names = [...lstmNames(b.forwardLayer, `${b.name}/${b.forwardLayer.name}`), ...lstmNames(b.backwardLayer, `${b.name}/${b.backwardLayer.name}`)];
  } else {
    names = layer.weights.map((w) => `${layer.name}/${w.originalName.split('/').pop()}:0`);
  }
  // getWeights() returns the variables' own tensors (not copies): read them, never dispose them.
  const values = layer.getWeights();
  return {
    name: layer.name,
    group: `/model_weights/${layer.name}`,
    className: layer.getClassName(),
    weights: values.map((v, k) => ({ name: names[k], tensor: raw(v, v.dtype) })),
  };
}

function shapeOf(model: tfl.LayersModel): Json {
  const shape = model.inputs[0].shape;
  return shape.map((d) => (d === null ? null : d));
}

/** The Keras 2 `model_config` of a Sequential model: the first layer carries the input shape. */
function sequentialConfig(model: tfl.Sequential): JsonObject {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer').map(layerConfig);
  if (layers.length === 0) throw new UnsupportedConversionError(`${WHERE}: the Sequential model has no layers`);
  layers[0].config.batch_input_shape = shapeOf(model);
  layers[0].config.dtype = model.inputs[0].dtype;
  if (layers[0].class_name !== 'Embedding' && model.inputs[0].dtype !== 'float32') {
    throw new UnsupportedConversionError(`${WHERE}: a Sequential model whose input is ${model.inputs[0].dtype} needs an Embedding first`);
  }
  return { class_name: 'Sequential', config: { name: model.name, layers } };
}

type TsNode = [string, number, number, Record<string, unknown>?];

/** The Keras 2 `model_config` of a functional model (tfjs' own graph description, Keras layer configs). */
function functionalConfig(model: tfl.LayersModel): JsonObject {
  const graph = model.getConfig() as unknown as {
    layers: { name: string; inboundNodes: TsNode[][] }[];
    inputLayers: TsNode[];
    outputLayers: TsNode[];
  };
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const node = (n: TsNode): Json => [n[0], n[1], n[2], ...(n.length > 3 ? [(tsToPythonic(n[3] ?? {}) as Json)] : [])];
  const layers = graph.layers.map((entry) => {
    const layer = byName.get(entry.name)!;
    return { name: entry.name, ...layerConfig(layer), inbound_nodes: entry.inboundNodes.map((nodes) => nodes.map(node)) };
  });
  return {
    class_name: 'Model',
    config: {
      name: model.name,
      layers,
      input_layers: graph.inputLayers.map((n) => [n[0], n[1], n[2]]),
      output_layers: graph.outputLayers.map((n) => [n[0], n[1], n[2]]),
    },
  };
}

/**
 * Describes `model` as a Keras 2 `.h5` model file (see the module documentation); write it with
 * `writeKeras` / `saveKeras` from `lstm-bridge/node`.
 * @throws UnsupportedConversionError for what Keras 2 cannot express (Keras 3's hard sigmoid).
 */
export function kerasModelFile(model: tfl.LayersModel, options: KerasModelFileOptions = {}): KerasFile {
  if (!(model instanceof tfl.LayersModel)) {
    throw new ConfigError(`io.kerasModelFile: model expected a tf.LayersModel, got ${describeValue(model)}`);
  }
  const version = options.kerasVersion ?? '2.15.0';
  const modelConfig = model instanceof tfl.Sequential ? sequentialConfig(model) : functionalConfig(model);
  const layers = model.layers.filter((l) => !(model instanceof tfl.Sequential && l.getClassName() === 'InputLayer'));
  return {
    format: 'h5',
    kerasVersion: version,
    backend: 'tensorflow',
    modelConfig,
    trainingConfig: null,
    metadata: null,
    layers: layers.map(layerWeights),
  };
}
