/**
 * `nn.LSTM`: a drop-in for `torch.nn.LSTM` on TensorFlow.js.
 *
 * Applies a multi-layer long short-term memory RNN to an input sequence. For each element,
 * each layer computes (σ = sigmoid, ⊙ = element-wise product):
 *
 *     i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
 *     f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
 *     g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
 *     o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
 *     c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *     h_t = o_t ⊙ tanh(c_t)            (then h_t = W_hr h_t when projSize > 0)
 *
 * In a multilayer LSTM, the input of layer k ≥ 1 is the hidden state of layer k-1 (both
 * directions concatenated when bidirectional), with dropout on it in training mode when
 * `dropout > 0`.
 *
 * Legend:
 *   N = batch size, L = sequence length, D = 2 if bidirectional else 1,
 *   H_in = inputSize, H_cell = hiddenSize, H_out = projSize if projSize > 0 else hiddenSize.
 *
 * Inputs of `forward(input, [h0, c0]?)`:
 *   - input: (L, N, H_in), (N, L, H_in) with `batchFirst`, (L, H_in) unbatched, or a
 *     `PackedSequence` (see `nn.utils.rnn.packPaddedSequence`).
 *   - h0: (D·numLayers, N, H_out), or (D·numLayers, H_out) for unbatched input. Zeros if absent.
 *   - c0: (D·numLayers, N, H_cell), or (D·numLayers, H_cell) for unbatched input.
 *   `batchFirst` does not apply to h0/c0.
 *
 * Outputs `[output, [hN, cN]]`:
 *   - output: (L, N, D·H_out), (N, L, D·H_out) with `batchFirst`, (L, D·H_out) unbatched:
 *     h_t of the last layer for every t, the forward and reverse directions concatenated on the
 *     same time step. A `PackedSequence` when the input was packed.
 *   - hN: (D·numLayers, N, H_out): the final hidden state of every layer and direction, index
 *     `layer·D + direction`. For packed input, each sequence's state at its own last step.
 *   - cN: (D·numLayers, N, H_cell): the final cell states, same order.
 *
 * State dict (`stateDict()`), keys in this order for k = 0..numLayers-1, each followed by its
 * `_reverse` twin when bidirectional:
 *   - `weight_ih_l{k}`: (4·H_cell, H_in) for k = 0, else (4·H_cell, D·H_out); rows
 *     (W_ii | W_if | W_ig | W_io).
 *   - `weight_hh_l{k}`: (4·H_cell, H_out); rows (W_hi | W_hf | W_hg | W_ho).
 *   - `bias_ih_l{k}`, `bias_hh_l{k}`: (4·H_cell), same gate order; absent with `bias: false`.
 *   - `weight_hr_l{k}`: (projSize, H_cell), only when projSize > 0.
 * Every parameter starts as U(-√k, √k), k = 1 / hiddenSize.
 *
 * Example:
 * ```ts
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2 });
 * const input = tf.randomNormal([5, 3, 10]);
 * const h0 = tf.randomNormal([2, 3, 20]);
 * const c0 = tf.randomNormal([2, 3, 20]);
 * const [output, [hN, cN]] = lstm.forward(input, [h0, c0]); // (5, 3, 20), (2, 3, 20), (2, 3, 20)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, StateDictError, formatShape } from '../errors';
import { LstmWeights } from '../engine';
import { LSTM_RUNNER, showArg, tidy } from '../engine/internal';
import { LstmExecutor, lstmStackAsync } from '../runtime/internal';
import { planLstmCall } from './lstm-call';
import { convertAsync } from './recurrent-call';
import { RecurrentStackOptions, STACK_OPTION_KEYS, interLayerDropout } from './recurrent-options';
import { RecurrentStack } from './recurrent-stack';
import { canonicalCellWeights, checkStateDictArg, findStackPrefix, loadBuilt, stackParamKeys, stripPrefix } from './stack-params';
import { checkKindOf } from './state-dict-kind';
import { PackedSequence } from './utils/rnn/packed-sequence';

/** Constructor options of {@link LSTM}, PyTorch's keyword arguments in camelCase. */
export interface LSTMOptions extends RecurrentStackOptions {
  /** Size of the projection of h (LSTMP); 0 disables it. Must be < hiddenSize. Default 0. */
  readonly projSize?: number;
}

const OPTION_KEYS = [...STACK_OPTION_KEYS, 'projSize'] as const;

/** The state tuple of `forward`: `[h, c]`. */
export type LSTMState = [tf.Tensor, tf.Tensor];

