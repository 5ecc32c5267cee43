/**
 * What the state-dict formats (torch, safetensors) write, and what the model formats (Keras,
 * TF.js) build, from any {@link Source}: the conversions between a PyTorch state dict and a
 * Keras model, by LSTM groups (see `../lstm-groups`).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError, UnsupportedConversionError } from '../../errors';
import { LstmGroup, disposeGroups, groupToKerasModel, groupToStateDict, kerasGroups, lstmPrefixes, stateDictGroups } from '../lstm-groups';
import { Progress } from '../progress';
import { isRecurrentSource, recurrentModelOf, recurrentStateDictOf } from '../recurrent-convert';
import { stateDictGruRnns } from '../recurrent-kinds';
import { FormatOptions, Source } from './types';

/** The default prefix of a converted LSTM (`lstm.weight_ih_l0`). */
export const DEFAULT_PREFIX = 'lstm.';

/** A state dict to write, and what could not be carried over. */
export interface StateDictResult {
  readonly tensors: tf.NamedTensorMap;
  /** Layers of the source model that are not in the state dict. */
  readonly notConverted: readonly string[];
  /** Frees the tensors that were created for the result. */
  dispose(): void;
}

/** The prefix of group `k` in a written state dict: `--prefix` (default `lstm.`) for one group, `<prefix><first layer>.` for several. */
export function groupPrefix(groups: readonly LstmGroup[], k: number, options: FormatOptions): string {
  return groups.length === 1 ? options.prefix ?? DEFAULT_PREFIX : `${options.prefix ?? ''}${groups[k].kerasLayers[0].name}.`;
}

/**
 * The state dict of a source: its own tensors, or its model's LSTM groups under `prefix`
 * (one group) or `<prefix><first layer name>.` (several).
 */
export function stateDictOf(source: Source, options: FormatOptions, progress: Progress): StateDictResult {
  if (source.stateDict) return { tensors: source.stateDict, notConverted: [], dispose: () => undefined };
  if (isRecurrentSource(source)) return recurrentStateDictOf(source.model!, options, progress);
  const model = source.model!;
  const groups = kerasGroups(model);
  try {
    if (groups.length === 0) throw new ConfigError(`lstm-bridge: ${source.path} has no LSTM layer to convert`);
    const tensors: tf.NamedTensorMap = {};
    groups.forEach((g, k) => {
      progress.detail(`converting ${g.name}${groups.length > 1 ? ` (${k + 1} of ${groups.length})` : ''}`);
      Object.assign(tensors, groupToStateDict(g, groupPrefix(groups, k, options)));
    });
    const inGroups = new Set(groups.flatMap((g) => g.kerasLayers.map((l) => l.name)));
    const notConverted = model.layers.filter((l) => !inGroups.has(l.name) && l.weights.length > 0).map((l) => `${l.name} (${l.getClassName()})`);
    return { tensors, notConverted, dispose: () => tf.dispose(Object.values(tensors)) };
  } finally {
    disposeGroups(groups);
  }
}

/** The prefix of the one LSTM a state dict is converted from (`--prefix`, or the only one). */
export function chosenPrefix(stateDict: tf.NamedTensorMap, options: FormatOptions): string {
  const prefixes = lstmPrefixes(stateDict);
  if (options.prefix !== undefined) return options.prefix;
  if (prefixes.length === 1) return prefixes[0];
  if (prefixes.length === 0) {
    const others = stateDictGruRnns(stateDict).map((r) => `${r.kind} '${r.prefix}'`);
    if (others.length) throw new UnsupportedConversionError(`lstm-bridge: the state dict holds ${others.join(', ')} and no LSTM; the CLI converts LSTMs only so far (inspect describes GRU / RNN modules)`);
    throw new ConfigError('lstm-bridge: no LSTM in the state dict (no key ending in weight_ih_l0)');
  }
  throw new ConfigError(`lstm-bridge: several LSTMs in the state dict (prefixes ${prefixes.map((p) => `'${p}'`).join(', ')}); choose one with --prefix`);
}

/** A model for a source: its own, or a Keras model of the state dict's chosen LSTM. */
export function modelOf(source: Source, options: FormatOptions, progress: Progress): { model: tfl.LayersModel; notConverted: string[]; owned: boolean } {
  if (source.model) return { model: source.model, notConverted: [], owned: false };
  const sd = source.stateDict!;
  if (isRecurrentSource(source)) return recurrentModelOf(sd, options, progress);
  const prefix = chosenPrefix(sd, options);
  progress.detail(`converting '${prefix}'`);
  const [group] = stateDictGroups(sd, prefix);
  try {
    const model = groupToKerasModel(group);
    const lstmKey = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l\d+(_reverse)?$/;
    const notConverted = Object.keys(sd).filter((k) => !(k.startsWith(prefix) && lstmKey.test(k.slice(prefix.length))));
    return { model, notConverted, owned: true };
  } finally {
    disposeGroups([group]);
  }
}
