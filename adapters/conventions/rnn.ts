/**
 * The PyTorch, Keras and ONNX conventions of one vanilla RNN layer and direction, to and from
 * the engine's canonical form (`src/engine/cells/rnn-cell.ts`: kernel (I, H), recurrentKernel
 * (H, H), optional bias and recurrentBias (H), summed by the step). The machinery is the GRU's
 * (`./cell-kinds`) with one gate block, so there is no gate order to permute.
 *
 * Legend: I = input size, H = hidden size (Keras `units`), D = directions.
 *
 * | convention | key | shape | layout |
 * |---|---|---|---|
 * | PyTorch `nn.RNN` | `weight_ih`, `weight_hh` | (H, I), (H, H) | `h' = act(W_ih x + b_ih + W_hh h + b_hh)` |
 * | | `bias_ih`, `bias_hh` | (H) | absent with `bias=False` |
 * | Keras `SimpleRNN` | `kernel`, `recurrent_kernel` | (I, U), (U, U) | canonical layout |
 * | | `bias` | (U) | one bias |
 * | ONNX `RNN` | `W`, `R` | (D, H, I), (D, H, H) | |
 * | | `B` | (D, 2H) | `Wb ‖ Rb` |
 *
 * The activation (PyTorch `nonlinearity`, Keras `activation`, ONNX `activations`) is not a weight;
 * it travels with the layer's configuration. Canonical -> Keras sums the two biases: exact in the
 * function computed, since the step only uses their sum (a bias beside an all-zero one is copied
 * as is, so a single bias survives a trip through a two-bias convention bit for bit).
 *
 * Example:
 * ```ts
 * const keras = canonicalToKerasRnn(torchRnnToCanonical({ weight_ih, weight_hh, bias_ih, bias_hh }));
 * ```
 */
import { RnnWeights } from '../../src/engine';
import {
  KerasCellWeights, OnnxCellWeights, RNN_KIND, TorchCellWeights, canonicalToKerasCell, canonicalToOnnxCell, canonicalToTorchCell,
  kerasCellToCanonical, onnxCellToCanonical, torchCellToCanonical,
} from './cell-kinds';

/** The weights of one PyTorch `nn.RNN` layer and direction: (H, I), (H, H), two (H) biases. */
export type TorchRnnWeights = TorchCellWeights;
/** The weights of one Keras `SimpleRNN` layer: (I, U), (U, U), (U). */
export type KerasRnnWeights = KerasCellWeights;
/** The weight inputs of an ONNX `RNN` node: (D, H, I), (D, H, H), (D, 2H). */
export type OnnxRnnWeights = OnnxCellWeights;

/**
 * PyTorch -> canonical: transposes and copies.
 * @throws ShapeError naming the weight, expected and received shapes (or a lone bias).
 */
export function torchRnnToCanonical(w: TorchRnnWeights, where = 'adapters.torchRnnToCanonical'): RnnWeights {
  return torchCellToCanonical(RNN_KIND, w, where);
}

/**
 * Canonical -> PyTorch. A lone canonical bias goes with zeros beside it.
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToTorchRnn(w: RnnWeights, where = 'adapters.canonicalToTorchRnn'): TorchRnnWeights {
  return canonicalToTorchCell(RNN_KIND, w, where);
}

/**
 * Keras `SimpleRNN` -> canonical (copies; the bias becomes `bias`).
 * @throws ShapeError naming the weight, expected and received shapes.
 */
export function kerasRnnToCanonical(w: KerasRnnWeights, where = 'adapters.kerasRnnToCanonical'): RnnWeights {
  return kerasCellToCanonical(RNN_KIND, w, false, where);
}

/**
 * Canonical -> Keras `SimpleRNN`: copies, the two biases summed into one.
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToKerasRnn(w: RnnWeights, where = 'adapters.canonicalToKerasRnn'): KerasRnnWeights {
  return canonicalToKerasCell(RNN_KIND, w, false, where);
}

/**
 * ONNX `RNN` -> canonical, one entry per direction (0 forward, 1 reverse). Without `B` no bias.
 * @throws ShapeError naming the input, expected and received shapes.
 */
export function onnxRnnToCanonical(w: OnnxRnnWeights, where = 'adapters.onnxRnnToCanonical'): RnnWeights[] {
  return onnxCellToCanonical(RNN_KIND, w, where);
}

/**
 * Canonical, one or two directions -> ONNX `RNN` `W`, `R`, `B`.
 * @throws ShapeError for another direction count or directions of other sizes.
 */
export function canonicalToOnnxRnn(directions: readonly RnnWeights[], where = 'adapters.canonicalToOnnxRnn'): OnnxRnnWeights {
  return canonicalToOnnxCell(RNN_KIND, directions, where);
}
