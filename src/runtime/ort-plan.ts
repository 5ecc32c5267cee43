/**
 * Whether a stack call can run on onnxruntime ({@link planOnnxRuntime}), and when not, why — as
 * a typed {@link OrtFallbackReason}, so that callers pick their error class from its `kind`
 * (never from its message text); {@link fallbackMessage} words it.
 *
 * ONNX's `LSTM` cannot express a projection (LSTMP), relu6/selu/swish activations, inter-layer
 * dropout, masks that are not a right padding, or `maskedOutput: 'carry'` once a step is masked;
 * and for a sequence of length 0 onnxruntime's final state is zeros where the engine's is the
 * initial state. Those calls stay on tfjs. The same holds for ONNX's `GRU` and `RNN` (the plan
 * is made per kind: a GRU or RNN has no projection and one state, h).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, CellWeights, LstmWeights, StackLayer, StackOptions } from '../engine';
import { checkRecordArg } from '../engine/internal';
import { ConfigError, UnsupportedConversionError } from '../errors';
import { OnnxCellKind, onnxActivation } from '../onnx';
import { OrtModule, loadOnnxRuntime, onnxRuntimeUnavailableReason } from './ort-runtime';
import { onnxRuntimePackage } from './ort-web';

/** What of a call ONNX's `LSTM` (or onnxruntime's result) cannot express. */
export type Inexpressible =
  | { readonly what: 'dtype'; readonly dtype: string }
  | { readonly what: 'activation'; readonly name: ActivationName }
  | { readonly what: 'projection' }
  | { readonly what: 'inter-layer-dropout' }
  | { readonly what: 'mask' }
  | { readonly what: 'carry' }
  | { readonly what: 'empty-sequence-with-state' };

/** Why a call does not run on onnxruntime. */
export type OrtFallbackReason =
  | { readonly kind: 'not-installed'; readonly detail: string }
  | { readonly kind: 'tfjs-requested' }
  | ({ readonly kind: 'inexpressible' } & Inexpressible);

/** Whether and how a stack call can run on onnxruntime. */
export type OrtPlan =
  | { readonly ok: true; readonly ort: OrtModule; readonly lengths: number[] | null }
  | { readonly ok: false; readonly reason: OrtFallbackReason };

/**
 * Which executor an asynchronous call ran on (`lstmStackAsync`, `gruStackAsync`,
 * `rnnStackAsync`), and why not onnxruntime when it did not.
 */
export type AsyncExecution =
  | { readonly executor: 'onnxruntime'; readonly fallback: null }
  | { readonly executor: 'tfjs'; readonly fallback: OrtFallbackReason };

/** The reason in words (what `chooseExecutor` reports and the errors quote). */
export function fallbackMessage(reason: OrtFallbackReason): string {
  checkRecordArg(reason, 'reason', 'runtime.fallbackMessage');
  switch (reason.kind) {
    case 'not-installed': return reason.detail;
    case 'tfjs-requested': return "executor 'tfjs' requested";
    case 'inexpressible':
      switch (reason.what) {
        case 'dtype': return `input dtype ${reason.dtype} (ONNX's recurrent operators take float32)`;
        case 'activation': return `activation '${reason.name}' has no ONNX form`;
        case 'projection': return 'a projection (LSTMP), which ONNX LSTM does not have';
        case 'inter-layer-dropout': return 'inter-layer dropout (training)';
        case 'mask': return 'a mask that is not a right padding (ONNX has only sequence_lens)';
        case 'carry': return "maskedOutput 'carry' with masked steps (ONNX outputs zeros there)";
        case 'empty-sequence-with-state':
          return 'a sequence length of 0 with an initial state (onnxruntime returns zeros as its final state, the engine the initial state)';
      }
  }
}

/** Right-padding lengths of a (T, N) mask, or null when the mask is not a right padding. */
function maskLengths(mask: tf.Tensor): number[] | null {
  const [T, N] = mask.shape;
  const data = mask.dataSync();
  const lengths: number[] = [];
  for (let n = 0; n < N; n++) {
    let len = 0;
    while (len < T && data[len * N + n]) len++;
    for (let t = len; t < T; t++) if (data[t * N + n]) return null;
    lengths.push(len);
  }
  return lengths;
}

