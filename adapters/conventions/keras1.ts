/**
 * The Keras 1 legacy `LSTM` convention (Keras 1.x, `output_dim` units) for one layer, to and
 * from the engine's canonical form.
 *
 * Legend: I = input dim, U = `output_dim`.
 *
 * Per-gate arrays (`consume_less='cpu'` — the default — or `'mem'`), saved in this order, gate
 * order **i, c, f, o** (c = candidate):
 *
 * | arrays | shapes |
 * |---|---|
 * | `W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f, W_o, U_o, b_o` | W (I, U), U (U, U), b (U) |
 *
 * Fused arrays (`consume_less='gpu'`): `W (I, 4U)`, `U (U, 4U)`, `b (4U)`, gate order
 * **i, f, c, o**, which is already the canonical layout.
 *
 * The step is Keras's `z = x W + h U + b` per gate, so canonical blocks are the arrays
 * themselves (copies, exact). Keras 1 has one bias: canonical -> Keras 1 sums the two canonical
 * biases; a projection throws {@link UnsupportedConversionError}. Keras 1's default
 * `inner_activation` is `'hard_sigmoid'` (a config value, not a weight: pass it to the engine
 * as `recurrentActivation: 'hardSigmoid'`).
 *
 * Source: Keras 1.2.2 `keras/layers/recurrent.py` (`LSTM.build`: `trainable_weights` order and
 * the fused `concatenate([W_i, W_f, W_c, W_o])`; `LSTM.step`), and Keras 2.2.4
 * `keras/engine/saving.py` `preprocess_weights_for_loading`, which converts the 12 arrays with
 * `kernel = concatenate([w[0], w[6], w[3], w[9]])` (and likewise U and b).
 *
 * Example:
 * ```ts
 * const canonical = keras1ToCanonical(keras1WeightsFromList(twelveArrays));
 * const fused = canonicalToKeras1(canonical, { consumeLess: 'gpu' }); // { W, U, b }
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmWeights, lstmSizes } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { ConfigError, ShapeError, UnsupportedConversionError, formatShape } from '../../src/errors';
import { expectOptions, expectRecord, expectShape, expectTensorList, gateSize, mergeBiases } from '../checks';
import { GateBlocks, joinGates, splitGates } from '../gate-blocks';

/** Keras 1 per-gate arrays (`consume_less='cpu'` or `'mem'`). */
export interface Keras1PerGateLstmWeights {
  readonly W_i: tf.Tensor;
  readonly U_i: tf.Tensor;
  readonly b_i: tf.Tensor;
  readonly W_c: tf.Tensor;
  readonly U_c: tf.Tensor;
  readonly b_c: tf.Tensor;
  readonly W_f: tf.Tensor;
  readonly U_f: tf.Tensor;
  readonly b_f: tf.Tensor;
  readonly W_o: tf.Tensor;
  readonly U_o: tf.Tensor;
  readonly b_o: tf.Tensor;
}

/** Keras 1 fused arrays (`consume_less='gpu'`), gates i, f, c, o. */
export interface Keras1FusedLstmWeights {
  /** (I, 4U) */
  readonly W: tf.Tensor;
  /** (U, 4U) */
  readonly U: tf.Tensor;
  /** (4U) */
  readonly b: tf.Tensor;
}

export type Keras1LstmWeights = Keras1PerGateLstmWeights | Keras1FusedLstmWeights;

/** Keras 1's `consume_less` modes. */
export type Keras1ConsumeLess = 'cpu' | 'mem' | 'gpu';

/** The saved order of the 12 per-gate arrays (gates i, c, f, o). */
export const KERAS1_PER_GATE_ORDER = [
  'W_i', 'U_i', 'b_i', 'W_c', 'U_c', 'b_c', 'W_f', 'U_f', 'b_f', 'W_o', 'U_o', 'b_o',
] as const;

function isFused(w: Keras1LstmWeights): w is Keras1FusedLstmWeights {
  return 'W' in w;
}

/** Per-gate arrays by canonical gate name (g = Keras 1's c). */
function perGate(w: Keras1PerGateLstmWeights, prefix: 'W' | 'U' | 'b'): GateBlocks {
  return { i: w[`${prefix}_i`], f: w[`${prefix}_f`], g: w[`${prefix}_c`], o: w[`${prefix}_o`] };
}

/**
 * Keras 1 (per-gate or fused) -> canonical. New tensors.
 * @throws ShapeError naming the array, expected and received shapes.
 */
