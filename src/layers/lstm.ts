/**
 * `layers.LSTM`: Keras' `LSTM` as a real tfjs-layers `Layer`, running on the shared engine.
 *
 * Args: see {@link LSTMArgs} (every Keras argument in camelCase, Keras defaults).
 *
 * Call arguments (`layer.apply(inputs, kwargs)`):
 * - `inputs`: (N, T, F), or (T, N, F) with `timeMajor`; or `[inputs, h0, c0]`.
 * - `initialState`: `[h0 (N, U), c0 (N, U)]`; zeros when absent (or the carried states when
 *   `stateful`).
 * - `mask`: (N, T) (or (T, N) with `timeMajor`), true/nonzero where a step is valid. Filled in
 *   by tfjs-layers from `tf.layers.embedding({maskZero: true})` or `tf.layers.masking()`. At a
 *   masked step the states are carried over and the output repeats the previous output (zeros
 *   before the first valid step), or is zero with `zeroOutputForMask`.
 * - `training`: dropout masks are drawn only when true (one per call, fixed across time).
 *
 * Returns: the last output (N, U), or the sequence (N, T, U) (or (T, N, U)) with
 * `returnSequences` (reversed in time with `goBackwards`, as Keras does); with `returnState`,
 * `[output, h (N, U), c (N, U)]`. The output mask propagates only with `returnSequences`.
 *
 * Weights: `kernel (F, 4U)`, `recurrent_kernel (U, 4U)`, `bias (4U)`, in this order in
 * `getWeights()`/`setWeights()`; gate order i, f, c, o (Keras and tfjs).
 *
 * Example:
 * ```ts
 * const model = tf.sequential();
 * model.add(layers.lstm({units: 7, returnSequences: true, inputShape: [17, 10]}));
 * model.add(layers.lstm({units: 7}));
 * model.predict(tf.randomNormal([2, 17, 10]));  // (2, 7)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

import { LstmRunner, checkWeightCount, lstmWeightCount, tidy } from '../engine/internal';
import { ConfigError, ShapeError, formatShape } from '../errors';
import { SyncExecutionReport, syncExecutionReport } from '../runtime/internal';
import {
  AnyTensor,
  LayerInputs,
  batchAndTime,
  checkMask,
  checkSequenceShape,
  checkStates,
  firstShape,
  pickMask,
  splitInputs,
} from './call-args';
import {
  CELL_KEYS,
  LAYER_KEYS,
  LSTMArgs,
  RNN_KEYS,
  checkKeys,
  resolveCellArgs,
  resolveLayerArgs,
  resolveRnnArgs,
} from './config';
import { Regularizer, serializeObject } from './identifiers';
import { LSTMCell } from './lstm-cell';
import { defaultLayerName } from './names';

const STATE_NAMES = ['h', 'c'] as const;

/** Keras' `LSTM` layer on the lstm-bridge engine. See the module documentation. */
export class LSTM extends tfl.layers.Layer {
  /** Registered for serialization under its own name (tfjs-layers' `LSTM` stays untouched). */
  static readonly className = 'LstmBridge.LSTM';

  /** The cell: configuration and weights. */
  readonly cell: LSTMCell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  readonly timeMajor: boolean;
  /** Masked steps output zeros (set by `Bidirectional` when it returns sequences). */
  zeroOutputForMask: boolean;
  /** Regularizer of the outputs (every output tensor of a training call), or null. */
  readonly activityRegularization: Regularizer | null;

  private fixedBatchSize: number | null = null;
  private stateTensors: [tf.Tensor2D, tf.Tensor2D] | null = null;
  /** Outputs of training calls since the activity loss was last computed. */
  private activityOutputs: tf.Tensor[] = [];
  private weightScope = '';
  private execution: SyncExecutionReport | null = null;
  /**
   * The engine's entry point: it picks the executor, and holds the prepared weights for one-step
   * calls (streaming), rebuilt when the weights change.
   */
  private readonly runner = new LstmRunner({
    layers: () => [{ forward: this.cell.weights() }],
    ids: () => {
      const w = this.cell.weights();
      return [w.kernel, w.recurrentKernel, ...(w.bias ? [w.bias] : [])];
    },
    stepperOptions: () => {
      const { activation, recurrentActivation } = this.cell.config;
      return { activation, recurrentActivation, where: this.where };
    },
  });

