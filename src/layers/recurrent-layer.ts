/**
 * What the Keras facade's recurrent layers share (`layers.LSTM`, `layers.GRU`,
 * `layers.SimpleRNN`), as Keras 3's `RNN` base layer holds it for its cells: the arguments
 * (checked against the kind's keys), building the cell's weights, the call arguments
 * (`[x, ...states]` or `initialState`, `mask`, `training`), stateful states and `resetStates`,
 * `returnSequences` / `returnState` / `goBackwards` / `timeMajor`, the masked last output, the
 * activity regularizer, `getConfig` / `fromConfig`, and the one engine call (the kind's
 * `RecurrentRunner`: the prepared stepper for one-step inference — stateful streaming,
 * `predict` on (1, 1, F) — else the kind's layer; the engine-form weights cached until a
 * weight changes) with its report, `lastExecution`. A kind supplies its cell (which names its engine kind).
 *
 * Legend: N batch, T time steps, F features, U units, S the kind's states (LSTM `[h, c]`, GRU
 * and SimpleRNN `[h]`).
 *
 * Call arguments (`layer.apply(inputs, kwargs)`):
 * - `inputs`: (N, T, F), or (T, N, F) with `timeMajor`; or `[inputs, ...states]`.
 * - `initialState`: one (N, U) tensor per state; zeros when absent (or the carried states when
 *   `stateful`).
 * - `mask`: (N, T) (or (T, N) with `timeMajor`), true/nonzero where a step is valid. Filled in
 *   by tfjs-layers from `tf.layers.embedding({maskZero: true})` or `tf.layers.masking()`. At a
 *   masked step the states are carried over and the output repeats the previous output (zeros
 *   before the first valid step), or is zero with `zeroOutputForMask`.
 * - `training`: dropout masks are drawn only when true (one per call, fixed across time).
 *
 * Returns: the last output (N, U), or the sequence (N, T, U) (or (T, N, U)) with
 * `returnSequences` (reversed in time with `goBackwards`, as Keras does); with `returnState`,
 * `[output, ...states]`, each state (N, U). The output mask propagates only with
 * `returnSequences`.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

import { RecurrentRunner, tidy } from '../engine/internal';
import type { CellWeights } from '../engine';
import { SyncExecutionReport, syncExecutionReport } from '../runtime/internal';
import { ConfigError, ShapeError, formatShape } from '../errors';
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
import { DropoutMasks, RecurrentCellBase } from './cell-base';
import { LAYER_KEYS, RNN_KEYS, checkKeys, resolveLayerArgs, resolveRnnArgs } from './config';
import { Regularizer, serializeObject } from './identifiers';
import { defaultLayerName } from './names';

/** What a kind tells the base: its names, its argument keys and how its cell is made. */
export interface RecurrentKind<C extends RecurrentCellBase> {
  /** Keras' class name, e.g. `'GRU'` (messages say `layers.GRU`). */
  readonly kind: string;
  /** Prefix of default layer names, e.g. `'gru'`. */
  readonly namePrefix: string;
  /** The cell's argument keys. */
  readonly cellKeys: readonly string[];
  /** The state names, h first. */
  readonly stateNames: readonly string[];
  /** Resolves the cell's arguments into a cell. @throws ConfigError */
  makeCell(record: Record<string, unknown>, where: string): C;
}

/** One run of the engine over a whole time-major sequence, as the base hands it to a kind. */
export interface RecurCall {
  /** One (N, U) tensor per state, or null for zeros. */
  readonly initialState: readonly tf.Tensor[] | null;
  /** (T, N), nonzero where a step is valid, or null. */
  readonly mask: tf.Tensor | null;
  /** `'zero'` with `zeroOutputForMask`, else `'carry'` (Keras). */
  readonly maskedOutput: 'zero' | 'carry';
  /** `goBackwards`: steps T-1 down to 0; outputs stay at their own time index. */
  readonly reverse: boolean;
  readonly dropout: DropoutMasks;
}

/** The engine's answer: the outputs (T, N, U) at their time indices and the last states. */
export interface RecurResult {
  readonly output: tf.Tensor;
  readonly states: readonly tf.Tensor[];
}

