/**
 * `nn.GRUCell`: a drop-in for `torch.nn.GRUCell`, one time step (equations of `nn.GRU`).
 *
 * Legend: N = batch size, H_in = inputSize, H = hiddenSize.
 *
 * `forward(input, hx?)`:
 *   - input: (N, H_in) or (H_in) unbatched.
 *   - hx: (N, H) or (H) unbatched; zeros if absent.
 *   - returns h': same shape as hx.
 *
 * State dict: `weight_ih` (3H, H_in) rows (W_ir | W_iz | W_in), `weight_hh` (3H, H) rows
 * (W_hr | W_hz | W_hn), `bias_ih`, `bias_hh` (3H), same gate order. Parameters start as
 * U(-√k, √k), k = 1 / hiddenSize.
 *
 * ```ts
 * const cell = new nn.GRUCell(10, 20);
 * let h = cell.forward(tf.randomNormal([3, 10]));
 * h = cell.forward(tf.randomNormal([3, 10]), h);
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { CellWeights, GruLayerResult, gruLayer } from '../engine';
import { HiddenCell } from './hidden-cell';
import { readStateDictFor } from './hidden-stack';
import { loadBuilt } from './stack-params';

export class GRUCell extends HiddenCell {
  protected get where(): string {
    return 'nn.GRUCell';
  }

  protected get kind(): 'GRUCell' {
    return 'GRUCell';
  }

  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super(inputSize, hiddenSize, options, ['bias'], 3, 'nn.GRUCell');
  }

  protected runStep(x: tf.Tensor3D, h: tf.Tensor2D, w: CellWeights): GruLayerResult {
    return gruLayer(x, w, { initialState: [h], where: this.where });
  }

  /** Builds the cell a state dict describes (`prefix` as for `nn.GRU.fromStateDict`). */
  static fromStateDict(stateDict: tf.NamedTensorMap, options: { prefix?: string } = {}): GRUCell {
    const { info, own } = readStateDictFor(stateDict, 'GRUCell', options, 'nn.GRUCell.fromStateDict');
    return loadBuilt(new GRUCell(info.inputSize, info.hiddenSize, { bias: info.bias }), own, info.prefix);
  }
}
