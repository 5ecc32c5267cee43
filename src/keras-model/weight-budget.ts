/**
 * How much memory a layer will allocate when it is built, computed from its configuration and
 * input shape before tfjs-layers builds it: a hostile config (`Dense(units=1e9)`, an input of
 * 1e9 features) must end in an error, not in an allocation that takes the process down.
 *
 * Estimated tensors per class (elements): Dense `in·U + U`; Embedding `input_dim·output_dim`;
 * LSTM `4U(in + U + 1)` (+ `2·N·U` carried states when stateful), twice for Bidirectional;
 * Conv1D `k·in·filters + filters`; BatchNormalization / LayerNormalization `4·C` / `2·C`;
 * TimeDistributed: its inner layer. Layers without weights allocate nothing at build.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';

import { Bidirectional, LSTM } from '../layers';

/**
 * Throws when `requested` is above the cap `name` (a `SizeLimitError` naming it). The builder does
 * not know io's limits: the loaders in `src/io/` pass their `checkLimit` bound to the caller's
 * `IoLimits`.
 */
export type SizeCheck = (where: string, what: string, requested: number, name: 'maxTensorBytes' | 'maxTotalBytes') => void;

type AnyLayer = tfl.layers.Layer & Record<string, unknown>;

function dim(shape: Shape, axis: number): number {
  const d = shape[axis < 0 ? shape.length + axis : axis];
  return typeof d === 'number' ? d : 0;
}

function lstmSizes(layer: LSTM, features: number, batch: number): number[] {
  const U = layer.units;
  return [features * 4 * U, U * 4 * U, 4 * U, ...(layer.stateful ? [batch * U, batch * U] : [])];
}

/** The sizes (in elements) of the tensors `layer` allocates when built on `inputShape`. */
export function buildSizes(layer: tfl.layers.Layer, inputShape: Shape): number[] {
  const l = layer as AnyLayer;
  const last = dim(inputShape, -1);
  if (layer instanceof LSTM) return lstmSizes(layer, last, dim(inputShape, 0));
  if (layer instanceof Bidirectional) {
    return [...lstmSizes(layer.forwardLayer, last, dim(inputShape, 0)), ...lstmSizes(layer.backwardLayer, last, dim(inputShape, 0))];
  }
  switch (layer.getClassName()) {
    case 'Dense':
      return [last * (l.units as number), l.units as number];
    case 'Embedding':
      return [(l.inputDim as number) * (l.outputDim as number)];
    case 'Conv1D': {
      const k = Array.isArray(l.kernelSize) ? (l.kernelSize as number[])[0] : (l.kernelSize as number);
      const channels = l.dataFormat === 'channelsFirst' ? dim(inputShape, 1) : last;
      return [k * channels * (l.filters as number), l.filters as number];
    }
    case 'BatchNormalization':
    case 'LayerNormalization': {
      const axes = Array.isArray(l.axis) ? (l.axis as number[]) : [l.axis as number];
      const c = axes.reduce((p, a) => p * Math.max(dim(inputShape, a), 1), 1);
      return new Array<number>(layer.getClassName() === 'BatchNormalization' ? 4 : 2).fill(c);
    }
    case 'TimeDistributed':
      return buildSizes(l.layer as tfl.layers.Layer, [inputShape[0], ...inputShape.slice(2)]);
    default:
      return [];
  }
}

/**
 * Checks the tensors a layer will allocate against the caps, and adds them to `total`.
 * @throws SizeLimitError naming the layer.
 */
export function checkBuildBudget(where: string, layer: tfl.layers.Layer, inputShape: Shape, checkSize: SizeCheck, total: { bytes: number }): void {
  const sizes = buildSizes(layer, inputShape);
  for (const n of sizes) checkSize(`${where}: layer '${layer.name}'`, 'a weight it would allocate (bytes)', n * 4, 'maxTensorBytes');
  total.bytes += sizes.reduce((a, n) => a + n * 4, 0);
  checkSize(`${where}: layer '${layer.name}'`, 'the weights of the model so far (bytes)', total.bytes, 'maxTotalBytes');
}
