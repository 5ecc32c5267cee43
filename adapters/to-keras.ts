/**
 * `toKeras`: a PyTorch-style `nn.LSTM` -> a tfjs `LayersModel` computing the same function.
 *
 * The model (functional, `tf.model`), bottom to top, for layer k = 0 .. numLayers-1:
 * - `<prefix>input`: (N, L, H_in), batch-major whatever the module's `batchFirst`, as Keras
 *   models are (tfjs-layers' LSTM has no time-major mode): turn a time-major (L, N, H_in) input
 *   around with `timeToBatchMajor`;
 * - `<prefix>lstm_l{k}`: an `LSTM(units: hiddenSize, returnSequences: true, activation: 'tanh',
 *   recurrentActivation: 'sigmoid', useBias: bias)`, inside `<prefix>bidirectional_l{k}`
 *   (`Bidirectional`, `mergeMode: 'concat'`; its halves are `forward_…` / `backward_…`) when the
 *   module is bidirectional;
 * - `<prefix>dropout_l{k}` after every layer but the last when the module has `dropout > 0`: a
 *   Keras `Dropout(dropout)` layer, which is exactly PyTorch's inter-layer dropout (every
 *   element of the layer's output sequence, independently, in training only).
 *
 * Weights are exact: `kernel = weight_ih^T`, `recurrent_kernel = weight_hh^T`,
 * `bias = bias_ih + bias_hh` (the only arithmetic: PyTorch's step uses nothing but this sum).
 * For the same batch-major input the model's output is PyTorch's `output` in the batch-first
 * layout (N, L, D·H): to the bit with lstm-bridge's layers (the same engine as `nn.LSTM`), within
 * float32 rounding (~1e-7) with tfjs-layers' own.
 *
 * Options ({@link ToKerasOptions}):
 * - `returnState`: every LSTM layer returns its states, and the model outputs
 *   `[output, h_0, c_0, h_1, c_1, ...]` (index `layer·D + direction`, each (N, H)):
 *   `kerasOutputsToTorch` gives back PyTorch's `output`, `h_n`, `c_n`.
 * - `initialStateInputs`: the model takes `h0`/`c0` as inputs after the sequence,
 *   `<prefix>h0_l{k}`, `<prefix>c0_l{k}` (and `_reverse`), each (N, H) and fed to layer k's
 *   Keras `initialState` (`[h, c]`, or `[hF, cF, hB, cB]`): `torchStatesToKerasInputs(h0, c0)`
 *   makes that list. Without it the initial states are zeros, as PyTorch's default. (To start
 *   one Keras layer from given states without a model input, call it with
 *   `layer.apply(x, {initialState: [h, c]})`.)
 * - `emit: 'tfjs-layers'`: tfjs-layers' own `tf.layers.lstm` / `tf.layers.bidirectional`
 *   instead of lstm-bridge's `layers.LSTM` / `layers.Bidirectional`, for a model that plain
 *   tfjs loads without lstm-bridge (`recurrentActivation: 'sigmoid'` is set, since tfjs' default
 *   is `'hardSigmoid'`; the weights are set explicitly). Every model `toKeras` builds is exact
 *   with either. The default stays `'lstm-bridge'`: in memory it runs lstm-bridge's engine (to
 *   the bit `nn.LSTM`'s numbers, and faster); written with `saveTfjs` (or the CLI) its layers
 *   become tfjs-layers' own on disk anyway (`emit: 'auto'` there, `src/io/tfjs/emit.ts`).
 * - `inputShape`: `[L, H_in]` (`L` may be null, the default); `namePrefix` for the names.
 *
 * Not expressible: `projSize > 0` (Keras LSTMs have no projection): an
 * `UnsupportedConversionError`. Packed sequences: the Keras model takes padded sequences; see
 * `toTorch` and `./masks` for masks against lengths.
 *
 * Example:
 * ```ts
 * const lstm = new nn.LSTM(10, 20, { numLayers: 2, bidirectional: true, batchFirst: true });
 * const model = adapters.toKeras(lstm);
 * model.predict(x);                  // = lstm.forward(x)[0], x (N, L, 10): (N, L, 40)
 * await model.save(fileSystem('/tmp/lstm'));
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError, ShapeError, UnsupportedConversionError, formatShape } from '../src/errors';
import * as facade from '../src/layers';
import { GRU, LSTM, RNN } from '../src/nn';
import { hiddenStateDictToKeras } from './hidden-weights';
import { disposeStack, stackToKerasWeights, torchStateDictToStack } from './stacks';

/** The PyTorch-style modules {@link toKeras} converts. */
export type TorchRecurrent = LSTM | GRU | RNN;

