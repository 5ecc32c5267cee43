/**
 * One layer and direction of any cell over a whole sequence: validation, the empty batch, the
 * tfjs executor `./executor-choice` picks (fast or reference). `gruLayer`, `rnnLayer` (and in
 * effect `lstmLayer`) are this function with their cell.
 *
 * Shapes and options: see `./executor`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { checkTensorArg } from './args';
import { CellWeights, RecurrentCell, recurrenceInputs } from './cell';
import { RecurrenceOptions, RecurrenceResult, resolveCall } from './executor';
import { chooseTfjsExecutor } from './executor-choice';
import { emptyBatchRecurrence } from './recurrence-empty';
import { fastRecurrence } from './recurrence-fast';
import { referenceRecurrence } from './recurrence-reference';

/** Runs one layer of `cell` in one direction; differentiable; disposes its intermediates. */
export function cellLayer<W extends CellWeights>(
  cell: RecurrentCell<W>, x: tf.Tensor, w: W, options: RecurrenceOptions, where: string,
): RecurrenceResult {
  const opts = { ...options, where: typeof options.where === 'string' ? options.where : where };
  checkTensorArg(x, 'x', opts.where);
  const resolved = resolveCall(cell, x.shape, w, opts);
  if (resolved.N === 0) {
    return emptyBatchRecurrence(resolved, [x, w.kernel, w.recurrentKernel, w.bias, w.recurrentBias, ...(options.initialState ?? [])]);
  }
  const choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: null });
  if (choice.executor === 'reference') return referenceRecurrence(cell, x, w, opts, resolved);
  return fastRecurrence(cell, recurrenceInputs(cell, x, w, options.initialState, options.recurrentInputMask), resolved);
}

