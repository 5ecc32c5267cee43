/**
 * Streaming inference: a unidirectional stack run one time step per call (the usual deployment
 * in JS: stateful, batch 1, a step per event), with weights prepared once.
 *
 * `lstmStack` on a single step pays, every call, for what a sequence amortizes (validation,
 * weight views, output stacking). An {@link LstmStepper} prepares each layer once —
 * `W_ifo = [kernel; recurrentKernel]` restricted to the i, f, o columns (I + H_out, 3H),
 * `W_g` for the candidate (I + H_out, H), the summed biases — and then runs a step with
 * tfjs kernels called directly (no op-level reshapes or tidy scopes): one product with the
 * gate activation fused in (`σ([x, h] @ W_ifo + b_ifo)`, for σ = sigmoid/relu/elu/...), one
 * split, one product for the candidate, and the cell arithmetic — about 14 kernel calls per
 * step for one layer, where `tf.layers.lstm`'s stateful step makes 27.
 *
 * Small steps (N·4H ≤ {@link SMALL_STEP_ELEMENTS}, e.g. batch 1 with H ≤ 1024) on the cpu and
 * wasm backends go further: one product `z = [x, h] @ W + b`, z read back, and the gate
 * arithmetic in a JS loop (float64, stored as float32), then h and c written as tensors —
 * four kernel calls instead of fourteen, since at this size each kernel call costs more than
 * its arithmetic. Values agree with the tensor path to float32 rounding (tested).
 *
 * Same equations and results as `lstmStack` on a one-step sequence (tested). Inference only:
 * the prepared weights are copies, so gradients do not reach the original weights (train with
 * `lstmLayer`/`lstmStack`). The stepper owns its prepared tensors: call `dispose()`.
 *
 * Legend: N batch, I input size, H cell size, H_out output size, L layers.
 *
 * Example:
 *
 *     const stepper = new LstmStepper([layer0, layer1]);
 *     let state = null;
 *     for (const x of events) {            // x: (N, I)
 *       const r = stepper.step(x, state);  // r.output: (N, H_out); r.h, r.c: L tensors
 *       if (state) tf.dispose([...state.h, ...state.c]);
 *       state = { h: r.h, c: r.c };
 *       use(r.output);
 *     }
 *     stepper.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../errors';
import { ActivationName, applyActivation } from './activations';
import { scalarActivation } from './activations-scalar';
import { readbackIsCheap } from './fast-rows';
import { LstmWeights, lstmSizes } from './weights';

/**
 * Steps with at most this many gate elements (N·4H) run their gate arithmetic in a JS loop on
 * the cpu and wasm backends (see `LstmStepper.smallStep`).
 */
export const SMALL_STEP_ELEMENTS = 4096;

/** Options of {@link LstmStepper}. */
export interface LstmStepperOptions {
  /** φ. Default `'tanh'`. */
  readonly activation?: ActivationName;
  /** σ. Default `'sigmoid'`. */
  readonly recurrentActivation?: ActivationName;
  /** Prefix of error messages. */
  readonly where?: string;
}

/** States of a stepper's L layers: `h[k]` (N, H_out), `c[k]` (N, H). */
export interface LstmStepperState {
  readonly h: readonly tf.Tensor[];
  readonly c: readonly tf.Tensor[];
}

/** The result of one {@link LstmStepper.step}. */
export interface LstmStepperResult {
  /** (N, H_out) of the last layer. */
  readonly output: tf.Tensor2D;
  readonly h: tf.Tensor2D[];
  readonly c: tf.Tensor2D[];
}

interface PreparedLayer {
  /** (1, I + H_out, 3H): the i, f, o columns of [kernel; recurrentKernel]. */
  readonly wIfo: tf.Tensor3D;
  readonly bIfo: tf.Tensor1D | undefined;
  /** (1, I + H_out, H): the candidate's columns. */
  readonly wG: tf.Tensor3D;
  readonly bG: tf.Tensor1D | undefined;
  /** (1, H, P) */
  readonly projection: tf.Tensor3D | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
}

/** Activations `_FusedMatMul` applies itself (on every backend). */
const FUSED: Partial<Record<ActivationName, string>> = { sigmoid: 'sigmoid', relu: 'relu', relu6: 'relu6', elu: 'elu', linear: 'linear' };

/** An activation as one kernel call for tanh/sigmoid, else in its own tidy scope. */
function activate(name: ActivationName, x: tf.Tensor): tf.Tensor {
  if (name === 'tanh') return run(tf.Tanh, { x });
  if (name === 'sigmoid') return run(tf.Sigmoid, { x });
  return tf.tidy(() => applyActivation(name, x));
}

