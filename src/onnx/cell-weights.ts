/**
 * The weight inputs of ONNX's recurrent operators (`LSTM`, `GRU`, `RNN`), to and from the
 * engine's canonical form, for every kind in one place: a kind is its number of gate blocks G
 * and the permutation between ONNX's gate order and the engine's. `./lstm-weights` adds the
 * LSTM's own checks (projection, peepholes) on top of it.
 *
 * Legend: D = num_directions (2 for `direction="bidirectional"`, else 1), I = input size,
 * H = `hidden_size`, G = gate blocks (LSTM 4, GRU 3, RNN 1).
 *
 * | kind | `W` | `R` | `B` | ONNX gate order | canonical order |
 * |---|---|---|---|---|---|
 * | `LSTM` | (D, 4H, I) | (D, 4H, H) | (D, 8H) = Wb ‖ Rb | i, o, f, c | i, f, g, o |
 * | `GRU` | (D, 3H, I) | (D, 3H, H) | (D, 6H) = Wb ‖ Rb | z, r, h | r, z, n (PyTorch's) |
 * | `RNN` | (D, H, I) | (D, H, H) | (D, 2H) = Wb ‖ Rb | — | — |
 *
 * Direction index 0 is the forward pass and 1 the reverse pass of a bidirectional node. `B` is
 * optional (zeros when absent). Canonical per direction d: `kernel = toCanonical(W[d])^T`,
 * `recurrentKernel = toCanonical(R[d])^T`, `bias = toCanonical(Wb[d])`,
 * `recurrentBias = toCanonical(Rb[d])` — copies of blocks only, exact both ways.
 *
 * The GRU's `linear_before_reset` attribute is not a weight: 1 is the engine's
 * `resetAfter: true` (PyTorch), 0 is `resetAfter: false` (Keras reset_after=False); the same
 * W, R, B either way (for reset before, the recurrent bias of the candidate `Rbh` is added
 * after the reset product, as in the engine).
 */
import * as tf from '@tensorflow/tfjs-core';

import { CellSizes, CellWeights, gruSizes, ifgoToIofc, iofcToIfgo, lstmSizes, rnnSizes, rznToZrh, zrhToRzn } from '../engine';
import { ShapeError } from '../errors';
import { describeValue } from '../engine/internal';

/** An ONNX recurrent operator. */
export type OnnxCellKind = 'LSTM' | 'GRU' | 'RNN';

/** The weight inputs of one ONNX recurrent node (peepholes are the LSTM's, `./lstm-weights`). */
export interface OnnxCellWeights {
  /** (D, G·H, I), gates in ONNX's order along axis 1. */
  readonly W: tf.Tensor;
  /** (D, G·H, H). */
  readonly R: tf.Tensor;
  /** (D, 2·G·H) = Wb ‖ Rb; absent means zeros. */
  readonly B?: tf.Tensor | null | undefined;
}

interface KindSpec {
  readonly gates: number;
  readonly toOnnx: <T extends tf.Tensor>(x: T, axis?: number) => T;
  readonly toCanonical: <T extends tf.Tensor>(x: T, axis?: number) => T;
  readonly sizes: (w: CellWeights, where: string) => CellSizes;
}

const same = <T extends tf.Tensor>(x: T): T => tf.clone(x);

/** Per kind: gate blocks, permutations, sizes check. */
export const ONNX_CELL_KINDS: Readonly<Record<OnnxCellKind, KindSpec>> = {
  LSTM: { gates: 4, toOnnx: ifgoToIofc, toCanonical: iofcToIfgo, sizes: lstmSizes },
  GRU: { gates: 3, toOnnx: rznToZrh, toCanonical: zrhToRzn, sizes: gruSizes },
  RNN: { gates: 1, toOnnx: same, toCanonical: same, sizes: rnnSizes },
};

/** `tf.tidy` for results with `null` entries (kept tensors: every one reachable from the result). */
export function tidyNullable<T>(fn: () => T): T {
  return tf.tidy(fn as () => tf.TensorContainer) as T;
}

/**
 * ONNX -> canonical, one entry per direction, for inputs whose shapes are already checked
 * (`W` (D, G·H, I), `R` (D, G·H, H), `B` (D, 2·G·H) or absent). Without `B` the canonical
 * weights have no bias.
 */
export function onnxCellWeightsToCanonical(kind: OnnxCellKind, w: OnnxCellWeights): CellWeights[] {
  const { toCanonical } = ONNX_CELL_KINDS[kind];
  return tidyNullable(() => {
    const Ws = tf.unstack(w.W) as tf.Tensor2D[];
    const Rs = tf.unstack(w.R) as tf.Tensor2D[];
    const Bs = w.B ? (tf.unstack(w.B) as tf.Tensor1D[]) : null;
    return Ws.map((Wd, d) => {
      let bias: tf.Tensor1D | null = null;
      let recurrentBias: tf.Tensor1D | null = null;
      if (Bs) {
        const [Wb, Rb] = tf.split(Bs[d], 2) as tf.Tensor1D[];
        bias = toCanonical(Wb);
        recurrentBias = toCanonical(Rb);
      }
      return {
        kernel: tf.transpose(toCanonical(Wd, 0)) as tf.Tensor2D,
        recurrentKernel: tf.transpose(toCanonical(Rs[d], 0)) as tf.Tensor2D,
        bias,
        recurrentBias,
      };
    });
  });
}

/**
 * Canonical -> ONNX for one node: pass one direction, or `[forward, reverse]` for a
 * bidirectional node. `B` is present when any direction has a bias (missing ones are zeros).
 * @throws ShapeError when the directions' sizes differ, are inconsistent, or there are not 1 or 2 of them.
 */
export function canonicalToOnnxCellWeights(kind: OnnxCellKind, directions: readonly CellWeights[], where: string): { W: tf.Tensor3D; R: tf.Tensor3D; B: tf.Tensor2D | null } {
  if (!Array.isArray(directions) || (directions.length !== 1 && directions.length !== 2)) {
    const got = Array.isArray(directions) ? String(directions.length) : describeValue(directions);
    throw new ShapeError(`${where}: directions expected 1 or 2 sets of weights, got ${got}`);
  }
  const spec = ONNX_CELL_KINDS[kind];
  const sizes = directions.map((w, d) => spec.sizes(w, `${where} (direction ${d})`));
  const [first] = sizes;
  if (sizes.some((s) => s.inputSize !== first.inputSize || s.hiddenSize !== first.hiddenSize)) {
    throw new ShapeError(
      `${where}: both directions must have the same sizes, got (I, H) = ` +
        sizes.map((s) => `(${s.inputSize}, ${s.hiddenSize})`).join(' and '),
    );
  }
  const GH = spec.gates * first.hiddenSize;
  const withBias = directions.some((w) => w.bias || w.recurrentBias);
  return tidyNullable(() => {
    const W = tf.stack(directions.map((w) => spec.toOnnx(tf.transpose(w.kernel), 0))) as tf.Tensor3D;
    const R = tf.stack(directions.map((w) => spec.toOnnx(tf.transpose(w.recurrentKernel), 0))) as tf.Tensor3D;
    const B = withBias
      ? (tf.stack(directions.map((w) => tf.concat([spec.toOnnx(w.bias ?? tf.zeros([GH])), spec.toOnnx(w.recurrentBias ?? tf.zeros([GH]))]))) as tf.Tensor2D)
      : null;
    return { W, R, B };
  });
}
