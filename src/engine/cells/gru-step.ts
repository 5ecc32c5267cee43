/**
 * The GRU cell's one-step part for the stepper machinery (`../stepper`): prepared weights and
 * a step with tfjs kernels called directly (`./step-kernels`).
 *
 * Prepared once per layer (equations and gate order r, z, n in `./gru-cell`):
 * `W_rz = [kernel; recurrentKernel]` restricted to the r, z columns (I + H, 2H) with the summed
 * biases; for the candidate, reset after: `kernel_n (I, H)`, `recurrentKernel_n (H, H)` and their
 * own biases; reset before: `[kernel_n; recurrentKernel_n]` (I + H, H) with the summed biases.
 * A step: one product with σ fused in (sigmoid/relu/elu...) and one split for r and z, the
 * candidate's products (two, or one on `[x, r ⊙ h]`), and the cell arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';

import type { ActivationName } from '../activations';
import type { CellSizes } from '../cell';
import type { StepCell } from '../stepper';
import { GRU_CELL, GruWeights } from './gru-cell';
import { activate, activatedProduct, presentTensors, run } from './step-kernels';

/** The activations and form of a GRU stepper. */
export interface GruStepConfig {
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  /** See `./gru-cell`. */
  readonly resetAfter: boolean;
}

/** The prepared weights of one GRU layer. */
export interface PreparedGruLayer {
  /** (1, I + H, 2H) */
  readonly wRz: tf.Tensor3D;
  readonly bRz: tf.Tensor1D | undefined;
  /** Reset before: (1, I + H, H); reset after: kernel_n (1, I, H). */
  readonly wN: tf.Tensor3D;
  readonly bN: tf.Tensor1D | undefined;
  /** Reset after: recurrentKernel_n (1, H, H) and recurrentBias_n; else null. */
  readonly hN: tf.Tensor3D | null;
  readonly hbN: tf.Tensor1D | undefined;
  readonly sizes: CellSizes;
  readonly config: GruStepConfig;
}

type Tensors = Omit<PreparedGruLayer, 'sizes' | 'config'>;

function tensorsOf(p: Tensors): tf.Tensor[] {
  return presentTensors([p.wRz, p.bRz, p.wN, p.bN, p.hN, p.hbN]);
}

function prepare(w: GruWeights, sizes: CellSizes, config: GruStepConfig): PreparedGruLayer {
  const tensors = tf.tidy(() => {
    const { inputSize: I, hiddenSize: H } = sizes;
    const stacked = tf.concat([w.kernel, w.recurrentKernel], 0);
    const [wRz, wN] = tf.split(stacked, [2 * H, H], 1);
    const b1 = w.bias ?? null;
    const b2 = w.recurrentBias ?? null;
    const summed = b1 && b2 ? tf.add(b1, b2) : b1 ?? b2;
    const rzBias = summed ? (tf.slice(summed, [0], [2 * H]) as tf.Tensor1D) : undefined;
    const slice = (b: tf.Tensor | null) => (b ? (tf.slice(b, [2 * H], [H]) as tf.Tensor1D) : undefined);
    const prepared: Tensors = config.resetAfter
      ? {
          wRz: tf.reshape(wRz, [1, I + H, 2 * H]) as tf.Tensor3D, bRz: rzBias,
          wN: tf.reshape(tf.slice(w.kernel, [0, 2 * H], [I, H]), [1, I, H]) as tf.Tensor3D, bN: slice(b1),
          hN: tf.reshape(tf.slice(w.recurrentKernel, [0, 2 * H], [H, H]), [1, H, H]) as tf.Tensor3D, hbN: slice(b2),
        }
      : {
          wRz: tf.reshape(wRz, [1, I + H, 2 * H]) as tf.Tensor3D, bRz: rzBias,
          wN: tf.reshape(wN, [1, I + H, H]) as tf.Tensor3D, bN: slice(summed), hN: null, hbN: undefined,
        };
    tensorsOf(prepared).forEach((t) => tf.keep(t));
    return prepared as unknown as tf.TensorContainer;
  }) as unknown as Tensors;
  return { ...tensors, sizes, config };
}

function step(p: PreparedGruLayer, input: tf.Tensor, state: readonly tf.Tensor[], N: number, t: (x: tf.Tensor) => tf.Tensor): tf.Tensor2D[] {
  const { inputSize: I, hiddenSize: H } = p.sizes;
  const { activation, recurrentActivation } = p.config;
  const [h] = state;
  const h3 = t(run(tf.Reshape, { x: h }, { shape: [1, N, H] }));
  const xh = t(run(tf.Reshape, { x: t(run(tf.Concat, [input, h], { axis: 1 })) }, { shape: [1, N, I + H] }));
  const rz = activatedProduct(xh, p.wRz, p.bRz, recurrentActivation, t);
  const [r, z] = (run(tf.SplitV, { x: rz }, { numOrSizeSplits: [H, H], axis: 2 }) as unknown as tf.Tensor[]).map(t);
  let n: tf.Tensor;
  if (p.hN) {
    const x3 = t(run(tf.Reshape, { x: input }, { shape: [1, N, I] }));
    const linear = (a: tf.Tensor, w: tf.Tensor3D, bias: tf.Tensor1D | undefined) => activatedProduct(a, w, bias, 'linear', t);
    const hn = linear(h3, p.hN, p.hbN);
    const pre = t(run(tf.Add, { a: linear(x3, p.wN, p.bN), b: t(run(tf.Multiply, { a: r, b: hn })) }));
    n = t(activate(activation, pre));
  } else {
    const rh = t(run(tf.Multiply, { a: r, b: h3 }));
    const x3 = t(run(tf.Reshape, { x: input }, { shape: [1, N, I] }));
    n = activatedProduct(t(run(tf.Concat, [x3, rh], { axis: 2 })), p.wN, p.bN, activation, t);
  }
  // h_t = n + z ⊙ (h_{t-1} − n)
  const hNew = t(run(tf.Add, { a: n, b: t(run(tf.Multiply, { a: z, b: t(run(tf.Sub, { a: h3, b: n })) })) }));
  return [run(tf.Reshape, { x: hNew }, { shape: [N, H] }) as tf.Tensor2D];
}

/** The GRU cell's one-step part. */
export const GRU_STEP: StepCell<GruWeights, PreparedGruLayer, GruStepConfig> = {
  gates: GRU_CELL.gates,
  stateNames: GRU_CELL.stateNames,
  sizes: GRU_CELL.sizes,
  stateSizes: GRU_CELL.stateSizes,
  prepare,
  step,
  release: (p) => tf.dispose(tensorsOf(p)),
};
