/**
 * The facades' one synchronous entry point: an {@link LstmRunner} runs a stack call
 * (`nn.LSTM.forward`) or a layer call (`layers.LSTM`) on the tfjs executor
 * `./executor-choice` picks — the prepared stepper for one-step inference (kept in a
 * `StepperCache`, rebuilt when the weights change), else `lstmStack` / `lstmLayer` — so the
 * facades choose nothing.
 *
 * Shapes are those of `lstmStack` (`./lstm-stack`) and `lstmLayer` (`./executor`).
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmLayerOptions, LstmLayerResult } from './executor';
import { StepperFacts, TfjsChoice, chooseTfjsExecutor } from './executor-choice';
import { lstmLayer } from './lstm-layer';
import { LstmStackLayer, LstmStackOptions, LstmStackResult, lstmStack } from './lstm-stack';
import { LstmStepperOptions } from './lstm-stepper';
import { isRecordingGradient } from './recording';
import { tidy } from './tidy';
import { StepperCache } from './stepper-cache';

/** Where a runner takes its weights from. */
export interface LstmRunnerSource {
  /**
   * The weights of every layer. With `recording` true a gradient is being recorded and they
   * must be on the tape (e.g. fresh views of the parameters); otherwise they may be cached.
   */
  readonly layers: (recording: boolean) => readonly LstmStackLayer[];
  /** The tensors whose data ids identify the current weights (the stepper is rebuilt when one changes). */
  readonly ids: () => readonly tf.Tensor[];
  /** The stepper's activations and message prefix. */
  readonly stepperOptions: () => LstmStepperOptions;
}

/** A layer call of {@link LstmRunner.layer}: `lstmLayer`'s options plus an input mask. */
export interface LstmRunnerLayerOptions extends LstmLayerOptions {
  /** (N, I): multiplies every step's input (Keras `dropout`). */
  readonly inputMask?: tf.Tensor | null;
}

/** True when `lengths` cuts any sequence of T steps short. */
export function maskedLengths(lengths: ArrayLike<number> | null | undefined, T: number): boolean {
  if (!lengths) return false;
  for (let n = 0; n < lengths.length; n++) if (lengths[n] < T) return true;
  return false;
}

/** The stepper facts of a call (`./executor-choice`). */
export function stepperFacts(
  x: tf.Tensor, options: { mask?: tf.Tensor | null; lengths?: ArrayLike<number> | null }, dropout: boolean, directions: () => number,
): StepperFacts {
  const T = x.shape[0];
  return {
    recording: isRecordingGradient(),
    steps: T,
    masked: !!options.mask || maskedLengths(options.lengths, T),
    dropout,
    directions,
  };
}

/** Runs the calls of one facade instance; holds its prepared stepper. */
export class LstmRunner {
  private readonly stepperCache: StepperCache;
  private choice: TfjsChoice | null = null;

  constructor(private readonly source: LstmRunnerSource) {
    // The weights and options are read only when the stepper is (re)built.
    this.stepperCache = new StepperCache(() => ({
      ids: source.ids(),
      get layers() {
        return source.layers(false).map((l) => l.forward);
      },
      get options() {
        return source.stepperOptions();
      },
    }));
  }

  /** The executor of the last call, and why not the stepper (null before any call). */
  get lastChoice(): TfjsChoice | null {
    return this.choice;
  }

  /** A stack call: `lstmStack(x, weights, options)`, or one stepper step. */
  stack(x: tf.Tensor, options: LstmStackOptions = {}): LstmStackResult {
    const facts = stepperFacts(x, options, (options.interLayerDropout ?? 0) > 0, () => (this.source.layers(false)[0]?.backward ? 2 : 1));
    this.choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: facts });
    if (this.choice.executor !== 'stepper') return lstmStack(x, this.source.layers(facts.recording), options);
    // Intermediates are disposed by hand: a tidy scope costs more than this step at batch 1.
    const x2 = tf.squeeze(x, [0]);
    try {
      const r = this.stepperCache.get().step(x2, options.h0 && options.c0 ? { h: options.h0, c: options.c0 } : null);
      const output = tf.expandDims(r.output, 0) as tf.Tensor3D;
      r.output.dispose();
      return { output, h: r.h, c: r.c };
    } finally {
      x2.dispose();
    }
  }

  /** A layer call on the first layer's forward weights: `lstmLayer`, or one stepper step. */
  layer(x: tf.Tensor, options: LstmRunnerLayerOptions = {}): LstmLayerResult {
    const { inputMask, ...rest } = options;
    const facts = stepperFacts(x, options, !!inputMask || !!options.recurrentInputMask, () => 1);
    this.choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: facts });
    if (this.choice.executor !== 'stepper') {
      return tidy(() => lstmLayer(inputMask ? tf.mul(x, inputMask) : x, this.source.layers(facts.recording)[0].forward, rest));
    }
    const init = options.initialState;
    const x2 = tf.reshape(x, [x.shape[1] as number, x.shape[2] as number]);
    try {
      const s = this.stepperCache.get().step(x2, init ? { h: [init[0]], c: [init[1]] } : null);
      const output = tf.expandDims(s.output, 0) as tf.Tensor3D;
      s.output.dispose();
      return { output, h: s.h[0], c: s.c[0] };
    } finally {
      x2.dispose();
    }
  }

  /** Releases the prepared stepper. */
  dispose(): void {
    this.stepperCache.dispose();
  }
}
