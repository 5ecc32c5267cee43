/**
 * Converts the weights of one GRU or vanilla RNN layer and direction between any two
 * conventions, through the engine's canonical form (the GRU and RNN counterparts of
 * `convertLstmWeights` in `./convert`).
 *
 * | kind | name | weights | reset | module |
 * |---|---|---|---|---|
 * | GRU | `canonical` | `GruWeights` (r, z, n) | `options.resetAfter` (default after) | `src/engine/cells/gru-cell.ts` |
 * | GRU | `torch` | `weight_ih, weight_hh, bias_ih, bias_hh` (r, z, n) | after | `./conventions/gru` |
 * | GRU | `keras` | `kernel, recurrent_kernel, bias` (z, r, h) | bias (2, 3U): after; (3U): before; none: `options.resetAfter` | `./conventions/gru` |
 * | GRU | `onnx` | `W, R, B` with one direction (z, r, h) | `options.resetAfter` = `linear_before_reset` 1 (default) / 0 | `./conventions/gru` |
 * | GRU | `cudnn` | Keras `CuDNNGRU`: `kernel, recurrent_kernel, bias (6U)` | after | `./conventions/gru-cudnn` |
 * | GRU | `tf1` | `GRUCell`: `gates/kernel, gates/bias, candidate/kernel, candidate/bias` | before | `./conventions/gru-tf1` |
 * | RNN | `canonical` | `RnnWeights` | — | `src/engine/cells/rnn-cell.ts` |
 * | RNN | `torch` | `weight_ih, weight_hh, bias_ih, bias_hh` | — | `./conventions/rnn` |
 * | RNN | `keras` | `SimpleRNN`: `kernel, recurrent_kernel, bias` | — | `./conventions/rnn` |
 * | RNN | `onnx` | `W, R, B` with one direction | — | `./conventions/rnn` |
 *
 * **GRU reset.** The source's reset is what its form says (table), else `options.resetAfter`
 * (default true, PyTorch's); the target's is what its form fixes, else `options.resetAfter`, else
 * the source's. Conversions within one reset are exact: every weight copied bit for bit, except
 * that two biases become one where the target has one (Keras reset_after=False, TF1), which is
 * their float32 sum and exact in the function computed because a reset-before step adds both
 * outside the reset (a bias beside an all-zero one is copied as is, so it comes back bit for bit).
 * Crossing between the resets throws `UnsupportedConversionError`: PyTorch's GRU applies the
 * reset after the recurrent product, a reset_after=False GRU before, and no choice of weights
 * makes `r ⊙ (W_hn h + b_hn)` equal `W_hn (r ⊙ h) + b_hn` — nor can `b_hn`, which sits inside the
 * reset, be summed into the one bias of a reset-before form.
 *
 * **RNN.** Every pair is exact; two biases -> Keras's one is their sum, exact since the step
 * only uses the sum.
 *
 * Example:
 * ```ts
 * const keras = convertGruWeights(torchWeights, 'torch', 'keras'); // bias (2, 3U), reset_after=True
 * const tf1 = convertGruWeights(kerasResetBefore, 'keras', 'tf1'); // bias (3U) -> GRUCell
 * convertGruWeights(torchWeights, 'torch', 'tf1'); // throws UnsupportedConversionError
 * ```
 */
import { GruWeights, RnnWeights } from '../src/engine';
import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { cloneCanonical, oneDirection, throughCanonical } from './canonical-trip';
import { checkOneOfArg, expectOptions, expectRecord } from './checks';
import {
  KerasGruWeights, OnnxGruWeights, TorchGruWeights, canonicalToKerasGru, canonicalToOnnxGru, canonicalToTorchGru,
  kerasGruResetAfter, kerasGruToCanonical, onnxGruToCanonical, torchGruToCanonical,
} from './conventions/gru';
import { CudnnGruWeights, canonicalToCudnnGru, cudnnGruToCanonical } from './conventions/gru-cudnn';
import { Tf1GruWeights, canonicalToTf1Gru, tf1GruToCanonical } from './conventions/gru-tf1';
import {
  KerasRnnWeights, OnnxRnnWeights, TorchRnnWeights, canonicalToKerasRnn, canonicalToOnnxRnn, canonicalToTorchRnn,
  kerasRnnToCanonical, onnxRnnToCanonical, torchRnnToCanonical,
} from './conventions/rnn';

