/**
 * `gruStackAsync` and `rnnStackAsync`: the asynchronous entry points of the GRU and vanilla RNN
 * stacks, with `lstmStackAsync`'s contract (`./lstm-async`): same inputs and results as
 * `gruStack` / `rnnStack` (within 1e-5, float32), validation first (the same `ShapeError` /
 * `ConfigError` as the synchronous calls, as a rejected promise), `executor`
 * `'auto' | 'tfjs' | 'onnxruntime'`, no gradient, result tensors owned by the caller.
 *
 * onnxruntime runs ONNX `GRU` (`linear_before_reset` 1 for `resetAfter: true`, 0 for reset
 * before) and `RNN` nodes built by the ONNX module's one graph builder; sessions are cached per
 * kind, weight set and configuration (`./ort-executor`). Expressible as for the LSTM
 * (`./ort-plan`): activations with an ONNX form, no inter-layer dropout, right-padded masks,
 * `'carry'` only without masked steps, no zero length with an initial state. Anything else runs
 * on tfjs with a typed `fallback`; forcing `'onnxruntime'` then rejects with
 * `UnsupportedConversionError` (`ConfigError` when onnxruntime-node is not installed).
 *
 * Example:
 *
 *     const { output, h, executor, fallback } = await gruStackAsync(x, layers, { resetAfter: false, lengths });
 */
import * as tf from '@tensorflow/tfjs-core';

import {
  CellWeights, GruStackLayer, GruStackOptions, GruStackResult, RnnStackLayer, RnnStackOptions, StackLayer, gruStack, rnnStack,
} from '../engine';
import {
  RNN_CELL, RecurrentCell, checkOneOfArg, checkRecordArg, checkStackShape, checkTensorArg, gruCell, hStackCall, resolveCall, stackDirections, stackLayerOptions,
} from '../engine/internal';
import { OnnxCellKind } from '../onnx';
import { loadOnnxRuntimeWeb } from './ort-web';
import type { LstmExecutor } from './lstm-async';
import { runOnnxRuntimeCells } from './ort-executor';
import { AsyncExecution, decideExecutor, planOnnxRuntime } from './ort-plan';

/** Options of {@link gruStackAsync}. */
export interface GruStackAsyncOptions extends GruStackOptions {
  readonly executor?: LstmExecutor;
}

/** Options of {@link rnnStackAsync}. */
export interface RnnStackAsyncOptions extends RnnStackOptions {
  readonly executor?: LstmExecutor;
}

/** The result of {@link gruStackAsync} / {@link rnnStackAsync}. */
export type GruStackAsyncResult = GruStackResult & AsyncExecution;

const EXECUTORS: readonly LstmExecutor[] = ['auto', 'tfjs', 'onnxruntime'];

/** Validates a one-state stack call as `gruStack` / `rnnStack` would (shapes, states, lengths, mask). */
function checkCall(cell: RecurrentCell<CellWeights>, x: tf.Tensor, layers: readonly StackLayer<CellWeights>[], options: GruStackOptions, where: string): void {
  const call = hStackCall({ ...options, where }, where);
  checkTensorArg(x, 'x', where);
  const D = checkStackShape(layers, call);
  let shape = [...x.shape];
  layers.forEach((layer, k) => {
    const outs = stackDirections(layer).map((w, d) => resolveCall(cell, shape, w, stackLayerOptions(call, k, d, D)).Hout);
    shape = [shape[0], shape[1], outs.reduce((a, b) => a + b, 0)];
  });
}

async function run(
  kind: OnnxCellKind, x: tf.Tensor, layers: readonly StackLayer<CellWeights>[], options: GruStackAsyncOptions, where: string,
  compute: (rest: GruStackOptions) => GruStackResult,
): Promise<GruStackAsyncResult> {
  const { executor, ...rest } = options;
  const e = checkOneOfArg(executor ?? 'auto', EXECUTORS, 'executor', where);
  checkCall(kind === 'GRU' ? gruCell(rest.resetAfter !== false) : RNN_CELL, x, layers, rest, where);
  if (e !== 'tfjs') await loadOnnxRuntimeWeb();
  const choice = decideExecutor(where, e, () => planOnnxRuntime(x, layers, rest, kind));
  if (choice.executor === 'tfjs') return { ...compute({ ...rest, where }), executor: 'tfjs', fallback: choice.reason };
  const r = await runOnnxRuntimeCells(kind, x, layers, rest, choice.plan);
  return { output: r.output, h: r.h, executor: 'onnxruntime', fallback: null };
}

/** A GRU stack on the fastest executor; see the module documentation. */
export async function gruStackAsync(x: tf.Tensor, layers: readonly GruStackLayer[], options: GruStackAsyncOptions = {}): Promise<GruStackAsyncResult> {
  checkRecordArg(options, 'options', 'gruStackAsync', true);
  const o = options ?? {};
  const where = typeof o.where === 'string' ? o.where : 'gruStackAsync';
  return run('GRU', x, layers, o, where, (rest) => gruStack(x, layers, rest));
}

/** A vanilla RNN stack on the fastest executor; see the module documentation. */
export async function rnnStackAsync(x: tf.Tensor, layers: readonly RnnStackLayer[], options: RnnStackAsyncOptions = {}): Promise<GruStackAsyncResult> {
  checkRecordArg(options, 'options', 'rnnStackAsync', true);
  const o = options ?? {};
  const where = typeof o.where === 'string' ? o.where : 'rnnStackAsync';
  return run('RNN', x, layers, o, where, (rest) => rnnStack(x, layers, rest));
}
