/**
 * What `nn.GRU` and `nn.RNN` share: a torch-style recurrent stack whose only state is h. The
 * options, parameters, call plan and state-dict reading are the machinery `nn.LSTM` uses too
 * (`./recurrent-options`, `./stack-params`, `./recurrent-call`, `./state-dict-kind`); the
 * subclass gives its gate count and its one engine call (sync and async).
 *
 * Legend: N = batch size, L = sequence length, D = 2 if bidirectional else 1,
 * H_in = inputSize, H = hiddenSize. `forward(input, h0?)` → `[output, hN]`:
 *   - input: (L, N, H_in), (N, L, H_in) with `batchFirst`, (L, H_in) unbatched, or a `PackedSequence`.
 *   - h0: (D·numLayers, N, H), (D·numLayers, H) unbatched; zeros if absent. `batchFirst` does not apply.
 *   - output: (L, N, D·H), (N, L, D·H) with `batchFirst`, (L, D·H) unbatched; packed when the input was.
 *   - hN: (D·numLayers, N, H) ((D·numLayers, H) unbatched), index `layer·D + direction`.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights, StackLayer } from '../engine';
import { RunnerKind, tidy } from '../engine/internal';
import { GruStackAsyncResult, LstmExecutor } from '../runtime/internal';
import { RecurrentStackOptions, interLayerDropout } from './recurrent-options';
import { RecurrentCall, convertAsync, planRecurrentCall } from './recurrent-call';
import { RecurrentStack } from './recurrent-stack';
import { canonicalCellWeights, checkFromOptions, checkStateDictArg, stackParamKeys } from './stack-params';
import { StateDictKind, checkKindOf, describeKind } from './state-dict-kind';
import { PackedSequence } from './utils/rnn/packed-sequence';

/** The options of the asynchronous engine call a stack makes (time-major x, L·D states). */
export interface HiddenStackCall {
  readonly h0: tf.Tensor2D[] | null;
  readonly lengths: Int32Array | null;
  readonly interLayerDropout: number;
  readonly where: string;
  readonly executor?: LstmExecutor;
}

/** A layer of a GRU or RNN stack in the engine's canonical form. */
export type HiddenStackLayer = StackLayer<CellWeights>;

export abstract class HiddenStack extends RecurrentStack<CellWeights> {
  protected abstract override get kind(): 'GRU' | 'RNN';
  /** The asynchronous engine call (`runtime.gruStackAsync` / `rnnStackAsync`). */
  protected abstract runStackAsync(x: tf.Tensor3D, layers: readonly HiddenStackLayer[], call: HiddenStackCall): Promise<GruStackAsyncResult>;

  protected constructor(
    inputSize: number, hiddenSize: number, options: RecurrentStackOptions, known: readonly string[],
    kind: RunnerKind<CellWeights>, gates: number, where: string,
  ) {
    super(inputSize, hiddenSize, options, known, kind, () => ({ gates, projSize: 0 }), where);
    this.prepareWeights();
  }

  /**
   * The weights of one layer and direction in the engine's canonical form (kernel =
   * weight_ih^T, recurrentKernel = weight_hh^T, the biases as they are: PyTorch's gate order is
   * the engine's). The caller disposes the transposes (or runs inside `tf.tidy`).
   */
  canonicalWeights(layer: number, reverse = false): CellWeights {
    return canonicalCellWeights((key) => this.param(key), stackParamKeys(layer, reverse, `${this.where}.canonicalWeights`), this.bias);
  }

  private plan(input: tf.Tensor | PackedSequence, h0: tf.Tensor | null | undefined): RecurrentCall {
    this.throwIfDisposed();
    return planRecurrentCall(this, input, h0 === null || h0 === undefined ? null : [h0], [{ name: 'h0', size: this.hiddenSize }], this.where);
  }

  /**
   * Runs the stack. Synchronous and differentiable (`tf.grad`, `tf.variableGrads`). One-step
   * inference (L = 1, unidirectional, no gradient recorded) runs on the prepared stepper; what
   * ran: {@link RecurrentStack.lastExecution}.
   */
  forward(input: tf.Tensor, h0?: tf.Tensor | null): [tf.Tensor, tf.Tensor];
  forward(input: PackedSequence, h0?: tf.Tensor | null): [PackedSequence, tf.Tensor];
  forward(input: tf.Tensor | PackedSequence, h0?: tf.Tensor | null): [tf.Tensor | PackedSequence, tf.Tensor] {
    const call = this.plan(input, h0);
    const out = tidy(() => {
      const e = call.toEngine();
      const r = this.runner.stack(e.x, { states: e.states, lengths: e.lengths, interLayerDropout: interLayerDropout(this), where: this.where });
      return call.fromEngine(r.output, r.states);
    });
    this.reportForward();
    return [call.wrapOutput(out.output), out.states[0]];
  }

  /**
   * `forward` on the fastest executor (`runtime.gruStackAsync` / `rnnStackAsync`): same inputs
   * and results, asynchronous, not differentiable. `executor`: `'auto'` (default), `'tfjs'`,
   * `'onnxruntime'`. What ran: {@link RecurrentStack.lastExecution}.
   */
  async forwardAsync(input: tf.Tensor, h0?: tf.Tensor | null, options?: { executor?: LstmExecutor }): Promise<[tf.Tensor, tf.Tensor]>;
  async forwardAsync(input: PackedSequence, h0?: tf.Tensor | null, options?: { executor?: LstmExecutor }): Promise<[PackedSequence, tf.Tensor]>;
  async forwardAsync(
    input: tf.Tensor | PackedSequence, h0?: tf.Tensor | null, options: { executor?: LstmExecutor } = {},
  ): Promise<[tf.Tensor | PackedSequence, tf.Tensor]> {
    const call = this.plan(input, h0);
    const e = tidy(() => call.toEngine());
    const out = await convertAsync(
      [...(e.x === input ? [] : [e.x]), ...(e.states ? e.states[0] : [])],
      () => this.runStackAsync(e.x, this.runner.weights(), {
        h0: e.states ? e.states[0] : null, lengths: e.lengths, interLayerDropout: interLayerDropout(this),
        executor: options?.executor, where: `${this.where}.forwardAsync`,
      }),
      (r) => {
        this.reportForwardAsync(r);
        return [r.output, ...r.h];
      },
      (r) => call.fromEngine(r.output, [r.h]),
      (o) => [o.output, o.states[0]],
    );
    return [call.wrapOutput(out.output), out.states[0]];
  }
}

/**
 * What a `fromStateDict` of `kind` reads: the sizes and the keys under the prefix. The kind is
 * checked first (`nn.GRU.fromStateDict: the state dict holds an LSTM (...), not a GRU — use
 * nn.LSTM.fromStateDict`).
 */
export function readStateDictFor<O extends { readonly prefix?: string }>(
  stateDict: tf.NamedTensorMap, kind: StateDictKind['kind'], options: O | undefined, where: string,
): { info: StateDictKind; own: tf.NamedTensorMap; options: O } {
  const o = checkFromOptions(options, where);
  const prefix = o.prefix;
  checkStateDictArg(stateDict, where);
  checkKindOf(stateDict, kind, where, prefix, '.fromStateDict');
  const { kind: info, own } = describeKind(stateDict, prefix, where);
  return { info, own, options: o };
}
