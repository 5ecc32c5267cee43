/**
 * Streaming inference: a unidirectional stack run one time step per call (the usual deployment
 * in JS: stateful, batch 1, a step per event), with weights prepared once.
 *
 * `lstmStack` on a single step pays, every call, for what a sequence amortizes (validation,
 * weight views, output stacking). An {@link LstmStepper} prepares each layer once —
 * `W = [kernel; recurrentKernel]` (I + H_out, 4H), the summed bias — and then runs a step as
 * one fused product per layer, `z = [x, h] @ W + b`, one split and the gate arithmetic: about
 * a dozen tfjs kernel calls per layer.
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
import { LstmWeights, lstmSizes } from './weights';

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
  /** (I + H_out, 4H) */
  readonly w: tf.Tensor2D;
  readonly bias: tf.Tensor1D | undefined;
  readonly projection: tf.Tensor2D | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
}

/** A unidirectional LSTM stack prepared for one-step-per-call inference. */
export class LstmStepper {
  private readonly layers: PreparedLayer[];
  private readonly activation: ActivationName;
  private readonly recurrentActivation: ActivationName;
  private readonly where: string;
  private disposed = false;

  /** @param layers the weights of each layer, canonical form (layer k > 0 takes H_out inputs). */
  constructor(layers: readonly LstmWeights[], options: LstmStepperOptions = {}) {
    this.where = options.where ?? 'engine.LstmStepper';
    if (layers.length === 0) throw new ConfigError(`${this.where}: expected at least one layer, got 0`);
    this.activation = options.activation ?? 'tanh';
    this.recurrentActivation = options.recurrentActivation ?? 'sigmoid';
    let previous: number | null = null;
    const sizes = layers.map((w, k) => {
      const s = lstmSizes(w, `${this.where} (layer ${k})`);
      if (previous !== null && s.inputSize !== previous) {
        throw new ShapeError(`${this.where}: layer ${k} kernel expected [${previous}, ${4 * s.hiddenSize}], got ${formatShape(w.kernel.shape)}`);
      }
      previous = s.outputSize;
      return s;
    });
    this.layers = layers.map((w, k) => {
      const b1 = w.bias ?? null;
      const b2 = w.recurrentBias ?? null;
      const bias = b1 && b2 ? (tf.add(b1, b2) as tf.Tensor1D) : b1 || b2 ? tf.clone((b1 ?? b2) as tf.Tensor1D) : undefined;
      return {
        w: tf.concat([w.kernel, w.recurrentKernel], 0) as tf.Tensor2D,
        bias,
        projection: w.projection ? tf.clone(w.projection) : null,
        ...sizes[k],
      };
    });
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
    return tf.tidy(() => {
      let input: tf.Tensor = x;
      const hs: tf.Tensor2D[] = [];
      const cs: tf.Tensor2D[] = [];
      this.layers.forEach((p, k) => {
        const h = state ? state.h[k] : tf.zeros([N, p.outputSize]);
        const c = state ? state.c[k] : tf.zeros([N, p.hiddenSize]);
        const z = tf.fused.matMul({ a: tf.concat([input, h], 1) as tf.Tensor2D, b: p.w, bias: p.bias });
        const [zi, zf, zg, zo] = tf.split(z, 4, 1);
        const i = applyActivation(this.recurrentActivation, zi);
        const f = applyActivation(this.recurrentActivation, zf);
        const g = applyActivation(this.activation, zg);
        const o = applyActivation(this.recurrentActivation, zo);
        const cNew = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
        let hNew = tf.mul(o, applyActivation(this.activation, cNew)) as tf.Tensor2D;
        if (p.projection) hNew = tf.matMul(hNew, p.projection);
        hs.push(hNew);
        cs.push(cNew);
        input = hNew;
      });
      return { output: tf.clone(hs[L - 1]), h: hs, c: cs };
    });
  }

  /** Releases the prepared weights. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.layers) tf.dispose([p.w, ...(p.bias ? [p.bias] : []), ...(p.projection ? [p.projection] : [])]);
  }
}