/** `'lstm'`, `'gru'` or `'simple_rnn'`: the layer-name stem of a module's Keras layers. */
function stemOf(module: TorchRecurrent): string {
  return module instanceof LSTM ? 'lstm' : module instanceof GRU ? 'gru' : 'simple_rnn';
}

/** Which Keras layer classes {@link toKeras} builds. */
export type KerasEmit = 'lstm-bridge' | 'tfjs-layers';

/** Options of {@link toKeras}. */
export interface ToKerasOptions {
  /** `[L, H_in]` without the batch axis; `L` may be null. Default `[null, inputSize]`. */
  readonly inputShape?: readonly [number | null, number];
  /** Output every layer's final states after the sequence. Default false. */
  readonly returnState?: boolean;
  /** Take every layer's initial states as model inputs after the sequence. Default false. */
  readonly initialStateInputs?: boolean;
  /** `'lstm-bridge'` (default): `layers.LSTM`/`layers.Bidirectional`; `'tfjs-layers'`: tfjs' own. */
  readonly emit?: KerasEmit;
  /** Prefix of every layer and input name. Default `''`. */
  readonly namePrefix?: string;
}

const OPTION_KEYS = ['inputShape', 'returnState', 'initialStateInputs', 'emit', 'namePrefix'];
const WHERE = 'adapters.toKeras';

interface Resolved {
  readonly inputShape: [number | null, number];
  readonly returnState: boolean;
  readonly initialStateInputs: boolean;
  readonly emit: KerasEmit;
  readonly prefix: string;
}

