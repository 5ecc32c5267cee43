/**
 * Reads a Keras stack — one `LSTM` or `Bidirectional(LSTM)` layer (lstm-bridge's
 * `layers.LSTM` / `layers.Bidirectional` or tfjs-layers' own), or a `tf.sequential` /
 * `tf.model` chain of them — as the parts of a PyTorch `nn.LSTM`, and refuses, layer by layer,
 * what `nn.LSTM` cannot compute. Used by `toTorch`. `GRU` / `SimpleRNN` stacks become `nn.GRU` /
 * `nn.RNN` by the same rules (below, read "nn.GRU" for a GRU stack), and the messages name the
 * module of the stack's kind (`nn.GRU layer 1`).
 *
 * Refused with an {@link UnsupportedConversionError} naming the layer and the reason:
 *
 * | Keras | why PyTorch cannot express it |
 * |---|---|
 * | `activation` other than tanh, `recurrentActivation` other than sigmoid (incl. `hardSigmoid`, tfjs' default) | `nn.LSTM`'s gates are sigmoid and its cell activation tanh |
 * | a lone `LSTM` with `goBackwards` (or a `Bidirectional` whose forward half goes backwards) | `nn.LSTM` runs forward, or both ways; never backward only |
 * | different `units` between layers or halves | one `hidden_size` for every layer and direction |
 * | `LSTM` and `Bidirectional` layers mixed | the same directions in every layer |
 * | `mergeMode` other than concat below the last layer | layer k+1 reads both directions concatenated |
 * | `returnSequences: false` below the last layer | layer k+1 reads the whole sequence |
 * | `stateful` | `nn.LSTM` starts every call from h0/c0 (pass the last `h_n`/`c_n` back yourself) |
 * | `timeMajor` in some layers only | one layout (`batchFirst`) for the whole module |
 * | `Masking`, `Embedding` and any other layer on the chain | `nn.LSTM` has no mask input (use packed sequences: `kerasMaskToLengths`) and no other layers |
 * | `dropout` / `recurrentDropout` > 0, `Dropout` layers anywhere but one between every two LSTM layers, or with a `noiseShape` | training-time dropout differs (below); `trainingDropout: 'discard'` converts the inference-time function |
 *
 * The last layer's head (`returnSequences: false`, `mergeMode` sum/mul/ave/null) is accepted:
 * the stack's recurrence is `nn.LSTM`'s, and the head is a fixed function of PyTorch's `output`
 * and `h_n`, returned as {@link KerasStack.head} (see `./model-io`).
 *
 * Dropout: PyTorch's `dropout` zeroes elements of each layer's output sequence, except the
 * last layer's, independently at every step, in training mode. A Keras `Dropout(rate)` layer
 * between every two LSTM layers does exactly that, and becomes `dropout: rate`. Keras's
 * `dropout` / `recurrentDropout` arguments draw one mask per call on the layer's input features
 * and on its recurrent state, fixed across time — something PyTorch's LSTM does not do.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { ChainLabel, ChainLink, LSTM_LABEL, modelChain } from './keras-graph';
import { KerasOutputHead } from './model-io';
import { MergeMode } from './sequence-layout';

type Layer = tfl.layers.Layer;

/** What to do with Keras training-time dropout that PyTorch cannot express. */
export type TrainingDropout = 'reject' | 'discard';

/** One recurrent layer of a Keras stack. */
export interface KerasStackLayer {
  readonly layer: Layer;
  /**
   * Per direction (forward, then backward), `[kernel (I, 4U), recurrent_kernel (U, 4U), bias
   * (4U)?]`: the layer's own variables (`getWeights()`), not copies — do not dispose.
   */
  readonly halves: tf.Tensor[][];
  /** The cell kind of the layer (or of its halves). */
  readonly kind: KerasStackKind;
  readonly returnSequences: boolean;
  readonly mergeMode: MergeMode;
}

/** A Keras stack in PyTorch's terms. */
export interface KerasStack {
  readonly layers: KerasStackLayer[];
  /** The cell kind of every layer: `nn.LSTM`, `nn.GRU` or `nn.RNN`. */
  readonly kind: KerasStackKind;
  /** SimpleRNN's activation (tanh or relu), PyTorch's `nonlinearity`; 'tanh' for the gated kinds. */
  readonly activation: 'tanh' | 'relu';
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bidirectional: boolean;
  /** True when any layer or half has a bias (the others get zeros). */
  readonly bias: boolean;
  /** PyTorch's `dropout`, from `Dropout` layers between the LSTM layers (0 when none). */
  readonly dropout: number;
  readonly timeMajor: boolean;
  /** What the last layer makes of its sequences. */
  readonly head: KerasOutputHead;
}

