/**
 * `layers.Bidirectional`: Keras' `Bidirectional` wrapper around a `layers.LSTM`, `layers.GRU`
 * or `layers.SimpleRNN` (any recurrent layer of the facade), as a real tfjs-layers `Layer`.
 *
 * Args:
 * - `layer`: a recurrent layer of the facade. The forward half is a fresh copy of it (named `forward_<name>`);
 *   like Keras, its weights are not reused.
 * - `mergeMode`: how the two outputs combine: `'concat'` (default, forward first), `'sum'`,
 *   `'mul'`, `'ave'`, or `null` (both returned separately).
 * - `backwardLayer`: optional recurrent layer of the same kind for the backward half (used as is). Without it, the
 *   backward half is a copy of `layer` with `goBackwards` flipped (named `backward_<name>`). The
 *   two halves must differ in `goBackwards` and agree on `stateful`, `returnSequences`,
 *   `returnState` and `timeMajor`.
 * - tfjs `LayerArgs` (`inputShape`, `batchInputShape`, `name`, ...). Without an input shape of
 *   its own, the wrapper takes the wrapped layer's.
 *
 * Call arguments: as the wrapped layer's; `initialState` holds both halves' states, forward
 * first: LSTM `[hF, cF, hB, cB]`, GRU and SimpleRNN `[hF, hB]`. With `returnSequences`, both halves get `zeroOutputForMask`
 * (as in Keras), so masked steps are zero on both sides before merging.
 *
 * Returns: the merged output (the backward sequence is flipped back in time before merging),
 * `[yF, yB]` with `mergeMode: null`; with `returnState`, the states follow:
 * `[y, hF, cF, hB, cB]` (or `[yF, yB, hF, cF, hB, cB]`; GRU / SimpleRNN `[y, hF, hB]`).
 *
 * Weights: the forward half's `kernel, recurrent_kernel, bias`, then the backward half's (each
 * in its kind's Keras layout).
 *
 * Example:
 * ```ts
 * const bi = layers.bidirectional({layer: layers.lstm({units: 7}), inputShape: [17, 10]});
 * const model = tf.sequential({layers: [bi]});
 * model.predict(tf.randomNormal([2, 17, 10]));   // (2, 14)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';
import type { Kwargs, RegularizerFn } from '@tensorflow/tfjs-layers/dist/types';

import { MERGE_MODES, MergeMode, mergeDirections } from '../engine';
import { showArg } from '../engine/internal';
import { ConfigError } from '../errors';
import { AnyTensor, LayerInputs, checkSequenceShape, firstShape, pickMask, splitInputs } from './call-args';
import { LAYER_KEYS, checkKeys, resolveLayerArgs } from './config';
import type { LSTM } from './lstm';
import { RecurrentLayer } from './recurrent-layer';
import { defaultLayerName } from './names';

/** How the forward and backward outputs are combined. */
export type { MergeMode };

/** Arguments of {@link Bidirectional}. */
export interface BidirectionalArgs<L extends RecurrentLayer = RecurrentLayer> extends LayerArgs {
  /** The recurrent layer to run in both directions (copied for the forward half). */
  layer: L;
  /** Default `'concat'`. */
  mergeMode?: MergeMode;
  /** Optional backward half, used as is. */
  backwardLayer?: L | null;
}

function withoutPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** A fresh copy of `layer` from its config, with `overrides`, never a first layer of a model. */
function copyLayer<L extends RecurrentLayer>(layer: L, overrides: tf.serialization.ConfigDict): L {
  const { batchInputShape: _shape, ...config } = layer.getConfig();
  void _shape;
  const cls = layer.constructor as tf.serialization.SerializableConstructor<L>;
  return RecurrentLayer.fromConfig(cls, { ...config, ...overrides });
}

/**
 * Keras' `Bidirectional` wrapper for the facade's recurrent layers. See the module documentation.
 *
 * `L` is the wrapped kind. It defaults to `LSTM` for the code written when `LSTM` was the only
 * kind; a wrapper of another kind is a `Bidirectional<GRU>` etc., and `Bidirectional<RecurrentLayer>`
 * is any (check `forwardLayer instanceof ...` before using a kind's own members).
 */
