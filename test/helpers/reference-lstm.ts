/**
 * Independent float64 reference LSTMs that read each convention's weights in its OWN layout,
 * following the framework's equations (no adapter code involved). Tests compare the engine,
 * run on converted weights, with these.
 *
 * A cell gives the four gate pre-activations of one sample; `referenceRun` loops over time with
 * σ = sigmoid and φ = tanh:
 *
 *     c' = σ(f + forgetOffset + P_f c) c + σ(i + P_i c) φ(g)
 *     h' = σ(o + P_o c') φ(c')        (then projected when the cell has a projection)
 */
import { tf } from './tf';

type Data = Float32Array | Int32Array | Uint8Array | Float64Array | number[];

/** Gate pre-activations of one sample, each of length H. */
export interface Preacts {
  i: Float64Array;
  f: Float64Array;
  g: Float64Array;
  o: Float64Array;
}

/** One convention's cell, reading its native weights. */
export interface ReferenceCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  preacts(x: ArrayLike<number>, h: ArrayLike<number>): Preacts;
  /** Added to f before σ (TF1 `forget_bias`). */
  readonly forgetOffset?: number;
  /** ONNX peepholes (H each). */
  readonly peepholes?: { i: ArrayLike<number>; o: ArrayLike<number>; f: ArrayLike<number> } | null;
  /** (H) -> (H_out). */
  project?(m: Float64Array): Float64Array;
}

const data = (t: tf.Tensor | null | undefined): Data | null => (t ? t.dataSync() : null);
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function zeros(n: number): Float64Array {
  return new Float64Array(n);
}

/** Gate letters to canonical names. */
const NAME: Record<string, keyof Preacts> = { i: 'i', f: 'f', g: 'g', c: 'g', j: 'g', o: 'o' };

/**
 * A cell whose weights are "row-per-unit" matrices: z[gate][u] = Σ_k A(gate,u,k) x_k + Σ_k B(gate,u,k) h_k + bias(gate,u).
 */
function makeCell(
  I: number,
  H: number,
  Hout: number,
  order: string,
  wx: (gate: number, u: number, k: number) => number,
  wh: (gate: number, u: number, k: number) => number,
  bias: (gate: number, u: number) => number,
): ReferenceCell['preacts'] {
  return (x, h) => {
    const out: Preacts = { i: zeros(H), f: zeros(H), g: zeros(H), o: zeros(H) };
    for (let gate = 0; gate < 4; gate++) {
      const z = out[NAME[order[gate]]];
      for (let u = 0; u < H; u++) {
        let s = bias(gate, u);
        for (let k = 0; k < I; k++) s += wx(gate, u, k) * x[k];
        for (let k = 0; k < Hout; k++) s += wh(gate, u, k) * h[k];
        z[u] = s;
      }
    }
    return out;
  };
}

function projector(P: Data, H: number, Hout: number, layout: 'HP' | 'PH'): (m: Float64Array) => Float64Array {
  return (m) => {
    const out = zeros(Hout);
    for (let p = 0; p < Hout; p++) {
      let s = 0;
      for (let k = 0; k < H; k++) s += m[k] * (layout === 'HP' ? P[k * Hout + p] : P[p * H + k]);
      out[p] = s;
    }
    return out;
  };
}

/** PyTorch: z = W_ih x + b_ih + W_hh h + b_hh, rows i, f, g, o; h = W_hr m. */
export function torchCell(w: { weight_ih: tf.Tensor; weight_hh: tf.Tensor; bias_ih?: tf.Tensor | null; bias_hh?: tf.Tensor | null; weight_hr?: tf.Tensor | null }): ReferenceCell {
  const [H4, I] = w.weight_ih.shape as number[];
  const H = H4 / 4;
  const Hout = (w.weight_hh.shape as number[])[1];
  const Wih = data(w.weight_ih) as Data;
  const Whh = data(w.weight_hh) as Data;
  const bih = data(w.bias_ih);
  const bhh = data(w.bias_hh);
  const Whr = data(w.weight_hr);
  return {
    inputSize: I, hiddenSize: H, outputSize: Hout,
    preacts: makeCell(I, H, Hout, 'ifgo',
      (g, u, k) => Wih[(g * H + u) * I + k],
      (g, u, k) => Whh[(g * H + u) * Hout + k],
      (g, u) => (bih ? bih[g * H + u] : 0) + (bhh ? bhh[g * H + u] : 0)),
    project: Whr ? projector(Whr, H, Hout, 'PH') : undefined,
  };
}