  constructor(args: LSTMArgs) {
    const where = 'layers.LSTM';
    const record = checkKeys(args, [...CELL_KEYS, ...RNN_KEYS, ...LAYER_KEYS], where);
    const cellConfig = resolveCellArgs(record, where);
    const rnn = resolveRnnArgs(record, where);
    const layerArgs = resolveLayerArgs(record, where);
    super({ ...layerArgs, name: layerArgs.name ?? defaultLayerName('lstm') });
    // The recurrent kernel alone (U, 4U) must fit; the input kernel is counted at build.
    checkWeightCount(where, lstmWeightCount(0, cellConfig.units, cellConfig.units, cellConfig.useBias ? 1 : 0, false), { units: cellConfig.units });
    this.cell = new LSTMCell(cellConfig);
    this.returnSequences = rnn.returnSequences;
    this.returnState = rnn.returnState;
    this.goBackwards = rnn.goBackwards;
    this.unroll = rnn.unroll;
    this.timeMajor = rnn.timeMajor;
    this.zeroOutputForMask = rnn.zeroOutputForMask;
    this.activityRegularization = rnn.activityRegularizer;
    this._stateful = rnn.stateful;
    this.supportsMasking = true;
    if (this.activityRegularization) this.addLoss(() => this.activityLoss());
  }

  /** Prefix of error messages. */
  get where(): string {
    return `layers.LSTM (${this.name})`;
  }

  get units(): number {
    return this.cell.units;
  }

  /** The carried states `[h, c]` of a stateful layer (owned by the layer), else null. */
  get states(): tf.Tensor[] | null {
    return this.stateTensors ? [...this.stateTensors] : null;
  }

  /**
   * Names this layer's weights `<prefix>/kernel`, ... (used by `Bidirectional` so that its two
   * halves' weights get distinct names, like tfjs-layers'). Call before the layer is built.
   * @internal
   */
  scopeWeights(prefix: string): void {
    if (this.built) throw new ConfigError(`${this.where}: scopeWeights() after build`);
    this.weightScope = prefix ? `${prefix}/` : '';
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    checkSequenceShape(shape, null, this.timeMajor, this.where);
    const features = shape[2];
    if (features === null) {
      throw new ShapeError(`${this.where}: input features must be known to build, got ${formatShape(shape)}`);
    }
    if (this.stateful) {
      const { batch } = batchAndTime(shape, this.timeMajor);
      if (batch === null) {
        throw new ConfigError(
          `${this.where}: stateful: true needs a fixed batch size (batchInputShape or batchSize on the first ` +
            `layer, or an input with a fixed batch size), got input shape ${formatShape(shape)}`,
        );
      }
      this.fixedBatchSize = batch;
      this.stateTensors = this.zeroStates(batch);
    }
    this.cell.build(features, (name, weightShape, initializer, regularizer) =>
      this.addWeight(this.weightScope + name, weightShape, 'float32', initializer, regularizer ?? undefined, true),
    this.where);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = firstShape(inputShape);
    checkSequenceShape(shape, null, this.timeMajor, this.where);
    const { batch, time } = batchAndTime(shape, this.timeMajor);
    const U = this.units;
    const output: Shape = this.returnSequences ? (this.timeMajor ? [time, batch, U] : [batch, time, U]) : [batch, U];
    return this.returnState ? [output, [batch, U], [batch, U]] : output;
  }

  /**
   * Which tfjs executor ran the last call on tensors, and why not the prepared one-step stepper
   * (null before the first call): `'stepper'` for one-step inference (streaming), else `'fast'`
   * (or `'reference'`) with the typed `StepperFallback` reason and its `message`. The library
   * prints nothing; this is how to find out.
   *
   * ```ts
   * layer.apply(x);
   * layer.lastExecution; // { call: 'call', executor: 'fast', reason: { kind: 'steps', steps: 17 }, message: '17 time steps (...)' }
   * ```
   */
  get lastExecution(): SyncExecutionReport | null {
    return this.execution;
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const outputMask = this.returnSequences ? pickMask(mask) : null;
    return (this.returnState ? [outputMask, null, null] : outputMask) as tf.Tensor | tf.Tensor[];
  }

