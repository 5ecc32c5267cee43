/**
 * The facades' one synchronous entry point, for every cell kind (`nn.LSTM` / `nn.GRU` /
 * `nn.RNN`, `layers.LSTM` / `layers.GRU` / `layers.SimpleRNN`): a {@link RecurrentRunner} runs
 * a stack call or a layer call on the tfjs executor `./executor-choice` picks — a prepared
 * stepper (`./stepper`, with the kind's step part) for one-step inference, else the kind's
 * stack or layer (`lstmStack` / `gruStack` / `rnnStack`, `lstmLayer` / ...) — so the facades
 * choose nothing. It also holds the weights in the engine's form between calls (`./weight-cache`),
 * and the stepper prepared from them; both are rebuilt when the weights' data ids change.
 * The kinds are `./runner-kinds`.
 *
 * Legend: T steps, N batch, I inputs, H hidden size, L layers, D directions; S the kind's states
 * (LSTM `[h, c]`, GRU and RNN `[h]`).
 *
 *     const runner = new RecurrentRunner(GRU_RUNNER, {
 *       layers: (recording) => stackLayers,   // L × { forward, backward? }, new tensors (or variables)
 *       ids: () => parameterTensors,          // tensors whose data ids identify the weights
 *       options: () => ({ resetAfter: true, where: 'nn.GRU' }),
 *     });
 *     const { output, states } = runner.stack(x, { states: [h0] });  // x (T, N, I); output (T, N, D·H); states S × L·D (N, H)
 *     const one = runner.layer(x, { initialState: [h0], inputMask });  // first layer's forward weights; states S × (N, H)
 *     runner.lastChoice;   // { executor: 'stepper' | 'fast' | 'reference', reason }
 *     runner.weights();    // the cached engine-form layers (for forwardAsync)
 *     runner.dispose();    // releases the cached weights and the prepared steppers
 *
 * The cell options (`resetAfter`, `activation`, `recurrentActivation`, `where`) come from
 * `options()` for every call, stack, layer and stepper alike; a call's own options carry the rest.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { ActivationName } from './activations';
import type { CellWeights } from './cell';
import type { RecurrenceOptions } from './executor';
import { StepperFacts, TfjsChoice, chooseTfjsExecutor } from './executor-choice';
import { isRecordingGradient } from './recording';
import type { StackLayer, StackOptions } from './stack';
import { CellStepper, StepCell } from './stepper';
import { PreparedCache } from './stepper-cache';
import { tidy } from './tidy';
import { WeightCache } from './weight-cache';

/** The cell options of a runner. */
export interface RecurrentRunnerCellOptions {
  /** GRU only; default true. */
  readonly resetAfter?: boolean;
  /** φ; default `'tanh'` (RNN: `'tanh'` or `'relu'`). */
  readonly activation?: ActivationName;
  /** LSTM and GRU; default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Prefix of error messages. */
  readonly where?: string;
}

/** A stack call: the stack options without the cell's and the states, which come apart. */
export interface RecurrentRunnerStackOptions extends Omit<StackOptions, 'activation' | 'h0'> {
  /** Per state (S lists), L·D initial tensors (N, ·), index `layer * D + direction`; null for zeros. */
  readonly states?: readonly (readonly tf.Tensor[])[] | null;
}

/** A layer call: a layer's options without the cell's, plus an input mask. */
export interface RecurrentRunnerLayerOptions extends Omit<RecurrenceOptions, 'activation' | 'recurrentActivation'> {
  /** (N, I): multiplies every step's input (Keras `dropout`). */
  readonly inputMask?: tf.Tensor | null;
}

/** What a runner's result holds: the output and, per state, its tensors. */
export interface RecurrentRunnerResult<S> {
  /** (T, N, D·H) */
  readonly output: tf.Tensor3D;
  /** Stack: S lists of L·D tensors (N, ·); layer: S tensors (N, ·). */
  readonly states: S[];
}

/** What a kind gives the runner (`./runner-kinds`). */
export interface RunnerKind<W extends CellWeights> {
  /** The kind's one-step part (prepared weights, a step). */
  readonly step: StepCell<W, unknown, unknown>;
  /** The step part's configuration from the cell options. */
  stepConfig(o: RecurrentRunnerCellOptions): unknown;
  /** The kind's stack (`lstmStack`, `gruStack`, `rnnStack`). */
  stack(
    x: tf.Tensor, layers: readonly StackLayer<W>[], options: RecurrentRunnerStackOptions & RecurrentRunnerCellOptions,
  ): RecurrentRunnerResult<tf.Tensor2D[]>;
  /** The kind's layer (`lstmLayer`, `gruLayer`, `rnnLayer`). */
  layer(x: tf.Tensor, w: W, options: RecurrenceOptions & RecurrentRunnerCellOptions): RecurrentRunnerResult<tf.Tensor2D>;
}