function run(kernel: string, inputs: Record<string, tf.Tensor> | tf.Tensor[], attrs: Record<string, unknown> = {}): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** A unidirectional LSTM stack prepared for one-step-per-call inference. */
export class LstmStepper {
  private readonly layers: PreparedLayer[];
  private readonly activation: ActivationName;
  private readonly recurrentActivation: ActivationName;
  private readonly where: string;
  private disposed = false;
  private readonly sigmaScalar: (x: number) => number;
  private readonly phiScalar: (x: number) => number;
  /** Values of the cell states this stepper returned (tensors are immutable), read back for free. */
  private readonly stateData = new WeakMap<tf.Tensor, Float32Array>();
  private readonly whole = new Map<PreparedLayer, { w: tf.Tensor3D; bias: tf.Tensor1D | undefined }>();

  /** @param layers the weights of each layer, canonical form (layer k > 0 takes H_out inputs). */
  constructor(layers: readonly LstmWeights[], options: LstmStepperOptions = {}) {
    this.where = options.where ?? 'engine.LstmStepper';
    if (layers.length === 0) throw new ConfigError(`${this.where}: expected at least one layer, got 0`);
    this.activation = options.activation ?? 'tanh';
    this.recurrentActivation = options.recurrentActivation ?? 'sigmoid';
    this.sigmaScalar = scalarActivation(this.recurrentActivation);
    this.phiScalar = scalarActivation(this.activation);
    let previous: number | null = null;
    const sizes = layers.map((w, k) => {
      const s = lstmSizes(w, `${this.where} (layer ${k})`);
      if (previous !== null && s.inputSize !== previous) {
        throw new ShapeError(`${this.where}: layer ${k} kernel expected [${previous}, ${4 * s.hiddenSize}], got ${formatShape(w.kernel.shape)}`);
      }
      previous = s.outputSize;
      return s;
    });
    this.layers = layers.map((w, k) =>
      tf.tidy(() => {
        const { inputSize: I, hiddenSize: H, outputSize: P } = sizes[k];
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
        const kept = ([prepared.wIfo, prepared.bIfo, prepared.wG, prepared.bG, prepared.projection] as (tf.Tensor | null | undefined)[]).filter((t): t is tf.Tensor => !!t);
        kept.forEach((t) => tf.keep(t));
        return { ...prepared, ...sizes[k] } as unknown as tf.TensorContainer;
      }) as unknown as PreparedLayer,
    );
  }

  /** Number of layers. */
  get numLayers(): number {
    return this.layers.length;
  }

