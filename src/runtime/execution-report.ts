/**
 * What the facades tell about their last call (`lastExecution` of `nn.LSTM` / `nn.GRU` /
 * `nn.RNN` and `layers.LSTM` / `layers.GRU` / `layers.SimpleRNN`): which executor ran and, when a faster one did not, the typed
 * reason — the same reasons the engine's choice (`StepperFallback`) and the runtime's
 * (`OrtFallbackReason`) carry. The library prints nothing by itself; this is how a user finds
 * out that `forwardAsync` fell back to tfjs (onnxruntime-node missing, or a configuration ONNX
 * cannot express), or that a one-step call did not run on the prepared stepper.
 */
import { StepperFallback, TfjsChoice, TfjsExecutor, stepperFallbackMessage } from '../engine';
import { AsyncExecution, OrtFallbackReason, fallbackMessage } from './ort-plan';

/** A synchronous call (`forward` of an `nn` module, a call of a `layers` layer): the tfjs executor that ran. */
export interface SyncExecutionReport {
  readonly call: 'forward' | 'call';
  /** `stepper` (one-step inference, prepared weights), `fast` (default) or `reference`. */
  readonly executor: TfjsExecutor;
  /** Null when the stepper ran; else why not. */
  readonly reason: StepperFallback | null;
  /** The reason in words (null when the stepper ran). */
  readonly message: string | null;
}

/** An asynchronous call (`forwardAsync` of an `nn` module): onnxruntime, or tfjs and why. */
export type AsyncExecutionReport =
  | { readonly call: 'forwardAsync'; readonly executor: 'onnxruntime'; readonly reason: null; readonly message: null }
  | { readonly call: 'forwardAsync'; readonly executor: 'tfjs'; readonly reason: OrtFallbackReason; readonly message: string };

/** Which executor ran a facade call, and why not a faster one. */
export type ExecutionReport = SyncExecutionReport | AsyncExecutionReport;

/** The report of a synchronous call from the engine's choice. */
export function syncExecutionReport(call: 'forward' | 'call', choice: TfjsChoice): SyncExecutionReport {
  return { call, executor: choice.executor, reason: choice.reason, message: choice.reason ? stepperFallbackMessage(choice.reason) : null };
}

/** The report of an asynchronous call from the result of `lstmStackAsync`, `gruStackAsync` or `rnnStackAsync`. */
export function asyncExecutionReport(result: AsyncExecution): AsyncExecutionReport {
  if (result.executor === 'onnxruntime') return { call: 'forwardAsync', executor: 'onnxruntime', reason: null, message: null };
  return { call: 'forwardAsync', executor: 'tfjs', reason: result.fallback, message: fallbackMessage(result.fallback) };
}
