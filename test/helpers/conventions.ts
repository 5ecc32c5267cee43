/**
 * Random weights in each convention's NATIVE layout (built directly, not through the adapters),
 * the matching reference cell, and bit-level comparisons, for the adapters' tests.
 */
import fc from 'fast-check';

import { LstmConvention, LstmConventionWeights } from '../../adapters';
import {
  ReferenceCell,
  cudnnKerasCell,
  cudnnParamsCell,
  keras1PerGateCell,
  kerasCell,
  onnxCell,
  tf1Cell,
  torchCell,
} from './reference-lstm';
import { rng, tf } from './tf';

/** Sizes of one random layer: I inputs, H cells, P projection (0 = none), with or without bias. */
export interface LayerSizes {
  readonly I: number;
  readonly H: number;
  readonly P: number;
  readonly bias: boolean;
  readonly seed: number;
  /** Mix special float32 values (-0, subnormals, ±max, ±Infinity) into the weights. */
  readonly special: boolean;
}

/** fast-check arbitrary of layer sizes; `projection` allows P > 0 (then H >= 2). */
export function layerSizes(options: { projection?: boolean; special?: boolean } = {}): fc.Arbitrary<LayerSizes> {
  return fc
    .record({
      I: fc.integer({ min: 1, max: 5 }),
      H: fc.integer({ min: 1, max: 5 }),
      pFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      bias: fc.boolean(),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      special: options.special ? fc.boolean() : fc.constant(false),
    })
    .map(({ I, H, pFraction, bias, seed, special }) => {
      const P = options.projection && H >= 2 && pFraction > 0.4 ? 1 + Math.floor(pFraction * (H - 1) * 0.999) : 0;
      return { I, H, P: Math.min(P, H - 1), bias, seed, special };
    });
}

const SPECIAL = [-0, 0, 1e-45, -1e-45, 1.1754942e-38, -3.4028235e38, 3.4028235e38, Infinity, -Infinity, 1, -1];

/** A tensor of the given shape: uniform in [-scale, scale), or mixed with special values. */
export function randomValues(shape: number[], seed: number, special = false, scale = 0.6): tf.Tensor {
  const next = rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    values[k] = special && next() < 0.3 ? SPECIAL[Math.floor(next() * SPECIAL.length)] : (next() * 2 - 1) * scale;
  }
  return tf.tensor(values, shape);
}

/** Conventions that hold a projection. */
export const WITH_PROJECTION: readonly LstmConvention[] = ['canonical', 'torch', 'tf1'];
/** Conventions with two biases (the others have one, and always one but Keras/canonical/torch/onnx). */
export const TWO_BIASES: readonly LstmConvention[] = ['canonical', 'torch', 'onnx', 'cudnn', 'cudnnParams'];

/**
 * Random weights of one layer-direction in `convention`'s native layout. Conventions that
 * always have a bias (tf1, cudnn, cudnnParams, keras1) get one even when `s.bias` is false.
 * `keras1Form` picks Keras 1's per-gate or fused arrays.
 */
export function randomNative<C extends LstmConvention>(
  convention: C,
  s: LayerSizes,
  keras1Form: 'perGate' | 'fused' = 'perGate',
): LstmConventionWeights[C] {
  const { I, H, P } = s;
  const Hout = P || H;
  let seed = s.seed;
  const r = (shape: number[]) => randomValues(shape, seed++, s.special);
  switch (convention) {
    case 'canonical':
      return {
        kernel: r([I, 4 * H]), recurrentKernel: r([Hout, 4 * H]),
        bias: s.bias ? r([4 * H]) : null, recurrentBias: s.bias ? r([4 * H]) : null,
        projection: P ? r([H, P]) : null,
      } as LstmConventionWeights[C];
    case 'torch':
      return {
        weight_ih: r([4 * H, I]), weight_hh: r([4 * H, Hout]),
        bias_ih: s.bias ? r([4 * H]) : null, bias_hh: s.bias ? r([4 * H]) : null,
        weight_hr: P ? r([P, H]) : null,
      } as LstmConventionWeights[C];
    case 'keras':
      return { kernel: r([I, 4 * H]), recurrent_kernel: r([H, 4 * H]), bias: s.bias ? r([4 * H]) : null } as LstmConventionWeights[C];
    case 'onnx':
      return { W: r([1, 4 * H, I]), R: r([1, 4 * H, H]), B: s.bias ? r([1, 8 * H]) : null } as LstmConventionWeights[C];
    case 'tf1':
      return { kernel: r([I + Hout, 4 * H]), bias: r([4 * H]), projection: P ? r([H, P]) : null } as LstmConventionWeights[C];
    case 'cudnn':
      return { kernel: r([I, 4 * H]), recurrent_kernel: r([H, 4 * H]), bias: r([8 * H]) } as LstmConventionWeights[C];
    case 'cudnnParams':
      return r([4 * H * (I + H) + 8 * H]) as LstmConventionWeights[C];
    case 'keras1':
      if (keras1Form === 'fused') return { W: r([I, 4 * H]), U: r([H, 4 * H]), b: r([4 * H]) } as LstmConventionWeights[C];
      return Object.fromEntries(
        ['i', 'c', 'f', 'o'].flatMap((g) => [[`W_${g}`, r([I, H])], [`U_${g}`, r([H, H])], [`b_${g}`, r([H])]]),
      ) as unknown as LstmConventionWeights[C];
  }
  throw new Error(`unknown convention ${convention}`);
}

