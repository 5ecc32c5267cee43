/**
 * Fast-path building blocks shared by the cells (`./cells/*`): fused products, activations
 * tuned per backend, gate blocks and per-gate product plans.
 *
 * - **Fused gate products.** A gate `act([x_t, h_{t-1}] @ W_q + b_q)` runs as ONE tfjs
 *   `_FusedMatMul` kernel with the bias and, for sigmoid/relu/relu6/elu/linear, the activation
 *   fused in — no separate bias or activation kernels, and no split of a wide (N, G·H) tensor
 *   along its last axis (a JS element loop on the cpu backend, whole-tensor copies on wasm).
 * - **No transposed products**: every product has its weights on the right, untransposed.
 * - **tanh through sigmoid on wasm** (see {@link fastActivation}); for a gate, the factor 2 is
 *   folded into its weights and bias (exact: scaling by 2 is exact in binary floating point).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName, applyActivation } from './activations';
import { derivativeFromOutput } from './activation-grads';

/** Smallest tensor for which {@link fastActivation} computes tanh through sigmoid on wasm. */
export const TANH_VIA_SIGMOID_MIN_SIZE = 2048;

/** Scalar constants made once per call (a literal scalar costs a tensor upload per op). */
export interface Constants {
  readonly one: tf.Scalar;
  readonly two: tf.Scalar;
}

/** The constants of one call. */
export function makeConstants(): Constants {
  return { one: tf.scalar(1), two: tf.scalar(2) };
}

/** tanh x = 2·sigmoid(2x) − 1. */
export function tanhViaSigmoid(x: tf.Tensor, k: Constants = makeConstants()): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, k.two)), k.two), k.one);
}

/**
 * φ or σ for the fast path. Identical to `applyActivation` except `tanh` on the wasm backend,
 * computed as 2·sigmoid(2x) − 1: tfjs-wasm's Tanh kernel is scalar (~15 ns an element here)
 * while its Sigmoid is vectorized (~1 ns), and tanh is a quarter of the forward time at S2.
 * The two forms agree to float32 rounding (|Δ| ≤ 2.4e-7; tested).
 */
export function fastActivation(name: ActivationName, x: tf.Tensor, k?: Constants): tf.Tensor {
  // Below ~2k elements the three extra kernel calls cost more than the scalar tanh.
  if (name === 'tanh' && x.size >= TANH_VIA_SIGMOID_MIN_SIZE && tf.getBackend() === 'wasm') return tanhViaSigmoid(x, k);
  return applyActivation(name, x);
}

/** Per-gate blocks of a (rows, G·H) matrix or a (G·H) vector along the last axis. */
export function splitBlocks<T extends tf.Tensor>(w: T, blocks: number): T[] {
  return tf.split(w, blocks, w.rank - 1) as T[];
}

/** Per-gate blocks of a (rows, 4H) matrix or a (4H) vector, gate order i, f, g, o. */
export function gateBlocks<T extends tf.Tensor>(w: T): [T, T, T, T] {
  return splitBlocks(w, 4) as [T, T, T, T];
}

/** The activations `_FusedMatMul` applies itself (on every backend). */
export type FusedActivation = 'sigmoid' | 'relu' | 'relu6' | 'elu' | 'linear';

const FUSABLE: readonly ActivationName[] = ['sigmoid', 'relu', 'relu6', 'elu', 'linear'];

/** `act(a @ b + bias)` as one kernel call on rank-3 operands (no op-level reshapes). */
export function fusedProduct(a: tf.Tensor, b: tf.Tensor3D, bias: tf.Tensor1D | undefined, activation: FusedActivation): tf.Tensor3D {
  const inputs: tf.NamedTensorMap = bias ? { a, b, bias } : { a, b };
  return tf.engine().runKernel(tf._FusedMatMul, inputs, { transposeA: false, transposeB: false, activation }) as tf.Tensor3D;
}

/** `a @ b` as one kernel call on rank-3 operands. */
export function batchProduct(a: tf.Tensor, b: tf.Tensor3D): tf.Tensor {
  return tf.engine().runKernel(tf.BatchMatMul, { a, b }, { transposeA: false, transposeB: false }) as tf.Tensor;
}

/** How one gate is computed from a stacked step input (e.g. `[x_t, h_{t-1}]`). */
export interface GatePlan {
  /** (1, rows, H), pre-scaled by 2 when `tanhViaSigmoid`. */
  readonly w: tf.Tensor3D;
  readonly bias: tf.Tensor1D | undefined;
  /** Activation fused into the product, or `'linear'` (then `activation` runs as its own op). */
  readonly fused: FusedActivation;
  /** Whether `activation` still has to run after the product. */
  readonly separate: boolean;
  readonly activation: ActivationName;
  /** The product computes sigmoid(2z): finish with 2y − 1. */
  readonly tanhViaSigmoid: boolean;
  /** Keep the pre-activation for the backward pass. */
  readonly keepPre: boolean;
}

/**
 * The plan of one gate from its block `w` (1, rows, H) and bias; takes ownership of both (they
 * are disposed when replaced by scaled copies). `keepPre`: the call records a gradient and
 * needs pre-activations.
 */
export function gatePlan(w: tf.Tensor3D, bias: tf.Tensor1D | undefined, activation: ActivationName, keepPre: boolean, wasm: boolean): GatePlan {
  if (activation === 'tanh' && wasm) {
    const scaled = tf.mul(w, 2) as tf.Tensor3D;
    w.dispose();
    let b = bias;
    if (b) {
      const b2 = tf.mul(b, 2) as tf.Tensor1D;
      b.dispose();
      b = b2;
    }
    return { w: scaled, bias: b, fused: 'sigmoid', separate: false, activation, tanhViaSigmoid: true, keepPre: false };
  }
  // Only activations whose derivative needs the input keep it, and those run unfused.
  const keep = keepPre && !derivativeFromOutput(activation);
  const fusable = FUSABLE.includes(activation) && !keep;
  return {
    w, bias, fused: fusable ? (activation as FusedActivation) : 'linear', separate: !fusable,
    activation, tanhViaSigmoid: false, keepPre: keep,
  };
}

/**
 * One gate's activation (1, N, H). Pushes the gate's pre-activation to `pre` (null when the
 * plan does not keep it), so `pre[q]` belongs to gate q.
 */
export function runGate(plan: GatePlan, input: tf.Tensor3D, pre: (tf.Tensor | null)[], k: Constants): tf.Tensor3D {
  const z = fusedProduct(input, plan.w, plan.bias, plan.fused);
  if (plan.tanhViaSigmoid) {
    pre.push(null);
    const g = tf.sub(tf.mul(z, k.two), k.one) as tf.Tensor3D;
    z.dispose();
    return g;
  }
  if (!plan.separate) {
    pre.push(null);
    return z;
  }
  pre.push(plan.keepPre ? z : null);
  const y = fastActivation(plan.activation, z, k) as tf.Tensor3D;
  if (!plan.keepPre && y !== z) z.dispose();
  return y;
}