export function keras1ToCanonical(w: Keras1LstmWeights, where = 'adapters.keras1ToCanonical'): LstmWeights {
  expectRecord(w, 'weights', where);
  if (isFused(w)) {
    expectShape(w.W, [null, null], 'W', where);
    const U = gateSize(w.W, 1, 4, 'W', '4 * output_dim', where);
    expectShape(w.U, [U, 4 * U], 'U', where);
    expectShape(w.b, [4 * U], 'b', where);
    return tidy(() => ({
      kernel: tf.clone(w.W) as tf.Tensor2D,
      recurrentKernel: tf.clone(w.U) as tf.Tensor2D,
      bias: tf.clone(w.b) as tf.Tensor1D,
      recurrentBias: null,
      projection: null,
    }));
  }
  expectShape(w.W_i, [null, null], 'W_i', where);
  const [I, U] = w.W_i.shape;
  for (const name of KERAS1_PER_GATE_ORDER) {
    const expected = name.startsWith('W') ? [I, U] : name.startsWith('U') ? [U, U] : [U];
    expectShape(w[name], expected, name, where);
  }
  return tidy(() => ({
    kernel: joinGates(perGate(w, 'W'), 'ifgo', 1) as tf.Tensor2D,
    recurrentKernel: joinGates(perGate(w, 'U'), 'ifgo', 1) as tf.Tensor2D,
    bias: joinGates(perGate(w, 'b'), 'ifgo', 0) as tf.Tensor1D,
    recurrentBias: null,
    projection: null,
  }));
}

/** Options of {@link canonicalToKeras1}. */
export interface Keras1Options {
  /** Which form to produce: per-gate arrays (`'cpu'`, `'mem'`; default `'cpu'`) or fused (`'gpu'`). */
  readonly consumeLess?: Keras1ConsumeLess;
}

/**
 * Canonical -> Keras 1: per-gate arrays, or fused ones with `consumeLess: 'gpu'`.
 * @throws UnsupportedConversionError for a projection (Keras 1 has none).
 * @throws ConfigError for an unknown `consumeLess`.
 */
export function canonicalToKeras1(w: LstmWeights, options: { consumeLess: 'gpu' }, where?: string): Keras1FusedLstmWeights;
export function canonicalToKeras1(w: LstmWeights, options?: { consumeLess?: 'cpu' | 'mem' }, where?: string): Keras1PerGateLstmWeights;
export function canonicalToKeras1(w: LstmWeights, options?: Keras1Options, where?: string): Keras1LstmWeights;
export function canonicalToKeras1(
  w: LstmWeights,
  options: Keras1Options = {},
  where = 'adapters.canonicalToKeras1',
): Keras1LstmWeights {
  expectOptions(options, 'options', where);
  const consumeLess = options.consumeLess ?? 'cpu';
  if (!['cpu', 'mem', 'gpu'].includes(consumeLess)) {
    throw new ConfigError(`${where}: consumeLess must be 'cpu', 'mem' or 'gpu', got ${JSON.stringify(consumeLess)}`);
  }
  const { hiddenSize: U } = lstmSizes(w, where);
  if (w.projection) {
    throw new UnsupportedConversionError(
      `${where}: projection ${formatShape(w.projection.shape)} (PyTorch proj_size) has no Keras 1 equivalent, ` +
        'so this layer cannot be expressed exactly',
    );
  }
  return tidy(() => {
    const b = mergeBiases(w.bias, w.recurrentBias) ?? (tf.zeros([4 * U]) as tf.Tensor1D);
    if (consumeLess === 'gpu') {
      return { W: tf.clone(w.kernel), U: tf.clone(w.recurrentKernel), b: tf.clone(b) };
    }
    const W = splitGates(w.kernel, 'ifgo', 1, where);
    const R = splitGates(w.recurrentKernel, 'ifgo', 1, where);
    const B = splitGates(b, 'ifgo', 0, where);
    return {
      W_i: W.i, U_i: R.i, b_i: B.i,
      W_c: W.g, U_c: R.g, b_c: B.g,
      W_f: W.f, U_f: R.f, b_f: B.f,
      W_o: W.o, U_o: R.o, b_o: B.o,
    };
  });
}

/**
 * Reads a Keras 1 layer's saved weight list: the 12 per-gate arrays in saved order
 * (`W_i, U_i, b_i, W_c, ...`), or the 3 fused arrays `[W, U, b]` of `consume_less='gpu'`.
 * The tensors are not copied.
 * @throws ShapeError for another number of arrays.
 */
export function keras1WeightsFromList(list: readonly tf.Tensor[], where = 'adapters.keras1WeightsFromList'): Keras1LstmWeights {
  expectTensorList(list, 'list', where);
  if (list.length === 3) return { W: list[0] as tf.Tensor2D, U: list[1] as tf.Tensor2D, b: list[2] as tf.Tensor1D };
  if (list.length !== 12) {
    throw new ShapeError(
      `${where}: weights expected 12 per-gate arrays (${KERAS1_PER_GATE_ORDER.join(', ')}) or 3 fused [W, U, b], ` +
        `got ${list.length} arrays`,
    );
  }
  const named: Record<string, tf.Tensor> = {};
  KERAS1_PER_GATE_ORDER.forEach((name, k) => {
    named[name] = list[k];
  });
  return named as unknown as Keras1PerGateLstmWeights;
}

/** The saved order of a Keras 1 layer's arrays (inverse of {@link keras1WeightsFromList}). */
export function keras1WeightList(w: Keras1LstmWeights): tf.Tensor[] {
  expectRecord(w, 'weights', 'adapters.keras1WeightList');
  if (isFused(w)) return [w.W, w.U, w.b];
  return KERAS1_PER_GATE_ORDER.map((name) => w[name]);
}
