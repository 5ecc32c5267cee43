/**
 * `toTorch`: a Keras stack -> a PyTorch-style `nn.LSTM` computing the same function.
 *
 * Accepted: lstm-bridge's `layers.LSTM` / `layers.Bidirectional` and tfjs-layers' own
 * `tf.layers.lstm` / `tf.layers.bidirectional` (built, i.e. with weights), one layer or a
 * `tf.sequential` / `tf.model` chain of them, with `InputLayer`s, initial states fed from model
 * inputs, and `Dropout` layers between the LSTM layers. What PyTorch cannot compute is refused
 * with an `UnsupportedConversionError` naming the layer and the reason (the table is in
 * `./keras-stack`).
 *
 * The result:
 * - `inputSize` = the first layer's input features, `hiddenSize` = `units`, `numLayers` = the
 *   number of LSTM layers, `bidirectional` when they are `Bidirectional`.
 * - `batchFirst: true`, because Keras is batch-major: `lstm.forward(x)` takes the model's own
 *   (N, L, H_in) input. A stack of `timeMajor` layers gives `batchFirst: false`. The option
 *   `batchFirst` sets it explicitly (the module then takes the other layout).
 * - Weights exact: `weight_ih = kernel^T`, `weight_hh = recurrent_kernel^T`, `bias_ih = bias`,
 *   `bias_hh = 0` (PyTorch's step only uses their sum). A stack whose layers or halves differ in
 *   `useBias` gets `bias: true` with zeros where Keras had none — the same function.
 * - `dropout` = the rate of the `Dropout` layers between the LSTM layers (0 without), which is
 *   PyTorch's inter-layer dropout exactly. As every new PyTorch module, the result is in
 *   training mode: call `.eval()` for inference when `dropout > 0`.
 *
 * What does not carry over:
 * - Keras's `dropout` / `recurrentDropout` (masks on the input features and the recurrent state,
 *   fixed across time): PyTorch's LSTM has no such dropout. Refused, unless
 *   `trainingDropout: 'discard'`, which converts the inference-time function (what
 *   `model.predict` computes) and drops the training-time dropout.
 * - Masks (`Masking`, `Embedding({maskZero})`): `nn.LSTM` has no mask input; PyTorch pads with
 *   packed sequences. Convert the LSTM layers alone and turn right-padding masks into lengths
 *   (`kerasMaskToLengths`, then `nn.utils.rnn.packPaddedSequence`).
 * - `stateful`: refused; with PyTorch, pass the previous call's `h_n`/`c_n` as `h0`/`c0`.
 * - Regularizers, constraints and initializers: they act on training (the loss, the optimizer
 *   step) or on creation, not on the function; PyTorch keeps them in the optimizer. Not carried.
 * - The last layer's head: Keras may return the last output only (`returnSequences: false`) or
 *   merge a `Bidirectional`'s halves by sum/mul/ave (or return both, `null`); `nn.LSTM` always
 *   returns the whole sequence, directions concatenated, and `h_n`. The head is accepted (the
 *   recurrence is PyTorch's) and {@link kerasOutputHead} + `torchToKerasOutput` recompute the
 *   model's own output from PyTorch's `output` and `h_n`. In particular the last output of a
 *   `Bidirectional` is the last layer's `h_n`, not `output[:, -1]`.
 * - Initial states: layer k's `[h, c]` (`[hF, cF, hB, cB]` for a `Bidirectional`) are
 *   `h0[k·D + d]`, `c0[k·D + d]`; `kerasStatesToTorch` stacks them.
 *
 * Example:
 * ```ts
 * const model = tf.sequential({layers: [
 *   layers.bidirectional({layer: layers.lstm({units: 7, returnSequences: true}), inputShape: [17, 10]}),
 *   layers.bidirectional({layer: layers.lstm({units: 7, returnSequences: true})}),
 * ]});
 * const lstm = adapters.toTorch(model);    // LSTM(10, 7, num_layers=2, batch_first=True, bidirectional=True)
 * const [output] = lstm.forward(x);        // = model.predict(x), x (N, 17, 10)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../src/errors';
import { GRU, LSTM, RNN } from '../src/nn';
import { hiddenKerasToStateDict } from './hidden-weights';
import { KerasStack, TrainingDropout, readKerasStack } from './keras-stack';
import { KerasOutputHead } from './model-io';
import { disposeStack, kerasWeightsToStack, stackToTorchStateDict } from './stacks';

/** Options of {@link toTorch}. */
export interface ToTorchOptions {
  /**
   * Keras training-time dropout PyTorch cannot express (`dropout` / `recurrentDropout`
   * arguments, `Dropout` layers that are not one between every two LSTM layers at one rate):
   * `'reject'` (default) throws; `'discard'` converts the inference-time function without it
   * (the arguments are left out; when the `Dropout` layers do not form PyTorch's pattern, all
   * of them are, and the result has `dropout: 0`).
   */
  readonly trainingDropout?: TrainingDropout;
  /** The result's layout. Default: true, or false for a stack of `timeMajor` layers. */
  readonly batchFirst?: boolean;
}

