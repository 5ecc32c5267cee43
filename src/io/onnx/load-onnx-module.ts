/**
 * `io.loadOnnx`: an ONNX model's recurrent nodes back into the PyTorch-style module that
 * computes them — `nn.LSTM` from `LSTM` nodes (`./load-onnx`), `nn.GRU` from `GRU` nodes with
 * `linear_before_reset = 1` (what `torch.onnx.export` writes for an `nn.GRU`), `nn.RNN` from
 * `RNN` nodes with Tanh or Relu (its `nonlinearity`) (`./load-onnx-cells`), `batchFirst` as the
 * file lays out its input.
 *
 * `options.kind` says which module is expected: `'LSTM'` (the default, so that existing callers
 * keep the `nn.LSTM` type), `'GRU'`, `'RNN'`, or `'any'` (whichever the file holds; tell them
 * apart with `instanceof nn.LSTM / nn.GRU / nn.RNN`). A file of another kind is refused with an
 * `UnsupportedConversionError` naming what it holds and the option that loads it. What no
 * PyTorch module computes is refused the same way, naming why: a GRU with
 * `linear_before_reset = 0` (Keras reset_after=False; `io.loadOnnxRecurrent` reads it, and
 * `engine.gruStack(..., { resetAfter: false })` runs it), other activations.
 *
 * Example:
 * ```ts
 * const gru = io.loadOnnx(bytes, { kind: 'GRU' });   // nn.GRU
 * const [output, hN] = gru.forward(x);
 * const m = io.loadOnnx(bytes, { kind: 'any' });     // nn.LSTM | nn.GRU | nn.RNN
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { convertGruWeights, convertRnnWeights, torchLayerSuffix } from '../../../adapters';
import { ConfigError, UnsupportedConversionError } from '../../errors';
import { GRU, LSTM, RNN } from '../../nn';
import { ModelProto } from '../../onnx/internal';
import { LoadOnnxOptions, decodedModel, loadOnnxLstm } from './load-onnx';
import { OnnxRecurrentStack, disposeOnnxRecurrentStacks, loadOnnxRecurrent } from './load-onnx-cells';

/** The modules {@link loadOnnx} returns, by `options.kind`. */
export type OnnxModuleKind = 'LSTM' | 'GRU' | 'RNN';

/** Options of {@link loadOnnx}: those of the readers, and the module kind expected. */
export interface LoadOnnxModuleOptions extends LoadOnnxOptions {
  /** `'LSTM'` (default), `'GRU'`, `'RNN'`, or `'any'` (see the module documentation). */
  readonly kind?: OnnxModuleKind | 'any';
}

const KINDS = ['LSTM', 'GRU', 'RNN', 'any'];

/** The op types of the model's recurrent nodes, by module kind. */
function kindsIn(model: ModelProto): { held: OnnxModuleKind[]; ops: string } {
  const ops = new Set(model.graph.node.filter((n) => !n.domain || n.domain === 'ai.onnx').map((n) => n.opType));
  return { held: (['LSTM', 'GRU', 'RNN'] as const).filter((k) => ops.has(k)), ops: [...ops].slice(0, 12).join(', ') || 'none' };
}

/** A GRU / RNN stack as the `nn.GRU` / `nn.RNN` computing it. */
function hiddenModule(stack: OnnxRecurrentStack, where: string): GRU | RNN {
  const label = `${where}: ${stack.kind === 'gru' ? 'GRU' : 'RNN'} ${stack.nodes.map((n) => `'${n}'`).join(', ')}`;
  if (stack.kind === 'gru' && !stack.resetAfter) {
    throw new UnsupportedConversionError(
      `${label}: linear_before_reset = 0 applies the reset gate before the recurrent product (Keras reset_after=False); nn.GRU applies it after, so no nn.GRU computes it (io.loadOnnxRecurrent reads it; engine.gruStack runs it with resetAfter: false)`,
    );
  }
  if (stack.kind === 'gru' && (stack.activation !== 'tanh' || stack.recurrentActivation !== 'sigmoid')) {
    throw new UnsupportedConversionError(`${label}: activations ${stack.recurrentActivation} / ${stack.activation}; nn.GRU computes sigmoid / tanh only (io.loadOnnxRecurrent reads the weights anyway)`);
  }
  if (stack.kind === 'rnn' && stack.activation !== 'tanh' && stack.activation !== 'relu') {
    throw new UnsupportedConversionError(`${label}: activation ${stack.activation}; nn.RNN computes tanh or relu only (io.loadOnnxRecurrent reads the weights anyway)`);
  }
  const sd: tf.NamedTensorMap = {};
  try {
    stack.layers.forEach((layer, k) =>
      [layer.forward, ...(layer.backward ? [layer.backward] : [])].forEach((w, d) => {
        const t = stack.kind === 'gru' ? convertGruWeights(w, 'canonical', 'torch', { resetAfter: true }) : convertRnnWeights(w, 'canonical', 'torch');
        const s = torchLayerSuffix(k, d);
        Object.assign(sd, { [`weight_ih${s}`]: t.weight_ih, [`weight_hh${s}`]: t.weight_hh }, t.bias_ih && t.bias_hh ? { [`bias_ih${s}`]: t.bias_ih, [`bias_hh${s}`]: t.bias_hh } : {});
      }),
    );
    return stack.kind === 'gru'
      ? GRU.fromStateDict(sd, { prefix: '', batchFirst: stack.batchFirst })
      : RNN.fromStateDict(sd, { prefix: '', batchFirst: stack.batchFirst, nonlinearity: stack.activation as 'tanh' | 'relu' });
  } finally {
    tf.dispose(Object.values(sd));
  }
}

