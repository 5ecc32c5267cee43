/**
 * The LSTM cell's one-step part for the stepper machinery (`../stepper`): prepared weights and
 * a step with tfjs kernels called directly (no op-level reshapes or tidy scopes).
 *
 * Prepared once per layer: `W_ifo = [kernel; recurrentKernel]` restricted to the i, f, o
 * columns (I + H_out, 3H), `W_g` for the candidate (I + H_out, H), the summed biases. A step is
 * one product with the gate activation fused in (`σ([x, h] @ W_ifo + b_ifo)`, for
 * σ = sigmoid/relu/elu/...), one split, one product for the candidate, and the cell arithmetic —
 * about 14 kernel calls per step for one layer, where `tf.layers.lstm`'s stateful step makes 27.
 *
 * Small steps (N·4H ≤ {@link SMALL_STEP_ELEMENTS}, e.g. batch 1 with H ≤ 1024) on the cpu and
 * wasm backends go further: one product `z = [x, h] @ W + b`, z read back, and the gate
 * arithmetic in a JS loop (float64, stored as float32), then h and c written as tensors —
 * four kernel calls instead of fourteen, since at this size each kernel call costs more than
 * its arithmetic. Values agree with the tensor path to float32 rounding (tested).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ActivationName } from '../activations';
import { scalarActivation } from '../activations-scalar';
import type { CellSizes } from '../cell';
import { readbackIsCheap } from '../fast-rows';
import type { StepCell } from '../stepper';
import { LstmWeights } from '../weights';
import { LSTM_CELL } from './lstm-cell';
import { FUSED, activate, run } from './step-kernels';

/**
 * Steps with at most this many gate elements (N·4H) run their gate arithmetic in a JS loop on
 * the cpu and wasm backends (see the module documentation).
 */
export const SMALL_STEP_ELEMENTS = 4096;

/** The activations of an LSTM stepper. */
export interface LstmStepConfig {
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
}

/** The prepared weights of one layer. */
export interface PreparedLstmLayer {
  /** (1, I + H_out, 3H): the i, f, o columns of [kernel; recurrentKernel]. */
  readonly wIfo: tf.Tensor3D;
  readonly bIfo: tf.Tensor1D | undefined;
  /** (1, I + H_out, H): the candidate's columns. */
  readonly wG: tf.Tensor3D;
  readonly bG: tf.Tensor1D | undefined;
  /** (1, H, P) */
  readonly projection: tf.Tensor3D | null;
  readonly sizes: CellSizes;
  readonly config: LstmStepConfig;
  readonly sigmaScalar: (x: number) => number;
  readonly phiScalar: (x: number) => number;
  /** Values of the cell states this layer returned (tensors are immutable), read back for free. */
  readonly stateData: WeakMap<tf.Tensor, Float32Array>;
  /** `[W_ifo | W_g]` (1, I + H_out, 4H) and its bias, made on the first small step. */
  whole: { w: tf.Tensor3D; bias: tf.Tensor1D | undefined } | null;
}

function prepare(w: LstmWeights, sizes: CellSizes, config: LstmStepConfig): PreparedLstmLayer {
  const tensors = tf.tidy(() => {
    const { inputSize: I, hiddenSize: H, outputSize: P } = sizes;
    const stacked = tf.concat([w.kernel, w.recurrentKernel], 0);
    const [wi, wf, wg, wo] = tf.split(stacked, 4, 1);
    const b1 = w.bias ?? null;
    const b2 = w.recurrentBias ?? null;
    const bias = b1 && b2 ? tf.add(b1, b2) : b1 ?? b2;
    const blocks = bias ? tf.split(bias, 4) : null;
    const prepared = {
      wIfo: tf.reshape(tf.concat([wi, wf, wo], 1), [1, I + P, 3 * H]) as tf.Tensor3D,
      bIfo: blocks ? (tf.concat([blocks[0], blocks[1], blocks[3]]) as tf.Tensor1D) : undefined,
      wG: tf.reshape(wg, [1, I + P, H]) as tf.Tensor3D,
      bG: blocks ? (tf.clone(blocks[2]) as tf.Tensor1D) : undefined,
      projection: w.projection ? (tf.reshape(w.projection, [1, H, P]) as tf.Tensor3D) : null,
    };
    tensorsOf(prepared).forEach((t) => tf.keep(t));
    return prepared as unknown as tf.TensorContainer;
  }) as unknown as Pick<PreparedLstmLayer, 'wIfo' | 'bIfo' | 'wG' | 'bG' | 'projection'>;
  return {
    ...tensors,
    sizes,
    config,
    sigmaScalar: scalarActivation(config.recurrentActivation),
    phiScalar: scalarActivation(config.activation),
    stateData: new WeakMap(),
    whole: null,
  };
}

function tensorsOf(p: Pick<PreparedLstmLayer, 'wIfo' | 'bIfo' | 'wG' | 'bG' | 'projection'>): tf.Tensor[] {
  return ([p.wIfo, p.bIfo, p.wG, p.bG, p.projection] as (tf.Tensor | null | undefined)[]).filter((t): t is tf.Tensor => !!t);
}

