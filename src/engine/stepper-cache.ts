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

/**
 * Any prepared object kept between calls and rebuilt when the data ids of its source tensors
 * change (a {@link StepperCache}, the GRU/RNN runner's `GruStepper` / `RnnStepper`).
 */
export class PreparedCache<S extends { dispose(): void }> {
  private ids: readonly object[] = [];
  private value: S | null = null;

  /** @param source the tensors identifying the current weights, and how to build from them (called only on a change). */
  constructor(private readonly source: () => { readonly ids: readonly tf.Tensor[]; build(): S }) {}

  /** The object for the current weights (built on first use, rebuilt when they changed). */
  get(): S {
    const src = this.source();
    const ids = src.ids.map((t) => t.dataId as object);
    if (this.value && ids.length === this.ids.length && ids.every((id, k) => id === this.ids[k])) return this.value;
    this.dispose();
    this.value = src.build();
    this.ids = ids;
    return this.value;
  }

  /** Releases the prepared object. */
  dispose(): void {
    this.value?.dispose();
    this.value = null;
    this.ids = [];
  }
}

export class StepperCache {
  private readonly cache: PreparedCache<LstmStepper>;

  constructor(source: () => StepperSource) {
    this.cache = new PreparedCache(() => {
      const src = source();
      return { ids: src.ids, build: () => new LstmStepper(src.layers, src.options) };
    });
  }

  /** The stepper for the current weights (prepared on first use, rebuilt when they changed). */
  get(): LstmStepper {
    return this.cache.get();
  }

  /** Releases the prepared weights. */
  dispose(): void {
    this.cache.dispose();
  }
}