/** Keras: z = x K + h R + b, columns i, f, c, o. */
export function kerasCell(w: { kernel: tf.Tensor; recurrent_kernel: tf.Tensor; bias?: tf.Tensor | null }): ReferenceCell {
  const [I, U4] = w.kernel.shape as number[];
  const U = U4 / 4;
  const K = data(w.kernel) as Data;
  const R = data(w.recurrent_kernel) as Data;
  const b = data(w.bias);
  return {
    inputSize: I, hiddenSize: U, outputSize: U,
    preacts: makeCell(I, U, U, 'ifco',
      (g, u, k) => K[k * 4 * U + g * U + u],
      (g, u, k) => R[k * 4 * U + g * U + u],
      (g, u) => (b ? b[g * U + u] : 0)),
  };
}

/** ONNX direction d: z = W x + R h + Wb + Rb (+ peepholes), rows i, o, f, c. */
export function onnxCell(w: { W: tf.Tensor; R: tf.Tensor; B?: tf.Tensor | null; P?: tf.Tensor | null }, d: number): ReferenceCell {
  const [, H4, I] = w.W.shape as number[];
  const H = H4 / 4;
  const W = data(w.W) as Data;
  const R = data(w.R) as Data;
  const B = data(w.B);
  const P = data(w.P);
  const wOff = d * 4 * H * I;
  const rOff = d * 4 * H * H;
  const bOff = d * 8 * H;
  const pOff = d * 3 * H;
  return {
    inputSize: I, hiddenSize: H, outputSize: H,
    preacts: makeCell(I, H, H, 'iofc',
      (g, u, k) => W[wOff + (g * H + u) * I + k],
      (g, u, k) => R[rOff + (g * H + u) * H + k],
      (g, u) => (B ? B[bOff + g * H + u] + B[bOff + 4 * H + g * H + u] : 0)),
    peepholes: P
      ? {
          i: Array.from({ length: H }, (_, u) => P[pOff + u]),
          o: Array.from({ length: H }, (_, u) => P[pOff + H + u]),
          f: Array.from({ length: H }, (_, u) => P[pOff + 2 * H + u]),
        }
      : null,
  };
}

/** TF1: z = [x, h] kernel + bias, columns i, j, f, o; forget_bias added at run time; m @ projection. */
export function tf1Cell(w: { kernel: tf.Tensor; bias: tf.Tensor; projection?: tf.Tensor | null }, forgetBias: number): ReferenceCell {
  const H = (w.bias.shape as number[])[0] / 4;
  const Hout = w.projection ? (w.projection.shape as number[])[1] : H;
  const I = (w.kernel.shape as number[])[0] - Hout;
  const K = data(w.kernel) as Data;
  const b = data(w.bias) as Data;
  const Pj = data(w.projection);
  return {
    inputSize: I, hiddenSize: H, outputSize: Hout, forgetOffset: forgetBias,
    preacts: makeCell(I, H, Hout, 'ijfo',
      (g, u, k) => K[k * 4 * H + g * H + u],
      (g, u, k) => K[(I + k) * 4 * H + g * H + u],
      (g, u) => b[g * H + u]),
    project: Pj ? projector(Pj, H, Hout, 'HP') : undefined,
  };
}

/** Keras 1 per-gate arrays: z_g = x W_g + h U_g + b_g. */
export function keras1PerGateCell(w: Record<string, tf.Tensor>): ReferenceCell {
  const [I, U] = w.W_i.shape as number[];
  const get = (name: string) => data(w[name]) as Data;
  const Ws = ['i', 'f', 'c', 'o'].map((g) => get(`W_${g}`));
  const Us = ['i', 'f', 'c', 'o'].map((g) => get(`U_${g}`));
  const bs = ['i', 'f', 'c', 'o'].map((g) => get(`b_${g}`));
  return {
    inputSize: I, hiddenSize: U, outputSize: U,
    preacts: makeCell(I, U, U, 'ifco',
      (g, u, k) => Ws[g][k * U + u],
      (g, u, k) => Us[g][k * U + u],
      (g, u) => bs[g][u]),
  };
}

