/**
 * The base of the facade's one-state cells (`GRUCell`, `SimpleRNNCell`): state `[h (N, U)]`, and
 * one step run through the kind's engine layer (the one the layer's runner falls back to for
 * whole sequences).
 */
import * as tf from '@tensorflow/tfjs-core';

import { tidy } from '../engine/internal';
import { RecurrentCellBase } from './cell-base';
import { RecurrentCellConfig } from './config';

/** A cell whose only state is h. */
export abstract class OneStateCell<C extends RecurrentCellConfig = RecurrentCellConfig> extends RecurrentCellBase<C> {
  /** Sizes of the states `[h]`: `[U]`. */
  get stateSize(): [number] {
    return [this.units];
  }

  /** One step, as Keras' cell `call` without dropout: x (N, I), `[h (N, U)]` -> `[h']`. */
  step(x: tf.Tensor2D, states: readonly [tf.Tensor2D]): [tf.Tensor2D] {
    return tidy(() => {
      const r = this.engineKind.layer(tf.expandDims(x, 0), this.weights(), {
        ...this.engineOptions, initialState: [states[0]], where: `layers.${this.cellName}`,
      });
      return [r.states[0]] as [tf.Tensor2D];
    });
  }
}