/**
 * What {@link LSTM.stateDict} returns: PyTorch's keys (see the class documentation). The first
 * layer's two weights exist in every LSTM, so they are typed; the other keys depend on the
 * options (`bias_*` unless `bias: false`, layers k ≥ 1, `_reverse`, `weight_hr_l*`) and are
 * read through the index signature (`tf.Tensor | undefined` under `noUncheckedIndexedAccess`).
 */
export interface LstmStateDict extends tf.NamedTensorMap {
  /** (4·H_cell, H_in), rows (W_ii | W_if | W_ig | W_io). */
  weight_ih_l0: tf.Tensor;
  /** (4·H_cell, H_out), rows (W_hi | W_hf | W_hg | W_ho). */
  weight_hh_l0: tf.Tensor;
}

/** Key names of one layer and direction. */
export function lstmParamKeys(layer: number, reverse: boolean): { ih: string; hh: string; bih: string; bhh: string; hr: string } {
  return stackParamKeys(layer, reverse, 'nn.lstmParamKeys');
}

/** Checks `projSize` against the checked configuration. @throws ConfigError */
function checkProjSize(value: unknown, hiddenSize: number, where: string): number {
  const projSize = value ?? 0;
  if (typeof projSize !== 'number' || !Number.isInteger(projSize) || projSize < 0) {
    throw new ConfigError(`${where}: projSize expected a non-negative integer, got ${showArg(projSize)}`);
  }
  if (projSize >= hiddenSize) {
    throw new ConfigError(`${where}: projSize expected less than hiddenSize (${hiddenSize}), got ${projSize}`);
  }
  return projSize;
}

export class LSTM extends RecurrentStack<LstmWeights> {
  readonly projSize: number;