function resolveOptions(lstm: TorchRecurrent, options: ToKerasOptions): Resolved {
  if (options === null || typeof options !== 'object') throw new ConfigError(`${WHERE}: options expected an object, got ${options}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new ConfigError(`${WHERE}: unknown option ${JSON.stringify(key)}; expected one of ${OPTION_KEYS.join(', ')}`);
  }
  const bool = (key: 'returnState' | 'initialStateInputs') => {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') throw new ConfigError(`${WHERE}: ${key} expected a boolean, got ${JSON.stringify(v)}`);
    return v ?? false;
  };
  const emit = options.emit ?? 'lstm-bridge';
  if (emit !== 'lstm-bridge' && emit !== 'tfjs-layers') {
    throw new ConfigError(`${WHERE}: emit expected 'lstm-bridge' or 'tfjs-layers', got ${JSON.stringify(emit)}`);
  }
  const prefix = options.namePrefix ?? '';
  if (typeof prefix !== 'string') throw new ConfigError(`${WHERE}: namePrefix expected a string, got ${JSON.stringify(prefix)}`);
  const shape = options.inputShape ?? [null, lstm.inputSize];
  const steps = Array.isArray(shape) ? shape[0] : undefined;
  if (
    !Array.isArray(shape) || shape.length !== 2 || shape[1] !== lstm.inputSize ||
    !(steps === null || (typeof steps === 'number' && Number.isInteger(steps) && steps > 0))
  ) {
    throw new ShapeError(
      `${WHERE}: inputShape expected [L, ${lstm.inputSize}] (L a positive integer or null; ${lstm.inputSize} = inputSize), ` +
        `got ${Array.isArray(shape) ? formatShape(shape) : JSON.stringify(shape)}`,
    );
  }
  return { inputShape: [steps as number | null, shape[1]], returnState: bool('returnState'), initialStateInputs: bool('initialStateInputs'), emit, prefix };
}

/** One Keras layer of the stack: an LSTM / GRU / SimpleRNN, or a Bidirectional around one. */
function makeLayer(module: TorchRecurrent, k: number, o: Resolved): tfl.layers.Layer {
  const args = {
    units: module.hiddenSize,
    activation: module instanceof RNN ? module.nonlinearity : ('tanh' as const),
    useBias: module.bias,
    returnSequences: true,
    returnState: o.returnState,
    name: `${o.prefix}${stemOf(module)}_l${k}`,
  };
  const gated = { ...args, activation: 'tanh' as const, recurrentActivation: 'sigmoid' as const };
  const name = `${o.prefix}bidirectional_l${k}`;
  const bridge = o.emit === 'lstm-bridge';
  let layer: tfl.layers.Layer;
  if (module instanceof LSTM) layer = bridge ? facade.lstm(gated) : tfl.layers.lstm(gated);
  else if (module instanceof GRU) layer = facade.gru({ ...gated, resetAfter: true }); // tfjs' own has no resetAfter (checked before)
  else layer = bridge ? facade.simpleRNN(args) : tfl.layers.simpleRNN(args);
  if (!module.bidirectional) return layer;
  return bridge ? facade.bidirectional({ layer: layer as facade.RecurrentLayer, mergeMode: 'concat', name }) : tfl.layers.bidirectional({ layer: layer as tfl.RNN, mergeMode: 'concat', name });
}

/** The module's weights as per-layer Keras weight lists (new tensors). */
function kerasLists(module: TorchRecurrent): tf.Tensor[][] {
  if (!(module instanceof LSTM)) {
    return hiddenStateDictToKeras(module instanceof GRU ? 'GRU' : 'RNN', module.stateDict(), module.numLayers, module.numDirections);
  }
  const { layers: stack } = torchStateDictToStack(module.stateDict());
  try {
    return stackToKerasWeights(stack);
  } finally {
    disposeStack(stack);
  }
}

/**
 * An `nn.LSTM` -> a tfjs `LayersModel` of Keras `LSTM` / `Bidirectional(LSTM)` layers computing
 * the same function (see the module documentation). The module is left untouched.
 * @throws UnsupportedConversionError for `projSize > 0` (Keras has no projection).
 * @throws ConfigError / ShapeError for bad options.
 */
export function toKeras(lstm: TorchRecurrent, options: ToKerasOptions = {}): tfl.LayersModel {
  if (!(lstm instanceof LSTM || lstm instanceof GRU || lstm instanceof RNN)) {
    throw new ConfigError(`${WHERE}: lstm expected an nn.LSTM, nn.GRU or nn.RNN, got ${lstm === null ? 'null' : typeof lstm === 'object' ? (lstm as object).constructor?.name : typeof lstm}`);
  }
  const o = resolveOptions(lstm, options);
  if (lstm instanceof GRU && o.emit === 'tfjs-layers') {
    throw new UnsupportedConversionError(
      `${WHERE}: emit 'tfjs-layers' with an nn.GRU: tfjs-layers' GRU computes reset_after=False only, and PyTorch's GRU ` +
        "applies the reset after the recurrent product (reset_after=True): use emit 'lstm-bridge' (layers.gru)",
    );
  }
  if (lstm instanceof LSTM && lstm.projSize > 0) {
    throw new UnsupportedConversionError(
      `${WHERE}: projSize ${lstm.projSize} (weight_hr_l*, LSTM with projections) has no Keras equivalent: a Keras LSTM ` +
        'has no projection of h, so this module cannot be expressed exactly',
    );
  }
  const lists = kerasLists(lstm);
  const stateNames = lstm instanceof LSTM ? ['h0', 'c0'] : ['h0'];
  const created: tfl.layers.Layer[] = [];
  try {
    const x = tfl.input({ shape: o.inputShape, name: `${o.prefix}input` });
    const stateInputs: tfl.SymbolicTensor[] = [];
    const states: tfl.SymbolicTensor[] = [];
    let sequence = x;
    for (let k = 0; k < lstm.numLayers; k++) {
      if (k > 0 && lstm.dropout > 0) {
        sequence = tfl.layers.dropout({ rate: lstm.dropout, name: `${o.prefix}dropout_l${k - 1}` }).apply(sequence) as tfl.SymbolicTensor;
      }
      const initialState: tfl.SymbolicTensor[] = [];
      if (o.initialStateInputs) {
        for (let d = 0; d < lstm.numDirections; d++) {
          const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
          for (const s of stateNames) initialState.push(tfl.input({ shape: [lstm.hiddenSize], name: `${o.prefix}${s}${suffix}` }));
        }
        stateInputs.push(...initialState);
      }
      const layer = makeLayer(lstm, k, o);
      created.push(layer);
      // The weights are set below: skip the initializers (tfjs' orthogonal one is slow).
      layer.setFastWeightInitDuringBuild(true);
      const out = layer.apply(initialState.length ? [sequence, ...initialState] : sequence) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
      layer.setFastWeightInitDuringBuild(false);
      if (o.emit === 'tfjs-layers' && initialState.length) {
        // tfjs-layers' RNN keeps the symbolic initial states in the node's call arguments
        // besides its inputs. Only the inputs are used to run (and saved), and the copy makes
        // model.save() warn that it cannot serialize it: drop the copy, as loading does.
        const node = layer.inboundNodes[layer.inboundNodes.length - 1];
        if (node.callArgs) delete node.callArgs.initialState;
      }
      const [y, ...s] = Array.isArray(out) ? out : [out];
      sequence = y;
      states.push(...s);
      layer.setWeights(lists[k]);
    }
    return tfl.model({ inputs: [x, ...stateInputs], outputs: o.returnState ? [sequence, ...states] : sequence });
  } catch (e) {
    for (const layer of created) if (layer.built) layer.dispose();
    throw e;
  } finally {
    tf.dispose(lists.flat());
  }
}
