/**
 * LSTM groups: the unit the CLI converts between a PyTorch state dict and a Keras / TF.js model.
 * A group is what one `nn.LSTM` holds: a stack of layers (one or two directions each) in the
 * engine's canonical form, with its activations.
 *
 * - From a state dict: one group per prefix with `weight_ih_l0` (`lstm.`, `rnn.`, ``), read by
 *   `adapters.torchStateDictToStack`.
 * - From a Keras model: when the whole model is one stack that `adapters.toTorch` converts (a
 *   chain of LSTM / Bidirectional layers with Dropout between, the adapters' whole-model
 *   conversion), that one group; else one group per chain of recurrent layers that
 *   `nn.LSTM(num_layers=k)` computes: consecutive `LSTM`s (or `Bidirectional(LSTM)`s with
 *   `merge_mode='concat'`), each fed by the previous one's full sequence (through `Dropout`
 *   layers, which are the identity at inference), with the same units, activations and bias;
 *   each other recurrent layer is a group of its own.
 * - To a state dict: `adapters.stackToTorchStateDict` under a prefix (PyTorch computes tanh /
 *   sigmoid only, has no go_backwards-only direction and concatenates directions, so anything
 *   else is an `UnsupportedConversionError`).
 * - To a Keras model: a Sequential of `layers.LSTM` / `layers.Bidirectional` returning sequences
 *   (what `nn.LSTM` returns), with the weights from `adapters.stackToKerasWeights`.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {
  LstmStackConfig, disposeStack, kerasToCanonical, stackConfig, stackToKerasWeights, stackToTorchStateDict, toTorch, torchStateDictToStack,
} from '../../adapters';
import { ActivationName, LstmStackLayer, LstmWeights } from '../engine';
import { ConfigError, LstmBridgeError, StateDictError, UnsupportedConversionError } from '../errors';
import { Bidirectional, LSTM } from '../layers';
import { chainIncompatibility, chainsOf, halvesOf, runChain } from './layer-chains';
import { kindOf, recurrentPrefixes } from './recurrent-kinds';

/** One `nn.LSTM`'s worth of layers. */
export interface LstmGroup {
  /** The state-dict prefix (`lstm.`), or the Keras layer names joined with `+`. */
  readonly name: string;
  readonly config: LstmStackConfig;
  /** Canonical weights, owned by the group (see {@link disposeGroups}). */
  readonly layers: LstmStackLayer[];
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  /** Keras groups: the source layers, bottom to top. */
  readonly kerasLayers: readonly (LSTM | Bidirectional)[];
}

/** The prefixes of the `nn.LSTM`s in a state dict (keys `<prefix>weight_ih_l0`; GRU / RNN ones left out, see `./recurrent-kinds`). */
export function lstmPrefixes(stateDict: tf.NamedTensorMap): string[] {
  return recurrentPrefixes(stateDict).filter((p) => { const k = kindOf(stateDict, p); return k !== 'GRU' && k !== 'RNN'; });
}

/** The groups of a state dict (only the one under `prefix` when given). */
export function stateDictGroups(stateDict: tf.NamedTensorMap, prefix?: string): LstmGroup[] {
  const prefixes = lstmPrefixes(stateDict).filter((p) => prefix === undefined || p === prefix);
  if (prefix !== undefined && prefixes.length === 0) {
    throw new StateDictError(`no LSTM under prefix '${prefix}' (found: ${lstmPrefixes(stateDict).map((p) => `'${p}'`).join(', ') || 'none'})`);
  }
  return prefixes.map((p) => {
    const { config, layers } = torchStateDictToStack(stateDict, { prefix: p });
    return { name: p, config, layers, activation: 'tanh', recurrentActivation: 'sigmoid', kerasLayers: [] };
  });
}

export function halves(l: LSTM | Bidirectional): LSTM[] {
  return halvesOf<LSTM>(l);
}

function canonicalOf(layer: LSTM, where: string): LstmWeights {
  // getWeights() returns the variables' own tensors: kerasToCanonical copies them.
  const [kernel, recurrent, bias] = layer.getWeights();
  return kerasToCanonical({ kernel, recurrent_kernel: recurrent, bias: bias ?? null }, where);
}

