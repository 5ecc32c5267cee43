/**
 * The vanilla RNN cell's one-step part for the stepper machinery (`../stepper`): prepared
 * `[kernel; recurrentKernel]` (I + H, H) and summed biases; a step is one product
 * `φ([x, h] @ W + b)` (φ fused in for relu, else one more kernel call).
 */
import * as tf from '@tensorflow/tfjs-core';

import type { ActivationName } from '../activations';
import type { CellSizes } from '../cell';
import type { StepCell } from '../stepper';
import { RNN_CELL, RnnWeights } from './rnn-cell';
import { activatedProduct, presentTensors, run } from './step-kernels';

/** The activation of an RNN stepper. */
export interface RnnStepConfig {
  readonly activation: ActivationName;
}

/** The prepared weights of one RNN layer. */
export interface PreparedRnnLayer {
  /** (1, I + H, H) */
  readonly w: tf.Tensor3D;
  readonly bias: tf.Tensor1D | undefined;
  readonly sizes: CellSizes;
  readonly config: RnnStepConfig;
}

/** The vanilla RNN cell's one-step part. */
export const RNN_STEP: StepCell<RnnWeights, PreparedRnnLayer, RnnStepConfig> = {
  gates: RNN_CELL.gates,
  stateNames: RNN_CELL.stateNames,
  sizes: RNN_CELL.sizes,
  stateSizes: RNN_CELL.stateSizes,
  prepare(w, sizes, config) {
    const { inputSize: I, hiddenSize: H } = sizes;
    const [stacked, bias] = tf.tidy(() => {
      const b1 = w.bias ?? null;
      const b2 = w.recurrentBias ?? null;
      const b = b1 && b2 ? tf.add(b1, b2) : b1 ?? b2;
      const stackedW = tf.reshape(tf.concat([w.kernel, w.recurrentKernel], 0), [1, I + H, H]);
      // Kept: a stepper may be prepared inside the caller's tidy (the facades' runner) and outlives it.
      return b ? [tf.keep(stackedW), tf.keep(tf.clone(b))] : [tf.keep(stackedW)];
    }) as [tf.Tensor3D, tf.Tensor1D?];
    return { w: stacked, bias: bias ?? undefined, sizes, config };
  },
  step(p, input, state, N, t) {
    const { inputSize: I, hiddenSize: H } = p.sizes;
    const xh = t(run(tf.Reshape, { x: t(run(tf.Concat, [input, state[0]], { axis: 1 })) }, { shape: [1, N, I + H] }));
    const h = activatedProduct(xh, p.w, p.bias, p.config.activation, t);
    return [run(tf.Reshape, { x: h }, { shape: [N, H] }) as tf.Tensor2D];
  },
  release: (p) => tf.dispose(presentTensors([p.w, p.bias])),
};
