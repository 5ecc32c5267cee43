/**
 * GRU / RNN stacks: the unit the CLI converts between a PyTorch state dict (`nn.GRU` /
 * `nn.RNN`), a Keras / TF.js model (`GRU` / `SimpleRNN` layers, plain or in `Bidirectional`) and
 * ONNX (`GRU` / `RNN` nodes) — the one-state counterpart of `./lstm-groups`. A stack is what one
 * `nn.GRU` / `nn.RNN` holds, in the engine's canonical form (GRU gates r, z, n), with its reset
 * and activations, so that a reset-before GRU (Keras reset_after=False, ONNX
 * linear_before_reset=0) or a SimpleRNN with another activation goes to Keras, TF.js and ONNX
 * exactly even though PyTorch cannot hold it.
 *
 * - From a state dict: one stack per prefix whose `weight_hh_l0` is 3H × H (GRU) or H × H (RNN),
 *   `adapters.convertGruWeights` / `convertRnnWeights` from `'torch'`. An RNN's nonlinearity is
 *   not in the file: the caller says it (`--nonlinearity`, default tanh).
 * - From a Keras model: one stack per chain of layers (`./layer-chains`), from `'keras'` (the
 *   reset from the bias shape, else the layer's `resetAfter`).
 * - To a state dict: to `'torch'` under a prefix; what PyTorch cannot compute (reset before,
 *   other activations, a go_backwards-only layer) is an `UnsupportedConversionError` naming why.
 * - To a Keras model: a Sequential of `layers.GRU` / `layers.SimpleRNN` (in `layers.Bidirectional`)
 *   returning sequences on (N, L, I), what `nn.GRU(batch_first=True)` returns as its output.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { KerasCellWeights, TorchCellWeights, convertGruWeights, convertRnnWeights, torchLayerSuffix } from '../../adapters';
import { ActivationName, CellWeights, StackLayer, gruStack, rnnStack } from '../engine';
import { ConfigError, StateDictError, UnsupportedConversionError } from '../errors';
import type { OnnxRecurrentStack } from '../io';
import { Bidirectional, GRU, SimpleRNN, bidirectional, gru, simpleRNN } from '../layers';
import { chainIncompatibility, chainsOf, halvesOf } from './layer-chains';
import { KerasGruRnn, kerasGruRnns } from './keras-recurrent';
import { stateDictGruRnns } from './recurrent-kinds';

/** The one-state kinds. */
export type HiddenKind = 'GRU' | 'RNN';

/** One `nn.GRU` / `nn.RNN`'s worth of layers (see the module documentation). */
export interface RecurrentStack {
  /** The state-dict prefix (`gru.`), the Keras layer names joined with `+`, or the ONNX stack's prefix. */
  readonly name: string;
  readonly kind: HiddenKind;
  /** Canonical weights, owned by the stack (see {@link disposeRecurrentStacks}). */
  readonly layers: StackLayer<CellWeights>[];
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
  /** GRU: the reset after the recurrent product (PyTorch's); true for an RNN. */
  readonly resetAfter: boolean;
  /** The candidate activation (GRU) or the nonlinearity (RNN). */
  readonly activation: ActivationName;
  /** The GRU's gate activation; `'sigmoid'` for an RNN (unused). */
  readonly recurrentActivation: ActivationName;
  /** Keras stacks: the source layers, bottom to top. */
  readonly kerasLayers: readonly KerasGruRnn[];
}

/** The nonlinearities of `nn.RNN` (a state dict does not record which). */
export type Nonlinearity = 'tanh' | 'relu';

const cellFromTorch = (kind: HiddenKind, w: TorchCellWeights): CellWeights =>
  kind === 'GRU' ? convertGruWeights(w, 'torch', 'canonical') : convertRnnWeights(w, 'torch', 'canonical');

const cellFromKeras = (kind: HiddenKind, w: KerasCellWeights, resetAfter: boolean): CellWeights =>
  kind === 'GRU' ? convertGruWeights(w, 'keras', 'canonical', { resetAfter }) : convertRnnWeights(w, 'keras', 'canonical');

const directionsOf = (s: RecurrentStack): CellWeights[][] => s.layers.map((l) => (l.backward ? [l.forward, l.backward] : [l.forward]));

