/**
 * The engine-form weights of an `nn.LSTM`, cached between calls that record no gradient.
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
 * count unchanged. A one-step stepper (`engine.LstmStepper`, for unidirectional modules called
 * one time step at a time) is prepared on first use, kept, and rebuilt the same way. The cache
 * doubles the weights' memory (and the stepper adds one more copy when used); `dispose()` of
 * the module frees all of it.
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmStackLayer, LstmStepper, LstmWeights, StepperCache } from '../engine';

function tensorsOf(layers: readonly LstmStackLayer[]): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const l of layers) {
    for (const w of [l.forward, l.backward]) {
      if (!w) continue;
      for (const t of [w.kernel, w.recurrentKernel, w.bias, w.recurrentBias, w.projection]) if (t) out.push(t);
    }
  }
  return out;
}

export class EngineWeightCache {
  private ids: readonly object[] = [];
  private layers: LstmStackLayer[] | null = null;
  private readonly stepperCache: StepperCache;

  /**
   * @param params the module's parameters (their data ids tell when they changed)
   * @param build the engine-form weights of every layer, as new tensors (transposes; biases
   *   may be the parameters themselves)
   */
  constructor(
    private readonly params: () => readonly tf.Variable[],
    private readonly build: () => LstmStackLayer[],
    where: string,
  ) {
    this.stepperCache = new StepperCache(() => ({
      ids: this.params(),
      layers: this.layersFor().map((l) => l.forward as LstmWeights),
      options: { where },
    }));
  }

  /** Cached engine weights, rebuilt if a parameter changed. Never call while recording. */
  layersFor(): LstmStackLayer[] {
    const ids = this.params().map((p) => p.dataId as object);
    if (this.layers && ids.length === this.ids.length && ids.every((id, k) => id === this.ids[k])) return this.layers;
    this.release();
    this.layers = tf.tidy(() => {
      const built = this.build();
      // Keep the new tensors (transposes); the parameters themselves are kept by the module.
      for (const t of tensorsOf(built)) if (!(t instanceof tf.Variable)) tf.keep(t);
      return built as unknown as tf.TensorContainer;
    }) as unknown as LstmStackLayer[];
    this.ids = ids;
    return this.layers;
  }

  /** A stepper over the cached weights (unidirectional stacks only). */
  stepper(): LstmStepper {
    return this.stepperCache.get();
  }

  private release(): void {
    if (this.layers) tf.dispose(tensorsOf(this.layers).filter((t) => !(t instanceof tf.Variable)));
    this.layers = null;
  }

  dispose(): void {
    this.release();
    this.stepperCache.dispose();
    this.ids = [];
  }
}
