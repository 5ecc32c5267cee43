/**
 * Converts the weights of one LSTM layer and direction between any two conventions, through
 * the engine's canonical form.
 *
 * | name | weights | module |
 * |---|---|---|
 * | `canonical` | `LstmWeights` (the engine's form) | `src/engine/weights.ts` |
 * | `torch` | `weight_ih, weight_hh, bias_ih, bias_hh, weight_hr` | `./conventions/torch` |
 * | `keras` | `kernel, recurrent_kernel, bias` | `./conventions/keras` |
 * | `onnx` | `W, R, B, P` with one direction (D = 1) | `./conventions/onnx` |
 * | `tf1` | `kernel (I+H, 4H), bias` (+ `projection`), `forget_bias` | `./conventions/tf1` |
 * | `cudnn` | Keras `CuDNNLSTM`: `kernel, recurrent_kernel, bias (8U)` | `./conventions/cudnn` |
 * | `cudnnParams` | cuDNN's flat canonical buffer (a 1-D tensor) | `./conventions/cudnn` |
 * | `keras1` | Keras 1 per-gate `W_i, U_i, b_i, ...` or fused `W, U, b` | `./conventions/keras1` |
 *
 * Exactness: every weight is copied bit for bit, except that two biases become one when the
 * target has a single bias (`keras`, `tf1`, `keras1`: their float32 sum; a bias beside an
 * all-zero one is copied as is, so a single bias survives a trip through a two-bias convention
 * bit for bit) and that `tf1` adds or
 * subtracts its runtime `forget_bias` on the forget block (float rounding). A conversion that
 * cannot be exact (projection or peepholes where the target has none) throws
 * `UnsupportedConversionError`.
 *
 * Example:
 * ```ts
 * const keras = convertLstmWeights(torchWeights, 'torch', 'keras'); // bias = bias_ih + bias_hh
 * const tf1 = convertLstmWeights(keras, 'keras', 'tf1', { forgetBias: 1 });
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { LstmWeights } from '../src/engine';
import { ConfigError } from '../src/errors';
import { cloneCanonical, oneDirection, throughCanonical } from './canonical-trip';
import { checkOneOfArg, checkTensorArg, expectOptions, expectRecord } from './checks';
import { CudnnLstmWeights, CudnnParamsSizes, canonicalToCudnn, canonicalToCudnnParams, cudnnParamsToCanonical, cudnnToCanonical } from './conventions/cudnn';
import { KerasLstmWeights, canonicalToKeras, kerasToCanonical } from './conventions/keras';
import { Keras1ConsumeLess, Keras1LstmWeights, canonicalToKeras1, keras1ToCanonical } from './conventions/keras1';
import { OnnxLstmWeights, canonicalToOnnx, onnxToCanonical } from './conventions/onnx';
import { Tf1LstmWeights, canonicalToTf1, tf1ToCanonical } from './conventions/tf1';
import { TorchLstmWeights, canonicalToTorch, torchToCanonical } from './conventions/torch';

/** The weights of one layer and direction, by convention name. */
export interface LstmConventionWeights {
  canonical: LstmWeights;
  torch: TorchLstmWeights;
  keras: KerasLstmWeights;
  onnx: OnnxLstmWeights;
  tf1: Tf1LstmWeights;
  cudnn: CudnnLstmWeights;
  cudnnParams: tf.Tensor1D;
  keras1: Keras1LstmWeights;
}

/** A weight convention's name. */
export type LstmConvention = keyof LstmConventionWeights;

/** Every convention, in table order. */
export const LSTM_CONVENTIONS: readonly LstmConvention[] = [
  'canonical', 'torch', 'keras', 'onnx', 'tf1', 'cudnn', 'cudnnParams', 'keras1',
];

/** Options of {@link convertLstmWeights}; each applies only where named, and is refused elsewhere. */
export interface ConvertLstmWeightsOptions {
  /** TF1 `forget_bias` (default 1.0) — only when `from` or `to` is `'tf1'`. */
  readonly forgetBias?: number;
  /** Keras 1 form to produce (default `'cpu'`, per-gate) — only when `to` is `'keras1'`. */
  readonly consumeLess?: Keras1ConsumeLess;
  /** Sizes of the flat buffer — required when `from` is `'cudnnParams'`, refused otherwise. */
  readonly cudnnParamsSizes?: CudnnParamsSizes;
}

