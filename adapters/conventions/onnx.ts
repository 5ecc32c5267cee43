/**
 * The ONNX `LSTM` operator's weight inputs, to and from the engine's canonical form. The
 * converter and its table (shapes, gate order i, o, f, c, bias layout) are in
 * `src/onnx/lstm-weights.ts`; this module adds the adapters' shape checks on the way in.
 *
 * Not expressible, with {@link UnsupportedConversionError}: nonzero peepholes (the engine, PyTorch
 * and Keras have none; all-zero peepholes are accepted, they change nothing) and a projection
 * (ONNX has no `proj_size`). Attributes (`activations`, `clip`, `input_forget`, `layout`) are
 * checked by `onnxLstmAttributes` in `../onnx-attributes`.
 *
 * Example:
 * ```ts
 * const [forward, reverse] = onnxToCanonical({ W, R, B }); // bidirectional node
 * const { W: W2, R: R2, B: B2 } = canonicalToOnnx([forward, reverse]);
 * ```
 */
import { LstmWeights } from '../../src/engine';
import { ShapeError, UnsupportedConversionError, formatShape } from '../../src/errors';
import { OnnxLstmWeights, onnxWeightsToCanonical } from '../../src/onnx';
import { expectOptionalShape, expectRecord, expectShape, gateSize, isAllZero } from '../checks';

export { canonicalToOnnx } from '../../src/onnx';
export type { OnnxLstmWeights } from '../../src/onnx';

/**
 * ONNX -> canonical, one entry per direction (index 0 forward, 1 reverse for a bidirectional
 * node). Without `B` the canonical weights have no bias.
 * @throws UnsupportedConversionError for nonzero peepholes `P`.
 * @throws ShapeError naming the input, expected and received shapes.
 */
export function onnxToCanonical(w: OnnxLstmWeights, where = 'adapters.onnxToCanonical'): LstmWeights[] {
  expectRecord(w, 'weights', where);
  expectShape(w.W, [null, null, null], 'W', where);
  const D = w.W.shape[0];
  if (D !== 1 && D !== 2) throw new ShapeError(`${where}: W expected [1 or 2, 4H, I], got ${formatShape(w.W.shape)}`);
  const H = gateSize(w.W, 1, 4, 'W', '4 * hidden_size', where);
  expectShape(w.R, [D, 4 * H, H], 'R', where);
  expectOptionalShape(w.B, [D, 8 * H], 'B', where);
  expectOptionalShape(w.P, [D, 3 * H], 'P', where);
  if (w.P && !isAllZero(w.P)) {
    throw new UnsupportedConversionError(
      `${where}: P (peephole weights ${formatShape(w.P.shape)}) has nonzero values: the engine, ` +
        'PyTorch and Keras LSTMs have no peephole connections, so this node cannot be converted exactly',
    );
  }
  return onnxWeightsToCanonical(w);
}
