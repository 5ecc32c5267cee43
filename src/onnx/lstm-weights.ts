/**
 * The ONNX `LSTM` operator's weight inputs, to and from the engine's canonical form: the one
 * converter, used by the graph builder (`./lstm-graph`), by `adapters.canonicalToOnnx` /
 * `adapters.onnxToCanonical` and by the ONNX reader. One ONNX node is one layer with all its
 * directions in each tensor.
 *
 * Legend: D = num_directions (2 for `direction="bidirectional"`, else 1), I = input size,
 * H = `hidden_size`.
 *
 * | input | shape | layout |
 * |---|---|---|
 * | `W` | (D, 4H, I) | rows `W_i ‖ W_o ‖ W_f ‖ W_c` (gate order **i, o, f, c**) |
 * | `R` | (D, 4H, H) | rows `R_i ‖ R_o ‖ R_f ‖ R_c` |
 * | `B` | (D, 8H) | `Wb_iofc ‖ Rb_iofc`; optional (zeros when absent) |
 * | `P` | (D, 3H) | peepholes `P_i ‖ P_o ‖ P_f`; optional |
 *
 * Direction index 0 is the forward pass and 1 the reverse pass of a bidirectional node; a node
 * with `direction="reverse"` has D = 1 and its only direction is the reverse one.
 *
 * Canonical per direction d: `kernel = iofcToIfgo(W[d])^T`, `recurrentKernel = iofcToIfgo(R[d])^T`,
 * `bias = iofcToIfgo(Wb[d])`, `recurrentBias = iofcToIfgo(Rb[d])` — copies only, exact both ways.
 * Not expressible: a projection (ONNX has no `proj_size`), and nonzero peepholes (refused by
 * `adapters.onnxToCanonical`, which checks the shapes before calling {@link onnxWeightsToCanonical}).
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmWeights, ifgoToIofc, iofcToIfgo, lstmSizes } from '../engine';
import { ShapeError, UnsupportedConversionError, formatShape } from '../errors';
import { describeValue } from '../engine/internal';

/** The weight inputs of one ONNX `LSTM` node. */
export interface OnnxLstmWeights {
  /** (D, 4H, I), gates i, o, f, c along axis 1. */
  readonly W: tf.Tensor;
  /** (D, 4H, H). */
  readonly R: tf.Tensor;
  /** (D, 8H) = Wb ‖ Rb, each i, o, f, c; absent means zeros. */
  readonly B?: tf.Tensor | null | undefined;
  /** (D, 3H) peepholes i, o, f; absent means none. */
  readonly P?: tf.Tensor | null | undefined;
}

/** `tf.tidy` for results with `null` entries (kept tensors: every one reachable from the result). */
function tidy<T>(fn: () => T): T {
  return tf.tidy(fn as () => tf.TensorContainer) as T;
}

/**
 * ONNX -> canonical, one entry per direction, for inputs whose shapes are already checked
 * (`W` (D, 4H, I), `R` (D, 4H, H), `B` (D, 8H) or absent). Without `B` the canonical weights
 * have no bias. Peepholes are not looked at.
 */
export function onnxWeightsToCanonical(w: OnnxLstmWeights): LstmWeights[] {
  return tidy(() => {
    const Ws = tf.unstack(w.W) as tf.Tensor2D[];
    const Rs = tf.unstack(w.R) as tf.Tensor2D[];
    const Bs = w.B ? (tf.unstack(w.B) as tf.Tensor1D[]) : null;
    return Ws.map((W_iofc, d) => {
      let bias: tf.Tensor1D | null = null;
      let recurrentBias: tf.Tensor1D | null = null;
      if (Bs) {
        const [Wb_iofc, Rb_iofc] = tf.split(Bs[d], 2) as tf.Tensor1D[];
        bias = iofcToIfgo(Wb_iofc);
        recurrentBias = iofcToIfgo(Rb_iofc);
      }
      return {
        kernel: tf.transpose(iofcToIfgo(W_iofc, 0)) as tf.Tensor2D,
        recurrentKernel: tf.transpose(iofcToIfgo(Rs[d], 0)) as tf.Tensor2D,
        bias,
        recurrentBias,
        projection: null,
      };
    });
  });
}

/**
 * Canonical -> ONNX for one node: pass one direction, or `[forward, reverse]` for a
 * bidirectional node. `B` is present when any direction has a bias (missing ones are zeros).
 * @throws UnsupportedConversionError for a projection (ONNX has no `proj_size`).
 * @throws ShapeError when the directions' sizes differ or there are not 1 or 2 of them.
 */
export function canonicalToOnnx(directions: readonly LstmWeights[], where = 'adapters.canonicalToOnnx'): OnnxLstmWeights {
  if (!Array.isArray(directions) || (directions.length !== 1 && directions.length !== 2)) {
    const got = Array.isArray(directions) ? String(directions.length) : describeValue(directions);
    throw new ShapeError(`${where}: directions expected 1 or 2 sets of weights, got ${got}`);
  }
  const sizes = directions.map((w, d) => lstmSizes(w, `${where} (direction ${d})`));
  directions.forEach((w, d) => {
    if (w.projection) {
      throw new UnsupportedConversionError(
        `${where}: direction ${d} has a projection ${formatShape(w.projection.shape)} (PyTorch proj_size); ` +
          'the ONNX LSTM operator has none, so it cannot be expressed exactly',
      );
    }
  });
  const [first] = sizes;
  if (sizes.some((s) => s.inputSize !== first.inputSize || s.hiddenSize !== first.hiddenSize)) {
    throw new ShapeError(
      `${where}: both directions must have the same sizes, got (I, H) = ` +
        sizes.map((s) => `(${s.inputSize}, ${s.hiddenSize})`).join(' and '),
    );
  }
  const H = first.hiddenSize;
  const withBias = directions.some((w) => w.bias || w.recurrentBias);
  return tidy(() => {
    const W = tf.stack(directions.map((w) => ifgoToIofc(tf.transpose(w.kernel), 0))) as tf.Tensor3D;
    const R = tf.stack(directions.map((w) => ifgoToIofc(tf.transpose(w.recurrentKernel), 0))) as tf.Tensor3D;
    const B = withBias
      ? (tf.stack(
          directions.map((w) =>
            tf.concat([
              ifgoToIofc(w.bias ?? tf.zeros([4 * H])),
              ifgoToIofc(w.recurrentBias ?? tf.zeros([4 * H])),
            ]),
          ),
        ) as tf.Tensor2D)
      : null;
    return { W, R, B, P: null };
  });
}
