/**
 * The TensorFlow 1 cell convention (`tf.nn.rnn_cell.BasicLSTMCell`, `LSTMCell`,
 * tfjs-core's `tf.basicLSTMCell`) for one layer and direction, to and from the engine's
 * canonical form.
 *
 * Legend: I = input depth, H = `num_units`, P = `num_proj`, H_out = P with a projection, else H.
 *
 * | variable | shape | layout |
 * |---|---|---|
 * | `kernel` | (I + H_out, 4H) | rows: x rows then h rows; columns **i, j, f, o** (j = candidate) |
 * | `bias` | (4H) | i, j, f, o |
 * | `projection/kernel` | (H, P) | `LSTMCell(num_proj=P)` only: `m = (o * tanh(c)) @ projection` |
 *
 * The step adds a constant `forget_bias` (default 1.0) to the forget pre-activation at run
 * time: `c = sigmoid(f + forget_bias) * c_prev + sigmoid(i) * tanh(j)`. It is not a weight, so
 * it is folded into the canonical bias on the way in (`bias_f + forget_bias`) and taken out on
 * the way out (`bias_f - forget_bias`). That float32 addition/subtraction is the one inexact step:
 * a round trip through TF1 reproduces the forget bias to within float rounding (about 1 ulp of
 * `|bias_f| + forget_bias`); every other value is copied exactly. The state is the tuple
 * `(c, h)` — see `tf1StateToKeras` in `../states`.
 *
 * Not expressible, with {@link UnsupportedConversionError}: `LSTMCell(use_peepholes=True)`
 * (variables `w_f_diag`, `w_i_diag`, `w_o_diag`), `cell_clip` and `proj_clip` (the engine has no
 * clipping). Verified against TF's `rnn_cell_impl.py` (`BasicLSTMCell.build/call`,
 * `LSTMCell.build/call`) and tfjs-core's `basicLSTMCell`.
 *
 * Example:
 * ```ts
 * const canonical = tf1ToCanonical({ kernel, bias }, { forgetBias: 1.0 });
 * const { kernel: k, bias: b } = canonicalToTf1(canonical, { forgetBias: 1.0 });
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmWeights, ifgoToIjfo, ijfoToIfgo, lstmSizes } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { ConfigError, ShapeError, UnsupportedConversionError, formatShape } from '../../src/errors';
import { expectOptionalShape, expectOptions, expectRecord, expectShape, gateSize, mergeBiases } from '../checks';

/** The variables of one TF1 LSTM cell. */
export interface Tf1LstmWeights {
  /** (I + H_out, 4H): x rows then h rows, gates i, j, f, o along the columns. */
  readonly kernel: tf.Tensor;
  /** (4H), i, j, f, o. */
  readonly bias: tf.Tensor;
  /** (H, P): `projection/kernel` of `LSTMCell(num_proj=P)`. */
  readonly projection?: tf.Tensor | null | undefined;
  /** Peephole variables of `LSTMCell(use_peepholes=True)`: not convertible; present means an error. */
  readonly w_f_diag?: tf.Tensor | null | undefined;
  readonly w_i_diag?: tf.Tensor | null | undefined;
  readonly w_o_diag?: tf.Tensor | null | undefined;
}

/** Options of the TF1 conversions: the cell's constructor arguments that affect the step. */
export interface Tf1Options {
  /** The cell's `forget_bias`. Default 1.0 (TF's default). */
  readonly forgetBias?: number;
  /** The cell's `cell_clip`; only `null`/absent converts (the engine does not clip). */
  readonly cellClip?: number | null;
  /** The cell's `proj_clip`; only `null`/absent converts. */
  readonly projClip?: number | null;
}

