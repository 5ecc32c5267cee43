/**
 * `gruStackAsync` and `rnnStackAsync`: the asynchronous entry points of the GRU and vanilla RNN
 * stacks, with `lstmStackAsync`'s contract (`./lstm-async`): same inputs and results as
 * `gruStack` / `rnnStack`, validation first, `executor` `'auto' | 'tfjs' | 'onnxruntime'`,
 * no gradient.
 *
 * TODO(runtime helper): onnxruntime through ONNX `GRU` / `RNN` ops; for now every call runs on
 * tfjs and reports why.
 */
import * as tf from '@tensorflow/tfjs-core';

import {
  GruStackLayer, GruStackOptions, GruStackResult, RnnStackLayer, RnnStackOptions, gruStack, rnnStack,
} from '../engine';
import { UnsupportedConversionError } from '../errors';
import { checkOneOfArg, checkRecordArg } from '../engine/internal';
import type { LstmExecutor } from './lstm-async';
import type { OrtFallbackReason } from './ort-plan';

/** Options of {@link gruStackAsync}. */
export interface GruStackAsyncOptions extends GruStackOptions {
  readonly executor?: LstmExecutor;
}

/** Options of {@link rnnStackAsync}. */
export interface RnnStackAsyncOptions extends RnnStackOptions {
  readonly executor?: LstmExecutor;
}

/** The result of {@link gruStackAsync} / {@link rnnStackAsync}. */
export type GruStackAsyncResult = GruStackResult & (
  | { readonly executor: 'onnxruntime'; readonly fallback: null }
  | { readonly executor: 'tfjs'; readonly fallback: OrtFallbackReason }
);

const EXECUTORS: readonly LstmExecutor[] = ['auto', 'tfjs', 'onnxruntime'];

function run(where: string, executor: LstmExecutor | undefined, compute: () => GruStackResult): GruStackAsyncResult {
  const e = checkOneOfArg(executor ?? 'auto', EXECUTORS, 'executor', where);
  if (e === 'onnxruntime') throw new UnsupportedConversionError(`${where}: the onnxruntime executor does not run this cell yet`);
  const r = compute();
  const fallback: OrtFallbackReason = { kind: 'tfjs-requested' };
  return { ...r, executor: 'tfjs', fallback };
}

/** A GRU stack on the fastest executor; see the module documentation. */
export async function gruStackAsync(x: tf.Tensor, layers: readonly GruStackLayer[], options: GruStackAsyncOptions = {}): Promise<GruStackAsyncResult> {
  checkRecordArg(options, 'options', 'gruStackAsync', true);
  const { executor, ...rest } = options ?? {};
  return run(rest.where ?? 'gruStackAsync', executor, () => gruStack(x, layers, rest));
}

/** A vanilla RNN stack on the fastest executor; see the module documentation. */
export async function rnnStackAsync(x: tf.Tensor, layers: readonly RnnStackLayer[], options: RnnStackAsyncOptions = {}): Promise<GruStackAsyncResult> {
  checkRecordArg(options, 'options', 'rnnStackAsync', true);
  const { executor, ...rest } = options ?? {};
  return run(rest.where ?? 'rnnStackAsync', executor, () => rnnStack(x, layers, rest));
}