/**
 * The model as one group by `adapters.toTorch` (the adapters' whole-model conversion), or null
 * when it is not one stack that `nn.LSTM` computes.
 */
function wholeModelGroup(model: tfl.LayersModel, recurrent: readonly (LSTM | Bidirectional)[]): LstmGroup | null {
  let lstm;
  try {
    // Inference conversion: Keras' training-time dropout is not in a state dict or an ONNX graph.
    lstm = toTorch(model, { trainingDropout: 'discard' });
  } catch (e) {
    if (e instanceof LstmBridgeError) return null;
    throw e;
  }
  try {
    const sd = lstm.stateDict();
    const { config, layers } = torchStateDictToStack(sd);
    return { name: recurrent.map((l) => l.name).join('+'), config, layers, activation: 'tanh', recurrentActivation: 'sigmoid', kerasLayers: recurrent };
  } finally {
    lstm.dispose();
  }
}

/** The groups of a Keras / TF.js model, in layer order (see the module documentation). */
export function kerasGroups(model: tfl.LayersModel): LstmGroup[] {
  // GRU / SimpleRNN layers (and Bidirectionals of them) are described by `./keras-recurrent`.
  const recurrent = model.layers.filter((l): l is LSTM | Bidirectional => l instanceof LSTM || (l instanceof Bidirectional && l.forwardLayer instanceof LSTM));
  const whole = recurrent.length > 1 ? wholeModelGroup(model, recurrent) : null;
  if (whole) return [whole];
  const chains = chainsOf(recurrent);
  const groups: LstmGroup[] = [];
  try {
    for (const chain of chains) {
      const name = chain.map((l) => l.name).join('+');
      const layers: LstmStackLayer[] = [];
      groups.push({
        name,
        config: undefined as unknown as LstmStackConfig,
        layers,
        activation: halves(chain[0])[0].cell.config.activation,
        recurrentActivation: halves(chain[0])[0].cell.config.recurrentActivation,
        kerasLayers: chain,
      });
      for (const l of chain) {
        const [f, b] = halves(l).map((h) => canonicalOf(h, `lstm-bridge: layer '${l.name}'`));
        layers.push({ forward: f, backward: b ?? null });
      }
      (groups[groups.length - 1] as { config: LstmStackConfig }).config = stackConfig(layers, `lstm-bridge: layers ${name}`);
    }
  } catch (e) {
    disposeGroups(groups);
    throw e;
  }
  return groups;
}

/** Frees the groups' canonical weights. */
export function disposeGroups(groups: readonly LstmGroup[]): void {
  for (const g of groups) disposeStack(g.layers);
}

/** Why a group cannot be an `nn.LSTM`, or null. */
export function torchIncompatibility(g: LstmGroup): string | null {
  if (g.activation !== 'tanh' || g.recurrentActivation !== 'sigmoid') {
    const name = (a: ActivationName) => (a === 'hardSigmoid' ? 'hard_sigmoid (Keras 2)' : a === 'hardSigmoidKeras3' ? 'hard_sigmoid (Keras 3)' : a);
    return `activation ${name(g.activation)}, recurrent activation ${name(g.recurrentActivation)} (PyTorch's nn.LSTM computes tanh / sigmoid only)`;
  }
  return stackIncompatibility(g);
}

/**
 * Why a group's layers are not one engine stack (forward, or forward and backward, each layer
 * reading the whole concatenated sequence below), whatever its activations, or null.
 */
export function stackIncompatibility(g: LstmGroup): string | null {
  return chainIncompatibility(g.kerasLayers, 'nn.LSTM');
}

/**
 * A group as PyTorch state-dict tensors under `prefix` (`weight_ih_l0`, ...).
 * @throws UnsupportedConversionError when PyTorch cannot compute the same thing.
 */
export function groupToStateDict(g: LstmGroup, prefix: string): tf.NamedTensorMap {
  const why = torchIncompatibility(g);
  if (why) throw new UnsupportedConversionError(`lstm-bridge: LSTM '${g.name}' cannot be an nn.LSTM: ${why}`);
  return stackToTorchStateDict(g.layers, { prefix });
}

