/**
 * The weight forms the GRU and the vanilla RNN share with each other (and, minus the
 * projection, with the LSTM): PyTorch's, Keras's and ONNX's, written once over a cell kind.
 *
 * A kind says how many gate blocks G its stacked weights hold (GRU 3, RNN 1), and how its
 * canonical gate order (PyTorch's) maps to the order Keras and ONNX stack (GRU r, z, n <-> z, r, h
 * through `src/engine/gru-gates.ts`; the RNN has one block, nothing to reorder).
 *
 * Legend: I = input size, H = hidden size (Keras `units`), G = gate blocks, D = directions.
 *
 * | form | weights | layout |
 * |---|---|---|
 * | PyTorch | `weight_ih` (G·H, I), `weight_hh` (G·H, H), `bias_ih`, `bias_hh` (G·H) | rows in canonical order; canonical = transposes |
 * | Keras | `kernel` (I, G·H), `recurrent_kernel` (H, G·H), `bias` (G·H) or, GRU reset_after=True, (2, G·H) = input row, recurrent row | columns in Keras order |
 * | ONNX | `W` (D, G·H, I), `R` (D, G·H, H), `B` (D, 2·G·H) = Wb ‖ Rb | rows in Keras order |
 *
 * Every function here copies, transposes, splits and joins blocks only; the one arithmetic step
 * is `mergeBiases` (two biases -> Keras's one), which callers use only where it is exact.
 */
import * as tf from '@tensorflow/tfjs-core';

import { CellSizes, CellWeights, gruSizes, rnnSizes, rznToZrh, zrhToRzn } from '../../src/engine';
import { tidy } from '../../src/engine/internal';
import { ShapeError, formatShape } from '../../src/errors';
import { expectOptionalShape, expectRecord, expectShape, gateSize, mergeBiases } from '../checks';

/** A recurrent cell kind without extra weights, as the weight forms see it. */
export interface CellKind {
  /** For messages: `'GRU'`, `'RNN'`. */
  readonly name: string;
  /** G, the number of gate blocks along a stacked axis. */
  readonly gates: number;
  /** Canonical (PyTorch) gate order -> Keras / ONNX order along `axis`; a new tensor. */
  readonly toKerasOrder: (x: tf.Tensor, axis: number) => tf.Tensor;
  /** Keras / ONNX gate order -> canonical along `axis`; a new tensor. */
  readonly fromKerasOrder: (x: tf.Tensor, axis: number) => tf.Tensor;
  /** The engine's check of canonical weights of this kind. */
  readonly sizes: (w: CellWeights, where: string) => CellSizes;
}

/** The GRU: 3 blocks, canonical r, z, n, Keras / ONNX z, r, h. */
export const GRU_KIND: CellKind = {
  name: 'GRU',
  gates: 3,
  toKerasOrder: (x, axis) => rznToZrh(x, axis),
  fromKerasOrder: (x, axis) => zrhToRzn(x, axis),
  sizes: gruSizes,
};

/** The vanilla RNN: one block. */
export const RNN_KIND: CellKind = {
  name: 'RNN',
  gates: 1,
  toKerasOrder: (x) => tf.clone(x),
  fromKerasOrder: (x) => tf.clone(x),
  sizes: rnnSizes,
};

/** `'3H'` / `'H'` for messages. */
function stacked(kind: CellKind, h: string): string {
  return kind.gates === 1 ? h : `${kind.gates}${h}`;
}

/** The weights of one PyTorch layer and direction (keys without the `_l{k}` suffix). */
export interface TorchCellWeights {
  /** (G·H, I), gate blocks along the rows in canonical order. */
  readonly weight_ih: tf.Tensor;
  /** (G·H, H). */
  readonly weight_hh: tf.Tensor;
  /** (G·H); absent with `bias=False`. */
  readonly bias_ih?: tf.Tensor | null | undefined;
  /** (G·H); present exactly when `bias_ih` is. */
  readonly bias_hh?: tf.Tensor | null | undefined;
}

/**
 * PyTorch's two biases come together (both, or neither with `bias=False`).
 * @throws ShapeError naming the lone one.
 */
export function checkTorchBiasPair(biasIh: unknown, biasHh: unknown, where: string): void {
  if (!biasIh !== !biasHh) {
    throw new ShapeError(
      `${where}: bias_ih and bias_hh come together (both, or neither with bias=False), ` +
        `got only ${biasIh ? 'bias_ih' : 'bias_hh'}`,
    );
  }
}

/**
 * PyTorch's two biases from canonical ones: each copied, zeros for a missing one when the other
 * exists (the sum, and for a GRU the recurrent term, are unchanged), none without either.
 */
export function torchBiasPair(w: CellWeights, size: number): [tf.Tensor1D, tf.Tensor1D] | [null, null] {
  if (!w.bias && !w.recurrentBias) return [null, null];
  return [
    (w.bias ? tf.clone(w.bias) : tf.zeros([size])) as tf.Tensor1D,
    (w.recurrentBias ? tf.clone(w.recurrentBias) : tf.zeros([size])) as tf.Tensor1D,
  ];
}

