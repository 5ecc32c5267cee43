/**
 * The GRU and vanilla RNN facades' one synchronous entry point (`nn.GRU` / `nn.RNN`,
 * `layers.GRU` / `layers.SimpleRNN`): a {@link RecurrentRunner} runs a stack call or a layer
 * call on the tfjs executor `./executor-choice` picks — a prepared `GruStepper` / `RnnStepper`
 * (`./h-stepper`) for one-step inference, kept between calls and rebuilt when the weights'
 * data ids change, else `gruStack` / `gruLayer` (`rnnStack` / `rnnLayer`) on the fast executor —
 * so the facades choose nothing. The LSTM's is `LstmRunner` (`./runner`), same rules.
 *
 * Legend: T steps, N batch, I inputs, H hidden size, L layers, D directions.
 *
 *     const runner = new RecurrentRunner({
 *       kind: 'gru',                                   // or 'rnn'
 *       layers: (recording) => stackLayers,            // L × { forward, backward? } canonical weights
 *       ids: () => parameterTensors,                   // tensors whose data ids identify the weights
 *       options: () => ({ resetAfter: true, activation: 'tanh', recurrentActivation: 'sigmoid' }),
 *     });
 *     const { output, h } = runner.stack(x, { h0, lengths });     // x (T, N, I); output (T, N, D·H); h L·D × (N, H)
 *     const one = runner.layer(x, { initialState: [h0], inputMask }); // first layer's forward weights; output (T, N, H), h (N, H)
 *     runner.lastChoice;   // { executor: 'stepper' | 'fast' | 'reference', reason }
 *     runner.dispose();    // releases the prepared stepper
 *
 * The cell options (`resetAfter`, `activation`, `recurrentActivation`) come from `options()`
 * for every call, stack, layer and stepper alike; a call's own options carry the rest.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { ActivationName } from './activations';
import type { CellWeights } from './cell';
import { TfjsChoice, chooseTfjsExecutor } from './executor-choice';
import { GruLayerOptions, GruLayerResult, GruStackOptions, GruStackResult, gruLayer, gruStack } from './gru-stack';
import { GruStepper, HStepper, RnnStepper } from './h-stepper';
import { rnnLayer, rnnStack } from './rnn-stack';
import { stepperFacts } from './runner';
import type { StackLayer } from './stack';
import { PreparedCache } from './stepper-cache';
import { tidy } from './tidy';

/** The cell options of a runner. */
export interface RecurrentRunnerCellOptions {
  /** GRU only; default true. */
  readonly resetAfter?: boolean;
  /** φ; default `'tanh'` (RNN: `'tanh'` or `'relu'`). */
  readonly activation?: ActivationName;
  /** GRU only; default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Prefix of error messages. */
  readonly where?: string;
}

/** Where a runner takes its weights from. */
export interface RecurrentRunnerSource {
  readonly kind: 'gru' | 'rnn';
  /**
   * The weights of every layer. With `recording` true a gradient is being recorded and they
   * must be on the tape (e.g. fresh views of the parameters); otherwise they may be cached.
   */
  readonly layers: (recording: boolean) => readonly StackLayer<CellWeights>[];
  /** The tensors whose data ids identify the current weights (the stepper is rebuilt when one changes). */
  readonly ids: () => readonly tf.Tensor[];
  readonly options: () => RecurrentRunnerCellOptions;
}

/** A stack call: `gruStack`'s options without the cell options (those come from the source). */
export type RecurrentRunnerStackOptions = Omit<GruStackOptions, 'resetAfter' | 'activation' | 'recurrentActivation'>;

/** A layer call: `gruLayer`'s options without the cell options, plus an input mask. */
export interface RecurrentRunnerLayerOptions extends Omit<GruLayerOptions, 'resetAfter' | 'activation' | 'recurrentActivation'> {
  /** (N, I): multiplies every step's input (Keras `dropout`). */
  readonly inputMask?: tf.Tensor | null;
}

/** Runs the calls of one GRU or RNN facade instance; holds its prepared stepper. */
export class RecurrentRunner {
  /** The stepper of stack calls (every layer) and of layer calls (the first layer). */
  private readonly cache: PreparedCache<HStepper>;
  private readonly layerCache: PreparedCache<HStepper>;
  private choice: TfjsChoice | null = null;

  constructor(private readonly source: RecurrentRunnerSource) {
    const cache = (first: boolean) => new PreparedCache(() => ({
      ids: source.ids(),
      build: () => {
        const all = source.layers(false).map((l) => l.forward);
        const forward = first ? all.slice(0, 1) : all;
        const o = source.options();
        return source.kind === 'gru' ? new GruStepper(forward, o) : new RnnStepper(forward, { activation: o.activation, where: o.where });
      },
    }));
    this.cache = cache(false);
    this.layerCache = cache(true);
  }

  /** The executor of the last call, and why not the stepper (null before any call). */
  get lastChoice(): TfjsChoice | null {
    return this.choice;
  }

  private cellOptions(): RecurrentRunnerCellOptions {
    const o = this.source.options();
    if (this.source.kind === 'rnn') return { activation: o.activation, ...(o.where ? { where: o.where } : {}) };
    return o;
  }

  /** A stack call: `gruStack(x, layers, options)` (`rnnStack`), or one stepper step. */
  stack(x: tf.Tensor, options: RecurrentRunnerStackOptions = {}): GruStackResult {
    const facts = stepperFacts(x, options, (options.interLayerDropout ?? 0) > 0, () => (this.source.layers(false)[0]?.backward ? 2 : 1));
    this.choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: facts });
    if (this.choice.executor !== 'stepper') {
      const all = { ...this.cellOptions(), ...options };
      const layers = this.source.layers(facts.recording);
      return this.source.kind === 'gru' ? gruStack(x, layers, all) : rnnStack(x, layers, all);
    }
    // Intermediates are disposed by hand: a tidy scope costs more than this step at batch 1.
    const x2 = tf.squeeze(x, [0]);
    try {
      const r = this.cache.get().step(x2, options.h0 ?? null);
      const output = tf.expandDims(r.output, 0) as tf.Tensor3D;
      r.output.dispose();
      return { output, h: r.h };
    } finally {
      x2.dispose();
    }
  }

  /** A layer call on the first layer's forward weights: `gruLayer` (`rnnLayer`), or one stepper step. */
  layer(x: tf.Tensor, options: RecurrentRunnerLayerOptions = {}): GruLayerResult {
    const { inputMask, ...rest } = options;
    const facts = stepperFacts(x, options, !!inputMask || !!options.recurrentInputMask, () => 1);
    this.choice = chooseTfjsExecutor({ implementation: options.implementation, stepper: facts });
    if (this.choice.executor !== 'stepper') {
      return tidy(() => {
        const input = inputMask ? tf.mul(x, inputMask) : x;
        const w = this.source.layers(facts.recording)[0].forward;
        const all = { ...this.cellOptions(), ...rest };
        return this.source.kind === 'gru' ? gruLayer(input, w, all) : rnnLayer(input, w, all);
      });
    }
    const x2 = tf.reshape(x, [x.shape[1] as number, x.shape[2] as number]);
    try {
      const s = this.layerCache.get().step(x2, options.initialState ?? null);
      const output = tf.expandDims(s.output, 0) as tf.Tensor3D;
      s.output.dispose();
      return { output, h: s.h[0] };
    } finally {
      x2.dispose();
    }
  }

  /** Releases the prepared stepper. */
  dispose(): void {
    this.cache.dispose();
    this.layerCache.dispose();
  }
}
