/**
 * A {@link LstmStepper} kept between calls and rebuilt when its weights change — for the
 * facades' entry point (`./runner`), which runs one time step per call (streaming inference)
 * on weights held in tfjs variables.
 *
 * A tfjs variable's data id changes on every `assign` (an optimizer step, `setWeights`,
 * `loadStateDict`), so comparing data ids tells when the prepared copies are stale.
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmStepper, LstmStepperOptions } from './lstm-stepper';
import { LstmWeights } from './weights';

/** The weights a stepper is made from, and the tensors whose data ids identify them. */
export interface StepperSource {
  readonly ids: readonly tf.Tensor[];
  readonly layers: readonly LstmWeights[];
  readonly options?: LstmStepperOptions;
}

export class StepperCache {
  private ids: readonly object[] = [];
  private stepper: LstmStepper | null = null;

  constructor(private readonly source: () => StepperSource) {}

  /** The stepper for the current weights (prepared on first use, rebuilt when they changed). */
  get(): LstmStepper {
    const src = this.source();
    const ids = src.ids.map((t) => t.dataId as object);
    if (this.stepper && ids.length === this.ids.length && ids.every((id, k) => id === this.ids[k])) return this.stepper;
    this.dispose();
    this.stepper = new LstmStepper(src.layers, src.options);
    this.ids = ids;
    return this.stepper;
  }

  /** Releases the prepared weights. */
  dispose(): void {
    this.stepper?.dispose();
    this.stepper = null;
    this.ids = [];
  }
}