const inexpressible = (what: Inexpressible): OrtPlan => ({ ok: false, reason: { kind: 'inexpressible', ...what } });

/** The options of a stack call the plan reads (those of `lstmStack`, `gruStack`, `rnnStack`). */
export interface PlannedCallOptions extends StackOptions {
  readonly recurrentActivation?: ActivationName;
  readonly c0?: readonly tf.Tensor[] | null;
}

/**
 * Whether onnxruntime can compute this (already validated) stack call exactly as the tfjs
 * executor does, and with which sequence lengths.
 */
export function planOnnxRuntime(
  x: tf.Tensor, layers: readonly StackLayer<CellWeights>[], options: PlannedCallOptions, kind: OnnxCellKind = 'LSTM',
): OrtPlan {
  const ort = loadOnnxRuntime();
  if (!ort) return { ok: false, reason: { kind: 'not-installed', detail: onnxRuntimeUnavailableReason() ?? 'onnxruntime-node is not installed' } };
  if (x.dtype !== 'float32') return inexpressible({ what: 'dtype', dtype: x.dtype });
  const activations = kind === 'RNN' ? [options.activation ?? 'tanh'] : [options.activation ?? 'tanh', options.recurrentActivation ?? 'sigmoid'];
  for (const name of activations) {
    if (!onnxActivation(name)) return inexpressible({ what: 'activation', name });
  }
  const projected = (w: LstmWeights | null | undefined) => !!w?.projection;
  if (kind === 'LSTM' && layers.some((l) => projected(l.forward) || projected(l.backward))) return inexpressible({ what: 'projection' });
  if ((options.interLayerDropout ?? 0) > 0) return inexpressible({ what: 'inter-layer-dropout' });
  const [T] = x.shape;
  let lengths: number[] | null = options.lengths ? Array.from(options.lengths) : null;
  if (options.mask) {
    lengths = maskLengths(options.mask);
    if (!lengths) return inexpressible({ what: 'mask' });
  }
  if (lengths && lengths.every((l) => l === T)) lengths = null;
  if (lengths && options.maskedOutput === 'carry') return inexpressible({ what: 'carry' });
  const withState = !!options.h0 && (kind !== 'LSTM' || !!options.c0);
  if (lengths && lengths.some((l) => l === 0) && withState) return inexpressible({ what: 'empty-sequence-with-state' });
  return { ok: true, ort, lengths };
}

/** The outcome of the choice between tfjs and onnxruntime for one call. */
export type ExecutorChoice =
  | { readonly executor: 'onnxruntime'; readonly reason: null; readonly plan: OrtPlan & { ok: true } }
  | { readonly executor: 'tfjs'; readonly reason: OrtFallbackReason };

/**
 * The choice for an already validated call of any kind: `'tfjs'` as asked, else the plan's
 * outcome; a forced `'onnxruntime'` that cannot run throws — `ConfigError` when the package is
 * missing, `UnsupportedConversionError` when the call is not expressible (from the reason's kind).
 */
export function decideExecutor(where: string, executor: 'auto' | 'tfjs' | 'onnxruntime', plan: () => OrtPlan): ExecutorChoice {
  if (executor === 'tfjs') return { executor: 'tfjs', reason: { kind: 'tfjs-requested' } };
  const p = plan();
  if (p.ok) return { executor: 'onnxruntime', reason: null, plan: p };
  if (executor === 'onnxruntime') {
    const message = fallbackMessage(p.reason);
    if (p.reason.kind === 'not-installed') {
      throw new ConfigError(`${where}: executor 'onnxruntime' needs the optional package ${onnxRuntimePackage()}: ${message}`);
    }
    throw new UnsupportedConversionError(`${where}: executor 'onnxruntime' cannot run this configuration: ${message}`);
  }
  return { executor: 'tfjs', reason: p.reason };
}