/** The recurrent kinds of a Keras stack, by the classes of their layers (tfjs-layers', lstm-bridge's). */
export type KerasStackKind = 'LSTM' | 'GRU' | 'RNN';
const KIND_CLASSES: Record<KerasStackKind, readonly string[]> = {
  LSTM: ['LSTM', 'LstmBridge.LSTM'],
  GRU: ['GRU', 'LstmBridge.GRU'],
  RNN: ['SimpleRNN', 'LstmBridge.SimpleRNN'],
};
const LSTM_CLASSES = Object.values(KIND_CLASSES).flat();

/** The kind of one (non-Bidirectional) recurrent layer. */
function kindOf(half: Layer): KerasStackKind {
  const cls = half.getClassName();
  return (Object.keys(KIND_CLASSES) as KerasStackKind[]).find((k) => KIND_CLASSES[k].includes(cls)) as KerasStackKind;
}

/** How messages name the PyTorch module a kind becomes. */
const LABELS: Record<KerasStackKind, ChainLabel> = {
  LSTM: LSTM_LABEL,
  GRU: { module: 'nn.GRU', layers: 'GRU', states: 'h0' },
  RNN: { module: 'nn.RNN', layers: 'SimpleRNN', states: 'h0' },
};
const BIDIRECTIONAL_CLASSES = ['Bidirectional', 'LstmBridge.Bidirectional'];

/** The label of the kind of the first recurrent layer of `source` (a layer or a model); the LSTM's when there is none. */
function labelOf(source: unknown): ChainLabel {
  const layers = source instanceof tfl.LayersModel ? source.layers : source instanceof tfl.layers.Layer ? [source] : [];
  for (const layer of layers) {
    const half = BIDIRECTIONAL_CLASSES.includes(layer.getClassName()) ? (layer as unknown as { forwardLayer?: Layer }).forwardLayer : layer;
    if (half && LSTM_CLASSES.includes(half.getClassName())) return LABELS[kindOf(half)];
  }
  return LSTM_LABEL;
}

const describe = (layer: Layer) => `'${layer.name}' (${layer.getClassName()})`;

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return (value as { constructor?: { name?: string } }).constructor?.name ?? 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The config fields of one LSTM half that decide whether PyTorch can compute it. */
interface HalfConfig {
  readonly units: number;
  readonly activation: string;
  readonly recurrentActivation: string;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly timeMajor: boolean;
  readonly resetAfter: boolean;
}

function halfConfig(half: Layer): HalfConfig {
  const c = half.getConfig() as Record<string, unknown>;
  return {
    units: c.units as number,
    activation: String(c.activation),
    recurrentActivation: String(c.recurrentActivation),
    dropout: Number(c.dropout ?? 0),
    recurrentDropout: Number(c.recurrentDropout ?? 0),
    returnSequences: c.returnSequences === true,
    goBackwards: c.goBackwards === true,
    stateful: c.stateful === true,
    timeMajor: c.timeMajor === true,
    resetAfter: c.resetAfter === true,
  };
}

/** True for the LSTM and Bidirectional classes of lstm-bridge and tfjs-layers. */
function isRecurrent(layer: Layer): boolean {
  const cls = layer.getClassName();
  return LSTM_CLASSES.includes(cls) || BIDIRECTIONAL_CLASSES.includes(cls);
}

/**
 * Throws unless `layer` may be on a chain PyTorch's `nn.LSTM` (`nn.GRU`, `nn.RNN`: `label`)
 * stands for: a recurrent layer, a Bidirectional, or a Dropout (checked further later).
 * @throws UnsupportedConversionError saying why the layer has no equivalent in the module.
 */