/** `[W_ifo | W_g]` (1, I + H_out, 4H) and its bias, made on the first small step of a layer. */
function wholeWeights(p: PreparedLstmLayer): { w: tf.Tensor3D; bias: tf.Tensor1D | undefined } {
  if (!p.whole) {
    // Kept: a step may run inside the caller's tf.tidy, and these outlive it.
    p.whole = {
      w: tf.keep(tf.concat([p.wIfo, p.wG], 2) as tf.Tensor3D),
      bias: p.bIfo && p.bG ? tf.keep(tf.concat([p.bIfo, p.bG]) as tf.Tensor1D) : undefined,
    };
  }
  return p.whole;
}

/**
 * The gate arithmetic of one layer in a JS loop (float64, rounded to float32 on output), for
 * steps with few elements: reading z back and writing h, c costs less than the ten kernel
 * calls the tensor form makes.
 */
function smallStep(p: PreparedLstmLayer, N: number, zAll: tf.Tensor, c: tf.Tensor, t: (x: tf.Tensor) => tf.Tensor): tf.Tensor2D[] {
  const H = p.sizes.hiddenSize;
  const z = zAll.dataSync() as Float32Array; // (N, 4H): i, f, o, g (see wholeWeights)
  const cPrev = p.stateData.get(c) ?? (c.dataSync() as Float32Array);
  const sigma = p.sigmaScalar;
  const phi = p.phiScalar;
  const cNew = new Float32Array(N * H);
  const hc = new Float32Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) {
      const q = n * 4 * H + j;
      const k = n * H + j;
      const cv = sigma(z[q + H]) * cPrev[k] + sigma(z[q]) * phi(z[q + 3 * H]);
      cNew[k] = cv;
      hc[k] = sigma(z[q + 2 * H]) * phi(Math.fround(cv));
    }
  }
  const cOut = tf.tensor2d(cNew, [N, H]);
  p.stateData.set(cOut, cNew);
  if (!p.projection) return [tf.tensor2d(hc, [N, H]), cOut];
  const h3 = t(run(tf.BatchMatMul, { a: t(tf.tensor3d(hc, [1, N, H])), b: p.projection }, { transposeA: false, transposeB: false }));
  return [run(tf.Reshape, { x: h3 }, { shape: [N, p.sizes.outputSize] }) as tf.Tensor2D, cOut];
}

function step(p: PreparedLstmLayer, input: tf.Tensor, state: readonly tf.Tensor[], N: number, t: (x: tf.Tensor) => tf.Tensor): tf.Tensor2D[] {
  const { inputSize, hiddenSize: H, outputSize } = p.sizes;
  const { activation, recurrentActivation } = p.config;
  const [h, c] = state;
  const xh = t(run(tf.Reshape, { x: t(run(tf.Concat, [input, h], { axis: 1 })) }, { shape: [1, N, inputSize + outputSize] }));
  const product = (w: tf.Tensor3D, bias: tf.Tensor1D | undefined, act: string) =>
    t(run(tf._FusedMatMul, bias ? { a: xh, b: w, bias } : { a: xh, b: w }, { transposeA: false, transposeB: false, activation: act }));
  if (N * 4 * H <= SMALL_STEP_ELEMENTS && readbackIsCheap()) {
    const all = wholeWeights(p);
    return smallStep(p, N, product(all.w, all.bias, 'linear'), c, t);
  }
  const sigma = FUSED[recurrentActivation];
  const phiFused = FUSED[activation];
  const ifoZ = product(p.wIfo, p.bIfo, sigma ?? 'linear');
  const ifo = sigma ? ifoZ : t(activate(recurrentActivation, ifoZ));
  const [i, f, o] = (run(tf.SplitV, { x: ifo }, { numOrSizeSplits: [H, H, H], axis: 2 }) as unknown as tf.Tensor[]).map(t);
  const gZ = product(p.wG, p.bG, phiFused ?? 'linear');
  const g = phiFused ? gZ : t(activate(activation, gZ));
  const c3 = t(run(tf.Reshape, { x: c }, { shape: [1, N, H] }));
  const cNew = t(run(tf.Add, { a: t(run(tf.Multiply, { a: f, b: c3 })), b: t(run(tf.Multiply, { a: i, b: g })) }));
  let hNew = t(run(tf.Multiply, { a: o, b: t(activate(activation, cNew)) }));
  if (p.projection) hNew = t(run(tf.BatchMatMul, { a: hNew, b: p.projection }, { transposeA: false, transposeB: false }));
  return [
    run(tf.Reshape, { x: hNew }, { shape: [N, outputSize] }) as tf.Tensor2D,
    run(tf.Reshape, { x: cNew }, { shape: [N, H] }) as tf.Tensor2D,
  ];
}

/** The LSTM cell's one-step part. */
export const LSTM_STEP: StepCell<LstmWeights, PreparedLstmLayer, LstmStepConfig> = {
  gates: LSTM_CELL.gates,
  stateNames: LSTM_CELL.stateNames,
  sizes: LSTM_CELL.sizes,
  stateSizes: LSTM_CELL.stateSizes,
  prepare,
  step,
  release(p) {
    if (p.whole) tf.dispose([p.whole.w, ...(p.whole.bias ? [p.whole.bias] : [])]);
    tf.dispose(tensorsOf(p));
  },
};
