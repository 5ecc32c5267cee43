/**
 * `layers.GRU`: Keras 3's `GRU` as a real tfjs-layers `Layer`, running on the shared engine.
 *
 * Args: see {@link GRUArgs} (every Keras argument in camelCase, Keras 3 defaults: `resetAfter`
 * true, `activation` tanh, `recurrentActivation` sigmoid, `glorotUniform` / `orthogonal` /
 * `zeros` initializers — not tfjs' `tf.layers.gru` defaults).
 *
 * Call arguments and returns: those of every recurrent layer of the facade
 * (`./recurrent-layer`) with one state: `initialState` `[h0 (N, U)]`, `[x, h0]` as inputs;
 * with `returnState`, `[output, h (N, U)]`.
 *
 * Weights (`getWeights()` / `setWeights()`, in this order), Keras' layout, gate blocks z, r, h:
 * `kernel (F, 3U)`, `recurrent_kernel (U, 3U)`, `bias (2, 3U)` with `resetAfter` (row 0
 * input, row 1 recurrent) or `(3U)` without. See `./gru-cell` for the equations.
 *
 * Example:
 * ```ts
 * const model = tf.sequential();
 * model.add(layers.gru({units: 7, returnSequences: true, inputShape: [17, 10]}));
 * model.add(layers.gru({units: 7}));
 * model.predict(tf.randomNormal([2, 17, 10]));  // (2, 7)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { GRUArgs, GRU_CELL_KEYS, resolveGruCellArgs } from './gru-config';
import { GRUCell } from './gru-cell';
import { RecurrentKind, RecurrentLayer } from './recurrent-layer';

const GRU_KIND: RecurrentKind<GRUCell> = {
  kind: 'GRU',
  namePrefix: 'gru',
  cellKeys: GRU_CELL_KEYS,
  stateNames: ['h'],
  makeCell: (record, where) => new GRUCell(resolveGruCellArgs(record, where)),
};

/** Keras' `GRU` layer on the lstm-bridge engine. See the module documentation. */
export class GRU extends RecurrentLayer<GRUCell> {
  /** Registered for serialization under its own name (tfjs-layers' `GRU` stays untouched). */
  static readonly className = 'LstmBridge.GRU';

  constructor(args: GRUArgs) {
    super(args, GRU_KIND);
  }

  get resetAfter(): boolean {
    return this.cell.config.resetAfter;
  }
}
tf.serialization.registerClass(GRU);

/**
 * Creates a {@link GRU} layer (the lower-case factory, like `tf.layers.gru`).
 *
 * Example:
 * ```ts
 * const gru = layers.gru({units: 7, returnSequences: true, returnState: true});
 * const [seq, h] = gru.apply(tf.randomNormal([2, 17, 10])) as tf.Tensor[];
 * ```
 */
export function gru(args: GRUArgs): GRU {
  return new GRU(args);
}