/**
 * PyTorch -> canonical: transposes and copies.
 * @throws ShapeError naming the weight, expected and received shapes (or a lone bias).
 */
export function torchCellToCanonical(kind: CellKind, w: TorchCellWeights, where: string): CellWeights {
  expectRecord(w, 'weights', where);
  expectShape(w.weight_ih, [null, null], 'weight_ih', where);
  const H = gateSize(w.weight_ih, 0, kind.gates, 'weight_ih', stacked(kind, 'H'), where);
  const GH = kind.gates * H;
  expectShape(w.weight_hh, [GH, H], 'weight_hh', where);
  expectOptionalShape(w.bias_ih, [GH], 'bias_ih', where);
  expectOptionalShape(w.bias_hh, [GH], 'bias_hh', where);
  checkTorchBiasPair(w.bias_ih, w.bias_hh, where);
  return tidy(() => ({
    kernel: tf.transpose(w.weight_ih) as tf.Tensor2D,
    recurrentKernel: tf.transpose(w.weight_hh) as tf.Tensor2D,
    bias: w.bias_ih ? (tf.clone(w.bias_ih) as tf.Tensor1D) : null,
    recurrentBias: w.bias_hh ? (tf.clone(w.bias_hh) as tf.Tensor1D) : null,
  }));
}

/**
 * Canonical -> PyTorch: transposes and copies (see {@link torchBiasPair}).
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToTorchCell(kind: CellKind, w: CellWeights, where: string): TorchCellWeights {
  expectRecord(w, 'weights', where);
  const { hiddenSize: H } = kind.sizes(w, where);
  return tidy(() => {
    const [biasIh, biasHh] = torchBiasPair(w, kind.gates * H);
    return {
      weight_ih: tf.transpose(w.kernel) as tf.Tensor2D,
      weight_hh: tf.transpose(w.recurrentKernel) as tf.Tensor2D,
      bias_ih: biasIh,
      bias_hh: biasHh,
    };
  });
}

/** The weights of one Keras layer (or one direction of a `Bidirectional`). */
export interface KerasCellWeights {
  /** (I, G·U), gate blocks along the columns in Keras order. */
  readonly kernel: tf.Tensor;
  /** (U, G·U). */
  readonly recurrent_kernel: tf.Tensor;
  /** (G·U), or (2, G·U) (input row, recurrent row) for a GRU with reset_after=True; absent with `use_bias=False`. */
  readonly bias?: tf.Tensor | null | undefined;
}

/**
 * Keras -> canonical: gate blocks reordered; a (G·U) bias becomes `bias`, the two rows of a
 * (2, G·U) one (allowed when `twoRows`) `bias` and `recurrentBias`.
 * @throws ShapeError naming the weight, expected and received shapes.
 */
export function kerasCellToCanonical(kind: CellKind, w: KerasCellWeights, twoRows: boolean, where: string): CellWeights {
  expectRecord(w, 'weights', where);
  expectShape(w.kernel, [null, null], 'kernel', where);
  const U = gateSize(w.kernel, 1, kind.gates, 'kernel', stacked(kind, 'U'), where);
  const GU = kind.gates * U;
  expectShape(w.recurrent_kernel, [U, GU], 'recurrent_kernel', where);
  if (twoRows && w.bias instanceof tf.Tensor && w.bias.rank !== 1) {
    if (w.bias.rank !== 2 || w.bias.shape[0] !== 2 || w.bias.shape[1] !== GU) {
      throw new ShapeError(`${where}: bias expected [${GU}] or [2, ${GU}], got ${formatShape(w.bias.shape)}`);
    }
    expectShape(w.bias, [2, GU], 'bias', where);
  } else expectOptionalShape(w.bias, [GU], 'bias', where);
  const bias = w.bias;
  return tidy(() => {
    const rows = bias && bias.rank === 2 ? tf.unstack(bias) : bias ? [bias] : [];
    return {
      kernel: kind.fromKerasOrder(w.kernel, 1) as tf.Tensor2D,
      recurrentKernel: kind.fromKerasOrder(w.recurrent_kernel, 1) as tf.Tensor2D,
      bias: rows[0] ? (kind.fromKerasOrder(rows[0], 0) as tf.Tensor1D) : null,
      recurrentBias: rows[1] ? (kind.fromKerasOrder(rows[1], 0) as tf.Tensor1D) : null,
    };
  });
}

