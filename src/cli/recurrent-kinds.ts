/**
 * Which recurrent module wrote a PyTorch state dict's `<prefix>weight_ih_l0` ... keys, and the
 * `inspect` text for the GRU / RNN ones (LSTMs go through `./lstm-groups`).
 *
 * A state dict does not say which module wrote it (`nn.LSTM`, `nn.GRU`, `nn.RNN` all write
 * `weight_ih_l{k}` (G·H, in_k), `weight_hh_l{k}` (G·H, H_out), `bias_ih_l{k}`, `bias_hh_l{k}` (G·H),
 * `_reverse` for the second direction). The kind follows from `weight_hh_l0`'s rows over its
 * columns G: 4 an LSTM (or any `weight_hr_l0`: an LSTM with a projection), 3 a GRU (gate rows
 * r, z, n), 1 an RNN (tanh or relu: the nonlinearity is not in the file).
 *
 * Legend: H hidden size, in_k layer k's input size (I for k = 0, H·D above), D directions (1 or 2),
 * L layers.
 */
import * as tf from '@tensorflow/tfjs-core';

import { weightLines } from './text-lists';

/** The kinds of recurrent modules a state dict can hold. */
export type RecurrentKind = 'LSTM' | 'GRU' | 'RNN';

/** One `nn.LSTM` / `nn.GRU` / `nn.RNN` found in a state dict, from its shapes alone. */
export interface StateDictRecurrent {
  /** The key prefix (`gru.`, or `` for a bare module). */
  readonly prefix: string;
  readonly kind: RecurrentKind;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
  /** The module's tensors in key order. */
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[] }[];
}

/** Keys of a recurrent module below its prefix. */
export const RECURRENT_KEY = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l\d+(_reverse)?$/;

/** The prefixes with a `<prefix>weight_ih_l0` key (any kind). */
export function recurrentPrefixes(stateDict: tf.NamedTensorMap): string[] {
  return Object.keys(stateDict)
    .filter((k) => k.endsWith('weight_ih_l0') && (k.length === 12 || k[k.length - 13] === '.'))
    .map((k) => k.slice(0, -'weight_ih_l0'.length));
}

/** The kind of the module under `prefix`, or null when its shapes fit none (the LSTM reader then says why). */
export function kindOf(stateDict: tf.NamedTensorMap, prefix: string): RecurrentKind | null {
  const hh = stateDict[`${prefix}weight_hh_l0`];
  if (`${prefix}weight_hr_l0` in stateDict) return 'LSTM';
  if (!hh || hh.rank !== 2) return null;
  const [rows, cols] = hh.shape as [number, number];
  if (cols === 0) return null;
  const ratio = rows / cols;
  return ratio === 4 ? 'LSTM' : ratio === 3 ? 'GRU' : ratio === 1 ? 'RNN' : null;
}

/** The GRU / RNN modules of a state dict (LSTMs are left to `./lstm-groups`). */
export function stateDictGruRnns(stateDict: tf.NamedTensorMap): StateDictRecurrent[] {
  return recurrentPrefixes(stateDict).flatMap((prefix) => {
    const kind = kindOf(stateDict, prefix);
    if (kind !== 'GRU' && kind !== 'RNN') return [];
    const keys = Object.keys(stateDict).filter((k) => k.startsWith(prefix) && RECURRENT_KEY.test(k.slice(prefix.length)));
    let numLayers = 0;
    while (`${prefix}weight_ih_l${numLayers}` in stateDict) numLayers++;
    const ih = stateDict[`${prefix}weight_ih_l0`];
    const hh = stateDict[`${prefix}weight_hh_l0`];
    return [{
      prefix,
      kind,
      inputSize: ih.shape[1] ?? 0,
      hiddenSize: hh.shape[1] ?? 0,
      numLayers,
      bidirectional: `${prefix}weight_ih_l0_reverse` in stateDict,
      bias: `${prefix}bias_ih_l0` in stateDict,
      tensors: keys.map((name) => ({ name, shape: stateDict[name].shape })),
    }];
  });
}

const LAYOUT: Record<'GRU' | 'RNN', { convention: string; gates: string }> = {
  GRU: {
    convention: 'PyTorch nn.GRU: weight_ih_l{k} (3H, in_k), weight_hh_l{k} (3H, H), bias_ih_l{k} + bias_hh_l{k} (3H); reset applied after the recurrent product',
    gates: 'r, z, n (rows)',
  },
  RNN: {
    convention: 'PyTorch nn.RNN: weight_ih_l{k} (H, in_k), weight_hh_l{k} (H, H), bias_ih_l{k} + bias_hh_l{k} (H)',
    gates: 'none (h\' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu: not stored in the file)',
  },
};

/** Parameters of one such module: PyTorch counts two biases a layer and direction. */
function parameterCount(r: StateDictRecurrent): number {
  return r.tensors.reduce((a, t) => a + t.shape.reduce((p, d) => p * d, 1), 0);
}

/** What each target format makes of the module, exact or not. */
function conversions(r: StateDictRecurrent): string[] {
  const stack = r.numLayers > 1 ? ` x${r.numLayers}` : '';
  const bi = (s: string) => (r.bidirectional ? `Bidirectional(${s})` : s);
  if (r.kind === 'GRU') {
    return [
      `keras: ${bi(`GRU(${r.hiddenSize}, reset_after=True${r.bias ? '' : ', use_bias=False'}, return_sequences=True)`)}${stack}  # exact (bias (2, 3H) = bias_ih, bias_hh; gates z, r, h)`,
      'tfjs: plain tf.layers.gru computes reset before only (reset_after=False): not exact; lstm-bridge\'s layers.GRU loads it exactly',
      `onnx: GRU operator, linear_before_reset=1${r.bidirectional ? ', direction bidirectional' : ''}  # exact (gates z, r, h)`,
    ];
  }
  return [
    `keras: ${bi(`SimpleRNN(${r.hiddenSize}${r.bias ? '' : ', use_bias=False'}, activation='tanh' or 'relu', return_sequences=True)`)}${stack}  # exact (bias = bias_ih + bias_hh, one rounding)`,
    'tfjs: tf.layers.simpleRNN  # exact as Keras',
    `onnx: RNN operator${r.bidirectional ? ', direction bidirectional' : ''}  # exact`,
  ];
}

/** The `inspect` lines of one GRU / RNN module of a state dict. */
export function describeStateDictRecurrent(r: StateDictRecurrent): string[] {
  const l = LAYOUT[r.kind as 'GRU' | 'RNN'];
  const torch = [`${r.inputSize}`, `${r.hiddenSize}`, ...(r.numLayers > 1 ? [`num_layers=${r.numLayers}`] : []), ...(r.bias ? [] : ['bias=False']), ...(r.bidirectional ? ['bidirectional=True'] : [])];
  return [
    `${r.kind} '${r.prefix}' (nn.${r.kind})`,
    `  convention: ${l.convention}`,
    `  gate order: ${l.gates}`,
    `  sizes: input ${r.inputSize}, hidden ${r.hiddenSize}, layers ${r.numLayers}, ${r.bidirectional ? 'bidirectional' : 'one direction'}, bias ${r.bias ? 'yes' : 'no'}`,
    `  parameters: ${parameterCount(r).toLocaleString('en-US')}`,
    ...weightLines('  weights:', r.tensors, '    '),
    `  torch: nn.${r.kind}(${torch.join(', ')})`,
    ...conversions(r).map((c) => `  ${c}`),
  ];
}
