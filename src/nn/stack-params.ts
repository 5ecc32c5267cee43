/**
 * The parameters of a torch-style recurrent stack (`nn.LSTM`, `nn.GRU`, `nn.RNN`), by gate count
 * G (LSTM 4, GRU 3, RNN 1): PyTorch's keys and order, the default init, the size check, the
 * engine's canonical (transposed) view of one layer and direction, and the prefix of a stack in
 * a state dict that holds other modules too.
 *
 * Keys for k = 0..numLayers-1, each followed by its `_reverse` twin when bidirectional:
 * `weight_ih_l{k}` (G·H, H_in_k), `weight_hh_l{k}` (G·H, H_out), `bias_ih_l{k}`, `bias_hh_l{k}`
 * (G·H, unless `bias: false`), `weight_hr_l{k}` (projSize, H; LSTM with projection only);
 * H_in_0 = inputSize, H_in_k = D·H_out for k ≥ 1.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, StateDictError } from '../errors';
import type { CellWeights, StackLayer } from '../engine';
import { checkNumberArg, checkRecordArg, checkWeightCount, describeValue, showArg } from '../engine/internal';
import { uniformInit } from './init';
import type { StackConfig } from './recurrent-options';

/** The key names of one layer and direction. */
export interface StackParamKeys {
  readonly ih: string;
  readonly hh: string;
  readonly bih: string;
  readonly bhh: string;
  readonly hr: string;
}

/** Key names of one layer and direction (`weight_ih_l1_reverse`, ...). */
export function stackParamKeys(layer: number, reverse: boolean, where: string): StackParamKeys {
  checkNumberArg(layer, 'layer', where, { integer: true, min: 0 });
  const sfx = `_l${layer}${reverse ? '_reverse' : ''}`;
  return { ih: `weight_ih${sfx}`, hh: `weight_hh${sfx}`, bih: `bias_ih${sfx}`, bhh: `bias_hh${sfx}`, hr: `weight_hr${sfx}` };
}

/** G (gate blocks) and, for an LSTM, the projection size. */
export interface StackShape {
  readonly gates: number;
  readonly projSize: number;
}

/**
 * Checks the weight count against the size limit, then registers every parameter in PyTorch's
 * order with U(-1/√H, 1/√H). `register` takes ownership of the tensor.
 */
export function registerStackParams(
  cfg: StackConfig, shape: StackShape, register: (key: string, value: tf.Tensor) => void, where: string,
): void {
  const H = cfg.hiddenSize;
  const G = shape.gates * H;
  const Hout = shape.projSize > 0 ? shape.projSize : H;
  const D = cfg.bidirectional ? 2 : 1;
  const perLayer = (inK: number) => D * (G * inK + G * Hout + (cfg.bias ? 2 * G : 0) + (shape.projSize > 0 ? Hout * H : 0));
  checkWeightCount(where, perLayer(cfg.inputSize) + (cfg.numLayers - 1) * perLayer(D * Hout), {
    inputSize: cfg.inputSize, hiddenSize: H, numLayers: cfg.numLayers, bidirectional: cfg.bidirectional,
    ...(shape.projSize > 0 ? { projSize: shape.projSize } : {}),
  });
  for (let k = 0; k < cfg.numLayers; k++) {
    const inK = k === 0 ? cfg.inputSize : D * Hout;
    for (let d = 0; d < D; d++) {
      const keys = stackParamKeys(k, d === 1, where);
      register(keys.ih, uniformInit([G, inK], H));
      register(keys.hh, uniformInit([G, Hout], H));
      if (cfg.bias) {
        register(keys.bih, uniformInit([G], H));
        register(keys.bhh, uniformInit([G], H));
      }
      if (shape.projSize > 0) register(keys.hr, uniformInit([shape.projSize, H], H));
    }
  }
}

/**
 * One layer and direction in the engine's canonical form: kernel = weight_ih^T, recurrentKernel
 * = weight_hh^T (new tensors, differentiable), the biases as they are (same gate order).
 */
export function canonicalCellWeights(param: (key: string) => tf.Tensor, keys: StackParamKeys, bias: boolean): CellWeights {
  return {
    kernel: tf.transpose(param(keys.ih) as tf.Tensor2D),
    recurrentKernel: tf.transpose(param(keys.hh) as tf.Tensor2D),
    bias: bias ? (param(keys.bih) as tf.Tensor1D) : null,
    recurrentBias: bias ? (param(keys.bhh) as tf.Tensor1D) : null,
  };
}

