/**
 * What `nn.LSTM`, `nn.GRU` and `nn.RNN` share (PyTorch's `RNNBase`): the configuration fields,
 * the parameters under PyTorch's keys (G gate blocks: LSTM 4, GRU 3, RNN 1), the engine's entry
 * point (`RecurrentRunner`, which caches the engine-form weights and the one-step stepper until
 * a parameter changes), the report of the last call (`lastExecution`), `dispose`, the
 * wrong-kind check of `loadStateDict` and PyTorch's repr. A subclass gives its canonical weights
 * and its `forward` / `forwardAsync` (their state handling).
 *
 * Legend: N batch, L sequence length, D directions, H_in input size, H hidden size.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights } from '../engine';
import { RecurrentRunner, RecurrentRunnerCellOptions, RunnerKind } from '../engine/internal';
import { AsyncExecution, ExecutionReport, asyncExecutionReport, syncExecutionReport } from '../runtime/internal';
import { Module } from './module';
import { RecurrentStackOptions, StackConfig, parseStackOptions } from './recurrent-options';
import { StackShape, buildStackLayers, registerStackParams, stackRepr } from './stack-params';
import { checkKindOf } from './state-dict-kind';

export abstract class RecurrentStack<W extends CellWeights> extends Module {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  /**
   * The engine's entry point: it picks the executor (the prepared stepper for one-step
   * inference) and holds the engine-form weights between calls that record no gradient.
   */
  protected readonly runner: RecurrentRunner<W>;
  private execution: ExecutionReport | null = null;

  /** `'LSTM'`, `'GRU'` or `'RNN'`. */
  protected abstract get kind(): 'LSTM' | 'GRU' | 'RNN';

  /** Prefix of error messages: `nn.LSTM`, `nn.GRU`, `nn.RNN`. */
  protected get where(): string {
    return `nn.${this.kind}`;
  }

  /**
   * The weights of one layer and direction in the engine's canonical form (transposes of the
   * parameters, differentiable). The caller disposes them (or runs inside `tf.tidy`).
   */
  abstract canonicalWeights(layer: number, reverse?: boolean): W;

  /**
   * @param shape the kind's parameter shapes (G gate blocks, the LSTM's projection), from the checked configuration (called before
   *   any parameter exists, so its checks throw first)
   */
  protected constructor(
    inputSize: number, hiddenSize: number, options: RecurrentStackOptions, known: readonly string[],
    kind: RunnerKind<W>, shape: (cfg: StackConfig) => StackShape, where: string,
  ) {
    super();
    const cfg = parseStackOptions(inputSize, hiddenSize, options, known, where);
    this.inputSize = cfg.inputSize;
    this.hiddenSize = cfg.hiddenSize;
    this.numLayers = cfg.numLayers;
    this.bias = cfg.bias;
    this.batchFirst = cfg.batchFirst;
    this.dropout = cfg.dropout;
    this.bidirectional = cfg.bidirectional;
    registerStackParams(cfg, shape(cfg), (key, value) => this.registerParameter(key, value), where);
    this.runner = new RecurrentRunner(kind, {
      layers: () => buildStackLayers(this, (k, reverse) => this.canonicalWeights(k, reverse)),
      ids: () => this.parameters(),
      options: () => this.cellOptions(),
    });
  }

  /** The cell options of every call (activations, `resetAfter`); the subclass adds its own. */
  protected cellOptions(): RecurrentRunnerCellOptions {
    return { where: this.where };
  }

  /**
   * Builds the engine-form weights now, so that forward passes leave the tensor count
   * unchanged. The subclass calls it at the end of its constructor (its weights may need its
   * own fields).
   */
  protected prepareWeights(): void {
    this.runner.weights();
  }

  /** D: 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * Which executor ran the last `forward` or `forwardAsync` call that returned, and why not a
   * faster one (null before the first call). The library prints nothing; this is how to find
   * out. `forward`: `'stepper'` (one-step inference on prepared weights), else `'fast'` (or
   * `'reference'`), with the typed `StepperFallback` reason (`'steps'`, `'recording'`,
   * `'masked'`, `'dropout'`, `'bidirectional'`). `forwardAsync`: `'onnxruntime'`, else `'tfjs'`
   * with the typed `OrtFallbackReason` (`'not-installed'` with the load error, `'tfjs-requested'`,
   * `'inexpressible'` with what). `message` words the reason.
   *
   * ```ts
   * await lstm.forwardAsync(input);
   * lstm.lastExecution; // { call: 'forwardAsync', executor: 'tfjs', reason: { kind: 'inexpressible', what: 'projection' }, message: '...' }
   * ```
   * With concurrent `forwardAsync` calls on one module it describes the one that finished last.
   */
  get lastExecution(): ExecutionReport | null {
    return this.execution;
  }

  /** Records the runner's choice of the `forward` call that just returned. */
  protected reportForward(): void {
    if (this.runner.lastChoice) this.execution = syncExecutionReport('forward', this.runner.lastChoice);
  }

  /** Records what ran a `forwardAsync` call. */
  protected reportForwardAsync(result: AsyncExecution): void {
    this.execution = asyncExecutionReport(result);
  }

  /** Frees the parameters, the cached engine weights and the prepared stepper. */
  override dispose(): void {
    this.runner.dispose();
    super.dispose();
  }

  /** Another kind's weights (an LSTM's given to a GRU): the error names the kind they are. */
  protected override checkStateDictKind(stateDict: tf.NamedTensorMap): void {
    checkKindOf(stateDict, this.kind, `${this.where}.loadStateDict`, '', '.fromStateDict');
  }

  /** PyTorch's extra repr entries right after the sizes (the LSTM's `proj_size`). */
  protected reprFirst(): string[] {
    return [];
  }

  /** PyTorch's repr, e.g. `GRU(10, 7, num_layers=3, bidirectional=True)` (PyTorch shows no nonlinearity). */
  override toString(): string {
    return stackRepr(this.kind, this, this.reprFirst());
  }
}
