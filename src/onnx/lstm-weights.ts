/**
 * The ONNX `LSTM` operator's weight inputs, to and from the engine's canonical form: the one
 * converter (the LSTM's checks over the kinds' shared one, `./cell-weights`), used by the graph builder (`./lstm-graph`), by `adapters.canonicalToOnnx` /
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

import { LstmWeights, lstmSizes } from '../engine';
import { UnsupportedConversionError, formatShape } from '../errors';
import { canonicalToOnnxCellWeights, onnxCellWeightsToCanonical } from './cell-weights';

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

/**
 * ONNX -> canonical, one entry per direction, for inputs whose shapes are already checked
 * (`W` (D, 4H, I), `R` (D, 4H, H), `B` (D, 8H) or absent). Without `B` the canonical weights
 * have no bias. Peepholes are not looked at.
 */
export function onnxWeightsToCanonical(w: OnnxLstmWeights): LstmWeights[] {
  return onnxCellWeightsToCanonical('LSTM', w).map((d) => ({ ...d, projection: null }));
}

/**
 * Canonical -> ONNX for one node: pass one direction, or `[forward, reverse]` for a
 * bidirectional node. `B` is present when any direction has a bias (missing ones are zeros).
 * @throws UnsupportedConversionError for a projection (ONNX has no `proj_size`).
 * @throws ShapeError when the directions' sizes differ or there are not 1 or 2 of them.
 */
export function canonicalToOnnx(directions: readonly LstmWeights[], where = 'adapters.canonicalToOnnx'): OnnxLstmWeights {
  // The checks in the order they always ran: the count, every direction's sizes, then projections.
  if (Array.isArray(directions) && (directions.length === 1 || directions.length === 2)) {
    directions.forEach((w, d) => lstmSizes(w, `${where} (direction ${d})`));
    directions.forEach((w, d) => {
      if (w.projection) {
        throw new UnsupportedConversionError(
          `${where}: direction ${d} has a projection ${formatShape(w.projection.shape)} (PyTorch proj_size); ` +
            'the ONNX LSTM operator has none, so it cannot be expressed exactly',
        );
      }
    });
  }
  return { ...canonicalToOnnxCellWeights('LSTM', directions, where), P: null };
}
