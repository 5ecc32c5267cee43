/**
 * What `nn.GRUCell` and `nn.RNNCell` share: one time step of a cell whose only state is h, with
 * PyTorch's keys `weight_ih` (G·H, H_in), `weight_hh` (G·H, H), `bias_ih`, `bias_hh` (G·H).
 *
 * Legend: N = batch size, H_in = inputSize, H = hiddenSize.
 * `forward(input, hx?)`: input (N, H_in) or (H_in) unbatched; hx (N, H) or (H), zeros if absent;
 * returns h' shaped like hx.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights, GruLayerResult } from '../engine';
import { checkTensorArg, checkWeightCount } from '../engine/internal';
import { uniformInit } from './init';
import { checkCellInput } from './cell-input';
import { Module, checkShape } from './module';
import { checkBool, checkKnownKeys, checkPositiveInt } from './options';
import { canonicalCellWeights } from './stack-params';
import { checkKindOf } from './state-dict-kind';

/** The state dict of a GRU or RNN cell: `weight_ih`, `weight_hh` always, `bias_*` unless `bias: false`. */
export interface HiddenCellStateDict extends tf.NamedTensorMap {
  /** (G·H, H_in): GRU rows (W_ir | W_iz | W_in), RNN (W_ih). */
  weight_ih: tf.Tensor;
  /** (G·H, H) */
  weight_hh: tf.Tensor;
}

const KEYS = { ih: 'weight_ih', hh: 'weight_hh', bih: 'bias_ih', bhh: 'bias_hh', hr: 'weight_hr' } as const;

export abstract class HiddenCell extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;

  protected abstract get kind(): 'GRUCell' | 'RNNCell';
  /** One step in the engine: x (1, N, H_in) time-major, h (N, H). */
  protected abstract runStep(x: tf.Tensor3D, h: tf.Tensor2D, w: CellWeights): GruLayerResult;

  protected constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean }, known: readonly string[], gates: number, where: string) {
    super();
    checkKnownKeys(options, known, where);
    this.inputSize = checkPositiveInt(inputSize, 'inputSize', where);
    this.hiddenSize = checkPositiveInt(hiddenSize, 'hiddenSize', where);
    this.bias = checkBool(options.bias, 'bias', where, true);
    const H = this.hiddenSize;
    const G = gates * H;
    checkWeightCount(where, G * (this.inputSize + H) + (this.bias ? 2 * G : 0), { inputSize: this.inputSize, hiddenSize: H });
    this.registerParameter(KEYS.ih, uniformInit([G, this.inputSize], H));
    this.registerParameter(KEYS.hh, uniformInit([G, H], H));
    if (this.bias) {
      this.registerParameter(KEYS.bih, uniformInit([G], H));
      this.registerParameter(KEYS.bhh, uniformInit([G], H));
    }
  }

  /** The parameters under PyTorch's keys (the module's own variables: do not dispose them). */
  override stateDict(): HiddenCellStateDict {
    return super.stateDict() as HiddenCellStateDict;
  }

  /** One step. Synchronous and differentiable. */
  forward(input: tf.Tensor, hx?: tf.Tensor | null): tf.Tensor {
    this.throwIfDisposed();
    const where = this.where;
    const { unbatched, N } = checkCellInput(input, this.inputSize, where);
    const given = hx !== null && hx !== undefined;
    if (given) checkShape(checkTensorArg(hx, 'hx', where, { dtype: 'float32' }), unbatched ? [this.hiddenSize] : [N, this.hiddenSize], 'hx', where);
    return tf.tidy(() => {
      const x = tf.expandDims(unbatched ? tf.expandDims(input, 0) : input, 0) as tf.Tensor3D;
      const h = given ? (unbatched ? tf.expandDims(hx, 0) : hx) : tf.zeros([N, this.hiddenSize]);
      const r = this.runStep(x, h as tf.Tensor2D, canonicalCellWeights((key) => this.param(key), KEYS, this.bias));
      return unbatched ? tf.squeeze(r.h, [0]) : r.h;
    });
  }

  /** Another kind's weights given to this cell: the error names the kind they are. */
  protected override checkStateDictKind(stateDict: tf.NamedTensorMap): void {
    checkKindOf(stateDict, this.kind, `${this.where}.loadStateDict`, '', '.fromStateDict');
  }

  /** PyTorch's repr arguments beyond the sizes and bias. */
  protected extraRepr(): string[] {
    return [];
  }

  /** PyTorch's repr, e.g. `GRUCell(10, 20)`. */
  override toString(): string {
    return `${this.kind}(${[this.inputSize, this.hiddenSize, ...(this.bias ? [] : ['bias=False']), ...this.extraRepr()].join(', ')})`;
  }
}