/** The base of the Keras facade's recurrent layers. See the module documentation. */
export abstract class RecurrentLayer<C extends RecurrentCellBase = RecurrentCellBase> extends tfl.layers.Layer {
  /** The cell: configuration and weights. */
  readonly cell: C;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  readonly timeMajor: boolean;
  /** Masked steps output zeros (set by `Bidirectional` when it returns sequences). */
  zeroOutputForMask: boolean;
  /** Regularizer of the outputs (every output tensor of a training call), or null. */
  readonly activityRegularization: Regularizer | null;
  /** The state names, h first (LSTM `['h', 'c']`). */
  readonly stateNames: readonly string[];

  private readonly kind: string;
  private fixedBatchSize: number | null = null;
  private stateTensors: tf.Tensor[] | null = null;
  /** Outputs of training calls since the activity loss was last computed. */
  private activityOutputs: tf.Tensor[] = [];
  private weightScope = '';
  private execution: SyncExecutionReport | null = null;
  /**
   * The engine's entry point: it picks the executor, and holds the engine-form weights and the
   * prepared stepper for one-step calls (streaming), rebuilt when a weight changes.
   */
  private readonly runner: RecurrentRunner<CellWeights>;

  protected constructor(args: unknown, spec: RecurrentKind<C>) {
    const where = `layers.${spec.kind}`;
    const record = checkKeys(args, [...spec.cellKeys, ...RNN_KEYS, ...LAYER_KEYS], where);
    const cell = spec.makeCell(record, where);
    const rnn = resolveRnnArgs(record, where);
    const layerArgs = resolveLayerArgs(record, where);
    super({ ...layerArgs, name: layerArgs.name ?? defaultLayerName(spec.namePrefix) });
    // The recurrent kernel alone (U, G·U) must fit; the input kernel is counted at build.
    cell.checkSize(0, where);
    this.kind = spec.kind;
    this.cell = cell;
    this.stateNames = spec.stateNames;
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
    this.runner = new RecurrentRunner(cell.engineKind, {
      layers: () => [{ forward: this.cell.weights() }],
      ids: () => this.cell.weightValues(),
      options: () => ({ ...this.cell.engineOptions, where: this.where }),
    });
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

  /**
   * Runs the engine over `x` (T, N, F), time-major, with the cell's weights and `call.dropout`.
   * Called inside a tidy.
   */
  private recur(x: tf.Tensor, call: RecurCall): RecurResult {
    const r = this.runner.layer(x, {
      inputMask: call.dropout.input,
      recurrentInputMask: call.dropout.recurrent,
      reverse: call.reverse,
      initialState: call.initialState,
      mask: call.mask,
      maskedOutput: call.maskedOutput,
      where: this.where,
    });
    if (this.runner.lastChoice) this.execution = syncExecutionReport('call', this.runner.lastChoice);
    return r;
  }

  /** Prefix of error messages. */
  get where(): string {
    return `layers.${this.kind} (${this.name})`;
  }

  get units(): number {
    return this.cell.units;
  }

  /** The carried states of a stateful layer (owned by the layer), else null. */
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
    this.runner.weights(); // the engine-form copies made now, so that calls leave the tensor count unchanged
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = firstShape(inputShape);
    checkSequenceShape(shape, null, this.timeMajor, this.where);
    const { batch, time } = batchAndTime(shape, this.timeMajor);
    const U = this.units;
    const output: Shape = this.returnSequences ? (this.timeMajor ? [time, batch, U] : [batch, time, U]) : [batch, U];
    return this.returnState ? [output, ...this.stateNames.map((): Shape => [batch, U])] : output;
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const outputMask = this.returnSequences ? pickMask(mask) : null;
    return (this.returnState ? [outputMask, ...this.stateNames.map(() => null)] : outputMask) as tf.Tensor | tf.Tensor[];
  }

