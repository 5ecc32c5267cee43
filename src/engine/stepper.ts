/**
 * The one-step machinery for any cell: a unidirectional stack run one time step per call, with
 * each layer's weights prepared once (`LstmStepper` in `./lstm-stepper` is its LSTM instance).
 *
 * The machinery validates the layers (sizes, chaining) and every call (input, states), runs the
 * layers in order with the cell's prepared step, and disposes every intermediate; the cell
 * ({@link StepCell}, e.g. `./cells/lstm-step`) prepares its weights and computes a step with
 * tfjs kernels called directly.
 *
 * Legend: N batch, L layers; states per layer in the cell's order (`[h, c]` for the LSTM).
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../errors';
import type { CellSizes, CellWeights } from './cell';

/** A cell's one-step part: see the module documentation. */
export interface StepCell<W extends CellWeights, Prepared, Config> {
  /** G, the number of H-column blocks of the kernels. */
  readonly gates: number;
  readonly stateNames: readonly string[];
  sizes(w: W, where: string): CellSizes;
  stateSizes(s: CellSizes): number[];
  /** The prepared weights of one layer (kept tensors, released by `release`). */
  prepare(w: W, sizes: CellSizes, config: Config): Prepared;
  /**
   * One step of one layer: `input` (N, I), `state` (N, ·) each; returns the new state (N, ·),
   * state 0 the layer's output. Intermediates go to `scratch` (disposed after the call).
   */
  step(p: Prepared, input: tf.Tensor, state: readonly tf.Tensor[], N: number, scratch: (t: tf.Tensor) => tf.Tensor): tf.Tensor2D[];
  release(p: Prepared): void;
}

/** One prepared layer. */
interface Layer<P> {
  readonly prepared: P;
  readonly sizes: CellSizes;
  readonly stateSizes: readonly number[];
}

/** A unidirectional stack of one cell, prepared for one-step-per-call inference. */
export class CellStepper<W extends CellWeights, P, C> {
  private readonly layers: Layer<P>[];
  private disposed = false;

  constructor(private readonly cell: StepCell<W, P, C>, weights: readonly W[], config: C, private readonly where: string) {
    if (weights.length === 0) throw new ConfigError(`${where}: expected at least one layer, got 0`);
    let previous: number | null = null;
    const sizes = weights.map((w, k) => {
      const s = cell.sizes(w, `${where} (layer ${k})`);
      if (previous !== null && s.inputSize !== previous) {
        throw new ShapeError(`${where}: layer ${k} kernel expected [${previous}, ${cell.gates * s.hiddenSize}], got ${formatShape(w.kernel.shape)}`);
      }
      previous = s.outputSize;
      return s;
    });
    this.layers = weights.map((w, k) => ({ prepared: cell.prepare(w, sizes[k], config), sizes: sizes[k], stateSizes: cell.stateSizes(sizes[k]) }));
  }

  /** Number of layers. */
  get numLayers(): number {
    return this.layers.length;
  }

  /**
   * One time step: `x` (N, I) and, per state name, the L previous states (zeros when `states`
   * is null). Returns the last layer's output and, per state name, L new tensors.
   * @throws ShapeError for a wrong input or state shape.
   */
  step(x: tf.Tensor, states: readonly (readonly tf.Tensor[])[] | null): { output: tf.Tensor2D; states: tf.Tensor2D[][] } {
    const where = this.where;
    if (this.disposed) throw new ConfigError(`${where}: step() after dispose()`);
    const first = this.layers[0];
    if (x.rank !== 2 || x.shape[1] !== first.sizes.inputSize) {
      throw new ShapeError(`${where}: x expected [N, ${first.sizes.inputSize}], got ${formatShape(x.shape)}`);
    }
    const N = x.shape[0];
    const L = this.layers.length;
    const names = this.cell.stateNames;
    if (states && states.some((list) => list.length !== L)) {
      throw new ShapeError(`${where}: state expected ${names.map((n) => `${L} ${n}`).join(' and ')} tensors, got ${states.map((l) => l.length).join(' and ')}`);
    }
    this.layers.forEach((layer, k) => {
      if (!states) return;
      names.forEach((name, j) => {
        const t = states[j][k];
        const size = layer.stateSizes[j];
        if (t.rank !== 2 || t.shape[0] !== N || t.shape[1] !== size) {
          throw new ShapeError(`${where}: ${name}[${k}] expected [${N}, ${size}], got ${formatShape(t.shape)}`);
        }
      });
    });
    const scratch: tf.Tensor[] = [];
    const keep = (t: tf.Tensor) => {
      scratch.push(t);
      return t;
    };
    const out: tf.Tensor2D[][] = names.map(() => []);
    try {
      let input: tf.Tensor = x;
      this.layers.forEach((layer, k) => {
        const prev = states ? states.map((list) => list[k]) : layer.stateSizes.map((s) => keep(tf.zeros([N, s])));
        const next = this.cell.step(layer.prepared, input, prev, N, keep);
        next.forEach((s, j) => out[j].push(s));
        input = next[0];
      });
      const last = out[0][L - 1];
      return { output: tf.engine().runKernel(tf.Identity, { x: last }) as tf.Tensor2D, states: out };
    } catch (e) {
      tf.dispose(out.flat());
      throw e;
    } finally {
      tf.dispose(scratch);
    }
  }

  /** Releases the prepared weights. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const layer of this.layers) this.cell.release(layer.prepared);
  }
}
