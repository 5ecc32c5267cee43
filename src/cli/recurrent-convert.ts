/**
 * The GRU / RNN branch of `convert` (`./recurrent-stacks` holds the stacks): what the state-dict
 * formats write from a model, what the model formats build from a state dict, what the ONNX
 * format writes and reads, for sources without an LSTM (LSTMs keep their own path,
 * `./lstm-groups`; a source with both converts its LSTMs).
 *
 * | source -> target | how |
 * |---|---|
 * | Keras / TF.js model -> state dict | each stack (chain of GRU / SimpleRNN layers) -> `nn.GRU` / `nn.RNN` keys under `--prefix` (default `gru.` / `rnn.`; `<prefix><first layer>.` for several); reset_after=False, other activations, go_backwards-only refused |
 * | state dict -> Keras / TF.js model | the stack under `--prefix` (or the only one) -> `layers.GRU(resetAfter: true)` / `layers.SimpleRNN` (in `Bidirectional`) returning sequences |
 * | any -> ONNX | one stack -> `io.saveOnnxStack` with `cell: 'gru' \| 'rnn'`, its reset (`linear_before_reset`) and activations; batch first for models, time-major for state dicts (as `torch.onnx.export`) |
 * | ONNX -> any | `io.readOnnxRecurrentStacks`: a state dict when PyTorch computes every stack (GRU linear_before_reset=1 with sigmoid / tanh, RNN tanh), else the one stack as a Keras model |
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { FormatOptions, Source } from './formats/types';
import { Bidirectional, LSTM } from '../layers';
import { kerasGruRnns } from './keras-recurrent';
import { lstmPrefixes } from './lstm-groups';
import { Progress } from './progress';
import { RECURRENT_KEY, stateDictGruRnns } from './recurrent-kinds';
import {
  Nonlinearity, RecurrentStack, choiceName, defaultPrefix, disposeRecurrentStacks, kerasStacks, pickStack, stackToKerasModel, stackToStateDict,
  stateDictStacks,
} from './recurrent-stacks';

/** The nonlinearity of the state dicts' RNNs: `--nonlinearity`, default tanh. */
export function nonlinearityOf(options: FormatOptions): Nonlinearity {
  return options.nonlinearity ?? 'tanh';
}

/** Does `source` convert through this branch (no LSTM, some GRU / RNN)? */
export function isRecurrentSource(source: Source): boolean {
  if (source.stateDict) return lstmPrefixes(source.stateDict).length === 0 && stateDictGruRnns(source.stateDict).length > 0;
  const layers = source.model!.layers;
  return !layers.some((l) => l instanceof LSTM || (l instanceof Bidirectional && l.forwardLayer instanceof LSTM)) && kerasGruRnns(source.model!).length > 0;
}

/** The source's stacks (a state dict's or a model's), owned by the caller. */
export function sourceStacks(source: Source, options: FormatOptions): RecurrentStack[] {
  return source.stateDict ? stateDictStacks(source.stateDict, nonlinearityOf(options)) : kerasStacks(source.model!);
}

/** The prefix of stack `k` of `stacks` in a written state dict. */
export function stackPrefix(stacks: readonly RecurrentStack[], k: number, options: FormatOptions): string {
  return stacks.length === 1 ? options.prefix ?? defaultPrefix(stacks[0].kind) : `${options.prefix ?? ''}${choiceName(stacks[k])}`;
}

/** A model source's GRU / RNN stacks as one state dict (see the module documentation). */
export function recurrentStateDictOf(model: tfl.LayersModel, options: FormatOptions, progress: Progress): { tensors: tf.NamedTensorMap; notConverted: string[]; dispose(): void } {
  const stacks = kerasStacks(model);
  const tensors: tf.NamedTensorMap = {};
  try {
    const prefixes = stacks.map((_, k) => stackPrefix(stacks, k, options));
    stacks.forEach((s, k) => {
      progress.detail(`converting ${s.name}${stacks.length > 1 ? ` (${k + 1} of ${stacks.length})` : ''}`);
      Object.assign(tensors, stackToStateDict(s, prefixes[k]));
    });
    const inStacks = new Set(stacks.flatMap((s) => s.kerasLayers.map((l) => l.name)));
    const notConverted = model.layers.filter((l) => !inStacks.has(l.name) && l.weights.length > 0).map((l) => `${l.name} (${l.getClassName()})`);
    return { tensors, notConverted, dispose: () => tf.dispose(Object.values(tensors)) };
  } catch (e) {
    tf.dispose(Object.values(tensors));
    throw e;
  } finally {
    disposeRecurrentStacks(stacks);
  }
}

/** The keys of a state dict outside the recurrent module under `prefix`. */
export function otherKeys(sd: tf.NamedTensorMap, prefix: string): string[] {
  return Object.keys(sd).filter((k) => !(k.startsWith(prefix) && RECURRENT_KEY.test(k.slice(prefix.length))));
}

/** A Keras model of a state dict's GRU / RNN under `--prefix` (or its only one). */
export function recurrentModelOf(sd: tf.NamedTensorMap, options: FormatOptions, progress: Progress): { model: tfl.LayersModel; notConverted: string[]; owned: boolean } {
  const stacks = stateDictStacks(sd, nonlinearityOf(options));
  try {
    const s = stacks[pickStack(stacks, options.prefix)];
    progress.detail(`converting '${s.name}' (nn.${s.kind})`);
    return { model: stackToKerasModel(s), notConverted: otherKeys(sd, s.name), owned: true };
  } finally {
    disposeRecurrentStacks(stacks);
  }
}

/** The state-dict formats: their files cannot record an RNN's nonlinearity. */
const STATE_DICT_FORMATS = ['torch', 'safetensors'];

/** The RNN stacks of `source` that compute relu (a model's or an ONNX file's). */
function reluStacks(source: Source, options: FormatOptions): string[] {
  if (source.stateDict || !isRecurrentSource(source)) return [];
  const stacks = kerasStacks(source.model!);
  const names = stacks.flatMap((s, k) => (s.kind === 'RNN' && s.activation === 'relu' ? [stackPrefix(stacks, k, options)] : []));
  disposeRecurrentStacks(stacks);
  return names;
}

/**
 * The options to read a written file back with for `--verify`: a relu RNN written to a state
 * dict is read back as relu (the file cannot say it), else `options`.
 */
export function readBackOptions(source: Source, target: string, options: FormatOptions): FormatOptions {
  const relu = STATE_DICT_FORMATS.includes(target) && options.nonlinearity === undefined && reluStacks(source, options).length > 0;
  return relu ? { ...options, nonlinearity: 'relu' } : options;
}

/** Notes on a GRU / RNN conversion (printed on stderr): nonlinearities a state dict does not record. */
export function recurrentNotes(source: Source, target: string, options: FormatOptions): string[] {
  if (!isRecurrentSource(source)) return [];
  if (source.stateDict) {
    if (options.nonlinearity !== undefined || STATE_DICT_FORMATS.includes(target)) return [];
    const rnns = stateDictGruRnns(source.stateDict).filter((r) => r.kind === 'RNN').map((r) => `'${r.prefix}'`);
    return rnns.length ? [`a state dict does not record nn.RNN's nonlinearity (${rnns.join(', ')}): converted as tanh; pass --nonlinearity relu for a relu RNN`] : [];
  }
  if (!STATE_DICT_FORMATS.includes(target)) return [];
  return reluStacks(source, options).map((p) => `nn.RNN '${p}' computes relu, which a state dict does not record: build it with nonlinearity='relu' (--nonlinearity relu to convert the file further)`);
}