export class Bidirectional<L extends RecurrentLayer = LSTM> extends tfl.layers.Layer {
  /** Registered for serialization under its own name (tfjs-layers' `Bidirectional` stays untouched). */
  static readonly className = 'LstmBridge.Bidirectional';

  readonly forwardLayer: L;
  readonly backwardLayer: L;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly timeMajor: boolean;

  constructor(args: BidirectionalArgs<L>) {
    const where = 'layers.Bidirectional';
    const record = checkKeys(args, ['layer', 'mergeMode', 'backwardLayer', ...LAYER_KEYS], where);
    const layer = record.layer as L;
    if (!(layer instanceof RecurrentLayer)) {
      throw new ConfigError(`${where}: layer expected a layers.LSTM, layers.GRU or layers.SimpleRNN, got ${describe(layer)}`);
    }
    const backward = (record.backwardLayer ?? null) as L | null;
    if (backward !== null && !(backward instanceof RecurrentLayer)) {
      throw new ConfigError(
        `${where}: backwardLayer expected a layers.LSTM, layers.GRU or layers.SimpleRNN, or null, got ${describe(backward)}`,
      );
    }
    if (backward !== null && backward.constructor !== layer.constructor) {
      throw new ConfigError(
        `${where}: backwardLayer expected the same kind as layer (${describe(layer)}), got ${describe(backward)}`,
      );
    }
    const mergeMode = record.mergeMode === undefined ? 'concat' : record.mergeMode;
    if (!MERGE_MODES.includes(mergeMode as MergeMode)) {
      throw new ConfigError(
        `${where}: mergeMode expected one of 'concat', 'sum', 'mul', 'ave', null, got ${showArg(mergeMode)}`,
      );
    }
    const layerArgs = resolveLayerArgs(record, where);
    if (layerArgs.inputShape === undefined && layerArgs.batchInputShape === undefined && layer.batchInputShape) {
      layerArgs.batchInputShape = layer.batchInputShape;
    }
    super({ ...layerArgs, name: layerArgs.name ?? defaultLayerName('bidirectional') });

    this.forwardLayer = copyLayer(layer, { name: `forward_${withoutPrefix(layer.name, 'forward_')}` });
    this.backwardLayer =
      backward ??
      copyLayer(layer, { name: `backward_${withoutPrefix(layer.name, 'backward_')}`, goBackwards: !layer.goBackwards });
    this.mergeMode = mergeMode as MergeMode;
    this.verifyHalves(where);
    for (const half of [this.forwardLayer, this.backwardLayer]) half.zeroOutputForMask = half.returnSequences;
    this.returnSequences = layer.returnSequences;
    this.returnState = layer.returnState;
    this.timeMajor = layer.timeMajor;
    this._stateful = layer.stateful;
    this.supportsMasking = true;
  }

  private verifyHalves(where: string): void {
    const f = this.forwardLayer;
    const b = this.backwardLayer;
    if (f.goBackwards === b.goBackwards) {
      throw new ConfigError(
        `${where}: the forward and backward layers must differ in goBackwards, got ${f.goBackwards} for both`,
      );
    }
    for (const key of ['stateful', 'returnSequences', 'returnState', 'timeMajor'] as const) {
      if (f[key] !== b[key]) {
        throw new ConfigError(`${where}: forward and backward layers must agree on ${key}, got ${f[key]} and ${b[key]}`);
      }
    }
    if (this.mergeMode !== 'concat' && this.mergeMode !== null && f.units !== b.units) {
      throw new ConfigError(
        `${where}: mergeMode '${this.mergeMode}' needs forward and backward layers of the same units, got ${f.units} and ${b.units}`,
      );
    }
  }

  /** Prefix of error messages. */
  get where(): string {
    return `layers.Bidirectional (${this.name})`;
  }

  /** The carried states of a stateful wrapper (`[hF, cF, hB, cB]`, GRU `[hF, hB]`), else null. */
  get states(): tf.Tensor[] | null {
    const f = this.forwardLayer.states;
    const b = this.backwardLayer.states;
    return f && b ? [...f, ...b] : null;
  }

  override get trainable(): boolean {
    return this.trainable_;
  }