export function admitChainLayer(layer: Layer, where: string, label: ChainLabel = LSTM_LABEL): void {
  if (isRecurrent(layer) || layer.getClassName() === 'Dropout') return;
  const cls = layer.getClassName();
  const config = layer.getConfig() as Record<string, unknown>;
  const { module: m, layers: k } = label;
  let why = `${m} stands for a chain of ${k} / Bidirectional(${k}) layers only (with InputLayer and Dropout between them)`;
  if (cls === 'Masking' || (cls === 'Embedding' && config.maskZero === true)) {
    why =
      `it makes a mask, and ${m} has no mask input: PyTorch pads with packed sequences instead ` +
      '(adapters.kerasMaskToLengths turns a right-padding mask into lengths for nn.utils.rnn.packPaddedSequence); ' +
      `convert the ${k} layers alone and pack the sequences`;
  } else if (cls === 'Embedding') {
    why = `${m} takes float sequences; convert the ${k} layers alone and keep the embedding apart`;
  }
  throw new UnsupportedConversionError(`${where}: layer ${describe(layer)} has no ${m} equivalent: ${why}`);
}

function refuseDropout(layer: Layer, why: string, where: string): never {
  throw new UnsupportedConversionError(
    `${where}: layer ${describe(layer)}: ${why}; pass {trainingDropout: 'discard'} to convert the inference-time function without it`,
  );
}

/** The halves of a recurrent layer (one or two LSTMs). */
function halvesOf(layer: Layer, where: string): Layer[] {
  const cls = layer.getClassName();
  if (LSTM_CLASSES.includes(cls)) return [layer];
  const { forwardLayer, backwardLayer } = layer as unknown as { forwardLayer: Layer; backwardLayer: Layer };
  for (const half of [forwardLayer, backwardLayer]) {
    if (!half || !LSTM_CLASSES.includes(half.getClassName())) {
      throw new UnsupportedConversionError(
        `${where}: layer ${describe(layer)} wraps ${half ? describe(half) : 'nothing'}, not an LSTM, GRU or SimpleRNN: ` +
          "PyTorch's nn.LSTM, nn.GRU and nn.RNN are those kinds only",
      );
    }
  }
  return [forwardLayer, backwardLayer];
}

/** Checks one recurrent layer against PyTorch and reads its weights. */
function readRecurrent(layer: Layer, k: number, isLast: boolean, trainingDropout: TrainingDropout, whereAll: string): KerasStackLayer {
  const halves = halvesOf(layer, whereAll);
  const { module: m, states } = LABELS[kindOf(halves[0])];
  const where = `${whereAll}: layer ${describe(layer)} (${m} layer ${k})`;
  if (!layer.built) {
    throw new ConfigError(`${where} is not built: its weights do not exist yet (give the model an inputShape, or call the layer once)`);
  }
  const bidirectional = halves.length === 2;
  const configs = halves.map(halfConfig);
  configs.forEach((c, d) => {
    const what = bidirectional ? ` (${d === 0 ? 'forward' : 'backward'} half '${halves[d].name}')` : '';
    const kind = kindOf(halves[d]);
    if (kind === 'RNN') {
      if (c.activation !== 'tanh' && c.activation !== 'relu') {
        throw new UnsupportedConversionError(
          `${where}${what}: activation '${c.activation}': nn.RNN computes nonlinearity 'tanh' or 'relu' only`,
        );
      }
    } else if (c.activation !== 'tanh' || c.recurrentActivation !== 'sigmoid') {
      const hint = c.recurrentActivation === 'hardSigmoid' ? ` (tf.layers.${kind.toLowerCase()}'s default: build it with recurrentActivation: 'sigmoid')` : '';
      throw new UnsupportedConversionError(
        `${where}${what}: activation '${c.activation}', recurrentActivation '${c.recurrentActivation}': ${LABELS[kind].module} computes ` +
          `activation 'tanh' and recurrentActivation 'sigmoid' only${hint}`,
      );
    }
    if (kind === 'GRU' && !c.resetAfter) {
      throw new UnsupportedConversionError(
        `${where}${what}: resetAfter: false (tf.layers.gru's only mode) applies the reset before the recurrent product; ` +
          "PyTorch's nn.GRU applies it after (r ⊙ (W_hn h + b_hn)), and no choice of weights makes the two equal: " +
          'only resetAfter: true (layers.gru) converts',
      );
    }
    if (kind !== kindOf(halves[0])) {
      throw new UnsupportedConversionError(`${where}: halves of different kinds (${kindOf(halves[0])}, ${kind}): one PyTorch module has one cell kind`);
    }
    if (c.stateful) {
      throw new UnsupportedConversionError(
        `${where}${what}: stateful: true carries the states from one call to the next; ${m} starts every call ` +
          `from ${states} (pass the previous call's ${states.replace(/0/g, '_n')} as ${states} to do the same)`,
      );
    }
    if ((c.dropout > 0 || c.recurrentDropout > 0) && trainingDropout === 'reject') {
      throw new UnsupportedConversionError(
        `${where}${what}: dropout ${c.dropout}, recurrentDropout ${c.recurrentDropout}: Keras drops input features and ` +
          `recurrent state with masks fixed across time, ${m} only drops the outputs between layers; pass ` +
          "{trainingDropout: 'discard'} to convert the inference-time function without them",
      );
    }
    if (c.units !== configs[0].units) {
      throw new UnsupportedConversionError(
        `${where}: the backward half has ${c.units} units, the forward half ${configs[0].units}: ${m} has one hidden_size`,
      );
    }
  });
  if (bidirectional ? configs[0].goBackwards || !configs[1].goBackwards : configs[0].goBackwards) {
    throw new UnsupportedConversionError(
      bidirectional
        ? `${where}: the forward half goes backwards (goBackwards: true): ${m}'s first direction runs forward`
        : `${where}: goBackwards: true without Bidirectional: ${m} runs forward, or both ways (bidirectional), never backward only`,
    );
  }
  const returnSequences = configs[0].returnSequences;
  if (!returnSequences && !isLast) {
    throw new UnsupportedConversionError(
      `${where}: returnSequences: false below the last layer: ${m} feeds every layer the whole sequence of the one below`,
    );
  }
  const mergeMode = bidirectional ? ((layer as unknown as { mergeMode: MergeMode }).mergeMode ?? null) : 'concat';
  if (mergeMode !== 'concat' && !isLast) {
    throw new UnsupportedConversionError(
      `${where}: mergeMode '${mergeMode}' below the last layer: ${m} feeds the next layer both directions concatenated`,
    );
  }
  const halvesWeights = halves.map((h) => h.getWeights());
  return { layer, halves: halvesWeights, kind: kindOf(halves[0]), returnSequences, mergeMode };
}

