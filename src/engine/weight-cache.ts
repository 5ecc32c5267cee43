/**
 * The engine-form weights of a facade instance, cached between calls that record no gradient
 * (the weights of `RecurrentRunner`, `./recurrent-runner`).
 *
 * The facades keep their parameters in their own layout (`nn.LSTM`'s `weight_ih (4H, in)`,
 * `layers.GRU`'s gate order z, r, h) and the engine takes its canonical form (`kernel (in, G·H)`,
 * gates r, z, n): transposing or permuting every weight on every call costs more than a whole
 * time step at streaming sizes (batch 1, one step per call). So:
 *
 * - while a gradient is being recorded (`tf.grad`, `tf.variableGrads`), the weights are made
 *   afresh inside the call, on the tape, so gradients reach the parameters;
 * - otherwise the engine-form copies are cached, and rebuilt when a parameter changed
 *   (`loadStateDict`, `setWeights`, an optimizer step: a tfjs variable's data id changes on
 *   `assign`).
 *
 * The cache doubles the weights' memory (variables handed over as they are are not copied);
 * `dispose()` frees it.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights } from './cell';
import type { StackLayer } from './stack';
import { PreparedCache } from './stepper-cache';
import { tidy } from './tidy';

/** Every tensor field of the weights of `layers`. */
function tensorsOf(layers: readonly StackLayer<CellWeights>[]): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const l of layers) {
    for (const w of [l.forward, l.backward]) {
      if (!w) continue;
      for (const t of Object.values(w) as unknown[]) if (t instanceof tf.Tensor) out.push(t);
    }
  }
  return out;
}

/** Owns the new tensors (not the variables) among the built layers. */
class HeldLayers<L extends StackLayer<CellWeights>> {
  constructor(readonly layers: readonly L[]) {}

  dispose(): void {
    tf.dispose(tensorsOf(this.layers).filter((t) => !(t instanceof tf.Variable)));
  }
}

export class WeightCache<L extends StackLayer<CellWeights>> {
  private readonly cache: PreparedCache<HeldLayers<L>>;

  /**
   * @param ids the tensors whose data ids identify the current weights (the parameters)
   * @param build the engine-form weights of every layer, as new tensors (transposes,
   *   permutations; variables may be handed over as they are)
   */
  constructor(ids: () => readonly tf.Tensor[], build: () => readonly L[]) {
    this.cache = new PreparedCache(() => ({
      ids: ids(),
      build: () => tidy(() => {
        const built = build();
        // Keep the new tensors; the variables themselves are kept by their owner.
        for (const t of tensorsOf(built)) if (!(t instanceof tf.Variable)) tf.keep(t);
        return new HeldLayers(built);
      }),
    }));
  }

  /** The cached engine weights, rebuilt if a parameter changed. Never call while recording. */
  layers(): readonly L[] {
    return this.cache.get().layers;
  }

  /** Frees the cached copies. */
  dispose(): void {
    this.cache.dispose();
  }
}
