/**
 * Which recurrent module a PyTorch state dict holds, from its keys and shapes alone.
 *
 * A stack (`weight_ih_l0`, `weight_hh_l0`, ...): H is the column count of `weight_hh_l0` (or,
 * for an LSTM with projection, of `weight_hr_l0`), and its row count G·H gives G: 4 → LSTM
 * (rows i,f,g,o), 3 → GRU (rows r,z,n), 1 → RNN. The rows of `weight_ih_l0` alone would be
 * ambiguous (an RNN with H = 12 has 12 rows, like an LSTM with H = 3); `weight_hh` is square for
 * an RNN, so its shape decides. A cell (`weight_ih`, `weight_hh`): the same with `LSTMCell`,
 * `GRUCell`, `RNNCell`. Whether an RNN is tanh or relu is not in the weights.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, StateDictError, formatShape } from '../errors';
import { checkFromOptions, checkStateDictArg, findStackPrefix, stripPrefix } from './stack-params';

/** The module kinds a state dict can hold. */
export type RecurrentKind = 'LSTM' | 'GRU' | 'RNN' | 'LSTMCell' | 'GRUCell' | 'RNNCell';

/** What {@link stateDictKind} reads from a state dict. */
export interface StateDictKind {
  readonly kind: RecurrentKind;
  /** The prefix of the module's keys (`''`, `'rnn.'`). */
  readonly prefix: string;
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** 1 for a cell. */
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
  /** LSTM projection size (PyTorch's `proj_size`); 0 without, and for every other kind. */
  readonly projSize: number;
}

const GATES: Readonly<Record<number, 'LSTM' | 'GRU' | 'RNN'>> = { 4: 'LSTM', 3: 'GRU', 1: 'RNN' };

function has(sd: tf.NamedTensorMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(sd, key);
}

/** The article of a kind's name, for messages ("an LSTM", "a GRU"). */
export function withArticle(kind: RecurrentKind): string {
  return `${kind.startsWith('GRU') ? 'a' : 'an'} ${kind}`;
}

/** G and H from the first layer's weights; G·H × I shown the way messages word it. */
function readGates(own: tf.NamedTensorMap, sfx: string, where: string): { gates: number; H: number; I: number; shown: string } {
  const ih = own[`weight_ih${sfx}`];
  const hh = own[`weight_hh${sfx}`];
  if (!hh) throw new StateDictError(`${where}: weight_ih${sfx} without weight_hh${sfx} in the state dict`, [`weight_hh${sfx}`]);
  if (ih.rank !== 2) throw new ShapeError(`${where}: weight_ih${sfx} expected 2-D (G·hidden_size, input_size), got ${formatShape(ih.shape)}`);
  if (hh.rank !== 2) throw new ShapeError(`${where}: weight_hh${sfx} expected 2-D (G·hidden_size, hidden_size), got ${formatShape(hh.shape)}`);
  const hr = own[`weight_hr${sfx}`];
  const H: number = hr && hr.rank === 2 ? (hr.shape[1] as number) : (hh.shape[1] as number);
  const rows = hh.shape[0];
  const gates = H > 0 && rows % H === 0 ? rows / H : NaN;
  if (!(gates in GATES) || ih.shape[0] !== rows) {
    throw new ShapeError(
      `${where}: weight_ih${sfx} ${formatShape(ih.shape)} and weight_hh${sfx} ${formatShape(hh.shape)} are not an LSTM's ` +
        '(4H, I), (4H, H), a GRU\'s (3H, I), (3H, H) or an RNN\'s (H, I), (H, H)',
    );
  }
  const I = ih.shape[1] as number;
  return { gates, H, I, shown: `weight_ih${sfx} is ${gates === 1 ? '' : `${gates}·`}${H} × ${I}` };
}

/**
 * Reads which recurrent module `stateDict` holds (see the module documentation). `prefix`
 * selects the module's keys; without it the one `…weight_ih_l0` (else `…weight_ih`) key gives it.
 *
 * ```ts
 * nn.stateDictKind(sd); // { kind: 'GRU', prefix: '', inputSize: 1, hiddenSize: 32, numLayers: 2, bidirectional: false, bias: true, projSize: 0 }
 * ```
 * @throws StateDictError when no recurrent module is found, ShapeError when the shapes fit none.
 */
export function stateDictKind(stateDict: tf.NamedTensorMap, options: { prefix?: string } = {}): StateDictKind {
  return describeKind(stateDict, checkFromOptions(options, 'nn.stateDictKind').prefix, 'nn.stateDictKind').kind;
}

/** {@link stateDictKind} plus the keys under the prefix (the prefix removed) and the shape wording. */
export function describeKind(stateDict: tf.NamedTensorMap, prefixArg: string | undefined, where: string): { kind: StateDictKind; own: tf.NamedTensorMap; shown: string } {
  checkStateDictArg(stateDict, where);
  const cell = prefixArg === undefined
    ? !Object.keys(stateDict).some((k) => k.endsWith('weight_ih_l0')) && Object.keys(stateDict).some((k) => k.endsWith('weight_ih'))
    : !has(stateDict, `${prefixArg}weight_ih_l0`) && has(stateDict, `${prefixArg}weight_ih`);
  const prefix = prefixArg ?? findStackPrefix(stateDict, 'recurrent module', where, cell ? 'weight_ih' : 'weight_ih_l0');
  const own = stripPrefix(stateDict, prefix, where);
  const sfx = cell ? '' : '_l0';
  if (!has(own, `weight_ih${sfx}`)) throw new StateDictError(`${where}: no ${prefix}weight_ih${sfx} in the state dict`, [`${prefix}weight_ih${sfx}`]);
  const g = readGates(own, sfx, where);
  let numLayers = 1;
  if (!cell) while (has(own, `weight_ih_l${numLayers}`)) numLayers++;
  const hr = own.weight_hr_l0;
  const kind: StateDictKind = {
    kind: cell ? (`${GATES[g.gates]}Cell` as RecurrentKind) : GATES[g.gates],
    prefix,
    inputSize: g.I,
    hiddenSize: g.H,
    numLayers,
    bidirectional: !cell && has(own, 'weight_ih_l0_reverse'),
    bias: has(own, `bias_ih${sfx}`) || has(own, `bias_hh${sfx}`),
    projSize: !cell && hr && hr.rank === 2 ? hr.shape[0] : 0,
  };
  return { kind, own, shown: g.shown };
}

/**
 * Throws when `stateDict` holds another kind of module than `expected`:
 * `nn.LSTM.fromStateDict: the state dict holds a GRU (weight_ih_l0 is 3·32 × 1), not an LSTM —
 * use nn.GRU.fromStateDict`. Does nothing when the kind cannot be read (the caller's own checks
 * then report what is wrong).
 */
export function checkKindOf(stateDict: tf.NamedTensorMap, expected: RecurrentKind, where: string, prefix: string | undefined, use: string): void {
  let found: { kind: StateDictKind; shown: string };
  try {
    found = describeKind(stateDict, prefix, where);
  } catch {
    return;
  }
  if (found.kind.kind === expected) return;
  throw new StateDictError(
    `${where}: the state dict holds ${withArticle(found.kind.kind)} (${found.shown}), not ${withArticle(expected)} — use nn.${found.kind.kind}${use}`,
  );
}