/** Frees the stacks' canonical weights. */
export function disposeRecurrentStacks(stacks: readonly RecurrentStack[]): void {
  tf.dispose(stacks.flatMap((s) => directionsOf(s).flat().flatMap((w) => [w.kernel, w.recurrentKernel, ...(w.bias ? [w.bias] : []), ...(w.recurrentBias ? [w.recurrentBias] : [])])));
}

/** Builds the layers one at a time, freeing what was made when one fails. */
function collect(count: number, make: (k: number) => StackLayer<CellWeights>): StackLayer<CellWeights>[] {
  const layers: StackLayer<CellWeights>[] = [];
  try {
    for (let k = 0; k < count; k++) layers.push(make(k));
  } catch (e) {
    disposeRecurrentStacks([{ layers } as unknown as RecurrentStack]);
    throw e;
  }
  return layers;
}

/** The GRU / RNN stacks of a state dict (only the one under `prefix` when given). */
export function stateDictStacks(stateDict: tf.NamedTensorMap, nonlinearity: Nonlinearity, prefix?: string): RecurrentStack[] {
  const found = stateDictGruRnns(stateDict).filter((r) => prefix === undefined || r.prefix === prefix);
  if (prefix !== undefined && found.length === 0) {
    throw new StateDictError(`no GRU or RNN under prefix '${prefix}' (found: ${stateDictGruRnns(stateDict).map((r) => `'${r.prefix}'`).join(', ') || 'none'})`);
  }
  const out: RecurrentStack[] = [];
  try {
    for (const r of found) {
      const at = (k: number, d: number): TorchCellWeights => {
        const key = (name: string) => `${r.prefix}${name}${torchLayerSuffix(k, d)}`;
        return { weight_ih: stateDict[key('weight_ih')], weight_hh: stateDict[key('weight_hh')], bias_ih: stateDict[key('bias_ih')] ?? null, bias_hh: stateDict[key('bias_hh')] ?? null };
      };
      const layers = collect(r.numLayers, (k) => ({ forward: cellFromTorch(r.kind as HiddenKind, at(k, 0)), backward: r.bidirectional ? cellFromTorch(r.kind as HiddenKind, at(k, 1)) : null }));
      out.push({
        name: r.prefix, kind: r.kind as HiddenKind, layers, inputSize: r.inputSize, hiddenSize: r.hiddenSize, bidirectional: r.bidirectional, bias: r.bias,
        resetAfter: true, activation: r.kind === 'RNN' ? nonlinearity : 'tanh', recurrentActivation: 'sigmoid', kerasLayers: [],
      });
    }
  } catch (e) {
    disposeRecurrentStacks(out);
    throw e;
  }
  return out;
}

/** The GRU / SimpleRNN stacks of a Keras / TF.js model, one per chain (`./layer-chains`), in layer order. */
export function kerasStacks(model: tfl.LayersModel): RecurrentStack[] {
  const out: RecurrentStack[] = [];
  try {
    for (const chain of chainsOf(kerasGruRnns(model))) {
      const inner = halvesOf(chain[0])[0] as GRU | SimpleRNN;
      const kind: HiddenKind = inner instanceof GRU ? 'GRU' : 'RNN';
      const resetAfter = inner instanceof GRU ? inner.resetAfter : true;
      const layers = collect(chain.length, (k) => {
        // getWeights() returns the variables' own tensors: the conversions copy them.
        const [forward, backward] = halvesOf(chain[k]).map((h) => {
          const [kernel, recurrent, bias] = h.getWeights();
          return cellFromKeras(kind, { kernel, recurrent_kernel: recurrent, bias: bias ?? null }, resetAfter);
        });
        return { forward, backward: backward ?? null };
      });
      out.push({
        name: chain.map((l) => l.name).join('+'), kind, layers,
        inputSize: layers[0].forward.kernel.shape[0], hiddenSize: inner.units, bidirectional: chain[0] instanceof Bidirectional, bias: inner.cell.config.useBias,
        resetAfter, activation: inner.cell.config.activation, recurrentActivation: inner instanceof GRU ? inner.cell.config.recurrentActivation : 'sigmoid',
        kerasLayers: chain,
      });
    }
  } catch (e) {
    disposeRecurrentStacks(out);
    throw e;
  }
  return out;
}