/**
 * The PyTorch-style module of an ONNX model's recurrent stack (see the module documentation).
 * @throws UnsupportedConversionError, OnnxFormatError, FileParseError, ConfigError.
 */
export function loadOnnx(source: Uint8Array | ModelProto, options?: LoadOnnxOptions & { readonly kind?: 'LSTM' }): LSTM;
/** The `nn.GRU` of the file's GRU nodes (`linear_before_reset = 1`, sigmoid / tanh). */
export function loadOnnx(source: Uint8Array | ModelProto, options: LoadOnnxOptions & { readonly kind: 'GRU' }): GRU;
/** The `nn.RNN` of the file's RNN nodes (Tanh or Relu: its `nonlinearity`). */
export function loadOnnx(source: Uint8Array | ModelProto, options: LoadOnnxOptions & { readonly kind: 'RNN' }): RNN;
/** With `kind: 'any'`: whichever module the file holds (`instanceof` tells them apart). */
export function loadOnnx(source: Uint8Array | ModelProto, options: LoadOnnxModuleOptions): LSTM | GRU | RNN;
export function loadOnnx(source: Uint8Array | ModelProto, options: LoadOnnxModuleOptions = {}): LSTM | GRU | RNN {
  const where = 'io.loadOnnx';
  if (typeof options !== 'object' || options === null) throw new ConfigError(`${where}: options expected an object, got ${typeof options}`);
  const { kind = 'LSTM', ...rest } = options;
  if (!KINDS.includes(kind)) throw new ConfigError(`${where}: kind expected one of ${KINDS.map((k) => `'${k}'`).join(', ')}, got ${JSON.stringify(kind)}`);
  // Decoded once; the readers below take the decoded model.
  const model = decodedModel(where, source, rest);
  const { held, ops } = kindsIn(model);
  const wanted: OnnxModuleKind = kind !== 'any' ? kind : held.length === 1 ? held[0] : 'LSTM';
  if (kind === 'any' && held.length > 1) {
    throw new UnsupportedConversionError(`${where}: the model has ${held.join(' and ')} nodes; choose which with kind: ${held.map((k) => `'${k}'`).join(' or ')}`);
  }
  if (!held.includes(wanted)) {
    const hint = held.length ? `; its ${held.join(' and ')} nodes load with { kind: ${held.map((k) => `'${k}'`).join(' | ')} } (or 'any')` : '';
    throw new UnsupportedConversionError(`${where}: the model has no ${wanted} node${held.length ? '' : ` (ops: ${ops})`}${hint}`);
  }
  if (wanted === 'LSTM') return loadOnnxLstm(model, rest, where);
  const recurrentOptions = { ...rest };
  let stack: OnnxRecurrentStack;
  try {
    stack = loadOnnxRecurrent(model, recurrentOptions);
  } catch (e) {
    if (e instanceof Error) e.message = e.message.replace(/^io\.loadOnnxRecurrent/, where);
    throw e;
  }
  try {
    if ((stack.kind === 'gru') !== (wanted === 'GRU')) {
      throw new UnsupportedConversionError(`${where}: the model's stack ${options.stack ?? 0} is ${stack.kind === 'gru' ? 'a GRU' : 'an RNN'}, not ${wanted === 'GRU' ? 'a GRU' : 'an RNN'}; choose another with options.stack`);
    }
    return hiddenModule(stack, where);
  } finally {
    disposeOnnxRecurrentStacks([stack]);
  }
}
