/**
 * The LSTM recurrence: one layer, one direction, a whole sequence. Both facades (`nn`,
 * `layers`) and every adapter run through this function.
 *
 * Legend and shapes: see `./executor` (the executor contract). Weights are in the canonical
 * form of `./weights`; the cell is `./cells/lstm-cell`.
 *
 * Masking (`lengths` or `mask`): at an inactive step the state is carried over unchanged and
 * the output is zero (`maskedOutput: 'zero'`, PyTorch padding and Keras `zero_output_for_mask`)
 * or repeats the previous step's output (`'carry'`, Keras' default; zeros before the first
 * active step). With right-padded lengths and `reverse`, each sequence's reverse pass starts at
 * its own last valid step, which is exactly PyTorch's packed-sequence semantics.
 *
 * The input projection of every time step is one matrix product; each step then multiplies
 * only the recurrent state. All intermediates are disposed; the function is differentiable
 * with `tf.grad` / `tf.variableGrads` with respect to `x`, the weights, the initial state and
 * the recurrent-input mask.
 *
 * Executors (chosen by `./executor-choice`): by default the fast tfjs-ops path
 * (`./recurrence-fast`), on every tfjs backend; the `implementation: 'reference'` option runs
 * the plain step loop (`./recurrence-reference`). The asynchronous onnxruntime executor is
 * reached through `lstmStackAsync`.
 */
import * as tf from '@tensorflow/tfjs-core';

import './register';
import { checkTensorArg } from './args';
import { recurrenceInputs } from './cell';
import { LSTM_CELL } from './cells/lstm-cell';
import { LstmLayerOptions, LstmLayerResult, RecurrenceResult, ResolvedLayerCall, resolveCall } from './executor';
import { chooseTfjsExecutor } from './executor-choice';
import { fastRecurrence } from './recurrence-fast';
import { referenceRecurrence } from './recurrence-reference';
import { emptyBatchRecurrence } from './recurrence-empty';
import { LstmWeights } from './weights';

export type { LstmLayerOptions, LstmLayerResult } from './executor';
export { combinedBias, lstmCellStep, lstmStepFromProjection } from './cells/lstm-cell';

/**
 * Validates a layer call from the input's shape alone and resolves its configuration (sizes,
 * activations, per-step masks). Every executor checks its calls with it, so errors are the
 * same whichever runs.
 * @throws ShapeError for inconsistent weights, input, states, lengths or mask.
 */
export function resolveLayerCall(xShape: readonly number[], w: LstmWeights, options: LstmLayerOptions = {}): ResolvedLayerCall {
  return resolveCall(LSTM_CELL, xShape, w, options);
}

function lstmResult(r: RecurrenceResult): LstmLayerResult {
  return { output: r.output, h: r.state[0], c: r.state[1] };
}

/**
 * Runs one LSTM layer in one direction over a time-major sequence.
 * @throws ShapeError for inconsistent weights, input, states, lengths or mask.
 */
export function lstmLayer(x: tf.Tensor, w: LstmWeights, options: LstmLayerOptions = {}): LstmLayerResult {
  checkTensorArg(x, 'x', 'engine.lstmLayer');
  const resolved = resolveLayerCall(x.shape, w, options);
  if (resolved.N === 0) {
    return lstmResult(emptyBatchRecurrence(resolved, [x, w.kernel, w.recurrentKernel, w.bias, w.recurrentBias, w.projection, ...(options.initialState ?? [])]));
  }
  const choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: null });
  if (choice.executor === 'reference') return lstmResult(referenceRecurrence(LSTM_CELL, x, w, options, resolved));
  return lstmResult(fastRecurrence(LSTM_CELL, recurrenceInputs(LSTM_CELL, x, w, options.initialState, options.recurrentInputMask), resolved));
}
