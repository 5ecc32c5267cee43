/**
 * `layers.Bidirectional`: Keras' `Bidirectional` wrapper around a `layers.LSTM`, as a real
 * tfjs-layers `Layer`.
 *
 * Args:
 * - `layer`: a `layers.LSTM`. The forward half is a fresh copy of it (named `forward_<name>`);
 *   like Keras, its weights are not reused.
 * - `mergeMode`: how the two outputs combine: `'concat'` (default, forward first), `'sum'`,
 *   `'mul'`, `'ave'`, or `null` (both returned separately).
 * - `backwardLayer`: optional `layers.LSTM` for the backward half (used as is). Without it, the
 *   backward half is a copy of `layer` with `goBackwards` flipped (named `backward_<name>`). The
 *   two halves must differ in `goBackwards` and agree on `stateful`, `returnSequences`,
 *   `returnState` and `timeMajor`.
 * - tfjs `LayerArgs` (`inputShape`, `batchInputShape`, `name`, ...). Without an input shape of
 *   its own, the wrapper takes the wrapped layer's.
 *
 * Call arguments: as `layers.LSTM`; `initialState` holds four tensors `[hF, cF, hB, cB]`,
 * split in half, forward first. With `returnSequences`, both halves get `zeroOutputForMask`
 * (as in Keras), so masked steps are zero on both sides before merging.
 *
 * Returns: the merged output (the backward sequence is flipped back in time before merging),
 * `[yF, yB]` with `mergeMode: null`; with `returnState`, the states follow:
 * `[y, hF, cF, hB, cB]` (or `[yF, yB, hF, cF, hB, cB]`).
 *
 * Weights: the forward half's `kernel, recurrent_kernel, bias`, then the backward half's.
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
import { LSTM } from './lstm';
import { defaultLayerName } from './names';

/** How the forward and backward outputs are combined. */
export type { MergeMode };

/** Arguments of {@link Bidirectional}. */
export interface BidirectionalArgs extends LayerArgs {
  /** The LSTM to run in both directions (copied for the forward half). */
  layer: LSTM;
  /** Default `'concat'`. */
  mergeMode?: MergeMode;
  /** Optional backward half, used as is. */
  backwardLayer?: LSTM | null;
}

function withoutPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** A fresh copy of `layer` from its config, with `overrides`, never a first layer of a model. */
function copyLstm(layer: LSTM, overrides: tf.serialization.ConfigDict): LSTM {
  const { batchInputShape: _shape, ...config } = layer.getConfig();
  void _shape;
  return LSTM.fromConfig(LSTM, { ...config, ...overrides }) as LSTM;
}

/** Keras' `Bidirectional` wrapper for `layers.LSTM`. See the module documentation. */
export class Bidirectional extends tfl.layers.Layer {
  /** Registered for serialization under its own name (tfjs-layers' `Bidirectional` stays untouched). */
  static readonly className = 'LstmBridge.Bidirectional';

  readonly forwardLayer: LSTM;
  readonly backwardLayer: LSTM;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly timeMajor: boolean;

  constructor(args: BidirectionalArgs) {
    const where = 'layers.Bidirectional';
    const record = checkKeys(args, ['layer', 'mergeMode', 'backwardLayer', ...LAYER_KEYS], where);
    const layer = record.layer;
    if (!(layer instanceof LSTM)) {
      throw new ConfigError(`${where}: layer expected a layers.LSTM, got ${describe(layer)}`);
    }
    const backward = record.backwardLayer ?? null;
    if (backward !== null && !(backward instanceof LSTM)) {
      throw new ConfigError(`${where}: backwardLayer expected a layers.LSTM or null, got ${describe(backward)}`);
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

    this.forwardLayer = copyLstm(layer, { name: `forward_${withoutPrefix(layer.name, 'forward_')}` });
    this.backwardLayer =
      backward ??
      copyLstm(layer, { name: `backward_${withoutPrefix(layer.name, 'backward_')}`, goBackwards: !layer.goBackwards });
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

  /** The carried states `[hF, cF, hB, cB]` of a stateful wrapper, else null. */
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
    const all = this.returnState ? [...outputMasks, null, null, null, null] : outputMasks;
    return (all.length === 1 ? all[0] : all) as tf.Tensor | tf.Tensor[];
  }

  /** Like `layers.LSTM.apply`, with four initial states `[hF, cF, hB, cB]`. */
  override apply(inputs: LayerInputs, kwargs: Kwargs = {}): LayerInputs {
    const { initialState, ...rest } = kwargs;
    const { sequence, states } = splitInputs<AnyTensor>(inputs as AnyTensor | AnyTensor[], initialState, 4, this.where);
    const built = this.forwardLayer.cell.built;
    checkSequenceShape(sequence.shape, built ? this.forwardLayer.cell.inputDim : null, this.timeMajor, this.where);
    return super.apply((states ? [sequence, ...states] : sequence) as LayerInputs, rest);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const { sequence, states } = splitInputs(inputs, kwargs.initialState as tf.Tensor[] | undefined, 4, this.where);
    if (!this.built) this.build(sequence.shape);
    const mask = pickMask(kwargs.mask);
    const training = kwargs.training === true;
    const { outputs } = tf.tidy(() => {
      const y = this.forwardLayer.call(sequence, { mask, training, initialState: states ? states.slice(0, 2) : undefined });
      const yRev = this.backwardLayer.call(sequence, { mask, training, initialState: states ? states.slice(2) : undefined });
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

  /**
   * Resets the states of both halves: to zeros, or to `states` `[hF, cF, hB, cB]`.
   * @throws ConfigError when the wrapped layer is not stateful.
   */
  override resetStates(states?: tf.Tensor | tf.Tensor[]): void {
    if (!this.stateful) throw new ConfigError(`${this.where}: resetStates() needs a stateful layer`);
    const list = states === undefined || states === null ? null : Array.isArray(states) ? states : [states];
    if (list && list.length !== 4) {
      throw new ConfigError(`${this.where}: resetStates expected [hF, cF, hB, cB], got ${list.length} tensor(s)`);
    }
    this.forwardLayer.resetStates(list ? list.slice(0, 2) : undefined);
    this.backwardLayer.resetStates(list ? list.slice(2) : undefined);
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
      layer: lstmFromConfig(layer, 'layer'),
      backwardLayer: backwardLayer === undefined || backwardLayer === null ? null : lstmFromConfig(backwardLayer, 'backwardLayer'),
    });
  }
}
tf.serialization.registerClass(Bidirectional);

function lstmFromConfig(value: unknown, key: string): LSTM {
  const v = value as { className?: unknown; config?: tf.serialization.ConfigDict } | null;
  if (!v || v.className !== LSTM.className || !v.config) {
    throw new ConfigError(
      `layers.Bidirectional.fromConfig: ${key} expected {className: '${LSTM.className}', config}, got ${JSON.stringify(value)}`,
    );
  }
  return LSTM.fromConfig(LSTM, v.config) as LSTM;
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
export function bidirectional(args: BidirectionalArgs): Bidirectional {
  return new Bidirectional(args);
}
