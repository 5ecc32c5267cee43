/**
 * Helpers for the Keras-facade suites: running a layer under a gradient tape and collecting its
 * outputs and the gradients of a fixed random projection of them, so that two implementations
 * (ours and tfjs-layers') can be compared output by output and weight by weight.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { expectClose, randomTensor, tf } from './tf';

/** Outputs of one call and the gradients of `sum_k sum(out_k * R_k)` w.r.t. the weights. */
export interface CallResult {
  readonly outputs: tf.Tensor[];
  readonly grads: tf.Tensor[];
  readonly loss: number;
}

/** A deterministic projection tensor for output `k` of a given shape. */
export function projection(shape: number[], k: number): tf.Tensor {
  return randomTensor(shape, 900 + 17 * k + shape.reduce((a, b) => a + b, 0));
}

/**
 * Calls `layer.apply(x, kwargs)` inside `tf.variableGrads` and returns the outputs (kept) and
 * the gradients with respect to `layer.trainableWeights`, in that order.
 */
export function callWithGrads(layer: tfl.layers.Layer, x: tf.Tensor, kwargs: Record<string, unknown>): CallResult {
  let outputs: tf.Tensor[] = [];
  const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = layer.apply(x, kwargs) as tf.Tensor | tf.Tensor[];
    outputs = (Array.isArray(out) ? out : [out]).map((t) => tf.keep(t));
    return outputs.reduce<tf.Scalar>(
      (acc, o, k) => tf.add(acc, tf.sum(tf.mul(o, projection(o.shape, k)))),
      tf.scalar(0),
    );
  }, vars);
  const loss = value.dataSync()[0];
  value.dispose();
  return { outputs, grads: vars.map((v) => grads[v.name]), loss };
}

/** Asserts two call results agree: outputs and gradients, element-wise. */
export function expectSameResults(ours: CallResult, ref: CallResult, what: string, atol = 1e-5, rtol = 1e-5): void {
  expect(ours.outputs.length).toBe(ref.outputs.length);
  ours.outputs.forEach((o, k) => expectClose(o, ref.outputs[k], atol, rtol, `${what} output ${k}`));
  expect(ours.grads.length).toBe(ref.grads.length);
  ours.grads.forEach((g, k) => expectClose(g, ref.grads[k], atol, rtol, `${what} gradient ${k}`));
}

/** Disposes everything a call result holds. */
export function disposeResult(r: CallResult): void {
  tf.dispose([...r.outputs, ...r.grads]);
}

/**
 * A (N, T) boolean mask with random holes in which the steps `valid` (e.g. the first processed
 * step: 0, or T-1 when going backwards) are valid for every sample. tfjs-layers repeats the
 * carried state at a masked step while Keras' TF backend outputs zeros before the first valid
 * step; with the first processed step valid the two agree (the golden-value suite covers the
 * other case).
 */
export function randomMask(N: number, T: number, seed: number, valid: readonly number[]): tf.Tensor2D {
  let a = seed >>> 0;
  const next = () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
  const data = new Uint8Array(N * T);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) data[n * T + t] = next() < 0.65 ? 1 : 0;
    for (const t of valid) data[n * T + t] = 1;
  }
  return tf.tensor2d(data, [N, T], 'bool');
}

/** Random LSTM weights `[kernel (F, 4U), recurrent_kernel (U, 4U), bias (4U)?]`. */
export function randomLstmWeights(F: number, U: number, useBias: boolean, seed: number): tf.Tensor[] {
  const w = [randomTensor([F, 4 * U], seed, 0.5), randomTensor([U, 4 * U], seed + 1, 0.5)];
  if (useBias) w.push(randomTensor([4 * U], seed + 2, 0.5));
  return w;
}

/** All combinations of boolean flags, as objects. */
export function booleanGrid<K extends string>(keys: readonly K[]): Record<K, boolean>[] {
  const out: Record<K, boolean>[] = [];
  for (let m = 0; m < 1 << keys.length; m++) {
    const combo = {} as Record<K, boolean>;
    keys.forEach((k, i) => (combo[k] = (m & (1 << i)) !== 0));
    out.push(combo);
  }
  return out;
}

/** A short label for a combination: the names of the flags that are on. */
export function label(combo: Record<string, unknown>): string {
  const on = Object.entries(combo)
    .filter(([, v]) => v === true)
    .map(([k]) => k);
  const other = Object.entries(combo)
    .filter(([, v]) => typeof v !== 'boolean')
    .map(([k, v]) => `${k}=${String(v)}`);
  return [...other, ...on].join(', ') || 'defaults';
}

/** Sets every weight of `model` to seeded random values in [-0.5, 0.5). */
export function randomizeWeights(model: tfl.LayersModel, seed: number): void {
  model.layers.forEach((l, k) => {
    if (l.weights.length === 0) return;
    const values = l.weights.map((w, j) => randomTensor(w.shape as number[], seed + 10 * k + j, 0.5));
    l.setWeights(values);
    tf.dispose(values);
  });
}