/** The layers of the chain: a model's, or the one layer given. */
function chainOf(source: unknown, where: string, label: ChainLabel): ChainLink[] {
  if (source instanceof tfl.LayersModel) return modelChain(source, where, (layer) => admitChainLayer(layer, where, label), label);
  if (source instanceof tfl.layers.Layer) return [{ layer: source, stateInputs: [] }];
  throw new ConfigError(
    `${where}: layerOrModel expected an LSTM, GRU or SimpleRNN layer or a Bidirectional of one (lstm-bridge's or ` +
      `tfjs-layers'), or a tf.sequential / tf.model of them, got ${describeValue(source)}`,
  );
}

/**
 * Reads `source` (a layer or a model) as a PyTorch `nn.LSTM` stack.
 * @throws UnsupportedConversionError naming the first layer PyTorch cannot express, and why.
 * @throws ConfigError for a source that is not a layer or model, or a layer that is not built.
 */
export function readKerasStack(source: unknown, trainingDropout: TrainingDropout, where: string): KerasStack {
  const label = labelOf(source);
  const chain = chainOf(source, where, label);
  const recurrentAt: number[] = [];
  chain.forEach(({ layer }, i) => {
    admitChainLayer(layer, where, label);
    if (isRecurrent(layer)) recurrentAt.push(i);
  });
  if (recurrentAt.length === 0) {
    throw new UnsupportedConversionError(`${where}: no LSTM, GRU or SimpleRNN layer (or Bidirectional of one) found`);
  }
  const layers = recurrentAt.map((i, k) => readRecurrent(chain[i].layer, k, k === recurrentAt.length - 1, trainingDropout, where));
  const dropout = interLayerDropout(chain, recurrentAt, trainingDropout, where, LABELS[layers[0].kind]);
  const m = LABELS[layers[0].kind].module;

  const first = layers[0];
  const inputSize = first.halves[0][0].shape[0];
  const hiddenSize = first.halves[0][1].shape[0];
  const bidirectional = first.halves.length === 2;
  const timeMajor = halfConfig(halvesOf(first.layer, where)[0]).timeMajor;
  layers.forEach((l, k) => {
    const here = `${where}: layer ${describe(l.layer)} (${LABELS[l.kind].module} layer ${k})`;
    if (l.kind !== first.kind) {
      throw new UnsupportedConversionError(
        `${here} is a ${l.kind} but layer 0 ${describe(first.layer)} is a ${first.kind}: one PyTorch module has one cell kind`,
      );
    }
    const activation = halfConfig(halvesOf(l.layer, where)[0]).activation;
    if (activation !== halfConfig(halvesOf(first.layer, where)[0]).activation) {
      throw new UnsupportedConversionError(`${here}: activation '${activation}' differs from layer 0's: nn.RNN has one nonlinearity`);
    }
    if ((l.halves.length === 2) !== bidirectional) {
      throw new UnsupportedConversionError(
        `${here} is ${bidirectional ? 'one-directional' : 'Bidirectional'} but layer 0 ${describe(first.layer)} is not: ` +
          `${m} has the same directions in every layer`,
      );
    }
    const units = l.halves[0][1].shape[0];
    if (units !== hiddenSize) {
      throw new UnsupportedConversionError(
        `${here} has ${units} units, layer 0 ${describe(first.layer)} has ${hiddenSize}: ${m} has one hidden_size for every layer`,
      );
    }
    if (halfConfig(halvesOf(l.layer, where)[0]).timeMajor !== timeMajor) {
      throw new UnsupportedConversionError(
        `${here}: timeMajor ${!timeMajor} but layer 0 has timeMajor ${timeMajor}: ${m} has one layout (batchFirst) for every layer`,
      );
    }
  });
  const last = layers[layers.length - 1];
  return {
    layers,
    kind: first.kind,
    activation: first.kind === 'RNN' ? (halfConfig(halvesOf(first.layer, where)[0]).activation as 'tanh' | 'relu') : 'tanh',
    inputSize,
    hiddenSize,
    bidirectional,
    bias: layers.some((l) => l.halves.some((h) => h.length === 3)),
    dropout,
    timeMajor,
    head: { returnSequences: last.returnSequences, mergeMode: last.mergeMode, bidirectional },
  };
}

