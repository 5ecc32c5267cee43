/**
 * `nn.RNN`: a drop-in for `torch.nn.RNN` (the Elman RNN) on TensorFlow.js.
 *
 * Each layer computes, for each element (φ = tanh, or relu with `nonlinearity: 'relu'`):
 *
 *     h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 *
 * Stacking, directions and inter-layer dropout as in `nn.GRU`.
 *
 * Legend: N = batch size, L = sequence length, D = 2 if bidirectional else 1,
 * H_in = inputSize, H = hiddenSize.
 *
 * `forward(input, h0?)` → `[output, hN]`:
 *   - input: (L, N, H_in), (N, L, H_in) with `batchFirst`, (L, H_in) unbatched, or a `PackedSequence`.
 *   - h0: (D·numLayers, N, H), or (D·numLayers, H) unbatched. Zeros if absent.
 *   - output: (L, N, D·H), (N, L, D·H) with `batchFirst`, (L, D·H) unbatched; packed when the input was.
 *   - hN: (D·numLayers, N, H), index `layer·D + direction`.
 *
 * State dict, keys in this order for k = 0..numLayers-1, each followed by its `_reverse` twin
 * when bidirectional:
 *   - `weight_ih_l{k}`: (H, H_in) for k = 0, else (H, D·H).
 *   - `weight_hh_l{k}`: (H, H).
 *   - `bias_ih_l{k}`, `bias_hh_l{k}`: (H); absent with `bias: false`.
 * Every parameter starts as U(-√k, √k), k = 1 / hiddenSize. The nonlinearity is not in the
 * state dict: pass it to `fromStateDict`.
 *
 * ```ts
 * const rnn = new nn.RNN(10, 20, { numLayers: 2, nonlinearity: 'relu' });
 * const [output, hN] = rnn.forward(tf.randomNormal([5, 3, 10])); // (5, 3, 20), (2, 3, 20)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { RNN_RUNNER, RecurrentRunnerCellOptions, checkOneOfArg } from '../engine/internal';
import { GruStackAsyncResult, rnnStackAsync } from '../runtime/internal';
import { HiddenStack, HiddenStackCall, HiddenStackLayer, readStateDictFor } from './hidden-stack';
import { RecurrentStackOptions, STACK_OPTION_KEYS } from './recurrent-options';
import { loadBuilt } from './stack-params';

/** PyTorch's `nonlinearity` of `nn.RNN` / `nn.RNNCell`. */
export type RNNNonlinearity = 'tanh' | 'relu';

/** Constructor options of {@link RNN}, PyTorch's keyword arguments in camelCase. */
export interface RNNOptions extends RecurrentStackOptions {
  /** `'tanh'` (default) or `'relu'`. */
  readonly nonlinearity?: RNNNonlinearity;
}

/** The state dict of {@link RNN}: see the class documentation. */
export interface RnnStateDict extends tf.NamedTensorMap {
  /** (H, H_in) */
  weight_ih_l0: tf.Tensor;
  /** (H, H) */
  weight_hh_l0: tf.Tensor;
}

/** Checks `nonlinearity` (a ConfigError naming the accepted values). */
export function checkNonlinearity(value: unknown, where: string): RNNNonlinearity {
  return value === undefined ? 'tanh' : checkOneOfArg<RNNNonlinearity>(value, ['tanh', 'relu'], 'nonlinearity', where);
}

export class RNN extends HiddenStack {
  readonly nonlinearity: RNNNonlinearity;

  protected get kind(): 'RNN' {
    return 'RNN';
  }

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = checkNonlinearity((options ?? {}).nonlinearity, 'nn.RNN'); // before any parameter exists
    super(inputSize, hiddenSize, options, [...STACK_OPTION_KEYS, 'nonlinearity'], RNN_RUNNER, 1, 'nn.RNN');
    this.nonlinearity = nonlinearity;
  }

  /** The parameters under PyTorch's keys (the module's own variables: do not dispose them). */
  override stateDict(): RnnStateDict {
    return super.stateDict() as RnnStateDict;
  }

  /** The cell options of every call: φ = `nonlinearity`. */
  protected override cellOptions(): RecurrentRunnerCellOptions {
    return { activation: this.nonlinearity, where: this.where };
  }

  protected runStackAsync(x: tf.Tensor3D, layers: readonly HiddenStackLayer[], call: HiddenStackCall): Promise<GruStackAsyncResult> {
    return rnnStackAsync(x, layers, { ...call, activation: this.nonlinearity });
  }

  /**
   * Builds the RNN a state dict describes (see `nn.GRU.fromStateDict`); `nonlinearity` is not in
   * the weights (default `'tanh'`).
   */
  static fromStateDict(
    stateDict: tf.NamedTensorMap,
    options: { prefix?: string; batchFirst?: boolean; dropout?: number; nonlinearity?: RNNNonlinearity } = {},
  ): RNN {
    const { info, own, options: o } = readStateDictFor(stateDict, 'RNN', options, 'nn.RNN.fromStateDict');
    const rnn = new RNN(info.inputSize, info.hiddenSize, {
      numLayers: info.numLayers, bias: info.bias, bidirectional: info.bidirectional,
      batchFirst: o.batchFirst ?? false, dropout: o.dropout ?? 0, nonlinearity: o.nonlinearity ?? 'tanh',
    });
    return loadBuilt(rnn, own, info.prefix);
  }
}