  protected get kind(): 'LSTM' {
    return 'LSTM';
  }

  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    let projSize = 0;
    super(inputSize, hiddenSize, options, OPTION_KEYS, LSTM_RUNNER, (cfg) => {
      projSize = checkProjSize((options ?? {}).projSize, cfg.hiddenSize, 'nn.LSTM');
      return { gates: 4, projSize };
    }, 'nn.LSTM');
    this.projSize = projSize;
    this.prepareWeights();
  }

  /** H_out: projSize when > 0, else hiddenSize. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /** The parameters under PyTorch's keys (the module's own variables: do not dispose them). */
  override stateDict(): LstmStateDict {
    return super.stateDict() as LstmStateDict; // the constructor registers weight_ih_l0 and weight_hh_l0
  }

  /**
   * The weights of one layer and direction in the engine's canonical form (transposed views
   * of the parameters, differentiable). The caller disposes them (or runs inside `tf.tidy`).
   */
  canonicalWeights(layer: number, reverse = false): LstmWeights {
    const keys = lstmParamKeys(layer, reverse);
    return {
      ...canonicalCellWeights((key) => this.param(key), keys, this.bias),
      projection: this.projSize > 0 ? tf.transpose(this.param<tf.Rank.R2>(keys.hr)) : null,
    };
  }

  /**
   * Runs the LSTM. Synchronous and differentiable (`tf.grad`, `tf.variableGrads`).
   * See the class documentation for shapes.
   */
  forward(input: tf.Tensor, hx?: LSTMState | null): [tf.Tensor, [tf.Tensor, tf.Tensor]];
  forward(input: PackedSequence, hx?: LSTMState | null): [PackedSequence, [tf.Tensor, tf.Tensor]];
  forward(input: tf.Tensor | PackedSequence, hx?: LSTMState | null): [tf.Tensor | PackedSequence, [tf.Tensor, tf.Tensor]] {
    this.throwIfDisposed();
    const call = planLstmCall(this, input, hx ?? null, this.where);
    const dropout = interLayerDropout(this);
    const out = tidy(() => {
      const e = call.toEngine();
      const r = this.runner.stack(e.x, {
        states: e.h0 && e.c0 ? [e.h0, e.c0] : null, lengths: e.lengths, interLayerDropout: dropout, where: this.where,
      });
      return call.fromEngine(r.output, r.states[0], r.states[1]);
    });
    this.reportForward();
    return call.wrap(out);
  }

  /**
   * `forward` on the fastest executor: onnxruntime-node when it is installed and the
   * configuration is expressible in ONNX (no projection, no inter-layer dropout in training
   * mode), else the tfjs executor. Same inputs and results as `forward` (within float32
   * rounding), but asynchronous and not differentiable. `executor` forces one: `'tfjs'`, or
   * `'onnxruntime'` (a `ConfigError` when it is not installed, an `UnsupportedConversionError`
   * when the configuration cannot run there). Which one ran, and why: {@link LSTM.lastExecution}.
   *
   * ```ts
   * const [output, [hN, cN]] = await lstm.forwardAsync(input, [h0, c0]);
   * ```
   */
  async forwardAsync(input: tf.Tensor, hx?: LSTMState | null, options?: { executor?: LstmExecutor }): Promise<[tf.Tensor, [tf.Tensor, tf.Tensor]]>;
  async forwardAsync(input: PackedSequence, hx?: LSTMState | null, options?: { executor?: LstmExecutor }): Promise<[PackedSequence, [tf.Tensor, tf.Tensor]]>;
  async forwardAsync(
    input: tf.Tensor | PackedSequence,
    hx?: LSTMState | null,
    options: { executor?: LstmExecutor } = {},
  ): Promise<[tf.Tensor | PackedSequence, [tf.Tensor, tf.Tensor]]> {
    this.throwIfDisposed();
    const call = planLstmCall(this, input, hx ?? null, this.where);
    const e = tidy(() => call.toEngine());
    const out = await convertAsync(
      [...(e.x === input ? [] : [e.x]), ...(e.h0 ?? []), ...(e.c0 ?? [])],
      () => lstmStackAsync(e.x, this.runner.weights(), {
        h0: e.h0, c0: e.c0, lengths: e.lengths, interLayerDropout: interLayerDropout(this),
        executor: options.executor, where: `${this.where}.forwardAsync`,
      }),
      (r) => {
        this.reportForwardAsync(r);
        return [r.output, ...r.h, ...r.c];
      },
      (r) => call.fromEngine(r.output, r.h, r.c),
      (o) => [o.output, o.hN, o.cN],
    );
    return call.wrap(out);
  }

  /**
   * Builds the module a state dict describes: input and hidden size, layers, directions,
   * projection and bias are read from the keys and shapes. The state dict may hold other
   * modules' keys beside the LSTM's: `prefix` (e.g. `'lstm.'`) selects the LSTM's; without it
   * the prefix is found from the one `…weight_ih_l0` key (an error if there are several).
   * Options that the weights do not determine (`batchFirst`, `dropout`) can be given.
   *
   * ```ts
   * const lstm = nn.LSTM.fromStateDict(await io.loadTorch(bytes), { prefix: 'rnn.' });
   * ```
   */
  static fromStateDict(
    stateDict: tf.NamedTensorMap,
    options: { prefix?: string; batchFirst?: boolean; dropout?: number } = {},
  ): LSTM {
    const where = 'nn.LSTM.fromStateDict';
    checkStateDictArg(stateDict, where);
    checkKindOf(stateDict, 'LSTM', where, options.prefix, '.fromStateDict');
    const prefix = options.prefix ?? findStackPrefix(stateDict, 'LSTM', where);
    const own = stripPrefix(stateDict, prefix, where);
    const ih0 = Object.prototype.hasOwnProperty.call(own, 'weight_ih_l0') ? own.weight_ih_l0 : undefined;
    if (!ih0) throw new StateDictError(`${where}: no ${prefix}weight_ih_l0 in the state dict`, [`${prefix}weight_ih_l0`]);
    if (ih0.rank !== 2 || ih0.shape[0] % 4 !== 0) {
      throw new ShapeError(`${where}: ${prefix}weight_ih_l0 expected (4*hidden_size, input_size), got ${formatShape(ih0.shape)}`);
    }
    let numLayers = 0;
    while (own[`weight_ih_l${numLayers}`]) numLayers++;
    const hr0 = own.weight_hr_l0;
    const [fourH, inSize] = ih0.shape as [number, number];
    const lstm = new LSTM(inSize, fourH / 4, {
      numLayers,
      bias: 'bias_ih_l0' in own || 'bias_hh_l0' in own,
      bidirectional: 'weight_ih_l0_reverse' in own,
      projSize: hr0 ? hr0.shape[0] : 0,
      batchFirst: options.batchFirst ?? false,
      dropout: options.dropout ?? 0,
    });
    return loadBuilt(lstm, own, prefix);
  }

  /** PyTorch's repr entries after the sizes: `proj_size` when set. */
  protected override reprFirst(): string[] {
    return this.projSize > 0 ? [`proj_size=${this.projSize}`] : [];
  }
}