/** The weights of one GRU layer and direction, by convention name. */
export interface GruConventionWeights {
  canonical: GruWeights;
  torch: TorchGruWeights;
  keras: KerasGruWeights;
  onnx: OnnxGruWeights;
  cudnn: CudnnGruWeights;
  tf1: Tf1GruWeights;
}

/** A GRU weight convention's name. */
export type GruConvention = keyof GruConventionWeights;

/** Every GRU convention, in table order. */
export const GRU_CONVENTIONS: readonly GruConvention[] = ['canonical', 'torch', 'keras', 'onnx', 'cudnn', 'tf1'];

/** The weights of one vanilla RNN layer and direction, by convention name. */
export interface RnnConventionWeights {
  canonical: RnnWeights;
  torch: TorchRnnWeights;
  keras: KerasRnnWeights;
  onnx: OnnxRnnWeights;
}

/** A vanilla RNN weight convention's name. */
export type RnnConvention = keyof RnnConventionWeights;

/** Every RNN convention, in table order. */
export const RNN_CONVENTIONS: readonly RnnConvention[] = ['canonical', 'torch', 'keras', 'onnx'];

/** Options of {@link convertGruWeights}. */
export interface ConvertGruWeightsOptions {
  /**
   * The reset of a form that does not say it (canonical, ONNX's `linear_before_reset`, Keras
   * without a bias), and the one to write where the target can hold either (Keras, ONNX,
   * canonical). Default: the source's; true (PyTorch's) when the source does not say.
   */
  readonly resetAfter?: boolean;
}

/** The reset each GRU form fixes; `null`: either. */
const FIXED_RESET: Record<GruConvention, boolean | null> = {
  canonical: null, torch: true, keras: null, onnx: null, cudnn: true, tf1: false,
};

function describeReset(convention: GruConvention, resetAfter: boolean): string {
  const names: Record<GruConvention, [string, string]> = {
    canonical: ['canonical resetAfter=true', 'canonical resetAfter=false'],
    torch: ["PyTorch's nn.GRU (reset after)", ''],
    keras: ['Keras GRU(reset_after=True)', 'Keras GRU(reset_after=False)'],
    onnx: ['ONNX GRU linear_before_reset=1', 'ONNX GRU linear_before_reset=0'],
    cudnn: ['Keras CuDNNGRU (reset after)', ''],
    tf1: ['', 'TF1 GRUCell (reset before)'],
  };
  return `'${convention}' (${names[convention][resetAfter ? 0 : 1]})`;
}

/** The resets of the source and the target of a GRU conversion. */
function gruResets(weights: unknown, from: GruConvention, to: GruConvention, options: ConvertGruWeightsOptions, where: string): [boolean, boolean] {
  const formReset = from === 'keras' ? kerasGruResetAfter(weights as KerasGruWeights, where) : FIXED_RESET[from];
  const source = formReset ?? options.resetAfter ?? true;
  const target = FIXED_RESET[to] ?? options.resetAfter ?? source;
  if (source !== target) {
    throw new UnsupportedConversionError(
      `${where}: from ${describeReset(from, source)} to ${describeReset(to, target)}: PyTorch's GRU applies the reset ` +
        'after the recurrent product; a reset_after=False GRU applies it before: not expressible exactly',
    );
  }
  return [source, target];
}

const GRU_WHERE = 'adapters.convertGruWeights';

function gruToCanonical(w: unknown, from: GruConvention): GruWeights {
  switch (from) {
    case 'canonical':
      return w as GruWeights;
    case 'torch':
      return torchGruToCanonical(w as TorchGruWeights, GRU_WHERE);
    case 'keras':
      return kerasGruToCanonical(w as KerasGruWeights, GRU_WHERE);
    case 'onnx':
      return oneDirection(onnxGruToCanonical(w as OnnxGruWeights, GRU_WHERE), '3H', 'onnxGruToCanonical', GRU_WHERE);
    case 'cudnn':
      return cudnnGruToCanonical(w as CudnnGruWeights, GRU_WHERE);
    case 'tf1':
      return tf1GruToCanonical(w as Tf1GruWeights, GRU_WHERE);
  }
}