/** An ONNX reader's stack as a CLI stack named `name` (the weights change owner, not copied). */
export function fromOnnxStack(s: OnnxRecurrentStack, name: string): RecurrentStack {
  return {
    name, kind: s.kind === 'gru' ? 'GRU' : 'RNN', layers: s.layers, inputSize: s.inputSize, hiddenSize: s.hiddenSize, bidirectional: s.bidirectional,
    bias: s.layers[0].forward.bias !== null, resetAfter: s.resetAfter ?? true, activation: s.activation, recurrentActivation: s.recurrentActivation ?? 'sigmoid', kerasLayers: [],
  };
}

/** Why a stack cannot be an `nn.GRU` / `nn.RNN`, or null. */
export function torchIncompatibility(s: RecurrentStack): string | null {
  if (s.kind === 'GRU') {
    if (!s.resetAfter) {
      return 'reset_after=False (ONNX linear_before_reset=0) applies the reset gate before the recurrent product, nn.GRU after it; no choice of weights makes them equal';
    }
    if (s.activation !== 'tanh' || s.recurrentActivation !== 'sigmoid') return `activation ${s.activation}, recurrent activation ${s.recurrentActivation} (nn.GRU computes tanh / sigmoid only)`;
  } else if (s.activation !== 'tanh' && s.activation !== 'relu') {
    return `activation ${s.activation} (nn.RNN computes tanh or relu)`;
  }
  return chainIncompatibility(s.kerasLayers, `nn.${s.kind}`);
}