function checkOptions(options: Tf1Options, where: string): number {
  const forgetBias = options.forgetBias ?? 1.0;
  if (typeof forgetBias !== 'number' || !Number.isFinite(forgetBias)) {
    throw new ConfigError(`${where}: forgetBias expected a finite number, got ${JSON.stringify(forgetBias)}`);
  }
  for (const name of ['cellClip', 'projClip'] as const) {
    const value = options[name];
    if (value !== undefined && value !== null) {
      throw new UnsupportedConversionError(
        `${where}: ${name} ${value} cannot be converted exactly: the engine, PyTorch and Keras LSTMs do not clip ` +
          (name === 'cellClip' ? 'the cell state' : 'the projected output'),
      );
    }
  }
  return forgetBias;
}

/** Adds `delta` to the forget block (third of four, canonical order i, f, g, o) of a 4H bias. */
function shiftForget(bias: tf.Tensor1D, delta: number): tf.Tensor1D {
  const [i, f, g, o] = tf.split(bias, 4);
  return tf.concat([i, tf.add(f, delta), g, o]) as tf.Tensor1D;
}

/**
 * TF1 -> canonical, with `forget_bias` folded into the forget block of `bias`.
 * @throws UnsupportedConversionError for peephole variables or clipping options.
 * @throws ShapeError naming the variable, expected and received shapes.
 */
export function tf1ToCanonical(w: Tf1LstmWeights, options: Tf1Options = {}, where = 'adapters.tf1ToCanonical'): LstmWeights {
  expectRecord(w, 'weights', where);
  expectOptions(options, 'options', where);
  const forgetBias = checkOptions(options, where);
  for (const name of ['w_f_diag', 'w_i_diag', 'w_o_diag'] as const) {
    if (w[name]) {
      throw new UnsupportedConversionError(
        `${where}: ${name} is present (LSTMCell(use_peepholes=True)): the engine, PyTorch and Keras LSTMs have ` +
          'no peephole connections, so this cell cannot be converted exactly',
      );
    }
  }
  expectShape(w.bias, [null], 'bias', where);
  const H = gateSize(w.bias, 0, 4, 'bias', '4 * num_units', where);
  expectOptionalShape(w.projection, [H, null], 'projection', where);
  const Hout = w.projection ? (w.projection.shape[1] as number) : H;
  expectShape(w.kernel, [null, 4 * H], 'kernel', where);
  const I = (w.kernel.shape[0] as number) - Hout;
  if (I < 1) {
    throw new ShapeError(
      `${where}: kernel expected [I + ${Hout}, ${4 * H}] with I >= 1 (x rows then h rows), got ${formatShape(w.kernel.shape)}`,
    );
  }
  return tidy(() => {
    const [xRows, hRows] = tf.split(w.kernel, [I, Hout], 0) as tf.Tensor2D[];
    return {
      kernel: ijfoToIfgo(xRows, 1),
      recurrentKernel: ijfoToIfgo(hRows, 1),
      bias: shiftForget(ijfoToIfgo(w.bias as tf.Tensor1D), forgetBias),
      recurrentBias: null,
      projection: w.projection ? (tf.clone(w.projection) as tf.Tensor2D) : null,
    };
  });
}

/**
 * Canonical -> TF1: one kernel (x rows then h rows), the two canonical biases summed, and
 * `forget_bias` subtracted from the forget block so that the cell adds it back at run time.
 * Without a canonical bias the TF1 bias is zeros minus `forget_bias` on the forget block.
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToTf1(w: LstmWeights, options: Tf1Options = {}, where = 'adapters.canonicalToTf1'): Tf1LstmWeights {
  expectRecord(w, 'weights', where);
  expectOptions(options, 'options', where);
  const forgetBias = checkOptions(options, where);
  const { hiddenSize: H } = lstmSizes(w, where);
  return tidy(() => {
    const bias = mergeBiases(w.bias, w.recurrentBias) ?? tf.zeros([4 * H]);
    return {
      kernel: ifgoToIjfo(tf.concat([w.kernel, w.recurrentKernel], 0), 1) as tf.Tensor2D,
      bias: ifgoToIjfo(shiftForget(bias as tf.Tensor1D, -forgetBias)),
      projection: w.projection ? tf.clone(w.projection) : null,
    };
  });
}