/**
 * PyTorch's `dropout` from the `Dropout` layers of the chain: one between every two LSTM layers,
 * all of the same rate, without `noiseShape`. `Dropout(0)` layers change nothing and are skipped.
 */
function interLayerDropout(chain: readonly ChainLink[], recurrentAt: readonly number[], trainingDropout: TrainingDropout, where: string, label: ChainLabel): number {
  const { module: m, layers: k } = label;
  const gaps: number[] = new Array(Math.max(0, recurrentAt.length - 1)).fill(0);
  let exact = true;
  const refuse = (layer: Layer, why: string) => {
    exact = false;
    if (trainingDropout === 'reject') refuseDropout(layer, why, where);
  };
  chain.forEach(({ layer }, i) => {
    if (layer.getClassName() !== 'Dropout') return;
    const config = layer.getConfig() as { rate?: number; noiseShape?: unknown };
    const rate = Number(config.rate ?? 0);
    if (rate === 0) return;
    const gap = recurrentAt.findIndex((at) => at > i) - 1;
    if (gap < 0) {
      const place = i < recurrentAt[0] ? `before the first ${k} layer` : `after the last ${k} layer`;
      refuse(layer, `rate ${rate} ${place}: ${m} drops only between its layers`);
    } else if (config.noiseShape !== null && config.noiseShape !== undefined) {
      refuse(layer, `noiseShape ${JSON.stringify(config.noiseShape)}: ${m} drops every element independently`);
    } else if (gaps[gap] !== 0) {
      refuse(layer, `a second Dropout between the same two ${k} layers: ${m} has one dropout there`);
    } else {
      gaps[gap] = rate;
    }
  });
  if (!exact || gaps.every((r) => r === 0)) return 0;
  const rate = gaps[0];
  const other = gaps.findIndex((r) => r !== rate);
  if (other >= 0) {
    const layer = chain[recurrentAt[other + 1]].layer;
    if (trainingDropout === 'reject') {
      const below = gaps[other] === 0 ? 'no Dropout below it' : `the Dropout below it has rate ${gaps[other]}`;
      const first = rate === 0 ? `none between ${k} layers 0 and 1` : `rate ${rate} between ${k} layers 0 and 1`;
      refuseDropout(layer, `${below}, against ${first}: ${m} has one dropout rate between every two layers`, where);
    }
    return 0;
  }
  return rate;
}