/**
 * A group as a Keras model: `layers.LSTM` / `layers.Bidirectional` returning sequences, on input
 * (N, L, input_size) — what `nn.LSTM(batch_first=True)` returns as its output.
 * @throws UnsupportedConversionError for a projection (Keras has no proj_size).
 */
export function groupToKerasModel(g: LstmGroup): tfl.Sequential {
  const weights = stackToKerasWeights(g.layers);
  const model = tfl.sequential({ name: 'lstm_bridge_model' });
  try {
    g.layers.forEach((layer, k) => {
      const args = { units: g.config.hiddenSize, useBias: g.config.bias, returnSequences: true, activation: g.activation, recurrentActivation: g.recurrentActivation };
      const shape = k === 0 ? { batchInputShape: [null, null, g.config.inputSize] } : {};
      const name = `lstm${k === 0 ? '' : `_${k}`}`;
      const l = layer.backward ? new Bidirectional({ layer: new LSTM({ ...args, name }), name: `bidirectional${k === 0 ? '' : `_${k}`}`, ...shape }) : new LSTM({ ...args, name, ...shape });
      l.setFastWeightInitDuringBuild(true); // the weights are set right after
      model.add(l);
      l.setWeights(weights[k]);
      l.setFastWeightInitDuringBuild(false);
    });
  } finally {
    weights.forEach((w) => tf.dispose(w));
  }
  return model;
}

/**
 * Runs a Keras group's own layers on `x` (N, L, I) and returns what the last one returns
 * (the output only, without states).
 */
export function runKerasGroup(g: LstmGroup, x: tf.Tensor): tf.Tensor {
  return runChain(g.kerasLayers, x);
}

/** The name under which group `k` of a model's groups is chosen with `--prefix` (`<first layer>.`), as {@link pickGroup} reads it. */
export function groupChoiceName(g: LstmGroup): string {
  return g.kerasLayers.length ? `${g.kerasLayers[0].name}.` : g.name;
}

/**
 * The index of the group a single-stack output (ONNX) is written from: the only one, or the one
 * `--prefix` names (`<first layer name>.`, the dot optional).
 * @throws ConfigError when there are several and `prefix` names none of them.
 */
export function pickGroup(groups: readonly LstmGroup[], prefix: string | undefined): number {
  if (groups.length === 0) throw new ConfigError('lstm-bridge: no LSTM layer to convert');
  if (groups.length === 1) return 0;
  const names = groups.map(groupChoiceName);
  const list = groups.map((g, k) => `'${names[k]}' (layers ${g.kerasLayers.map((l) => l.name).join(', ')})`).join(', ');
  if (prefix === undefined) throw new ConfigError(`lstm-bridge: several separate LSTM stacks: ${list}; choose one with --prefix`);
  const k = names.findIndex((n) => n === prefix || n === `${prefix}.`);
  if (k < 0) throw new ConfigError(`lstm-bridge: --prefix '${prefix}' names none of the LSTM stacks: ${list}`);
  return k;
}

/**
 * The largest absolute difference between two groups' weights (kernels, recurrent kernels, and
 * the bias sums each step uses), Infinity when their sizes or activations differ.
 */
export function groupWeightDiff(a: LstmGroup, b: LstmGroup): number {
  if (a.activation !== b.activation || a.recurrentActivation !== b.recurrentActivation) return Infinity;
  if (JSON.stringify(a.config) !== JSON.stringify(b.config)) return Infinity;
  return tf.tidy(() => {
    let m = 0;
    const diff = (x: tf.Tensor, y: tf.Tensor) => {
      m = Math.max(m, tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]);
    };
    const biasOf = (w: LstmWeights) => (w.bias && w.recurrentBias ? tf.add(w.bias, w.recurrentBias) : w.bias ?? w.recurrentBias ?? tf.zeros([w.kernel.shape[1]]));
    a.layers.forEach((layer, k) => {
      const other = b.layers[k];
      const pairs: [LstmWeights, LstmWeights][] = [[layer.forward, other.forward]];
      if (layer.backward && other.backward) pairs.push([layer.backward, other.backward]);
      for (const [x, y] of pairs) {
        diff(x.kernel, y.kernel);
        diff(x.recurrentKernel, y.recurrentKernel);
        diff(biasOf(x), biasOf(y));
      }
    });
    return m;
  });
}