const WHERE = 'adapters.convertLstmWeights';

function checkOptions(weights: unknown, from: LstmConvention, to: LstmConvention, options: ConvertLstmWeightsOptions): void {
  checkOneOfArg(from, LSTM_CONVENTIONS, 'from', WHERE);
  checkOneOfArg(to, LSTM_CONVENTIONS, 'to', WHERE);
  expectOptions(options, 'options', WHERE);
  if (from === 'cudnnParams') checkTensorArg(weights, 'weights', WHERE);
  else expectRecord(weights, 'weights', WHERE);
  const refuse = (option: string, applies: string) => {
    throw new ConfigError(`${WHERE}: option ${option} applies only ${applies}, got from '${from}' to '${to}'`);
  };
  if (options.forgetBias !== undefined && from !== 'tf1' && to !== 'tf1') refuse('forgetBias', "when from or to is 'tf1'");
  if (options.consumeLess !== undefined && to !== 'keras1') refuse('consumeLess', "when to is 'keras1'");
  if (options.cudnnParamsSizes !== undefined && from !== 'cudnnParams') refuse('cudnnParamsSizes', "when from is 'cudnnParams'");
  if (from === 'cudnnParams' && !options.cudnnParamsSizes) {
    throw new ConfigError(`${WHERE}: from 'cudnnParams' needs cudnnParamsSizes {inputSize, hiddenSize}, got none`);
  }
}

function toCanonical(w: unknown, from: LstmConvention, options: ConvertLstmWeightsOptions): LstmWeights {
  switch (from) {
    case 'canonical':
      return w as LstmWeights;
    case 'torch':
      return torchToCanonical(w as TorchLstmWeights, WHERE);
    case 'keras':
      return kerasToCanonical(w as KerasLstmWeights, WHERE);
    case 'onnx':
      return oneDirection(onnxToCanonical(w as OnnxLstmWeights, WHERE), '4H', 'onnxToCanonical', WHERE);
    case 'tf1':
      return tf1ToCanonical(w as Tf1LstmWeights, { forgetBias: options.forgetBias }, WHERE);
    case 'cudnn':
      return cudnnToCanonical(w as CudnnLstmWeights, WHERE);
    case 'cudnnParams':
      return cudnnParamsToCanonical(w as tf.Tensor1D, options.cudnnParamsSizes as CudnnParamsSizes, WHERE);
    case 'keras1':
      return keras1ToCanonical(w as Keras1LstmWeights, WHERE);
  }
}

function fromCanonical(w: LstmWeights, to: LstmConvention, options: ConvertLstmWeightsOptions): unknown {
  switch (to) {
    case 'canonical':
      return cloneCanonical(w);
    case 'torch':
      return canonicalToTorch(w, WHERE);
    case 'keras':
      return canonicalToKeras(w, WHERE);
    case 'onnx':
      return canonicalToOnnx([w], WHERE);
    case 'tf1':
      return canonicalToTf1(w, { forgetBias: options.forgetBias }, WHERE);
    case 'cudnn':
      return canonicalToCudnn(w, WHERE);
    case 'cudnnParams':
      return canonicalToCudnnParams(w, WHERE);
    case 'keras1':
      return canonicalToKeras1(w, { consumeLess: options.consumeLess }, WHERE);
  }
}

/**
 * Converts one layer-direction's weights from one convention to another. The result holds new
 * tensors (dispose them with `disposeWeights`); the input is untouched.
 * @throws UnsupportedConversionError when the target cannot express the weights exactly.
 * @throws ShapeError for weights of the wrong shapes; ConfigError for misplaced options.
 */
export function convertLstmWeights<F extends LstmConvention, T extends LstmConvention>(
  weights: LstmConventionWeights[F],
  from: F,
  to: T,
  options: ConvertLstmWeightsOptions = {},
): LstmConventionWeights[T] {
  checkOptions(weights, from, to, options);
  return throughCanonical(weights, from === 'canonical', () => toCanonical(weights, from, options), (c) => fromCanonical(c, to, options)) as LstmConventionWeights[T];
}