  /**
   * `layer.apply(x)`, `layer.apply(x, {initialState: [h0, c0], mask, training})` or
   * `layer.apply([x, h0, c0])`, on tensors or symbolic tensors.
   */
  override apply(inputs: LayerInputs, kwargs: Kwargs = {}): LayerInputs {
    const { initialState, ...rest } = kwargs;
    const { sequence, states } = splitInputs<AnyTensor>(inputs as AnyTensor | AnyTensor[], initialState, 2, this.where);
    checkSequenceShape(sequence.shape, this.cell.built ? this.cell.inputDim : null, this.timeMajor, this.where);
    if (states) {
      const { batch } = batchAndTime(sequence.shape, this.timeMajor);
      checkStates(states, batch, this.cell.stateSize, STATE_NAMES, this.where);
      return super.apply([sequence, ...states] as LayerInputs, rest);
    }
    return super.apply(sequence as LayerInputs, rest);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const { sequence, states } = splitInputs(inputs, kwargs.initialState as tf.Tensor[] | undefined, 2, this.where);
    return this.run(sequence, states, pickMask(kwargs.mask), kwargs.training === true);
  }

  private run(x: tf.Tensor, states: tf.Tensor[] | null, mask: tf.Tensor | null, training: boolean): tf.Tensor | tf.Tensor[] {
    if (!this.built) this.build(x.shape);
    checkSequenceShape(x.shape, this.cell.inputDim, this.timeMajor, this.where);
    const { batch, time } = batchAndTime(x.shape, this.timeMajor) as { batch: number; time: number };
    if (time === 0) throw new ShapeError(`${this.where}: input expected at least one time step, got ${formatShape(x.shape)}`);
    if (states) checkStates(states, batch, this.cell.stateSize, STATE_NAMES, this.where);
    if (mask) checkMask(mask, x.shape, this.timeMajor, this.where);
    if (this.stateful && batch !== this.fixedBatchSize) {
      throw new ShapeError(
        `${this.where}: stateful layer expected batch size ${this.fixedBatchSize}, got input ${formatShape(x.shape)}`,
      );
    }
    const initial = states ?? (this.stateful ? this.stateTensors : null);
    const U = this.units;

    const { outputs, newStates } = tidy(() => {
      const xTimeMajor = this.timeMajor ? x : tf.transpose(x, [1, 0, 2]);
      const dropout = this.cell.dropoutMasks(batch, training);
      const r = this.runner.layer(xTimeMajor, {
        inputMask: dropout.input,
        activation: this.cell.config.activation,
        recurrentActivation: this.cell.config.recurrentActivation,
        reverse: this.goBackwards,
        initialState: initial ? [initial[0], initial[1]] : null,
        mask: mask ? (this.timeMajor ? mask : tf.transpose(mask)) : null,
        maskedOutput: this.zeroOutputForMask ? 'zero' : 'carry',
        recurrentInputMask: dropout.recurrent,
        where: this.where,
      });
      if (this.runner.lastChoice) this.execution = syncExecutionReport('call', this.runner.lastChoice);
      let y: tf.Tensor;
      if (this.returnSequences) {
        const sequence = this.goBackwards ? tf.reverse(r.output, 0) : r.output;
        y = this.timeMajor ? sequence : tf.transpose(sequence, [1, 0, 2]);
      } else if (mask) {
        // The last processed step's output (carried or zero there), not the carried state.
        const last = this.goBackwards ? 0 : time - 1;
        y = tf.reshape(tf.slice(r.output, [last, 0, 0], [1, batch, U]), [batch, U]);
      } else {
        y = this.returnState ? tf.clone(r.h) : r.h;
      }
      return {
        outputs: this.returnState ? [y, r.h, r.c] : [y],
        newStates: this.stateful ? [tf.keep(tf.clone(r.h)), tf.keep(tf.clone(r.c))] : [],
      };
    });

    // The old states can go at once: a gradient tape keeps its own copies of what it needs.
    if (newStates.length > 0) this.replaceStates(newStates as [tf.Tensor2D, tf.Tensor2D]);
    if (training && this.activityRegularization) this.activityOutputs.push(...outputs);
    return this.returnState ? outputs : outputs[0];
  }