  /**
   * One time step: `x` (N, I) and the previous states (zeros when `state` is null). Returns new
   * tensors; the inputs are not disposed.
   * @throws ShapeError for a wrong input or state shape.
   */
  step(x: tf.Tensor, state: LstmStepperState | null = null): LstmStepperResult {
    if (this.disposed) throw new ConfigError(`${this.where}: step() after dispose()`);
    const first = this.layers[0];
    if (x.rank !== 2 || x.shape[1] !== first.inputSize) {
      throw new ShapeError(`${this.where}: x expected [N, ${first.inputSize}], got ${formatShape(x.shape)}`);
    }
    const N = x.shape[0];
    const L = this.layers.length;
    if (state && (state.h.length !== L || state.c.length !== L)) {
      throw new ShapeError(`${this.where}: state expected ${L} h and ${L} c tensors, got ${state.h.length} and ${state.c.length}`);
    }
    this.layers.forEach((p, k) => {
      if (!state) return;
      for (const [name, t, size] of [['h', state.h[k], p.outputSize], ['c', state.c[k], p.hiddenSize]] as const) {
        if (t.rank !== 2 || t.shape[0] !== N || t.shape[1] !== size) {
          throw new ShapeError(`${this.where}: ${name}[${k}] expected [${N}, ${size}], got ${formatShape(t.shape)}`);
        }
      }
    });
    const scratch: tf.Tensor[] = [];
    const t = (x: tf.Tensor) => {
      scratch.push(x);
      return x;
    };
    const hs: tf.Tensor2D[] = [];
    const cs: tf.Tensor2D[] = [];
    const sigma = FUSED[this.recurrentActivation];
    const phiFused = FUSED[this.activation];
    try {
      let input: tf.Tensor = x;
      this.layers.forEach((p, k) => {
        const H = p.hiddenSize;
        const h = state ? state.h[k] : t(tf.zeros([N, p.outputSize]));
        const c = state ? state.c[k] : t(tf.zeros([N, H]));
        const xh = t(run(tf.Reshape, { x: t(run(tf.Concat, [input, h], { axis: 1 })) }, { shape: [1, N, p.inputSize + p.outputSize] }));
        const product = (w: tf.Tensor3D, bias: tf.Tensor1D | undefined, activation: string) =>
          t(run(tf._FusedMatMul, bias ? { a: xh, b: w, bias } : { a: xh, b: w }, { transposeA: false, transposeB: false, activation }));
        if (N * 4 * H <= SMALL_STEP_ELEMENTS && readbackIsCheap()) {
          const all = this.wholeWeights(p);
          const next = this.smallStep(p, N, product(all.w, all.bias, 'linear'), c, t);
          hs.push(next.h);
          cs.push(next.c);
          input = next.h;
          return;
        }
        const ifoZ = product(p.wIfo, p.bIfo, sigma ?? 'linear');
        const ifo = sigma ? ifoZ : t(activate(this.recurrentActivation, ifoZ));
        const [i, f, o] = (run(tf.SplitV, { x: ifo }, { numOrSizeSplits: [H, H, H], axis: 2 }) as unknown as tf.Tensor[]).map(t);
        const gZ = product(p.wG, p.bG, phiFused ?? 'linear');
        const g = phiFused ? gZ : t(activate(this.activation, gZ));
        const c3 = t(run(tf.Reshape, { x: c }, { shape: [1, N, H] }));
        const cNew = t(run(tf.Add, { a: t(run(tf.Multiply, { a: f, b: c3 })), b: t(run(tf.Multiply, { a: i, b: g })) }));
        let hNew = t(run(tf.Multiply, { a: o, b: t(activate(this.activation, cNew)) }));
        if (p.projection) hNew = t(run(tf.BatchMatMul, { a: hNew, b: p.projection }, { transposeA: false, transposeB: false }));
        hs.push(run(tf.Reshape, { x: hNew }, { shape: [N, p.outputSize] }) as tf.Tensor2D);
        cs.push(run(tf.Reshape, { x: cNew }, { shape: [N, H] }) as tf.Tensor2D);
        input = hs[k];
      });
      return { output: run(tf.Identity, { x: hs[L - 1] }) as tf.Tensor2D, h: hs, c: cs };
    } catch (e) {
      tf.dispose([...hs, ...cs]);
      throw e;
    } finally {
      tf.dispose(scratch);
    }
  }

  /**
   * The gate arithmetic of one layer in a JS loop (float64, rounded to float32 on output), for
   * steps with few elements: reading z back and writing h, c costs less than the ten kernel
   * calls the tensor form makes.
   */
  private smallStep(
    p: PreparedLayer, N: number, zAll: tf.Tensor, c: tf.Tensor, t: (x: tf.Tensor) => tf.Tensor,
  ): { h: tf.Tensor2D; c: tf.Tensor2D } {
    const H = p.hiddenSize;
    const z = zAll.dataSync() as Float32Array; // (N, 4H): i, f, o, g (see wholeWeights)
    const cPrev = this.stateData.get(c) ?? (c.dataSync() as Float32Array);
    const sigma = this.sigmaScalar;
    const phi = this.phiScalar;
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
    this.stateData.set(cOut, cNew);
    if (!p.projection) return { h: tf.tensor2d(hc, [N, H]), c: cOut };
    const h3 = t(run(tf.BatchMatMul, { a: t(tf.tensor3d(hc, [1, N, H])), b: p.projection }, { transposeA: false, transposeB: false }));
    return { h: run(tf.Reshape, { x: h3 }, { shape: [N, p.outputSize] }) as tf.Tensor2D, c: cOut };
  }

  /** `[W_ifo | W_g]` (1, I + H_out, 4H) and its bias, made on the first small step of a layer. */
  private wholeWeights(p: PreparedLayer): { w: tf.Tensor3D; bias: tf.Tensor1D | undefined } {
    let all = this.whole.get(p);
    if (!all) {
      // Kept: a step may run inside the caller's tf.tidy, and these outlive it.
      all = {
        w: tf.keep(tf.concat([p.wIfo, p.wG], 2) as tf.Tensor3D),
        bias: p.bIfo && p.bG ? tf.keep(tf.concat([p.bIfo, p.bG]) as tf.Tensor1D) : undefined,
      };
      this.whole.set(p, all);
    }
    return all;
  }

  /** Releases the prepared weights. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const all of this.whole.values()) tf.dispose([all.w, ...(all.bias ? [all.bias] : [])]);
    for (const p of this.layers) tf.dispose(([p.wIfo, p.wG, p.bIfo, p.bG, p.projection] as (tf.Tensor | null | undefined)[]).filter((t): t is tf.Tensor => !!t));
  }
}
