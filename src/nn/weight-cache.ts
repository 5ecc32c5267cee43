/**
 * The engine-form weights of an `nn.LSTM` (`nn.GRU`, `nn.RNN`), cached between calls that record no gradient.
 *
 * `nn.LSTM` keeps its parameters in PyTorch's layout (`weight_ih (4H, in)`), and the engine
 * takes `kernel (in, 4H)`: transposing every weight on every call costs more than a whole time
 * step at streaming sizes (batch 1, one step per call). So:
 *
 * - while a gradient is being recorded (`tf.grad`, `tf.variableGrads`), the weights are
 *   transposed afresh inside the call, on the tape, so gradients reach the parameters;
 * - otherwise the transposed weights are cached, and rebuilt when a parameter changed
 *   (`loadStateDict`, an optimizer step: a tfjs variable's data id changes on `assign`).
 *
 * The transposed copy is made when the module is built, so a forward pass leaves the tensor
 * count unchanged. The engine's entry point (`LstmRunner`) takes these cached weights when no
 * gradient is recorded, and prepares its one-step stepper from them (rebuilt the same way, from
 * the parameters' data ids). The cache doubles the weights' memory (and the stepper adds one
 * more copy when used); `dispose()` of the module frees all of it.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { CellWeights, StackLayer } from '../engine';
import { tidy } from '../engine/internal';

/** A layer of any cell's stack (LSTM, GRU, RNN); every tensor field of its weights is cached. */
type AnyLayer = StackLayer<CellWeights>;

function tensorsOf(layers: readonly AnyLayer[]): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const l of layers) {
    for (const w of [l.forward, l.backward]) {
      if (!w) continue;
      for (const t of Object.values(w) as unknown[]) if (t instanceof tf.Tensor) out.push(t);
    }
  }
  return out;
}

export class EngineWeightCache<L extends AnyLayer> {
  private ids: readonly object[] = [];
  private layers: L[] | null = null;

  /**
   * @param params the module's parameters (their data ids tell when they changed)
   * @param build the engine-form weights of every layer, as new tensors (transposes; biases
   *   may be the parameters themselves)
   */
  constructor(
    private readonly params: () => readonly tf.Variable[],
    private readonly build: () => L[],
  ) {}

  /** Cached engine weights, rebuilt if a parameter changed. Never call while recording. */
  layersFor(): L[] {
    const ids = this.params().map((p) => p.dataId as object);
    if (this.layers && ids.length === this.ids.length && ids.every((id, k) => id === this.ids[k])) return this.layers;
    this.release();
    this.layers = tidy(() => {
      const built = this.build();
      // Keep the new tensors (transposes); the parameters themselves are kept by the module.
      for (const t of tensorsOf(built)) if (!(t instanceof tf.Variable)) tf.keep(t);
      return built;
    });
    this.ids = ids;
    return this.layers;
  }

  private release(): void {
    if (this.layers) tf.dispose(tensorsOf(this.layers).filter((t) => !(t instanceof tf.Variable)));
    this.layers = null;
  }

  dispose(): void {
    this.release();
    this.ids = [];
  }
}
