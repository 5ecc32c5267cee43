/**
 * The PyTorch, Keras and ONNX conventions of one GRU layer and direction, to and from the
 * engine's canonical form (`src/engine/cells/gru-cell.ts`: kernel (I, 3H), recurrentKernel
 * (H, 3H), bias and recurrentBias (3H), gate blocks **r, z, n**). The machinery is shared with
 * the vanilla RNN (`./cell-kinds`); cuDNN and TF1 are `./gru-cudnn` and `./gru-tf1`.
 *
 * Legend: I = input size, H = hidden size (Keras `units` U), D = directions. h = n = candidate.
 *
 * | convention | key | shape | layout |
 * |---|---|---|---|
 * | PyTorch `nn.GRU` | `weight_ih` | (3H, I) | rows `W_ir ‖ W_iz ‖ W_in` |
 * | | `weight_hh` | (3H, H) | rows `W_hr ‖ W_hz ‖ W_hn` |
 * | | `bias_ih`, `bias_hh` | (3H) | r, z, n; `b_hn` sits inside `r ⊙ (W_hn h + b_hn)` |
 * | Keras `GRU` | `kernel` | (I, 3U) | columns z, r, h |
 * | | `recurrent_kernel` | (U, 3U) | columns z, r, h |
 * | | `bias` | reset_after=True: (2, 3U) | row 0 input bias, row 1 recurrent bias, each z, r, h |
 * | | | reset_after=False: (3U) | z, r, h (one bias: the step adds it outside the reset) |
 * | ONNX `GRU` | `W` | (D, 3H, I) | rows z, r, h |
 * | | `R` | (D, 3H, H) | rows z, r, h |
 * | | `B` | (D, 6H) | `Wb` (z, r, h) ‖ `Rb` (z, r, h) |
 *
 * Which reset the weights belong to is not in them (except Keras's bias shape): PyTorch and
 * Keras reset_after=True and ONNX `linear_before_reset=1` reset after the recurrent product,
 * Keras reset_after=False, tfjs-layers and ONNX `linear_before_reset=0` before. These functions
 * copy weights either way; `convertGruWeights` (`../convert-gru`) refuses to cross between the two.
 * Canonical -> Keras reset_after=False merges the two biases into one: exact for a reset-before
 * GRU (the step adds both outside the reset), wrong for a reset-after one (`b_hn` is multiplied by
 * r), which is why `canonicalToKerasGru` takes `resetAfter`.
 *
 * Example:
 * ```ts
 * const canonical = torchGruToCanonical({ weight_ih, weight_hh, bias_ih, bias_hh });
 * const keras = canonicalToKerasGru(canonical); // bias (2, 3U), reset_after=True
 * ```
 */
import { GruWeights } from '../../src/engine';
import { checkOneOfArg, checkTensorArg, expectOptions, expectRecord } from '../checks';
import {
  GRU_KIND, KerasCellWeights, OnnxCellWeights, TorchCellWeights, canonicalToKerasCell, canonicalToOnnxCell, canonicalToTorchCell,
  kerasCellToCanonical, onnxCellToCanonical, torchCellToCanonical,
} from './cell-kinds';

/** The weights of one PyTorch GRU layer and direction: (3H, I), (3H, H), two (3H) biases, rows r, z, n. */
export type TorchGruWeights = TorchCellWeights;
/** The weights of one Keras GRU layer (or one direction of a `Bidirectional`), columns z, r, h. */
export type KerasGruWeights = KerasCellWeights;
/** The weight inputs of an ONNX `GRU` node, rows z, r, h. */
export type OnnxGruWeights = OnnxCellWeights;

/** Options of {@link canonicalToKerasGru}. */
export interface KerasGruOptions {
  /** Keras `reset_after`: true (default) writes a (2, 3U) bias, false one (3U) bias (the two merged). */
  readonly resetAfter?: boolean;
}

/**
 * PyTorch -> canonical: transposes and copies, gate order unchanged (r, z, n).
 * @throws ShapeError naming the weight, expected and received shapes (or a lone bias).
 */
export function torchGruToCanonical(w: TorchGruWeights, where = 'adapters.torchGruToCanonical'): GruWeights {
  return torchCellToCanonical(GRU_KIND, w, where);
}

/**
 * Canonical -> PyTorch. A lone canonical bias goes with zeros beside it.
 * @throws ShapeError for inconsistent canonical weights.
 */
export function canonicalToTorchGru(w: GruWeights, where = 'adapters.canonicalToTorchGru'): TorchGruWeights {
  return canonicalToTorchCell(GRU_KIND, w, where);
}

/**
 * Keras `reset_after` as the bias shape tells it: (2, 3U) true, (3U) false, no bias `null`
 * (tf-keras tells the forms apart the same way).
 */
export function kerasGruResetAfter(w: KerasGruWeights, where = 'adapters.kerasGruResetAfter'): boolean | null {
  expectRecord(w, 'weights', where);
  if (w.bias !== undefined && w.bias !== null) checkTensorArg(w.bias, 'bias', where);
  return w.bias ? w.bias.rank === 2 : null;
}

/**
 * Keras -> canonical: z, r, h -> r, z, n; a (2, 3U) bias gives `bias` and `recurrentBias`, a (3U)
 * one `bias` alone.
 * @throws ShapeError naming the weight, expected and received shapes.
 */
export function kerasGruToCanonical(w: KerasGruWeights, where = 'adapters.kerasGruToCanonical'): GruWeights {
  return kerasCellToCanonical(GRU_KIND, w, true, where);
}

/**
 * Canonical -> Keras: r, z, n -> z, r, h; bias (2, 3U) with `resetAfter` (default), else one (3U)
 * bias, the two merged (exact only for a reset-before GRU: see the module doc).
 * @throws ShapeError for inconsistent canonical weights; ConfigError for bad options.
 */
export function canonicalToKerasGru(w: GruWeights, options: KerasGruOptions = {}, where = 'adapters.canonicalToKerasGru'): KerasGruWeights {
  expectOptions(options, 'options', where);
  const resetAfter = options.resetAfter ?? true;
  checkOneOfArg(resetAfter, [true, false], 'options.resetAfter', where);
  return canonicalToKerasCell(GRU_KIND, w, resetAfter, where);
}

/**
 * ONNX -> canonical, one entry per direction (0 forward, 1 reverse). Without `B` no bias.
 * @throws ShapeError naming the input, expected and received shapes.
 */
export function onnxGruToCanonical(w: OnnxGruWeights, where = 'adapters.onnxGruToCanonical'): GruWeights[] {
  return onnxCellToCanonical(GRU_KIND, w, where);
}

/**
 * Canonical, one or two directions -> ONNX `W`, `R`, `B` (B when any direction has a bias).
 * @throws ShapeError for another direction count or directions of other sizes.
 */
export function canonicalToOnnxGru(directions: readonly GruWeights[], where = 'adapters.canonicalToOnnxGru'): OnnxGruWeights {
  return canonicalToOnnxCell(GRU_KIND, directions, where);
}
