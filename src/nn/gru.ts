/**
 * `nn.GRU`: a drop-in for `torch.nn.GRU` on TensorFlow.js.
 *
 * Applies a multi-layer gated recurrent unit RNN to an input sequence. For each element, each
 * layer computes (σ = sigmoid, ⊙ = element-wise product):
 *
 *     r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 *     z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 *     n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
 *     h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 *
 * In a multilayer GRU, the input of layer k ≥ 1 is the hidden state of layer k-1 (both
 * directions concatenated when bidirectional), with dropout on it in training mode when
 * `dropout > 0`.
 *
 * Legend: N = batch size, L = sequence length, D = 2 if bidirectional else 1,
 * H_in = inputSize, H = hiddenSize.
 *
 * Inputs of `forward(input, h0?)`:
 *   - input: (L, N, H_in), (N, L, H_in) with `batchFirst`, (L, H_in) unbatched, or a
 *     `PackedSequence` (see `nn.utils.rnn.packPaddedSequence`).
 *   - h0: (D·numLayers, N, H), or (D·numLayers, H) for unbatched input. Zeros if absent.
 *     `batchFirst` does not apply to h0.
 *
 * Outputs `[output, hN]`:
 *   - output: (L, N, D·H), (N, L, D·H) with `batchFirst`, (L, D·H) unbatched: h_t of the last
 *     layer for every t, forward and reverse directions concatenated on the same time step. A
 *     `PackedSequence` when the input was packed (its sorted/unsorted indices kept).
 *   - hN: (D·numLayers, N, H): the final hidden state of every layer and direction, index
 *     `layer·D + direction`. For packed input, each sequence's state at its own last step.
 *
 * State dict (`stateDict()`), keys in this order for k = 0..numLayers-1, each followed by its
 * `_reverse` twin when bidirectional:
 *   - `weight_ih_l{k}`: (3·H, H_in) for k = 0, else (3·H, D·H); rows (W_ir | W_iz | W_in).
 *   - `weight_hh_l{k}`: (3·H, H); rows (W_hr | W_hz | W_hn).
 *   - `bias_ih_l{k}`, `bias_hh_l{k}`: (3·H), same gate order; absent with `bias: false`.
 * Every parameter starts as U(-√k, √k), k = 1 / hiddenSize.
 *
 * Example:
 * ```ts
 * const gru = new nn.GRU(10, 20, { numLayers: 2 });
 * const input = tf.randomNormal([5, 3, 10]);
 * const h0 = tf.randomNormal([2, 3, 20]);
 * const [output, hN] = gru.forward(input, h0); // (5, 3, 20), (2, 3, 20)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { GRU_RUNNER } from '../engine/internal';
import { GruStackAsyncResult, gruStackAsync } from '../runtime/internal';
import { HiddenStack, HiddenStackCall, HiddenStackLayer, readStateDictFor } from './hidden-stack';
import { RecurrentStackOptions, STACK_OPTION_KEYS } from './recurrent-options';
import { loadBuilt } from './stack-params';

/** Constructor options of {@link GRU}, PyTorch's keyword arguments in camelCase. */
export type GRUOptions = RecurrentStackOptions;

/**
 * What {@link GRU.stateDict} returns: PyTorch's keys (see the class documentation); the other
 * keys (`bias_*`, layers k ≥ 1, `_reverse`) are read through the index signature.
 */
export interface GruStateDict extends tf.NamedTensorMap {
  /** (3·H, H_in), rows (W_ir | W_iz | W_in). */
  weight_ih_l0: tf.Tensor;
  /** (3·H, H), rows (W_hr | W_hz | W_hn). */
  weight_hh_l0: tf.Tensor;
}

export class GRU extends HiddenStack {
  protected get kind(): 'GRU' {
    return 'GRU';
  }

  constructor(inputSize: number, hiddenSize: number, options: GRUOptions = {}) {
    super(inputSize, hiddenSize, options, STACK_OPTION_KEYS, GRU_RUNNER, 3, 'nn.GRU');
  }

  /** The parameters under PyTorch's keys (the module's own variables: do not dispose them). */
  override stateDict(): GruStateDict {
    return super.stateDict() as GruStateDict; // the constructor registers weight_ih_l0 and weight_hh_l0
  }

  protected runStackAsync(x: tf.Tensor3D, layers: readonly HiddenStackLayer[], call: HiddenStackCall): Promise<GruStackAsyncResult> {
    return gruStackAsync(x, layers, call);
  }

  /**
   * Builds the GRU a state dict describes (sizes, layers, directions and bias from the keys and
   * shapes). `prefix` (e.g. `'gru.'`) selects its keys among other modules'; without it the one
   * `…weight_ih_l0` key gives it. Another kind's weights are an error naming that kind.
   *
   * ```ts
   * const gru = nn.GRU.fromStateDict(await io.loadTorch(bytes), { prefix: 'rnn.' });
   * ```
   */
  static fromStateDict(stateDict: tf.NamedTensorMap, options: { prefix?: string; batchFirst?: boolean; dropout?: number } = {}): GRU {
    const { info, own, options: o } = readStateDictFor(stateDict, 'GRU', options, 'nn.GRU.fromStateDict');
    const gru = new GRU(info.inputSize, info.hiddenSize, {
      numLayers: info.numLayers, bias: info.bias, bidirectional: info.bidirectional,
      batchFirst: o.batchFirst ?? false, dropout: o.dropout ?? 0,
    });
    return loadBuilt(gru, own, info.prefix);
  }
}
