/**
 * Whole stacks of LSTM layers: a PyTorch `nn.LSTM` state dict, or the per-layer Keras weight
 * lists of a stack of `LSTM` / `Bidirectional(LSTM)` layers, to and from the engine's
 * `LstmStackLayer[]` (what `lstmStack` runs). Built on the one-layer conventions.
 *
 * Legend: L = `num_layers`, D = 2 if bidirectional else 1, I = `input_size`, H = `hidden_size`,
 * P = `proj_size`, H_out = P or H.
 *
 * PyTorch keys, for layer k and suffix `_reverse` on the second direction (in this order:
 * `l0`, `l0_reverse`, `l1`, ...; inside a layer `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`,
 * `weight_hr`): `weight_ih_l{k}` (4H, I for k = 0, else D·H_out), `weight_hh_l{k}` (4H, H_out),
 * `bias_ih_l{k}`, `bias_hh_l{k}` (4H), `weight_hr_l{k}` (P, H).
 *
 * Keras: one weight list per layer, in `get_weights()` order: `LSTM` gives
 * `[kernel, recurrent_kernel, bias]` (2 arrays without bias), `Bidirectional(LSTM)` the forward
 * layer's then the backward layer's (6, or 4 without bias).
 *
 * Example:
 * ```ts
 * const { config, layers } = torchStateDictToStack(stateDict, { prefix: 'lstm.' });
 * const { output, h, c } = lstmStack(x, layers);
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmStackLayer, LstmWeights, lstmSizes } from '../src/engine';
import { ConfigError, ShapeError, StateDictError } from '../src/errors';
import { describeValue } from '../src/engine/internal';
import { checkNumberArg, checkOneOfArg, disposeWeights, expectOptions, expectRecord, expectTensorList } from './checks';
import { canonicalToKeras, kerasToCanonical, kerasWeightList, kerasWeightsFromList } from './conventions/keras';
import { TorchLstmWeights, canonicalToTorch, torchToCanonical } from './conventions/torch';

/** A stack's sizes, as PyTorch's `nn.LSTM` constructor names them. */
export interface LstmStackConfig {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** 0 without projection. */
  readonly projSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
}

const KEY = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(\d+)(_reverse)?$/;
const PARAMS = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr'] as const;

/** The shared check of a stack argument: an array of `{ forward, backward? }` records. */
function expectStackLayers(layers: unknown, where: string): void {
  if (!Array.isArray(layers)) throw new ShapeError(`${where}: layers expected an array of { forward, backward? }, got ${describeValue(layers)}`);
  layers.forEach((layer, k) => {
    const record = expectRecord<Record<string, unknown>>(layer, `layers[${k}]`, where);
    expectRecord(record.forward, `layers[${k}].forward`, where);
    if (record.backward !== undefined && record.backward !== null) expectRecord(record.backward, `layers[${k}].backward`, where);
  });
}

/** The key suffix of layer `k`, direction `d`: `_l0`, `_l0_reverse`, ... */
export function torchLayerSuffix(k: number, d: number): string {
  checkNumberArg(k, 'k', 'adapters.torchLayerSuffix', { integer: true, min: 0 });
  checkOneOfArg(d, [0, 1], 'd', 'adapters.torchLayerSuffix');
  return `_l${k}${d === 1 ? '_reverse' : ''}`;
}

/** Sizes of a stack of canonical layers, checking that consecutive layers fit together. */
export function stackConfig(layers: readonly LstmStackLayer[], where = 'adapters.stackConfig'): LstmStackConfig {
  expectStackLayers(layers, where);
  if (layers.length === 0) throw new ShapeError(`${where}: expected at least one layer, got 0`);
  const D = layers[0].backward ? 2 : 1;
  const first = lstmSizes(layers[0].forward, `${where} (layer 0)`);
  let bias: boolean | null = null;
  layers.forEach((layer, k) => {
    const n = layer.backward ? 2 : 1;
    if (n !== D) throw new ShapeError(`${where}: layer ${k} has ${n} direction${n === 1 ? '' : 's'}, layer 0 has ${D}`);
    const dirs = layer.backward ? [layer.forward, layer.backward] : [layer.forward];
    dirs.forEach((w, d) => {
      const s = lstmSizes(w, `${where} (layer ${k}${d ? ', reverse' : ''})`);
      const inputSize = k === 0 ? first.inputSize : D * first.outputSize;
      if (s.inputSize !== inputSize || s.hiddenSize !== first.hiddenSize || s.outputSize !== first.outputSize) {
        throw new ShapeError(
          `${where}: layer ${k}${d ? ' reverse' : ''} expected (input, hidden, output) sizes ` +
            `(${inputSize}, ${first.hiddenSize}, ${first.outputSize}), got (${s.inputSize}, ${s.hiddenSize}, ${s.outputSize})`,
        );
      }
      const hasBias = Boolean(w.bias || w.recurrentBias);
      if (bias !== null && hasBias !== bias) throw new ShapeError(`${where}: some layers have biases and others not`);
      bias = hasBias;
    });
  });
  return {
    inputSize: first.inputSize,
    hiddenSize: first.hiddenSize,
    projSize: layers[0].forward.projection ? first.outputSize : 0,
    numLayers: layers.length,
    bidirectional: D === 2,
    bias: Boolean(bias),
  };
}