  override set trainable(value: boolean) {
    this.trainable_ = value;
    // The halves do not exist yet while the base constructor sets `trainable`.
    if (this.forwardLayer) this.forwardLayer.trainable = value;
    if (this.backwardLayer) this.backwardLayer.trainable = value;
  }

  override get trainableWeights(): LayerVariable[] {
    return [...this.forwardLayer.trainableWeights, ...this.backwardLayer.trainableWeights];
  }

  override set trainableWeights(_weights: LayerVariable[]) {
    throw new ConfigError(`${this.where}: trainableWeights are the two halves' weights and cannot be set`);
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return [...this.forwardLayer.nonTrainableWeights, ...this.backwardLayer.nonTrainableWeights];
  }

  override set nonTrainableWeights(_weights: LayerVariable[]) {
    throw new ConfigError(`${this.where}: nonTrainableWeights are the two halves' weights and cannot be set`);
  }

  /** The two halves' regularization losses (tfjs' own wrapper reports the template layer's). */
  override get losses(): RegularizerFn[] {
    return [...this.forwardLayer.losses, ...this.backwardLayer.losses];
  }

  override setFastWeightInitDuringBuild(value: boolean): void {
    super.setFastWeightInitDuringBuild(value);
    this.forwardLayer.setFastWeightInitDuringBuild(value);
    this.backwardLayer.setFastWeightInitDuringBuild(value);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstShape(inputShape);
    for (const half of [this.forwardLayer, this.backwardLayer]) {
      if (half.built) continue;
      half.scopeWeights(half.name);
      half.build(shape);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = this.forwardLayer.computeOutputShape(firstShape(inputShape));
    const [output, ...states] = (this.returnState ? shapes : [shapes]) as Shape[];
    let outputs: Shape[];
    if (this.mergeMode === 'concat') {
      const merged = [...output];
      merged[merged.length - 1] = (merged[merged.length - 1] as number) * 2;
      outputs = [merged];
    } else if (this.mergeMode === null) {
      outputs = [output, [...output]];
    } else {
      outputs = [output];
    }
    const all = this.returnState ? [...outputs, ...states, ...states.map((s) => [...s])] : outputs;
    return all.length === 1 ? all[0] : all;
  }

  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor | tf.Tensor[] {
    const m = this.returnSequences ? pickMask(mask) : null;
    const outputMasks = this.mergeMode === null ? [m, m] : [m];
    const all = this.returnState ? [...outputMasks, ...new Array<null>(2 * this.stateCount).fill(null)] : outputMasks;
    return (all.length === 1 ? all[0] : all) as tf.Tensor | tf.Tensor[];
  }

  /** Like the wrapped layer's `apply`, with both halves' initial states (LSTM `[hF, cF, hB, cB]`). */
  override apply(inputs: LayerInputs, kwargs: Kwargs = {}): LayerInputs {
    const { initialState, ...rest } = kwargs;
    const count = this.stateCount;
    const { sequence, states } = splitInputs<AnyTensor>(inputs as AnyTensor | AnyTensor[], initialState, 2 * count, this.where);
    const built = this.forwardLayer.cell.built;
    checkSequenceShape(sequence.shape, built ? this.forwardLayer.cell.inputDim : null, this.timeMajor, this.where);
    return super.apply((states ? [sequence, ...states] : sequence) as LayerInputs, rest);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const count = this.stateCount;
    const { sequence, states } = splitInputs(inputs, kwargs.initialState as tf.Tensor[] | undefined, 2 * count, this.where);
    if (!this.built) this.build(sequence.shape);
    const mask = pickMask(kwargs.mask);
    const training = kwargs.training === true;
    const { outputs } = tf.tidy(() => {
      const y = this.forwardLayer.call(sequence, { mask, training, initialState: states ? states.slice(0, count) : undefined });
      const yRev = this.backwardLayer.call(sequence, { mask, training, initialState: states ? states.slice(count) : undefined });
      const [yF, ...statesF] = Array.isArray(y) ? y : [y];
      const [yB0, ...statesB] = Array.isArray(yRev) ? yRev : [yRev];
      const yB = this.returnSequences ? tf.reverse(yB0, this.timeMajor ? 0 : 1) : yB0;
      const merged = this.merge(yF, yB);
      return {
        outputs: [...merged, ...statesF, ...statesB],
        // Outputs the halves recorded for their activity regularizers must outlive this tidy.
        keepAlive: [...this.forwardLayer.pendingActivityOutputs(), ...this.backwardLayer.pendingActivityOutputs()],
      };
    });
    return outputs.length === 1 ? outputs[0] : outputs;
  }

  private merge(yF: tf.Tensor, yB: tf.Tensor): tf.Tensor[] {
    if (this.mergeMode === null) return [yF, yB];
    return [mergeDirections(yF, yB, this.mergeMode, this.where) as tf.Tensor];
  }

  /** The number of states of one half (LSTM 2, GRU and SimpleRNN 1). */
  get stateCount(): number {
    return this.forwardLayer.stateNames.length;
  }

  /**
   * Resets the states of both halves: to zeros, or to `states` (LSTM `[hF, cF, hB, cB]`, GRU
   * `[hF, hB]`).
   * @throws ConfigError when the wrapped layer is not stateful.
   */
  override resetStates(states?: tf.Tensor | tf.Tensor[]): void {
    if (!this.stateful) throw new ConfigError(`${this.where}: resetStates() needs a stateful layer`);
    const list = states === undefined || states === null ? null : Array.isArray(states) ? states : [states];
    const count = this.stateCount;
    if (list && list.length !== 2 * count) {
      const names = ['F', 'B'].flatMap((d) => this.forwardLayer.stateNames.map((n) => `${n}${d}`));
      throw new ConfigError(`${this.where}: resetStates expected [${names.join(', ')}], got ${list.length} tensor(s)`);
    }
    this.forwardLayer.resetStates(list ? list.slice(0, count) : undefined);
    this.backwardLayer.resetStates(list ? list.slice(count) : undefined);
  }

  protected override disposeWeights(): number {
    this.forwardLayer.disposeHeld();
    this.backwardLayer.disposeHeld();
    return super.disposeWeights();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      mergeMode: this.mergeMode,
      layer: { className: this.forwardLayer.getClassName(), config: this.forwardLayer.getConfig() },
      backwardLayer: { className: this.backwardLayer.getClassName(), config: this.backwardLayer.getConfig() },
      ...super.getConfig(),
    };
  }

