/**
 * Whole-stack weights of the one-state kinds (GRU, vanilla RNN) between a PyTorch state dict
 * and Keras layer weight lists, through `convertGruWeights` / `convertRnnWeights` (one layer and
 * direction at a time). Used by `toKeras` / `toTorch`; the LSTM's counterpart is `./stacks`.
 *
 * Keras lists, per layer k: `[kernel (I, G·U), recurrent_kernel (U, G·U), bias?]` per direction
 * (forward, then backward), concatenated — what `layer.setWeights` / `getWeights` take. G = 3
 * (GRU, gate blocks z, r, h; bias (2, 3U): reset_after=True) or 1 (SimpleRNN, bias (U)).
 * PyTorch keys: `weight_ih_l{k}[_reverse]` (G·H, I), `weight_hh_l{k}[_reverse]` (G·H, H),
 * `bias_ih_l{k}[_reverse]`, `bias_hh_l{k}[_reverse]` (G·H); GRU rows r, z, n.
 */
import * as tf from '@tensorflow/tfjs-core';

import { convertGruWeights, convertRnnWeights } from './convert-cells';
import { KerasCellWeights, TorchCellWeights } from './conventions/cell-kinds';
import { torchLayerSuffix } from './stacks';

/** The one-state recurrent kinds. */
export type HiddenKind = 'GRU' | 'RNN';

function toKerasCell(kind: HiddenKind, w: TorchCellWeights): KerasCellWeights {
  return kind === 'GRU' ? convertGruWeights(w, 'torch', 'keras', { resetAfter: true }) : convertRnnWeights(w, 'torch', 'keras');
}

function toTorchCell(kind: HiddenKind, w: KerasCellWeights): TorchCellWeights {
  return kind === 'GRU' ? convertGruWeights(w, 'keras', 'torch') : convertRnnWeights(w, 'keras', 'torch');
}

/** PyTorch state dict -> per-layer Keras weight lists (new tensors; the caller disposes them). */
export function hiddenStateDictToKeras(
  kind: HiddenKind, stateDict: tf.NamedTensorMap, numLayers: number, numDirections: number,
): tf.Tensor[][] {
  const lists: tf.Tensor[][] = [];
  try {
    for (let k = 0; k < numLayers; k++) {
      const list: tf.Tensor[] = [];
      lists.push(list);
      for (let d = 0; d < numDirections; d++) {
        const s = torchLayerSuffix(k, d);
        const w = toKerasCell(kind, {
          weight_ih: stateDict[`weight_ih${s}`], weight_hh: stateDict[`weight_hh${s}`],
          bias_ih: stateDict[`bias_ih${s}`] ?? null, bias_hh: stateDict[`bias_hh${s}`] ?? null,
        });
        list.push(w.kernel, w.recurrent_kernel);
        if (w.bias) list.push(w.bias);
      }
    }
    return lists;
  } catch (e) {
    tf.dispose(lists.flat());
    throw e;
  }
}

/**
 * Per layer, per direction Keras weights `[kernel, recurrent_kernel, bias?]` -> a PyTorch state
 * dict (new tensors). With `bias`, a direction without one gets zeros (the same function).
 */
export function hiddenKerasToStateDict(kind: HiddenKind, layers: readonly (readonly (readonly tf.Tensor[])[])[], bias: boolean): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  try {
    layers.forEach((halves, k) =>
      halves.forEach(([kernel, recurrentKernel, b], d) => {
        const w = tf.tidy(() => {
          const units = recurrentKernel.shape[0];
          const zeros = kind === 'GRU' ? tf.zeros([2, 3 * units]) : tf.zeros([units]);
          const t = toTorchCell(kind, { kernel, recurrent_kernel: recurrentKernel, bias: b ?? (bias ? zeros : null) });
          return [t.weight_ih, t.weight_hh, ...(t.bias_ih && t.bias_hh ? [t.bias_ih, t.bias_hh] : [])];
        });
        const s = torchLayerSuffix(k, d);
        out[`weight_ih${s}`] = w[0];
        out[`weight_hh${s}`] = w[1];
        if (w.length === 4) {
          out[`bias_ih${s}`] = w[2];
          out[`bias_hh${s}`] = w[3];
        }
      }),
    );
    return out;
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
}