/**
 * A PyTorch `nn.LSTM` state dict -> the engine's stack and its config. With `prefix` (e.g.
 * `'lstm.'` for a module's submodule), only keys starting with it are read. New tensors.
 * @throws StateDictError listing missing and unexpected keys, or the shape mismatches.
 */
export function torchStateDictToStack(
  stateDict: Readonly<Record<string, tf.Tensor>>,
  options: { prefix?: string } = {},
): { config: LstmStackConfig; layers: LstmStackLayer[] } {
  const where = 'adapters.torchStateDictToStack';
  expectRecord(stateDict, 'stateDict', where);
  const prefix = expectOptions<{ prefix?: string }>(options, 'options', where).prefix ?? '';
  if (typeof prefix !== 'string') throw new ConfigError(`${where}: options.prefix expected a string, got ${describeValue(prefix)}`);
  const found = new Map<string, tf.Tensor>();
  const unexpected: string[] = [];
  let numLayers = 0;
  let D = 1;
  for (const [key, value] of Object.entries(stateDict)) {
    if (!key.startsWith(prefix)) continue;
    const m = KEY.exec(key.slice(prefix.length));
    if (!m || !(value instanceof tf.Tensor)) {
      unexpected.push(key);
      continue;
    }
    numLayers = Math.max(numLayers, Number(m[2]) + 1);
    if (m[3]) D = 2;
    found.set(key.slice(prefix.length), value);
  }
  const has = (name: string) => [...found.keys()].some((k) => k.startsWith(`${name}_l`));
  const withBias = has('bias_ih') || has('bias_hh');
  const wanted = PARAMS.filter((p) => p === 'weight_ih' || p === 'weight_hh' || (p.startsWith('bias') ? withBias : has(p)));
  const missing: string[] = [];
  for (let k = 0; k < numLayers; k++) {
    for (let d = 0; d < D; d++) for (const p of wanted) if (!found.has(p + torchLayerSuffix(k, d))) missing.push(prefix + p + torchLayerSuffix(k, d));
  }
  if (numLayers === 0 || missing.length || unexpected.length) {
    const what = numLayers === 0 ? `no LSTM keys${prefix ? ` under prefix '${prefix}'` : ''}` : '';
    throw new StateDictError(
      `${where}: ${[what, missing.length ? `missing keys ${missing.join(', ')}` : '', unexpected.length ? `unexpected keys ${unexpected.join(', ')}` : '']
        .filter(Boolean)
        .join('; ')}`,
      missing,
      unexpected,
    );
  }
  const layers: LstmStackLayer[] = [];
  try {
    for (let k = 0; k < numLayers; k++) {
      const dirs = Array.from({ length: D }, (_, d) => {
        const get = (p: string) => found.get(p + torchLayerSuffix(k, d)) ?? null;
        const w = { weight_ih: get('weight_ih'), weight_hh: get('weight_hh'), bias_ih: get('bias_ih'), bias_hh: get('bias_hh'), weight_hr: get('weight_hr') };
        return torchToCanonical(w as TorchLstmWeights, `${where} (${prefix}*${torchLayerSuffix(k, d)})`);
      });
      layers.push({ forward: dirs[0], backward: dirs[1] ?? null });
    }
    return { config: stackConfig(layers, where), layers };
  } catch (e) {
    layers.forEach((l) => disposeWeights(l.backward ? [l.forward, l.backward] : [l.forward]));
    if (e instanceof ShapeError) throw new StateDictError(e.message, [], [], [e.message]);
    throw e;
  }
}

