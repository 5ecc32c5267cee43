/**
 * `nn.RNNCell`: a drop-in for `torch.nn.RNNCell`, one time step: h' = φ(W_ih x + b_ih + W_hh h + b_hh),
 * φ = tanh or relu (`nonlinearity`).
 *
 * Legend: N = batch size, H_in = inputSize, H = hiddenSize.
 *
 * `forward(input, hx?)`: input (N, H_in) or (H_in) unbatched; hx (N, H) or (H), zeros if
 * absent; returns h', same shape as hx.
 *
 * State dict: `weight_ih` (H, H_in), `weight_hh` (H, H), `bias_ih`, `bias_hh` (H). Parameters
 * start as U(-√k, √k), k = 1 / hiddenSize.
 *
 * ```ts
 * const cell = new nn.RNNCell(10, 20, { nonlinearity: 'relu' });
 * const h = cell.forward(tf.randomNormal([3, 10])); // (3, 20)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { CellWeights, GruLayerResult, rnnLayer } from '../engine';
import { HiddenCell } from './hidden-cell';
import { readStateDictFor } from './hidden-stack';
import { RNNNonlinearity, checkNonlinearity } from './rnn';
import { loadBuilt } from './stack-params';

export class RNNCell extends HiddenCell {
  readonly nonlinearity: RNNNonlinearity;

  protected get where(): string {
    return 'nn.RNNCell';
  }

  protected get kind(): 'RNNCell' {
    return 'RNNCell';
  }

  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean; nonlinearity?: RNNNonlinearity } = {}) {
    const nonlinearity = checkNonlinearity((options ?? {}).nonlinearity, 'nn.RNNCell'); // before any parameter exists
    super(inputSize, hiddenSize, options, ['bias', 'nonlinearity'], 1, 'nn.RNNCell');
    this.nonlinearity = nonlinearity;
  }

  protected runStep(x: tf.Tensor3D, h: tf.Tensor2D, w: CellWeights): GruLayerResult {
    return rnnLayer(x, w, { initialState: [h], activation: this.nonlinearity, where: this.where });
  }

  protected override extraRepr(): string[] {
    return this.nonlinearity === 'tanh' ? [] : [`nonlinearity=${this.nonlinearity}`];
  }

  /** Builds the cell a state dict describes; `nonlinearity` is not in the weights (default tanh). */
  static fromStateDict(stateDict: tf.NamedTensorMap, options: { prefix?: string; nonlinearity?: RNNNonlinearity } = {}): RNNCell {
    const { info, own, options: o } = readStateDictFor(stateDict, 'RNNCell', options, 'nn.RNNCell.fromStateDict');
    return loadBuilt(new RNNCell(info.inputSize, info.hiddenSize, { bias: info.bias, nonlinearity: o.nonlinearity }), own, info.prefix);
  }
}
