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

import type { CellWeights, GruStackResult, StackLayer } from '../engine';
import { isRecordingGradient } from '../engine';
import { tidy } from '../engine/internal';
import {
  AsyncExecutionReport, ExecutionReport, GruStackAsyncResult, LstmExecutor, fallbackMessage, syncExecutionReport,
} from '../runtime/internal';
import { Module } from './module';
import { RecurrentStackOptions, StackConfig, interLayerDropout, parseStackOptions } from './recurrent-options';
import { RecurrentCall, convertAsync, planRecurrentCall } from './recurrent-call';
import { buildStackLayers, canonicalCellWeights, checkFromOptions, checkStateDictArg, registerStackParams, stackParamKeys, stackRepr } from './stack-params';
import { StateDictKind, checkKindOf, describeKind } from './state-dict-kind';
import { PackedSequence } from './utils/rnn/packed-sequence';
import { EngineWeightCache } from './weight-cache';

/** The options of the one engine call a stack makes (time-major x, L·D states). */
export interface HiddenStackCall {
  readonly h0: tf.Tensor2D[] | null;
  readonly lengths: Int32Array | null;
  readonly interLayerDropout: number;
  readonly where: string;
}

/** A layer of a GRU or RNN stack in the engine's canonical form. */
export type HiddenStackLayer = StackLayer<CellWeights>;

function asyncReport(r: GruStackAsyncResult): AsyncExecutionReport {
  if (r.executor === 'onnxruntime') return { call: 'forwardAsync', executor: 'onnxruntime', reason: null, message: null };
  return { call: 'forwardAsync', executor: 'tfjs', reason: r.fallback, message: fallbackMessage(r.fallback) };
}

export abstract class HiddenStack extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  private readonly cache = new EngineWeightCache<HiddenStackLayer>(
    () => this.parameters(),
    () => this.buildEngineLayers(),
  );
  private execution: ExecutionReport | null = null;

  /** `'GRU'` or `'RNN'`. */
  protected abstract get kind(): 'GRU' | 'RNN';
  /** The engine's synchronous stack (`engine.gruStack` / `engine.rnnStack`); the one call. */
  protected abstract runStack(x: tf.Tensor3D, layers: readonly HiddenStackLayer[], call: HiddenStackCall): GruStackResult;
  /** The asynchronous one (`runtime.gruStackAsync` / `rnnStackAsync`). */
  protected abstract runStackAsync(
    x: tf.Tensor3D, layers: readonly HiddenStackLayer[], call: HiddenStackCall & { executor?: LstmExecutor },
  ): Promise<GruStackAsyncResult>;

  protected constructor(
    inputSize: number, hiddenSize: number, options: RecurrentStackOptions, known: readonly string[], gates: number, where: string,
  ) {
    super();
    const cfg: StackConfig = parseStackOptions(inputSize, hiddenSize, options, known, where);
    this.inputSize = cfg.inputSize;
    this.hiddenSize = cfg.hiddenSize;
    this.numLayers = cfg.numLayers;
    this.bias = cfg.bias;
    this.batchFirst = cfg.batchFirst;
    this.dropout = cfg.dropout;
    this.bidirectional = cfg.bidirectional;
    registerStackParams(cfg, { gates, projSize: 0 }, (key, value) => this.registerParameter(key, value), where);
    this.cache.layersFor(); // made now, so that forward passes leave the tensor count unchanged
  }

  /** D: 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * The weights of one layer and direction in the engine's canonical form (kernel =
   * weight_ih^T, recurrentKernel = weight_hh^T, the biases as they are: PyTorch's gate order is
   * the engine's). The caller disposes the transposes (or runs inside `tf.tidy`).
   */
  canonicalWeights(layer: number, reverse = false): CellWeights {
    return canonicalCellWeights((key) => this.param(key), stackParamKeys(layer, reverse, `${this.where}.canonicalWeights`), this.bias);
  }

  /**
   * Which executor ran the last `forward` or `forwardAsync` call that returned (null before the
   * first), as `nn.LSTM.lastExecution` reports it.
   */
  get lastExecution(): ExecutionReport | null {
    return this.execution;
  }

  private plan(input: tf.Tensor | PackedSequence, h0: tf.Tensor | null | undefined): RecurrentCall {
    this.throwIfDisposed();
    return planRecurrentCall(this, input, h0 === null || h0 === undefined ? null : [h0], [{ name: 'h0', size: this.hiddenSize }], this.where);
  }

  /** Runs the stack. Synchronous and differentiable (`tf.grad`, `tf.variableGrads`). */
  forward(input: tf.Tensor, h0?: tf.Tensor | null): [tf.Tensor, tf.Tensor];
  forward(input: PackedSequence, h0?: tf.Tensor | null): [PackedSequence, tf.Tensor];
  forward(input: tf.Tensor | PackedSequence, h0?: tf.Tensor | null): [tf.Tensor | PackedSequence, tf.Tensor] {
    const call = this.plan(input, h0);
    const out = tidy(() => {
      const e = call.toEngine();
      const layers = isRecordingGradient() ? this.buildEngineLayers() : this.cache.layersFor();
      const r = this.runStack(e.x, layers, {
        h0: e.states ? e.states[0] : null, lengths: e.lengths, interLayerDropout: interLayerDropout(this), where: this.where,
      });
      return call.fromEngine(r.output, [r.h]);
    });
    // TODO(merge): the engine helper's generic runner reports its choice; the GRU/RNN stacks run
    // the reference loop (no fast step or stepper for these cells yet).
    this.execution = syncExecutionReport('forward', { executor: 'reference', reason: { kind: 'no-stepper' } });
    return [call.wrapOutput(out.output), out.states[0]];
  }

  /**
   * `forward` on the fastest executor (`runtime.gruStackAsync` / `rnnStackAsync`): same inputs
   * and results, asynchronous, not differentiable. `executor`: `'auto'` (default), `'tfjs'`,
   * `'onnxruntime'`. What ran: {@link HiddenStack.lastExecution}.
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
      () => this.runStackAsync(e.x, this.cache.layersFor(), {
        h0: e.states ? e.states[0] : null, lengths: e.lengths, interLayerDropout: interLayerDropout(this),
        executor: options?.executor, where: `${this.where}.forwardAsync`,
      }),
      (r) => {
        this.execution = asyncReport(r);
        return [r.output, ...r.h];
      },
      (r) => call.fromEngine(r.output, [r.h]),
      (o) => [o.output, o.states[0]],
    );
    return [call.wrapOutput(out.output), out.states[0]];
  }

  /** The engine-form weights of every layer, as new tensors (transposes of the parameters). */
  private buildEngineLayers(): HiddenStackLayer[] {
    return buildStackLayers(this, (k, reverse) => this.canonicalWeights(k, reverse));
  }

  /** Frees the parameters and the cached engine weights. */
  override dispose(): void {
    this.cache.dispose();
    super.dispose();
  }

  /** Another kind's weights (an LSTM's given to a GRU): the error names the kind they are. */
  protected override checkStateDictKind(stateDict: tf.NamedTensorMap): void {
    checkKindOf(stateDict, this.kind, `${this.where}.loadStateDict`, '', '.fromStateDict');
  }

  /** PyTorch's repr, e.g. `GRU(10, 7, num_layers=3, bidirectional=True)` (PyTorch shows no nonlinearity). */
  override toString(): string {
    return stackRepr(this.kind, this);
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