/** cuDNN flat canonical params: W_g (U, I), R_g (U, U) row-major, gates i, f, c, o; b_W then b_R. */
export function cudnnParamsCell(params: tf.Tensor, I: number, U: number): ReferenceCell {
  const p = data(params) as Data;
  const rBase = 4 * U * I;
  const bBase = rBase + 4 * U * U;
  return {
    inputSize: I, hiddenSize: U, outputSize: U,
    preacts: makeCell(I, U, U, 'ifco',
      (g, u, k) => p[g * U * I + u * I + k],
      (g, u, k) => p[rBase + g * U * U + u * U + k],
      (g, u) => p[bBase + g * U + u] + p[bBase + 4 * U + g * U + u]),
  };
}

/**
 * Keras 2 `CuDNNLSTM` saved weights, read the way Keras's own loader does
 * (`keras/engine/saving.py::_convert_rnn_weights`, from CuDNN): each input block k (I, U)
 * becomes `k.T.reshape((I, U), order='F')`, each recurrent block `r.T`, the bias
 * `sum(split(bias, 2))`; then Keras LSTM's step. The Fortran reshape is spelled out by index.
 */
export function cudnnKerasCell(w: { kernel: tf.Tensor; recurrent_kernel: tf.Tensor; bias: tf.Tensor }): ReferenceCell {
  const [I, U4] = w.kernel.shape as number[];
  const U = U4 / 4;
  const k = data(w.kernel) as Data;
  const r = data(w.recurrent_kernel) as Data;
  const b = data(w.bias) as Data;
  // block g of the saved kernel: kb(row, col) = k[row * 4U + g * U + col], row < I, col < U.
  // A = kb.T (U, I); Fortran-flatten A: s[a + b * U] = A[a][b] = kb(b, a).
  // Keras K (I, U) Fortran-filled from s: K[r][c] = s[r + c * I].
  const kerasKernel = (g: number, row: number, col: number) => {
    const j = row + col * I;
    const a = j % U;
    const bIdx = Math.floor(j / U);
    return k[bIdx * 4 * U + g * U + a];
  };
  return {
    inputSize: I, hiddenSize: U, outputSize: U,
    preacts: makeCell(I, U, U, 'ifco',
      (g, u, kk) => kerasKernel(g, kk, u),
      (g, u, kk) => r[u * 4 * U + g * U + kk], // Keras R = r_block.T: R[kk][u] = r_block[u][kk]
      (g, u) => b[g * U + u] + b[4 * U + g * U + u]),
  };
}

/** Result of {@link referenceRun}: output (T, N, H_out) and the final states, float64. */
export interface ReferenceResult {
  output: Float64Array;
  h: Float64Array;
  c: Float64Array;
}

/**
 * Runs a reference cell over a time-major input (T, N, I), optionally in reverse (outputs at
 * their own time index), from zero or given states.
 */
export function referenceRun(
  cell: ReferenceCell,
  x: tf.Tensor,
  options: { reverse?: boolean; h0?: tf.Tensor | null; c0?: tf.Tensor | null } = {},
): ReferenceResult {
  const [T, N, I] = x.shape as number[];
  const H = cell.hiddenSize;
  const Hout = cell.outputSize;
  const xd = x.dataSync();
  const h = Float64Array.from(options.h0 ? options.h0.dataSync() : new Float64Array(N * Hout));
  const c = Float64Array.from(options.c0 ? options.c0.dataSync() : new Float64Array(N * H));
  const output = new Float64Array(T * N * Hout);
  for (let s = 0; s < T; s++) {
    const t = options.reverse ? T - 1 - s : s;
    for (let n = 0; n < N; n++) {
      const xs = xd.subarray((t * N + n) * I, (t * N + n + 1) * I);
      const hPrev = h.subarray(n * Hout, (n + 1) * Hout);
      const cPrev = c.slice(n * H, (n + 1) * H);
      const z = cell.preacts(xs, hPrev);
      const P = cell.peepholes;
      const cNew = zeros(H);
      const m = zeros(H);
      for (let u = 0; u < H; u++) {
        const ig = sigmoid(z.i[u] + (P ? P.i[u] * cPrev[u] : 0));
        const fg = sigmoid(z.f[u] + (cell.forgetOffset ?? 0) + (P ? P.f[u] * cPrev[u] : 0));
        cNew[u] = fg * cPrev[u] + ig * Math.tanh(z.g[u]);
        const og = sigmoid(z.o[u] + (P ? P.o[u] * cNew[u] : 0));
        m[u] = og * Math.tanh(cNew[u]);
      }
      const hNew = cell.project ? cell.project(m) : m;
      h.set(hNew, n * Hout);
      c.set(cNew, n * H);
      output.set(hNew, (t * N + n) * Hout);
    }
  }
  return { output, h, c };
}