  /**
   * `layer.apply(x)`, `layer.apply(x, {initialState: [...states], mask, training})` or
   * `layer.apply([x, ...states])`, on tensors or symbolic tensors.
   */
  override apply(inputs: LayerInputs, kwargs: Kwargs = {}): LayerInputs {
    const { initialState, ...rest } = kwargs;
    const count = this.stateNames.length;
    const { sequence, states } = splitInputs<AnyTensor>(inputs as AnyTensor | AnyTensor[], initialState, count, this.where);
    checkSequenceShape(sequence.shape, this.cell.built ? this.cell.inputDim : null, this.timeMajor, this.where);
    if (states) {
      const { batch } = batchAndTime(sequence.shape, this.timeMajor);
      checkStates(states, batch, this.cell.stateSize, this.stateNames, this.where);
      return super.apply([sequence, ...states] as LayerInputs, rest);
    }
    return super.apply(sequence as LayerInputs, rest);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const count = this.stateNames.length;
    const { sequence, states } = splitInputs(inputs, kwargs.initialState as tf.Tensor[] | undefined, count, this.where);
    return this.run(sequence, states, pickMask(kwargs.mask), kwargs.training === true);
  }

  private run(x: tf.Tensor, states: tf.Tensor[] | null, mask: tf.Tensor | null, training: boolean): tf.Tensor | tf.Tensor[] {
    if (!this.built) this.build(x.shape);
    checkSequenceShape(x.shape, this.cell.inputDim, this.timeMajor, this.where);
    const { batch, time } = batchAndTime(x.shape, this.timeMajor) as { batch: number; time: number };
    if (time === 0) throw new ShapeError(`${this.where}: input expected at least one time step, got ${formatShape(x.shape)}`);
    if (states) checkStates(states, batch, this.cell.stateSize, this.stateNames, this.where);
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
      const r = this.recur(xTimeMajor, {
        initialState: initial,
        mask: mask ? (this.timeMajor ? mask : tf.transpose(mask)) : null,
        maskedOutput: this.zeroOutputForMask ? 'zero' : 'carry',
        reverse: this.goBackwards,
        dropout: this.cell.dropoutMasks(batch, training),
      });
      const h = r.states[0];
      let y: tf.Tensor;
      if (this.returnSequences) {
        const sequence = this.goBackwards ? tf.reverse(r.output, 0) : r.output;
        y = this.timeMajor ? sequence : tf.transpose(sequence, [1, 0, 2]);
      } else if (mask) {
        // The last processed step's output (carried or zero there), not the carried state.
        const last = this.goBackwards ? 0 : time - 1;
        y = tf.reshape(tf.slice(r.output, [last, 0, 0], [1, batch, U]), [batch, U]);
      } else {
        y = this.returnState ? tf.clone(h) : h;
      }
      return {
        outputs: this.returnState ? [y, ...r.states] : [y],
        newStates: this.stateful ? r.states.map((s) => tf.keep(tf.clone(s))) : [],
      };
    });

    // The old states can go at once: a gradient tape keeps its own copies of what it needs.
    if (newStates.length > 0) this.replaceStates(newStates);
    if (training && this.activityRegularization) this.activityOutputs.push(...outputs);
    return this.returnState ? outputs : outputs[0];
  }

  /**
   * Resets the states of a stateful layer: to zeros, or to `states` (one (N, U) tensor per
   * state, with the layer's fixed batch size N).
   * @throws ConfigError when the layer is not stateful or not built; ShapeError for bad states.
   */
  override resetStates(states?: tf.Tensor | tf.Tensor[]): void {
    if (!this.stateful) throw new ConfigError(`${this.where}: resetStates() needs stateful: true`);
    if (this.fixedBatchSize === null) throw new ConfigError(`${this.where}: resetStates() before the layer is built`);
    const list = states === undefined || states === null ? null : Array.isArray(states) ? states : [states];
    if (list) {
      if (list.length !== this.stateNames.length) {
        throw new ConfigError(`${this.where}: resetStates expected [${this.stateNames.join(', ')}], got ${list.length} tensor(s)`);
      }
      checkStates(list, this.fixedBatchSize, this.cell.stateSize, this.stateNames, this.where);
    }
    this.replaceStates(list ? list.map((s) => tf.keep(tf.clone(s))) : this.zeroStates(this.fixedBatchSize));
  }

  private zeroStates(batch: number): tf.Tensor[] {
    return this.cell.stateSize.map((size) => tf.keep(tf.zeros([batch, size])));
  }

  private replaceStates(next: tf.Tensor[]): void {
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
   * Disposes what the layer holds besides its weights: the carried states, the engine-form
   * weights and the prepared stepper (part of `dispose()`; a wrapper calls it for its inner
   * layers).
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