/** The stack as PyTorch state-dict tensors under `prefix`. @throws UnsupportedConversionError when PyTorch cannot compute it. */
export function stackToStateDict(s: RecurrentStack, prefix: string): tf.NamedTensorMap {
  const why = torchIncompatibility(s);
  if (why) throw new UnsupportedConversionError(`lstm-bridge: ${s.kind} '${s.name}' cannot be an nn.${s.kind}: ${why}`);
  const out: tf.NamedTensorMap = {};
  try {
    directionsOf(s).forEach((dirs, k) =>
      dirs.forEach((w, d) => {
        const t = s.kind === 'GRU' ? convertGruWeights(w, 'canonical', 'torch', { resetAfter: true }) : convertRnnWeights(w, 'canonical', 'torch');
        const suffix = torchLayerSuffix(k, d);
        out[`${prefix}weight_ih${suffix}`] = t.weight_ih;
        out[`${prefix}weight_hh${suffix}`] = t.weight_hh;
        if (t.bias_ih && t.bias_hh) {
          out[`${prefix}bias_ih${suffix}`] = t.bias_ih;
          out[`${prefix}bias_hh${suffix}`] = t.bias_hh;
        }
      }),
    );
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}

/** The stack as a Keras model (see the module documentation). */
export function stackToKerasModel(s: RecurrentStack): tfl.Sequential {
  const model = tfl.sequential({ name: 'lstm_bridge_model' });
  directionsOf(s).forEach((dirs, k) => {
    const weights = tf.tidy(() =>
      dirs.flatMap((w) => {
        const kw = s.kind === 'GRU' ? convertGruWeights(w, 'canonical', 'keras', { resetAfter: s.resetAfter }) : convertRnnWeights(w, 'canonical', 'keras');
        return [kw.kernel, kw.recurrent_kernel, ...(kw.bias ? [kw.bias] : [])];
      }),
    );
    try {
      const stem = s.kind === 'GRU' ? 'gru' : 'simple_rnn';
      const shape = k === 0 ? { batchInputShape: [null, null, s.inputSize] } : {};
      const make = (extra: object) => {
        const args = { units: s.hiddenSize, useBias: s.bias, returnSequences: true, activation: s.activation, name: `${stem}${k === 0 ? '' : `_${k}`}`, ...extra };
        return s.kind === 'GRU' ? gru({ ...args, recurrentActivation: s.recurrentActivation, resetAfter: s.resetAfter }) : simpleRNN(args);
      };
      const layer = dirs.length === 2 ? bidirectional({ layer: make({}), mergeMode: 'concat', name: `bidirectional${k === 0 ? '' : `_${k}`}`, ...shape }) : make(shape);
      layer.setFastWeightInitDuringBuild(true); // the weights are set right after
      model.add(layer);
      layer.setWeights(weights);
      layer.setFastWeightInitDuringBuild(false);
    } finally {
      tf.dispose(weights);
    }
  });
  return model;
}

/**
 * The engine on a stack's weights: `x` (N, L, I) batch first, optional initial states (D·K, N, H);
 * returns the output (N, L, D·H) and h_n (D·K, N, H).
 */
export function runStack(s: RecurrentStack, x: tf.Tensor, h0?: tf.Tensor): { output: tf.Tensor; hN: tf.Tensor } {
  return tf.tidy(() => {
    const xt = tf.transpose(x, [1, 0, 2]);
    const states = h0 ? tf.unstack(h0) : null;
    const r = s.kind === 'GRU'
      ? gruStack(xt, s.layers, { resetAfter: s.resetAfter, activation: s.activation, recurrentActivation: s.recurrentActivation, h0: states })
      : rnnStack(xt, s.layers, { activation: s.activation, h0: states });
    return { output: tf.transpose(r.output, [1, 0, 2]), hN: tf.stack(r.h) };
  });
}

/** The largest absolute difference between two stacks' weights (and the bias sums a reset-before step uses), Infinity when their form differs. */
export function stackWeightDiff(a: RecurrentStack, b: RecurrentStack): number {
  const form = (s: RecurrentStack) => JSON.stringify([s.kind, s.inputSize, s.hiddenSize, s.layers.length, s.bidirectional, s.resetAfter, s.activation, s.kind === 'GRU' ? s.recurrentActivation : '']);
  if (form(a) !== form(b)) return Infinity;
  return tf.tidy(() => {
    let m = 0;
    const diff = (x: tf.Tensor, y: tf.Tensor) => {
      m = Math.max(m, x.shape.join() === y.shape.join() ? tf.max(tf.abs(tf.sub(x, y))).dataSync()[0] : Infinity);
    };
    const zeros = (w: CellWeights) => tf.zeros([w.kernel.shape[1]]);
    const [da, db] = [directionsOf(a).flat(), directionsOf(b).flat()];
    da.forEach((x, k) => {
      const y = db[k];
      diff(x.kernel, y.kernel);
      diff(x.recurrentKernel, y.recurrentKernel);
      diff(x.bias ?? zeros(x), y.bias ?? zeros(y));
      diff(x.recurrentBias ?? zeros(x), y.recurrentBias ?? zeros(y));
    });
    return m;
  });
}

/** The default prefix of a written stack: `gru.` / `rnn.`. */
export function defaultPrefix(kind: HiddenKind): string {
  return kind === 'GRU' ? 'gru.' : 'rnn.';
}

/**
 * The index of the stack a single-stack output (ONNX, a model from a state dict) is written
 * from: the only one, or the one `prefix` names (its name, or `<first layer name>.`).
 * @throws ConfigError when there are several and `prefix` names none of them.
 */
export function pickStack(stacks: readonly RecurrentStack[], prefix: string | undefined): number {
  if (stacks.length === 0) throw new ConfigError('lstm-bridge: no GRU or RNN to convert');
  if (stacks.length === 1) return 0;
  const names = stacks.map(choiceName);
  const list = stacks.map((s, k) => `'${names[k]}' (${s.kind})`).join(', ');
  if (prefix === undefined) throw new ConfigError(`lstm-bridge: several separate GRU / RNN stacks: ${list}; choose one with --prefix`);
  const k = names.findIndex((n) => n === prefix || n === `${prefix}.`);
  if (k < 0) throw new ConfigError(`lstm-bridge: --prefix '${prefix}' names none of the GRU / RNN stacks: ${list}`);
  return k;
}

/** The name `--prefix` chooses a stack by: a state dict's prefix, or `<first layer name>.`. */
export function choiceName(s: RecurrentStack): string {
  return s.kerasLayers.length ? `${s.kerasLayers[0].name}.` : s.name;
}