/** The engine-form weights of every layer: `weights(k, reverse)` per layer and direction. */
export function buildStackLayers<W>(m: { readonly numLayers: number; readonly bidirectional: boolean }, weights: (layer: number, reverse: boolean) => W): StackLayer<W>[] {
  const layers: StackLayer<W>[] = [];
  for (let k = 0; k < m.numLayers; k++) layers.push({ forward: weights(k, false), backward: m.bidirectional ? weights(k, true) : null });
  return layers;
}

/** PyTorch's repr of a recurrent stack: `GRU(10, 7, num_layers=3, bidirectional=True)`; `first` after the sizes (LSTM `proj_size`). */
export function stackRepr(name: string, m: StackConfig, first: readonly string[] = []): string {
  const extra = [...first];
  if (m.numLayers !== 1) extra.push(`num_layers=${m.numLayers}`);
  if (!m.bias) extra.push('bias=False');
  if (m.batchFirst) extra.push('batch_first=True');
  if (m.dropout !== 0) extra.push(`dropout=${m.dropout}`);
  if (m.bidirectional) extra.push('bidirectional=True');
  return `${name}(${[m.inputSize, m.hiddenSize, ...extra].join(', ')})`;
}

/** The prefix under which a state dict holds a recurrent stack (`''`, `'rnn.'`, `'encoder.gru.'`). */
export function findStackPrefix(stateDict: tf.NamedTensorMap, what: string, where: string, last = 'weight_ih_l0'): string {
  const prefixes = Object.keys(stateDict)
    .filter((k) => k.endsWith(last) && (k.length === last.length || k[k.length - last.length - 1] === '.'))
    .map((k) => k.slice(0, -last.length));
  if (prefixes.length === 1) return prefixes[0];
  if (prefixes.length === 0) {
    const sample = Object.keys(stateDict).slice(0, 8).join(', ');
    throw new StateDictError(`${where}: no ${what} in the state dict (no key ending in ${last}); keys: ${sample}`);
  }
  throw new StateDictError(`${where}: several ${what}s in the state dict (prefixes ${prefixes.map((p) => JSON.stringify(p)).join(', ')}); pass { prefix }`);
}

/** The options of a `fromStateDict` (an object or undefined; `prefix` a string). @throws ConfigError */
export function checkFromOptions<T extends { readonly prefix?: string }>(options: T | undefined, where: string): T {
  const o = checkRecordArg<T>(options, 'options', where, true);
  if (o.prefix !== undefined && typeof o.prefix !== 'string') throw new ConfigError(`${where}: prefix expected a string, got ${showArg(o.prefix)}`);
  return o;
}

/** Checks that `stateDict` is an object of tensors. @throws StateDictError */
export function checkStateDictArg(stateDict: unknown, where: string): asserts stateDict is tf.NamedTensorMap {
  if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict) || stateDict instanceof tf.Tensor) {
    throw new StateDictError(`${where}: stateDict expected an object of tensors by key, got ${describeValue(stateDict)}`);
  }
}

/** The keys under `prefix`, with the prefix removed; each value checked to be a live tensor. */
export function stripPrefix(stateDict: tf.NamedTensorMap, prefix: string, where: string): tf.NamedTensorMap {
  const own: tf.NamedTensorMap = {};
  for (const [key, t] of Object.entries(stateDict)) {
    if (!key.startsWith(prefix)) continue;
    if (!(t instanceof tf.Tensor) || t.isDisposed) {
      throw new StateDictError(`${where}: ${key} expected a tf.Tensor, got ${describeValue(t)}`, [], [], [key]);
    }
    Object.defineProperty(own, key.slice(prefix.length), { value: t, enumerable: true, writable: true, configurable: true });
  }
  return own;
}

/**
 * Loads `own` into a module just built from it; on failure disposes the module and rethrows,
 * naming the prefix the keys are relative to.
 */
export function loadBuilt<M extends { loadStateDict(sd: tf.NamedTensorMap): unknown; dispose(): void }>(
  module: M, own: tf.NamedTensorMap, prefix: string,
): M {
  try {
    module.loadStateDict(own);
  } catch (e) {
    module.dispose();
    if (e instanceof StateDictError && prefix) {
      throw new StateDictError(`${e.message}\n  (keys relative to the prefix ${JSON.stringify(prefix)})`, e.missingKeys, e.unexpectedKeys, e.shapeMismatches);
    }
    throw e;
  }
  return module;
}
