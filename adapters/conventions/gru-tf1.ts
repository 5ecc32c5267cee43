/**
 * The TF1 `tf.nn.rnn_cell.GRUCell` (`tf.compat.v1.nn.rnn_cell.GRUCell`) variables of one layer
 * and direction, to and from the engine's canonical GRU form. Exact (copies, splits and joins;
 * canonical -> TF1 merges the two canonical biases, which is exact for this reset-before cell).
 *
 * Legend: I = input depth, H = `num_units`.
 *
 * | variable | shape | layout |
 * |---|---|---|
 * | `gates/kernel` | (I + H, 2H) | rows: x rows then h rows; columns **r, u** (u = Keras's and PyTorch's z) |
 * | `gates/bias` | (2H) | r, u (TF initialises it to 1.0) |
 * | `candidate/kernel` | (I + H, H) | rows: x rows then (r ⊙ h) rows |
 * | `candidate/bias` | (H) | |
 *
 * The step (TF's `rnn_cell_impl.py`, `GRUCell.call`):
 *
 *     r, u = split(sigmoid([x, h] @ gates/kernel + gates/bias), 2)
 *     c = tanh([x, r ⊙ h] @ candidate/kernel + candidate/bias)
 *     new_h = u ⊙ h + (1 − u) ⊙ c
 *
 * `new_h` has PyTorch's and Keras's sign (`h' = (1 − z) ⊙ n + z ⊙ h`), so u is z with no
 * `1 − u` flip, and r, u is the canonical order of the first two blocks: nothing to permute.
 * The reset is applied before the recurrent product (Keras reset_after=False), so only a
 * reset-before GRU converts (see `convertGruWeights`). In a checkpoint the variables sit under
 * the cell's scope, e.g. `rnn/gru_cell/gates/kernel`.
 *
 * Example:
 * ```ts
 * const canonical = tf1GruToCanonical({ 'gates/kernel': gk, 'gates/bias': gb, 'candidate/kernel': ck, 'candidate/bias': cb });
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { GruWeights } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { ShapeError, formatShape } from '../../src/errors';
import { expectRecord, expectShape, mergeBiases } from '../checks';
import { GRU_KIND } from './cell-kinds';

/** The variables of one TF1 `GRUCell`. */
export interface Tf1GruWeights {
  /** (I + H, 2H): x rows then h rows; columns r, u. */
  readonly 'gates/kernel': tf.Tensor;
  /** (2H): r, u. */
  readonly 'gates/bias': tf.Tensor;
  /** (I + H, H): x rows then (r ⊙ h) rows. */
  readonly 'candidate/kernel': tf.Tensor;
  /** (H). */
  readonly 'candidate/bias': tf.Tensor;
}

/**
 * TF1 `GRUCell` -> canonical (one bias, no recurrent bias).
 * @throws ShapeError naming the variable, expected and received shapes.
 */
export function tf1GruToCanonical(w: Tf1GruWeights, where = 'adapters.tf1GruToCanonical'): GruWeights {
  expectRecord(w, 'weights', where);
  expectShape(w['candidate/bias'], [null], 'candidate/bias', where);
  const H = w['candidate/bias'].shape[0];
  if (H < 1) throw new ShapeError(`${where}: candidate/bias expected [num_units >= 1], got ${formatShape(w['candidate/bias'].shape)}`);
  expectShape(w['gates/bias'], [2 * H], 'gates/bias', where);
  expectShape(w['gates/kernel'], [null, 2 * H], 'gates/kernel', where);
  const I = w['gates/kernel'].shape[0] - H;
  if (I < 1) {
    throw new ShapeError(`${where}: gates/kernel expected [I + ${H}, ${2 * H}] with I >= 1 (x rows then h rows), got ${formatShape(w['gates/kernel'].shape)}`);
  }
  expectShape(w['candidate/kernel'], [I + H, H], 'candidate/kernel', where);
  return tidy(() => {
    const [xGates, hGates] = tf.split(w['gates/kernel'], [I, H], 0);
    const [xCandidate, hCandidate] = tf.split(w['candidate/kernel'], [I, H], 0);
    return {
      kernel: tf.concat([xGates, xCandidate], 1) as tf.Tensor2D,
      recurrentKernel: tf.concat([hGates, hCandidate], 1) as tf.Tensor2D,
      bias: tf.concat([w['gates/bias'], w['candidate/bias']]) as tf.Tensor1D,
      recurrentBias: null,
    };
  });
}

/**
 * Canonical -> TF1 `GRUCell`: the two canonical biases merged (zeros without any: `GRUCell`
 * always has biases). The caller vouches that the GRU resets before (see `convertGruWeights`).
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToTf1Gru(w: GruWeights, where = 'adapters.canonicalToTf1Gru'): Tf1GruWeights {
  expectRecord(w, 'weights', where);
  const { hiddenSize: H } = GRU_KIND.sizes(w, where);
  return tidy(() => {
    const [xGates, xCandidate] = tf.split(w.kernel, [2 * H, H], 1);
    const [hGates, hCandidate] = tf.split(w.recurrentKernel, [2 * H, H], 1);
    const [gatesBias, candidateBias] = tf.split(mergeBiases(w.bias, w.recurrentBias) ?? tf.zeros([3 * H]), [2 * H, H]);
    return {
      'gates/kernel': tf.concat([xGates, hGates], 0),
      'gates/bias': gatesBias,
      'candidate/kernel': tf.concat([xCandidate, hCandidate], 0),
      'candidate/bias': candidateBias,
    };
  });
}