/** The engine's stack -> a PyTorch state dict (keys in PyTorch's order, with `prefix`). New tensors. */
export function stackToTorchStateDict(layers: readonly LstmStackLayer[], options: { prefix?: string } = {}): Record<string, tf.Tensor> {
  stackConfig(layers, 'adapters.stackToTorchStateDict');
  const prefix = expectOptions<{ prefix?: string }>(options, 'options', 'adapters.stackToTorchStateDict').prefix ?? '';
  if (typeof prefix !== 'string') throw new ConfigError(`adapters.stackToTorchStateDict: options.prefix expected a string, got ${describeValue(prefix)}`);
  const out: Record<string, tf.Tensor> = {};
  layers.forEach((layer, k) => {
    const dirs = layer.backward ? [layer.forward, layer.backward] : [layer.forward];
    dirs.forEach((w, d) => {
      const t = canonicalToTorch(w, 'adapters.stackToTorchStateDict');
      for (const p of PARAMS) {
        const v = t[p];
        if (v) out[prefix + p + torchLayerSuffix(k, d)] = v;
      }
    });
  });
  return out;
}

/**
 * Per-layer Keras weight lists (`get_weights()` of each `LSTM` or `Bidirectional(LSTM)`, bottom
 * to top) -> the engine's stack. The list length tells the kind: 2/3 `LSTM`, 4/6 `Bidirectional`.
 * @throws ShapeError for other lengths or layers that do not fit together.
 */
export function kerasWeightsToStack(perLayer: readonly (readonly tf.Tensor[])[]): { config: LstmStackConfig; layers: LstmStackLayer[] } {
  const where = 'adapters.kerasWeightsToStack';
  if (!Array.isArray(perLayer)) throw new ShapeError(`${where}: perLayer expected an array of weight lists, got ${describeValue(perLayer)}`);
  perLayer.forEach((list, k) => expectTensorList(list, `perLayer[${k}]`, where));
  if (!Array.isArray(perLayer)) throw new ShapeError(`${where}: perLayer expected an array of weight lists, got ${describeValue(perLayer)}`);
  perLayer.forEach((list, k) => expectTensorList(list, `perLayer[${k}]`, where));
  const layers: LstmStackLayer[] = [];
  try {
    perLayer.forEach((list, k) => {
      if (![2, 3, 4, 6].includes(list.length)) {
        throw new ShapeError(
          `${where}: layer ${k} weights expected 3 arrays (LSTM), 6 (Bidirectional), or 2 / 4 without bias, got ${list.length}`,
        );
      }
      const bidirectional = list.length === 4 || list.length === 6;
      const half = bidirectional ? list.length / 2 : list.length;
      const forward = kerasToCanonical(kerasWeightsFromList(list.slice(0, half)), `${where} (layer ${k})`);
      const backward = bidirectional ? kerasToCanonical(kerasWeightsFromList(list.slice(half)), `${where} (layer ${k}, backward)`) : null;
      layers.push({ forward, backward });
    });
    return { config: stackConfig(layers, where), layers };
  } catch (e) {
    layers.forEach((l) => disposeWeights(l.backward ? [l.forward, l.backward] : [l.forward]));
    throw e;
  }
}

/**
 * The engine's stack -> per-layer Keras weight lists (`set_weights()` order; forward then
 * backward for bidirectional layers). Two biases are summed into Keras's one.
 * @throws UnsupportedConversionError for projections (Keras has none).
 */
export function stackToKerasWeights(layers: readonly LstmStackLayer[]): tf.Tensor[][] {
  stackConfig(layers, 'adapters.stackToKerasWeights');
  return layers.map((layer, k) => {
    const dirs: LstmWeights[] = layer.backward ? [layer.forward, layer.backward] : [layer.forward];
    return dirs.flatMap((w, d) => kerasWeightList(canonicalToKeras(w, `adapters.stackToKerasWeights (layer ${k}${d ? ', backward' : ''})`)));
  });
}

/** Disposes every tensor of a stack. */
export function disposeStack(layers: readonly LstmStackLayer[]): void {
  expectStackLayers(layers, 'adapters.disposeStack');
  for (const l of layers) disposeWeights(l.backward ? [l.forward, l.backward] : [l.forward]);
}

