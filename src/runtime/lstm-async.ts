/**
 * `lstmStackAsync`: the asynchronous entry point for inference on the fastest executor, and the
 * one place where tfjs or onnxruntime is chosen. The facades' `forwardAsync` methods call it.
 * (Also reachable as `engine.lstmStackAsync` in the package, for compatibility.)
 *
 * ## Contract (for `nn.LSTM.forwardAsync`, `layers.LSTM` and other callers)
 *
 * - **Same inputs, same results as `lstmStack`.** `x` (T, N, I) time-major, `layers` in the
 *   canonical weight form, and every `LstmStackOptions` field mean exactly what they mean for
 *   `lstmStack`; the result has the same shapes and the same values to float32 rounding
 *   (tested against `lstmStack` for every executor: ~1e-6 here, within 1e-5).
 * - **Validation first.** Bad shapes, lengths or masks throw the same `ShapeError` /
 *   `ConfigError` as `lstmStack` (as a rejected promise), whatever the executor.
 * - **Executors** (`options.executor`):
 *   - `'auto'` (default): onnxruntime when `onnxruntime-node` (in Node; `onnxruntime-web` in a
 *     web page, loaded on the first call, `./ort-web`) is installed and the call is
 *     expressible in ONNX (see below), else the tfjs executor.
 *   - `'tfjs'`: always the tfjs-ops executor (`lstmStack`), on the current tfjs backend.
 *   - `'onnxruntime'`: always onnxruntime; rejects with `ConfigError` when the runtime package
 *     (`onnxruntime-node`, or `onnxruntime-web` in a page) is not installed, and with `UnsupportedConversionError` when the call is not expressible
 *     (picked from the typed fallback reason's `kind`, `./ort-plan`).
 * - **Expressible in ONNX**: no projection, activations among sigmoid, tanh, relu,
 *   hardSigmoid(Keras3), elu, softsign, softplus, linear, no inter-layer dropout, masks that
 *   are right paddings (`lengths`, or a `mask` of that form; a length of 0 only without initial
 *   states), and `maskedOutput: 'carry'` only when no step is masked.
 * - **No gradient.** Use `lstmStack` inside `tf.grad`/`tf.variableGrads`; the async entry never
 *   records on the tape (onnxruntime runs outside tfjs). Its result tensors are new tensors owned
 *   by the caller (dispose them); it leaves no other tensor behind.
 * - **Caching.** onnxruntime sessions are cached per weight set (tensor identity) and
 *   configuration; the first call with new weights builds and loads a model (milliseconds to a
 *   second for large stacks). `clearOnnxSessionCache()` releases them.
 * - **Threads.** onnxruntime uses its own CPU threads (all cores by default); the tfjs backend is
 *   not touched. The library never changes the tfjs backend or flags.
 *
 * Example:
 *
 *     const { output, h, c, executor, fallback } = await lstmStackAsync(x, layers, { lengths });
 *     // executor: 'onnxruntime' when installed, else 'tfjs' and fallback says why
 *     // (e.g. { kind: 'not-installed', detail: 'onnxruntime-node could not be loaded: ...' })
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmStackLayer, LstmStackOptions, LstmStackResult, checkStackCall, lstmStack } from '../engine';
import { ConfigError } from '../errors';
import { checkRecordArg, checkTensorArg, showArg } from '../engine/internal';
import { runOnnxRuntime } from './ort-executor';
import { AsyncExecution, ExecutorChoice, decideExecutor, fallbackMessage, planOnnxRuntime } from './ort-plan';
import { loadOnnxRuntimeWeb } from './ort-web';

/** Which executor runs a call. */
export type LstmExecutor = 'auto' | 'tfjs' | 'onnxruntime';

/** Options of {@link lstmStackAsync}: those of `lstmStack` plus the executor. */
export interface LstmStackAsyncOptions extends LstmStackOptions {
  /** Default `'auto'`. */
  readonly executor?: LstmExecutor;
}

/**
 * The result of {@link lstmStackAsync}: `lstmStack`'s, plus the executor that ran and, when it
 * is tfjs, why not onnxruntime (`fallback`; `fallbackMessage` words it).
 */
export type LstmStackAsyncResult = LstmStackResult & AsyncExecution;

const EXECUTORS: readonly LstmExecutor[] = ['auto', 'tfjs', 'onnxruntime'];

/**
 * Which executor `lstmStackAsync` would pick for this call, and why not onnxruntime when it
 * would not. Validates the call like `lstmStack`.
 */
export function chooseExecutor(
  x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackAsyncOptions = {},
): { executor: 'tfjs' | 'onnxruntime'; reason: string | null } {
  const { executor, reason } = choose(x, layers, options ?? {});
  return { executor, reason: reason ? fallbackMessage(reason) : null };
}

function choose(x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackAsyncOptions): ExecutorChoice {
  checkRecordArg(options, 'options', 'engine.lstmStackAsync', true);
  const where = typeof options.where === 'string' ? options.where : 'engine.lstmStackAsync';
  checkTensorArg(x, 'x', where);
  const executor = options.executor ?? 'auto';
  if (!EXECUTORS.includes(executor)) {
    throw new ConfigError(`${where}: executor must be one of ${EXECUTORS.join(', ')}, got ${showArg(executor)}`);
  }
  checkStackCall(x.shape, layers, { ...options, where });
  return decideExecutor(where, executor, () => planOnnxRuntime(x, layers, options));
}

/** Runs a stack on the fastest executor (see the module docs for the contract). */
export async function lstmStackAsync(
  x: tf.Tensor, layers: readonly LstmStackLayer[], options: LstmStackAsyncOptions = {},
): Promise<LstmStackAsyncResult> {
  // In a page onnxruntime-web loads asynchronously (once); in Node this does nothing.
  if (options?.executor !== 'tfjs') await loadOnnxRuntimeWeb();
  const choice = choose(x, layers, options);
  const where = options.where ?? 'engine.lstmStackAsync';
  if (choice.executor === 'tfjs') {
    const r = lstmStack(x, layers, { ...options, where });
    return { ...r, executor: 'tfjs', fallback: choice.reason };
  }
  const r = await runOnnxRuntime(x, layers, options, choice.plan);
  return { ...r, executor: 'onnxruntime', fallback: null };
}