  /** Builds a wrapper from {@link getConfig}'s output. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _ignored, layer, backwardLayer, ...rest } = config;
    void _ignored;
    return new cls({
      ...rest,
      layer: recurrentFromConfig(layer, 'layer'),
      backwardLayer: backwardLayer === undefined || backwardLayer === null ? null : recurrentFromConfig(backwardLayer, 'backwardLayer'),
    });
  }
}
tf.serialization.registerClass(Bidirectional);

/** A serialized recurrent layer of the facade (`{className: 'LstmBridge.GRU', config}`, ...). */
function recurrentFromConfig(value: unknown, key: string): RecurrentLayer {
  const v = value as { className?: unknown; config?: tf.serialization.ConfigDict } | null;
  const registry = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = v && typeof v.className === 'string' ? registry[v.className] : undefined;
  if (!v || !v.config || !entry || !(entry[0].prototype instanceof RecurrentLayer)) {
    throw new ConfigError(
      `layers.Bidirectional.fromConfig: ${key} expected {className: 'LstmBridge.LSTM' | 'LstmBridge.GRU' | ` +
        `'LstmBridge.SimpleRNN', config}, got ${JSON.stringify(value)}`,
    );
  }
  return RecurrentLayer.fromConfig(entry[0] as unknown as tf.serialization.SerializableConstructor<RecurrentLayer>, v.config);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: string; className?: string } }).constructor;
    return ctor?.className ?? ctor?.name ?? 'an object';
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Creates a {@link Bidirectional} wrapper (the lower-case factory, like `tf.layers.bidirectional`).
 *
 * Example:
 * ```ts
 * const bi = layers.bidirectional({layer: layers.lstm({units: 7, returnSequences: true}), mergeMode: 'sum'});
 * ```
 */
export function bidirectional<L extends RecurrentLayer>(args: BidirectionalArgs<L>): Bidirectional<L> {
  return new Bidirectional<L>(args);
}