function gruFromCanonical(w: GruWeights, to: GruConvention, resetAfter: boolean): unknown {
  switch (to) {
    case 'canonical':
      return cloneCanonical(w);
    case 'torch':
      return canonicalToTorchGru(w, GRU_WHERE);
    case 'keras':
      return canonicalToKerasGru(w, { resetAfter }, GRU_WHERE);
    case 'onnx':
      return canonicalToOnnxGru([w], GRU_WHERE);
    case 'cudnn':
      return canonicalToCudnnGru(w, GRU_WHERE);
    case 'tf1':
      return canonicalToTf1Gru(w, GRU_WHERE);
  }
}

/**
 * Converts one GRU layer-direction's weights from one convention to another (see the module
 * table). The result holds new tensors (dispose them with `disposeWeights`); the input is untouched.
 * @throws UnsupportedConversionError between a reset-after and a reset-before form.
 * @throws ShapeError for weights of the wrong shapes; ConfigError for bad names or options.
 */
export function convertGruWeights<F extends GruConvention, T extends GruConvention>(
  weights: GruConventionWeights[F],
  from: F,
  to: T,
  options: ConvertGruWeightsOptions = {},
): GruConventionWeights[T] {
  checkOneOfArg(from, GRU_CONVENTIONS, 'from', GRU_WHERE);
  checkOneOfArg(to, GRU_CONVENTIONS, 'to', GRU_WHERE);
  expectOptions(options, 'options', GRU_WHERE);
  if (options.resetAfter !== undefined) checkOneOfArg(options.resetAfter, [true, false], 'options.resetAfter', GRU_WHERE);
  expectRecord(weights, 'weights', GRU_WHERE);
  const [, resetAfter] = gruResets(weights, from, to, options, GRU_WHERE);
  return throughCanonical(weights, from === 'canonical', () => gruToCanonical(weights, from), (c) => gruFromCanonical(c, to, resetAfter)) as GruConventionWeights[T];
}

const RNN_WHERE = 'adapters.convertRnnWeights';

function rnnToCanonical(w: unknown, from: RnnConvention): RnnWeights {
  switch (from) {
    case 'canonical':
      return w as RnnWeights;
    case 'torch':
      return torchRnnToCanonical(w as TorchRnnWeights, RNN_WHERE);
    case 'keras':
      return kerasRnnToCanonical(w as KerasRnnWeights, RNN_WHERE);
    case 'onnx':
      return oneDirection(onnxRnnToCanonical(w as OnnxRnnWeights, RNN_WHERE), 'H', 'onnxRnnToCanonical', RNN_WHERE);
  }
}

function rnnFromCanonical(w: RnnWeights, to: RnnConvention): unknown {
  switch (to) {
    case 'canonical':
      return cloneCanonical(w);
    case 'torch':
      return canonicalToTorchRnn(w, RNN_WHERE);
    case 'keras':
      return canonicalToKerasRnn(w, RNN_WHERE);
    case 'onnx':
      return canonicalToOnnxRnn([w], RNN_WHERE);
  }
}

/**
 * Converts one vanilla RNN layer-direction's weights from one convention to another; every
 * pair is exact (see the module doc). New tensors; the input is untouched.
 * @throws ShapeError for weights of the wrong shapes; ConfigError for bad names or options.
 */
export function convertRnnWeights<F extends RnnConvention, T extends RnnConvention>(
  weights: RnnConventionWeights[F],
  from: F,
  to: T,
  options: Record<string, never> = {},
): RnnConventionWeights[T] {
  checkOneOfArg(from, RNN_CONVENTIONS, 'from', RNN_WHERE);
  checkOneOfArg(to, RNN_CONVENTIONS, 'to', RNN_WHERE);
  const opts = expectOptions<Record<string, unknown>>(options, 'options', RNN_WHERE);
  const unknown = Object.keys(opts);
  if (unknown.length > 0) throw new ConfigError(`${RNN_WHERE}: options expected none (an RNN has no weight options), got ${unknown.join(', ')}`);
  expectRecord(weights, 'weights', RNN_WHERE);
  return throughCanonical(weights, from === 'canonical', () => rnnToCanonical(weights, from), (c) => rnnFromCanonical(c, to)) as RnnConventionWeights[T];
}
