/**
 * `nn.LSTMCell`: a drop-in for `torch.nn.LSTMCell`, one time step.
 *
 * Legend: N = batch size, H_in = inputSize, H = hiddenSize.
 *
 * `forward(input, [h, c]?)`:
 *   - input: (N, H_in) or (H_in) unbatched.
 *   - h, c: (N, H) or (H) unbatched; zeros if absent.
 *   - returns `[h', c']`, same shapes as h and c.
 *
 * State dict: `weight_ih` (4H, H_in), `weight_hh` (4H, H), `bias_ih`, `bias_hh` (4H), rows in
 * gate order (i | f | g | o). Parameters start as U(-√k, √k), k = 1 / hiddenSize.
 *
 * ```ts
 * const cell = new nn.LSTMCell(10, 20);
 * let [h, c] = cell.forward(tf.randomNormal([3, 10]));
 * [h, c] = cell.forward(tf.randomNormal([3, 10]), [h, c]);
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError } from '../errors';
import { lstmCellStep } from '../engine';
import { checkTensorArg, checkWeightCount, describeValue, lstmWeightCount } from '../engine/internal';
import { uniformInit } from './init';
import { checkCellInput } from './cell-input';
import { Module, checkShape } from './module';
import { checkKindOf } from './state-dict-kind';
import { checkBool, checkKnownKeys, checkPositiveInt } from './options';

/**
 * What {@link LSTMCell.stateDict} returns: `weight_ih` and `weight_hh` always; `bias_ih` and
 * `bias_hh` unless `bias: false`, read through the index signature.
 */
export interface LstmCellStateDict extends tf.NamedTensorMap {
  /** (4H, H_in), rows (W_ii | W_if | W_ig | W_io). */
  weight_ih: tf.Tensor;
  /** (4H, H), rows (W_hi | W_hf | W_hg | W_ho). */
  weight_hh: tf.Tensor;
}

export class LSTMCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;

  protected get where(): string {
    return 'nn.LSTMCell';
  }

  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}) {
    super();
    checkKnownKeys(options, ['bias'], this.where);
    this.inputSize = checkPositiveInt(inputSize, 'inputSize', this.where);
    this.hiddenSize = checkPositiveInt(hiddenSize, 'hiddenSize', this.where);
    this.bias = checkBool(options.bias, 'bias', this.where, true);
    const H = this.hiddenSize;
    checkWeightCount(this.where, lstmWeightCount(this.inputSize, H, H, this.bias ? 2 : 0, false), { inputSize: this.inputSize, hiddenSize: H });
    this.registerParameter('weight_ih', uniformInit([4 * H, this.inputSize], H));
    this.registerParameter('weight_hh', uniformInit([4 * H, H], H));
    if (this.bias) {
      this.registerParameter('bias_ih', uniformInit([4 * H], H));
      this.registerParameter('bias_hh', uniformInit([4 * H], H));
    }
  }

  /** The parameters under PyTorch's keys (the module's own variables: do not dispose them). */
  override stateDict(): LstmCellStateDict {
    return super.stateDict() as LstmCellStateDict; // the constructor registers weight_ih and weight_hh
  }

  /** One step. Synchronous and differentiable. */
  forward(input: tf.Tensor, hx?: [tf.Tensor, tf.Tensor] | null): [tf.Tensor, tf.Tensor] {
    this.throwIfDisposed();
    const where = this.where;
    const { unbatched, N } = checkCellInput(input, this.inputSize, where);
    if (hx !== null && hx !== undefined) {
      if (!Array.isArray(hx) || hx.length !== 2) {
        throw new ShapeError(`${where}: hx expected [h, c], got ${Array.isArray(hx) ? `an array of ${hx.length}` : describeValue(hx)}`);
      }
      const shape = unbatched ? [this.hiddenSize] : [N, this.hiddenSize];
      checkShape(checkTensorArg(hx[0], 'h', where, { dtype: 'float32' }), shape, 'h', where);
      checkShape(checkTensorArg(hx[1], 'c', where, { dtype: 'float32' }), shape, 'c', where);
    }
    const r = tf.tidy(() => {
      const x = (unbatched ? tf.expandDims(input, 0) : input) as tf.Tensor2D;
      const h = hx ? (unbatched ? tf.expandDims(hx[0], 0) : hx[0]) : tf.zeros([N, this.hiddenSize]);
      const c = hx ? (unbatched ? tf.expandDims(hx[1], 0) : hx[1]) : tf.zeros([N, this.hiddenSize]);
      const [h1, c1] = lstmCellStep(x, [h as tf.Tensor2D, c as tf.Tensor2D], {
        kernel: tf.transpose(this.param<tf.Rank.R2>('weight_ih')),
        recurrentKernel: tf.transpose(this.param<tf.Rank.R2>('weight_hh')),
        bias: this.bias ? this.param<tf.Rank.R1>('bias_ih') : null,
        recurrentBias: this.bias ? this.param<tf.Rank.R1>('bias_hh') : null,
      });
      return unbatched ? [tf.squeeze(h1, [0]), tf.squeeze(c1, [0])] : [h1, c1];
    });
    return [r[0], r[1]];
  }

  /** A GRU or RNN cell's weights given to an LSTMCell: the error names the kind they are. */
  protected override checkStateDictKind(stateDict: tf.NamedTensorMap): void {
    checkKindOf(stateDict, 'LSTMCell', `${this.where}.loadStateDict`, '', '.fromStateDict');
  }

  /** PyTorch's repr, e.g. `LSTMCell(10, 20)`. */
  override toString(): string {
    return `LSTMCell(${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'})`;
  }
}