  /**
   * Resets the states of a stateful layer: to zeros, or to `states` (`[h, c]`, each (N, U) with
   * the layer's fixed batch size N).
   * @throws ConfigError when the layer is not stateful or not built; ShapeError for bad states.
   */
  override resetStates(states?: tf.Tensor | tf.Tensor[]): void {
    if (!this.stateful) throw new ConfigError(`${this.where}: resetStates() needs stateful: true`);
    if (this.fixedBatchSize === null) throw new ConfigError(`${this.where}: resetStates() before the layer is built`);
    const list = states === undefined || states === null ? null : Array.isArray(states) ? states : [states];
    if (list) {
      if (list.length !== 2) throw new ConfigError(`${this.where}: resetStates expected [h, c], got ${list.length} tensor(s)`);
      checkStates(list, this.fixedBatchSize, this.cell.stateSize, STATE_NAMES, this.where);
    }
    const next = list
      ? (list.map((s) => tf.keep(tf.clone(s))) as [tf.Tensor2D, tf.Tensor2D])
      : this.zeroStates(this.fixedBatchSize);
    this.replaceStates(next);
  }

  private zeroStates(batch: number): [tf.Tensor2D, tf.Tensor2D] {
    return [tf.keep(tf.zeros([batch, this.units])), tf.keep(tf.zeros([batch, this.units]))];
  }

  private replaceStates(next: [tf.Tensor2D, tf.Tensor2D]): void {
    tf.dispose(this.stateTensors ?? []);
    this.stateTensors = next;
  }

  /** Sum of the activity regularizer over the outputs of training calls since the last time. */
  private activityLoss(): tf.Scalar {
    const outputs = this.activityOutputs.filter((t) => !t.isDisposed);
    this.activityOutputs = [];
    const regularizer = this.activityRegularization as Regularizer;
    return tf.tidy(() => outputs.reduce<tf.Scalar>((acc, o) => tf.add(acc, regularizer.apply(o)), tf.scalar(0)));
  }

  /**
   * Tensors recorded by training calls for the activity regularizer, not yet consumed. A wrapper
   * that tidies its intermediates (`Bidirectional`) keeps these alive.
   * @internal
   */
  pendingActivityOutputs(): readonly tf.Tensor[] {
    return this.activityOutputs;
  }

  /** Disposes the carried states (part of `dispose()`; a stateful layer is unusable after). */
  disposeStates(): void {
    tf.dispose(this.stateTensors ?? []);
    this.stateTensors = null;
  }

  /**
   * Disposes what the layer holds besides its weights: the carried states and the weights
   * prepared for one-step calls (part of `dispose()`; a wrapper calls it for its inner layers).
   * @internal
   */
  disposeHeld(): void {
    this.disposeStates();
    this.runner.dispose();
  }

  protected override disposeWeights(): number {
    this.disposeHeld();
    return super.disposeWeights();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...this.cell.getConfig(),
      activityRegularizer: serializeObject(this.activityRegularization),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      timeMajor: this.timeMajor,
      zeroOutputForMask: this.zeroOutputForMask,
      ...super.getConfig(),
    };
  }

  /** Builds a layer from {@link getConfig}'s output (tfjs adds `customObjects`; it is dropped). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _ignored, ...args } = config;
    void _ignored;
    return new cls(args);
  }
}
tf.serialization.registerClass(LSTM);

/**
 * Creates a {@link LSTM} layer (the lower-case factory, like `tf.layers.lstm`).
 *
 * Example:
 * ```ts
 * const lstm = layers.lstm({units: 7, returnSequences: true, returnState: true});
 * const [seq, h, c] = lstm.apply(tf.randomNormal([2, 17, 10])) as tf.Tensor[];
 * ```
 */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args);
}