const OPTION_KEYS = ['trainingDropout', 'batchFirst'];

function checkOptions(options: ToTorchOptions, where: string): void {
  if (options === null || typeof options !== 'object') throw new ConfigError(`${where}: options expected an object, got ${options}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new ConfigError(`${where}: unknown option ${JSON.stringify(key)}; expected one of ${OPTION_KEYS.join(', ')}`);
  }
  const { trainingDropout, batchFirst } = options;
  if (trainingDropout !== undefined && trainingDropout !== 'reject' && trainingDropout !== 'discard') {
    throw new ConfigError(`${where}: trainingDropout expected 'reject' or 'discard', got ${JSON.stringify(trainingDropout)}`);
  }
  if (batchFirst !== undefined && typeof batchFirst !== 'boolean') {
    throw new ConfigError(`${where}: batchFirst expected a boolean, got ${JSON.stringify(batchFirst)}`);
  }
}

/** Per-layer Keras weight lists, a zero bias added to the halves without one when others have one. */
function weightLists(stack: KerasStack, zeros: tf.Tensor[]): tf.Tensor[][] {
  return stack.layers.map((l) =>
    l.halves.flatMap((half) => {
      if (!stack.bias || half.length === 3) return half;
      const bias = tf.zeros([4 * stack.hiddenSize]);
      zeros.push(bias);
      return [...half, bias];
    }),
  );
}

/**
 * A Keras `LSTM` / `GRU` / `SimpleRNN` layer (or a `Bidirectional` around one), or a model of
 * them, -> an `nn.LSTM` / `nn.GRU` / `nn.RNN` with the same weights and function (see the module
 * documentation). `M` is the module type expected (default `LSTM`; `toTorch<GRU>(model)`); the
 * kind actually built follows the layers. GRUs must have `resetAfter: true` (PyTorch's reset);
 * SimpleRNN's activation must be tanh or relu. The Keras layers are left untouched.
 * @throws UnsupportedConversionError naming the layer PyTorch cannot express, and why.
 * @throws ConfigError for bad options, a source that is not a layer or model, an unbuilt layer.
 */
export function toTorch<M extends LSTM | GRU | RNN = LSTM>(layerOrModel: unknown, options: ToTorchOptions = {}): M {
  const where = 'adapters.toTorch';
  checkOptions(options, where);
  const stack = readKerasStack(layerOrModel, options.trainingDropout ?? 'reject', where);
  if (stack.kind !== 'LSTM') return hiddenToTorch(stack, options) as M;
  const zeros: tf.Tensor[] = [];
  const { layers } = kerasWeightsToStack(weightLists(stack, zeros));
  tf.dispose(zeros);
  let stateDict: Record<string, tf.Tensor> = {};
  try {
    stateDict = stackToTorchStateDict(layers);
    const lstm = new LSTM(stack.inputSize, stack.hiddenSize, {
      numLayers: stack.layers.length,
      bias: stack.bias,
      batchFirst: options.batchFirst ?? !stack.timeMajor,
      bidirectional: stack.bidirectional,
      dropout: stack.dropout,
    });
    try {
      lstm.loadStateDict(stateDict);
    } catch (e) {
      lstm.dispose();
      throw e;
    }
    return lstm as M;
  } finally {
    disposeStack(layers);
    tf.dispose(Object.values(stateDict));
  }
}

/** A GRU / SimpleRNN stack -> `nn.GRU` / `nn.RNN` (the same construction as the LSTM's). */
function hiddenToTorch(stack: KerasStack, options: ToTorchOptions): GRU | RNN {
  const stateDict = hiddenKerasToStateDict(stack.kind === 'GRU' ? 'GRU' : 'RNN', stack.layers.map((l) => l.halves), stack.bias);
  try {
    const common = {
      numLayers: stack.layers.length,
      bias: stack.bias,
      batchFirst: options.batchFirst ?? !stack.timeMajor,
      bidirectional: stack.bidirectional,
      dropout: stack.dropout,
    };
    const module = stack.kind === 'GRU'
      ? new GRU(stack.inputSize, stack.hiddenSize, common)
      : new RNN(stack.inputSize, stack.hiddenSize, { ...common, nonlinearity: stack.activation });
    try {
      module.loadStateDict(stateDict);
    } catch (e) {
      module.dispose();
      throw e;
    }
    return module;
  } finally {
    tf.dispose(Object.values(stateDict));
  }
}

/**
 * What a Keras stack's last layer makes of its sequences (`returnSequences`, `mergeMode`), for
 * `torchToKerasOutput`: with it, PyTorch's `output` and `h_n` give the Keras model's own output.
 * @throws like {@link toTorch} for stacks PyTorch cannot express (dropout is not checked here).
 */
export function kerasOutputHead(layerOrModel: unknown): KerasOutputHead {
  return readKerasStack(layerOrModel, 'discard', 'adapters.kerasOutputHead').head;
}
