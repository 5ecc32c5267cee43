/**
 * The `inspect` text for a Keras / TF.js model's GRU and SimpleRNN layers (plain or inside
 * `Bidirectional`): kind, sizes, flags, parameter count, weights as loaded (Keras layout, gate
 * columns z, r, h; GRU bias (2, 3U) with reset_after, (3U) without), and which PyTorch, TF.js and
 * ONNX forms compute the same thing. LSTMs go through `./lstm-groups`.
 *
 * Legend: F input features, U units.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { ActivationName } from '../engine';
import { Bidirectional, GRU, SimpleRNN } from '../layers';
import { weightLines } from './text-lists';

/** A GRU / SimpleRNN layer of a model, or a Bidirectional wrapping one. */
export type KerasGruRnn = GRU | SimpleRNN | Bidirectional<GRU> | Bidirectional<SimpleRNN>;

/** The model's GRU / SimpleRNN layers (and Bidirectionals of them), in layer order. */
export function kerasGruRnns(model: tfl.LayersModel): KerasGruRnn[] {
  return model.layers.filter(
    (l): l is KerasGruRnn => l instanceof GRU || l instanceof SimpleRNN || (l instanceof Bidirectional && (l.forwardLayer instanceof GRU || l.forwardLayer instanceof SimpleRNN)),
  );
}

const keras = (a: ActivationName) => (a === 'hardSigmoid' || a === 'hardSigmoidKeras3' ? 'hard_sigmoid' : a);

/** What each target format makes of one layer, exact or not. */
function conversions(inner: GRU | SimpleRNN, bi: boolean, inputSize: number): string[] {
  const c = inner.cell.config;
  const bidirectional = bi ? ', bidirectional=True' : '';
  if (inner instanceof GRU) {
    const standard = c.activation === 'tanh' && inner.cell.config.recurrentActivation === 'sigmoid';
    const torch = !standard
      ? `none: activation ${keras(c.activation)}, recurrent ${keras(inner.cell.config.recurrentActivation)} (nn.GRU computes tanh / sigmoid only)`
      : inner.resetAfter
        ? `nn.GRU(${inputSize}, ${inner.units}${bidirectional}${c.useBias ? '' : ', bias=False'})  # exact (gate rows r, z, n)`
        : `none: reset_after=False applies the reset gate before the recurrent product; nn.GRU applies it after`;
    return [
      `torch: ${torch}`,
      inner.resetAfter
        ? "tfjs: plain tf.layers.gru has no reset_after=True (it throws); loading needs lstm-bridge's layers.GRU"
        : 'tfjs: tf.layers.gru  # exact (pass its recurrentActivation explicitly: tfjs defaults to hardSigmoid)',
      `onnx: GRU operator, linear_before_reset=${inner.resetAfter ? 1 : 0}${bi ? ', direction bidirectional' : ''}  # exact`,
    ];
  }
  const torchable = c.activation === 'tanh' || c.activation === 'relu';
  return [
    `torch: ${torchable ? `nn.RNN(${inputSize}, ${inner.units}${c.activation === 'relu' ? ", nonlinearity='relu'" : ''}${bidirectional})  # exact (bias_ih = bias, bias_hh = 0)` : `none: activation ${keras(c.activation)} (nn.RNN computes tanh or relu)`}`,
    'tfjs: tf.layers.simpleRNN  # exact',
    `onnx: RNN operator, activations ${keras(c.activation)}${bi ? ', direction bidirectional' : ''}  # exact`,
  ];
}

/** The `inspect` lines of one GRU / SimpleRNN layer of a model. */
export function describeKerasGruRnn(layer: KerasGruRnn): string[] {
  const bi = layer instanceof Bidirectional;
  const inner = (bi ? layer.forwardLayer : layer) as GRU | SimpleRNN;
  const kind = inner instanceof GRU ? 'GRU' : 'SimpleRNN';
  const weights = layer.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
  const inputSize = weights[0]?.shape[0] ?? 0;
  const params = weights.reduce((a, t) => a + t.shape.reduce((p, d) => p * d, 1), 0);
  const c = inner.cell.config;
  const acts = inner instanceof GRU ? `${keras(c.activation)}, recurrent ${keras(inner.cell.config.recurrentActivation)}` : keras(c.activation);
  const flags = [inner.returnSequences ? 'return_sequences' : '', inner.returnState ? 'return_state' : '', !bi && inner.goBackwards ? 'go_backwards' : '', inner.stateful ? 'stateful' : ''].filter(Boolean);
  return [
    `${kind} ${layer.name} (${bi ? `Bidirectional(${kind}), merge ${(layer as Bidirectional<GRU>).mergeMode ?? 'None'}` : kind})`,
    inner instanceof GRU
      ? `  convention: Keras GRU: kernel (F, 3U), recurrent_kernel (U, 3U), bias ${inner.resetAfter ? '(2, 3U) = input row, recurrent row; reset after' : '(3U); reset before (reset_after=False)'}`
      : '  convention: Keras SimpleRNN: kernel (F, U), recurrent_kernel (U, U), bias (U)',
    `  gate order: ${inner instanceof GRU ? 'z, r, h (columns)' : 'none'}`,
    `  sizes: input ${inputSize}, units ${inner.units}, ${bi ? 'bidirectional' : 'one direction'}, bias ${c.useBias ? 'yes' : 'no'}`,
    `  activations: ${acts}`,
    ...(flags.length ? [`  flags: ${flags.join(', ')}`] : []),
    `  parameters: ${params.toLocaleString('en-US')}`,
    ...weightLines('  weights (as loaded, Keras layout):', weights, '    '),
    ...conversions(inner, bi, inputSize).map((l) => `  ${l}`),
  ];
}