/**
 * Canonical -> Keras: gate blocks reordered; with `twoRows` the bias is (2, G·U) (input row,
 * recurrent row, zeros for a missing one), else the two canonical biases merged into one
 * (`mergeBiases`: exact only where the step adds them, which the caller guarantees).
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToKerasCell(kind: CellKind, w: CellWeights, twoRows: boolean, where: string): KerasCellWeights {
  expectRecord(w, 'weights', where);
  kind.sizes(w, where);
  return tidy(() => {
    let bias: tf.Tensor | null;
    if (twoRows) {
      const pair = torchBiasPair(w, w.kernel.shape[1]);
      bias = pair[0] ? tf.stack(pair.map((b) => kind.toKerasOrder(b as tf.Tensor1D, 0))) : null;
    } else {
      const merged = mergeBiases(w.bias, w.recurrentBias);
      bias = merged ? kind.toKerasOrder(merged, 0) : null;
    }
    return {
      kernel: kind.toKerasOrder(w.kernel, 1),
      recurrent_kernel: kind.toKerasOrder(w.recurrentKernel, 1),
      bias,
    };
  });
}

/** The weight inputs of an ONNX `GRU` / `RNN` node. */
export interface OnnxCellWeights {
  /** (D, G·H, I), gate blocks along the rows in Keras order (z, r, h for a GRU). */
  readonly W: tf.Tensor;
  /** (D, G·H, H). */
  readonly R: tf.Tensor;
  /** (D, 2·G·H) = Wb ‖ Rb; optional. */
  readonly B?: tf.Tensor | null | undefined;
}

/**
 * ONNX -> canonical, one entry per direction (0 forward, 1 reverse). Without `B` no bias.
 * @throws ShapeError naming the input, expected and received shapes.
 */
export function onnxCellToCanonical(kind: CellKind, w: OnnxCellWeights, where: string): CellWeights[] {
  expectRecord(w, 'weights', where);
  expectShape(w.W, [null, null, null], 'W', where);
  const D = w.W.shape[0];
  const gh = stacked(kind, 'H');
  if (D !== 1 && D !== 2) throw new ShapeError(`${where}: W expected [1 or 2, ${gh}, I], got ${formatShape(w.W.shape)}`);
  const H = gateSize(w.W, 1, kind.gates, 'W', `${kind.gates === 1 ? '' : `${kind.gates} * `}hidden_size`, where);
  const GH = kind.gates * H;
  expectShape(w.R, [D, GH, H], 'R', where);
  expectOptionalShape(w.B, [D, 2 * GH], 'B', where);
  const B = w.B;
  return tidy(() => {
    const Ws = tf.unstack(w.W);
    const Rs = tf.unstack(w.R);
    const Bs = B ? tf.unstack(B) : [];
    return Ws.map((Wd, d) => {
      const [wb, rb] = Bs[d] ? tf.split(Bs[d], 2) : [null, null];
      return {
        kernel: kind.fromKerasOrder(tf.transpose(Wd), 1) as tf.Tensor2D,
        recurrentKernel: kind.fromKerasOrder(tf.transpose(Rs[d]), 1) as tf.Tensor2D,
        bias: wb ? (kind.fromKerasOrder(wb, 0) as tf.Tensor1D) : null,
        recurrentBias: rb ? (kind.fromKerasOrder(rb, 0) as tf.Tensor1D) : null,
      };
    });
  });
}

/**
 * Canonical (one or two directions) -> ONNX. `B` is written when any direction has a bias
 * (zeros for a missing one: Wb ‖ Rb keep the canonical biases apart).
 * @throws ShapeError for a direction count other than 1 or 2, or directions of other sizes.
 */
export function canonicalToOnnxCell(kind: CellKind, directions: readonly CellWeights[], where: string): OnnxCellWeights {
  if (!Array.isArray(directions) || (directions.length !== 1 && directions.length !== 2)) {
    throw new ShapeError(`${where}: directions expected a list of 1 or 2 canonical weights, got ${Array.isArray(directions) ? directions.length : typeof directions}`);
  }
  const sizes = directions.map((w, d) => {
    expectRecord(w, `directions[${d}]`, where);
    return kind.sizes(w, `${where}: directions[${d}]`);
  });
  if (sizes.length === 2 && (sizes[0].inputSize !== sizes[1].inputSize || sizes[0].hiddenSize !== sizes[1].hiddenSize)) {
    throw new ShapeError(
      `${where}: directions expected equal sizes, got (I ${sizes[0].inputSize}, H ${sizes[0].hiddenSize}) and ` +
        `(I ${sizes[1].inputSize}, H ${sizes[1].hiddenSize})`,
    );
  }
  const GH = kind.gates * sizes[0].hiddenSize;
  const withBias = directions.some((w) => w.bias || w.recurrentBias);
  return tidy(() => ({
    W: tf.stack(directions.map((w) => kind.toKerasOrder(tf.transpose(w.kernel), 0))),
    R: tf.stack(directions.map((w) => kind.toKerasOrder(tf.transpose(w.recurrentKernel), 0))),
    B: withBias
      ? tf.stack(directions.map((w) => {
        const [wb, rb] = [w.bias ?? tf.zeros([GH]), w.recurrentBias ?? tf.zeros([GH])];
        return tf.concat([kind.toKerasOrder(wb, 0), kind.toKerasOrder(rb, 0)]);
      }))
      : null,
  }));
}