/** Where a runner takes its weights from. */
export interface RecurrentRunnerSource<W extends CellWeights> {
  /**
   * The weights of every layer, as new tensors (or the variables themselves). With `recording`
   * true a gradient is being recorded: they are used for that call only, on the tape;
   * otherwise the runner keeps them until `ids()` changes.
   */
  readonly layers: (recording: boolean) => readonly StackLayer<W>[];
  /** The tensors whose data ids identify the current weights (the caches are rebuilt when one changes). */
  readonly ids: () => readonly tf.Tensor[];
  /** The cell options, read at every call. */
  readonly options: () => RecurrentRunnerCellOptions;
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

/** Runs the calls of one facade instance; holds its engine-form weights and prepared steppers. */
export class RecurrentRunner<W extends CellWeights> {
  private readonly cache: WeightCache<StackLayer<W>>;
  /** The stepper of stack calls (every layer) and of layer calls (the first layer). */
  private readonly stackStepper: PreparedCache<CellStepper<W, unknown, unknown>>;
  private readonly layerStepper: PreparedCache<CellStepper<W, unknown, unknown>>;
  private choice: TfjsChoice | null = null;

  constructor(private readonly kind: RunnerKind<W>, private readonly source: RecurrentRunnerSource<W>) {
    this.cache = new WeightCache(source.ids, () => source.layers(false));
    const stepper = (first: boolean) => new PreparedCache(() => ({
      ids: source.ids(),
      build: () => {
        const all = this.cache.layers().map((l) => l.forward);
        const o = source.options();
        return new CellStepper(kind.step, first ? all.slice(0, 1) : all, kind.stepConfig(o), o.where ?? 'engine.RecurrentRunner');
      },
    }));
    this.stackStepper = stepper(false);
    this.layerStepper = stepper(true);
  }

  /** The executor of the last call, and why not the stepper (null before any call). */
  get lastChoice(): TfjsChoice | null {
    return this.choice;
  }

  /** The cached engine-form weights (built now if stale). Never call while recording a gradient. */
  weights(): readonly StackLayer<W>[] {
    return this.cache.layers();
  }

  private layersFor(recording: boolean): readonly StackLayer<W>[] {
    return recording ? this.source.layers(true) : this.cache.layers();
  }

  /** A stack call: the kind's stack over every layer, or one stepper step. */
  stack(x: tf.Tensor, options: RecurrentRunnerStackOptions = {}): RecurrentRunnerResult<tf.Tensor2D[]> {
    const facts = stepperFacts(x, options, (options.interLayerDropout ?? 0) > 0, () => (this.cache.layers()[0]?.backward ? 2 : 1));
    this.choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: facts });
    if (this.choice.executor !== 'stepper') {
      return this.kind.stack(x, this.layersFor(facts.recording), { ...this.source.options(), ...options });
    }
    // Intermediates are disposed by hand: a tidy scope costs more than this step at batch 1.
    const x2 = tf.squeeze(x, [0]);
    try {
      const r = this.stackStepper.get().step(x2, options.states ?? null);
      const output = tf.expandDims(r.output, 0) as tf.Tensor3D;
      r.output.dispose();
      return { output, states: r.states };
    } finally {
      x2.dispose();
    }
  }

  /** A layer call on the first layer's forward weights: the kind's layer, or one stepper step. */
  layer(x: tf.Tensor, options: RecurrentRunnerLayerOptions = {}): RecurrentRunnerResult<tf.Tensor2D> {
    const { inputMask, ...rest } = options;
    const facts = stepperFacts(x, options, !!inputMask || !!options.recurrentInputMask, () => 1);
    this.choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: facts });
    if (this.choice.executor !== 'stepper') {
      return tidy(() => {
        const input = inputMask ? tf.mul(x, inputMask) : x;
        return this.kind.layer(input, this.layersFor(facts.recording)[0].forward, { ...this.source.options(), ...rest });
      });
    }
    const x2 = tf.reshape(x, [x.shape[1] as number, x.shape[2] as number]);
    try {
      const init = options.initialState;
      const s = this.layerStepper.get().step(x2, init ? init.map((t) => [t]) : null);
      const output = tf.expandDims(s.output, 0) as tf.Tensor3D;
      s.output.dispose();
      return { output, states: s.states.map((list) => list[0]) };
    } finally {
      x2.dispose();
    }
  }

  /** Releases the cached weights and the prepared steppers. */
  dispose(): void {
    this.stackStepper.dispose();
    this.layerStepper.dispose();
    this.cache.dispose();
  }
}