/** The reference cell reading `w` in `convention`'s native layout. */
export function referenceCell(convention: LstmConvention, w: unknown, s: { I: number; H: number }, forgetBias = 1): ReferenceCell {
  const any = w as Record<string, tf.Tensor>;
  switch (convention) {
    case 'canonical': {
      // The canonical form is Keras's layout with two biases and an optional projection; the
      // PyTorch reference reads its transposes (the cell copies the data, so they can go).
      const t = {
        weight_ih: tf.transpose(any.kernel), weight_hh: tf.transpose(any.recurrentKernel),
        bias_ih: any.bias, bias_hh: any.recurrentBias, weight_hr: any.projection ? tf.transpose(any.projection) : null,
      };
      const cell = torchCell(t);
      tf.dispose([t.weight_ih, t.weight_hh, ...(t.weight_hr ? [t.weight_hr] : [])]);
      return cell;
    }
    case 'torch':
      return torchCell(any as never);
    case 'keras':
      return kerasCell(any as never);
    case 'onnx':
      return onnxCell(any as never, 0);
    case 'tf1':
      return tf1Cell(any as never, forgetBias);
    case 'cudnn':
      return cudnnKerasCell(any as never);
    case 'cudnnParams':
      return cudnnParamsCell(w as tf.Tensor, s.I, s.H);
    case 'keras1':
      if ('W' in any) return kerasCell({ kernel: any.W, recurrent_kernel: any.U, bias: any.b });
      return keras1PerGateCell(any);
  }
  throw new Error(`unknown convention ${convention}`);
}

/** Every tensor of a converted weight record (or the tensor itself), by name. */
export function tensorsOf(w: unknown): Record<string, tf.Tensor> {
  if (w instanceof tf.Tensor) return { params: w };
  const out: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(w as Record<string, unknown>)) if (v instanceof tf.Tensor) out[k] = v;
  return out;
}

/** Disposes every tensor of a weight record or tensor. */
export function disposeAll(...ws: unknown[]): void {
  for (const w of ws) for (const t of Object.values(tensorsOf(w))) t.dispose();
}

/** Asserts two float arrays hold the same float32 bits (so -0 != 0). */
export function expectBitIdenticalArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect({ what, length: actual.length }).toEqual({ what, length: expected.length });
  const a = new Uint32Array(Float32Array.from(actual).buffer);
  const b = new Uint32Array(Float32Array.from(expected).buffer);
  for (let k = 0; k < a.length; k++) {
    if (a[k] !== b[k]) {
      throw new Error(`${what}[${k}]: expected bits 0x${b[k].toString(16)} (${expected[k]}), got 0x${a[k].toString(16)} (${actual[k]})`);
    }
  }
}

/** Asserts two tensors have the same shape and the same float32 bits (so -0 != 0). */
export function expectBitIdentical(actual: tf.Tensor, expected: tf.Tensor, what: string): void {
  expect({ what, shape: actual.shape }).toEqual({ what, shape: expected.shape });
  expectBitIdenticalArrays(actual.dataSync(), expected.dataSync(), what);
}

/** Asserts two weight records have the same keys (ignoring null/absent) and bit-identical tensors. */
export function expectSameWeights(actual: unknown, expected: unknown, what: string): void {
  const a = tensorsOf(actual);
  const b = tensorsOf(expected);
  expect({ what, keys: Object.keys(a).sort() }).toEqual({ what, keys: Object.keys(b).sort() });
  for (const k of Object.keys(b)) expectBitIdentical(a[k], b[k], `${what}.${k}`);
}
