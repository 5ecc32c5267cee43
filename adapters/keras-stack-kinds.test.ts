/**
 * `toTorch`'s refusals name the PyTorch module of the stack's kind: "nn.GRU layer 1" for a GRU
 * stack, "nn.RNN" for a SimpleRNN one (never "nn.LSTM" for them), and the Keras class in the
 * chain rules ("a chain of GRU / Bidirectional(GRU) layers"), with lstm-bridge's layers and
 * tfjs-layers' own; the states in the hints are h0 / h_n (an LSTM's h0/c0). No tensor is left
 * behind.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { bidirectional, gru, simpleRNN } from '../src/layers';
import { expectConversionRefused } from '../test/helpers/refusals';
import { toTorch } from './to-torch';

const seq = (...layers: tfl.layers.Layer[]) => tfl.sequential({ layers });

/** toTorch(source)'s error: of `type`, containing every fragment and no "nn.LSTM"; the source disposed. */
function expectRefused(source: tfl.layers.Layer, type: typeof UnsupportedConversionError | typeof ConfigError, ...fragments: string[]): string {
  return expectConversionRefused(toTorch, source, type, fragments, ['nn.LSTM']);
}

const G = (args: Record<string, unknown> = {}) => gru({ units: 3, returnSequences: true, ...args } as Parameters<typeof gru>[0]);
const R = (args: Record<string, unknown> = {}) => simpleRNN({ units: 3, returnSequences: true, ...args } as Parameters<typeof simpleRNN>[0]);

describe('GRU stacks: the messages say nn.GRU and GRU', () => {
  it("per-layer refusals are labelled 'nn.GRU layer k'", () => {
    expectRefused(seq(G({ inputShape: [4, 2] }), G({ name: 'back_g', goBackwards: true })), UnsupportedConversionError,
      "layer 'back_g' (LstmBridge.GRU) (nn.GRU layer 1): goBackwards: true without Bidirectional: nn.GRU runs forward");
    expectRefused(seq(G({ batchInputShape: [2, 4, 2] }), G({ name: 'st', stateful: true })), UnsupportedConversionError,
      "(nn.GRU layer 1): stateful: true carries the states from one call to the next; nn.GRU starts every call from h0 (pass the previous call's h_n as h0");
    expectRefused(seq(G({ inputShape: [4, 2], name: 'drop', dropout: 0.2 })), UnsupportedConversionError,
      "(nn.GRU layer 0): dropout 0.2, recurrentDropout 0:", 'nn.GRU only drops the outputs between layers');
    expectRefused(seq(bidirectional({ layer: G(), mergeMode: 'sum', inputShape: [4, 2], name: 'bs' }), bidirectional({ layer: G() })), UnsupportedConversionError,
      "layer 'bs' (LstmBridge.Bidirectional) (nn.GRU layer 0): mergeMode 'sum' below the last layer: nn.GRU feeds the next layer");
    expectRefused(seq(G({ inputShape: [4, 2], resetAfter: false, name: 'before' })), UnsupportedConversionError, '(nn.GRU layer 0)', 'resetAfter: false');
  });

  it('stack-wide refusals: units, directions, layout, dropout layers, kinds mixed', () => {
    expectRefused(seq(G({ inputShape: [4, 2] }), G({ units: 5, name: 'wide' })), UnsupportedConversionError,
      "layer 'wide' (LstmBridge.GRU) (nn.GRU layer 1) has 5 units", 'nn.GRU has one hidden_size for every layer');
    expectRefused(seq(bidirectional({ layer: G(), inputShape: [4, 2] }), G({ name: 'one_way' })), UnsupportedConversionError,
      '(nn.GRU layer 1) is one-directional', 'nn.GRU has the same directions in every layer');
    expectRefused(seq(G({ inputShape: [4, 2], timeMajor: true }), G({ name: 'bm' })), UnsupportedConversionError, '(nn.GRU layer 1): timeMajor', 'nn.GRU has one layout');
    expectRefused(seq(G({ inputShape: [4, 2] }), tfl.layers.dropout({ rate: 0.3, name: 'd_after' })), UnsupportedConversionError,
      "layer 'd_after' (Dropout): rate 0.3 after the last GRU layer: nn.GRU drops only between its layers");
    expectRefused(seq(G({ inputShape: [4, 2] }), R({ name: 'r1' })), UnsupportedConversionError,
      "layer 'r1' (LstmBridge.SimpleRNN) (nn.RNN layer 1) is a RNN but layer 0", 'is a GRU: one PyTorch module has one cell kind');
  });

  it('chain refusals (tfjs-layers models too) name nn.GRU and GRU layers; an unbuilt layer is a ConfigError labelled nn.GRU', () => {
    expectRefused(seq(G({ inputShape: [4, 2] }), tfl.layers.dense({ units: 1, name: 'head' })), UnsupportedConversionError,
      "layer 'head' (Dense) has no nn.GRU equivalent: nn.GRU stands for a chain of GRU / Bidirectional(GRU) layers only");
    expectRefused(seq(tfl.layers.masking({ inputShape: [4, 2], name: 'mask' }), G()), UnsupportedConversionError,
      "layer 'mask' (Masking) has no nn.GRU equivalent: it makes a mask, and nn.GRU has no mask input", 'convert the GRU layers alone');
    expectRefused(seq(tfl.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 4, name: 'emb' }), G()), UnsupportedConversionError,
      'nn.GRU takes float sequences; convert the GRU layers alone');
    const x = tfl.input({ shape: [4, 2] });
    const a = tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, name: 'a' }).apply(x) as tfl.SymbolicTensor;
    const side = tfl.layers.dense({ units: 1, name: 'side' }).apply(a) as tfl.SymbolicTensor;
    const b = tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid', name: 'b' }).apply(a) as tfl.SymbolicTensor;
    expectRefused(tfl.model({ inputs: x, outputs: [b, side] }) as unknown as tfl.layers.Layer, UnsupportedConversionError,
      "(a branch or a side computation): nn.GRU is one chain of GRU layers");
    expectRefused(G({ name: 'fresh' }), ConfigError, "adapters.toTorch: layer 'fresh' (LstmBridge.GRU) (nn.GRU layer 0) is not built");
  });
});

describe('SimpleRNN stacks: the messages say nn.RNN and SimpleRNN', () => {
  it("per-layer and stack-wide refusals are labelled 'nn.RNN layer k'", () => {
    expectRefused(seq(R({ inputShape: [4, 2] }), R({ name: 'sig', activation: 'sigmoid' })), UnsupportedConversionError,
      "layer 'sig' (LstmBridge.SimpleRNN) (nn.RNN layer 1): activation 'sigmoid': nn.RNN computes nonlinearity 'tanh' or 'relu' only");
    expectRefused(seq(R({ inputShape: [4, 2] }), R({ name: 'relu_r', activation: 'relu' })), UnsupportedConversionError,
      "(nn.RNN layer 1): activation 'relu' differs from layer 0's: nn.RNN has one nonlinearity");
    expectRefused(seq(bidirectional({ layer: R({ goBackwards: true }), inputShape: [4, 2], name: 'rb' })), UnsupportedConversionError,
      "(nn.RNN layer 0): the forward half goes backwards (goBackwards: true): nn.RNN's first direction runs forward");
    expectRefused(
      seq(R({ inputShape: [4, 2] }), tfl.layers.dropout({ rate: 0.1 }), R(), tfl.layers.dropout({ rate: 0.2 }), R({ name: 'r_top' })),
      UnsupportedConversionError, "layer 'r_top' (LstmBridge.SimpleRNN): the Dropout below it has rate 0.2", 'against rate 0.1 between SimpleRNN layers 0 and 1: nn.RNN has one dropout rate between every two layers',
    );
    expectRefused(seq(R({ inputShape: [4, 2] }), tfl.layers.flatten({ name: 'flat' })), UnsupportedConversionError,
      "layer 'flat' (Flatten) has no nn.RNN equivalent: nn.RNN stands for a chain of SimpleRNN / Bidirectional(SimpleRNN) layers only");
  });

  it('an LSTM stack keeps saying nn.LSTM (h0/c0)', () => {
    const lstmStack = seq(tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', stateful: true, batchInputShape: [2, 4, 2], name: 'sl' }));
    expect(() => toTorch(lstmStack)).toThrow("layer 'sl' (LSTM) (nn.LSTM layer 0): stateful: true carries the states from one call to the next; nn.LSTM starts every call from h0/c0 (pass the previous call's h_n/c_n as h0/c0");
    lstmStack.dispose();
  });
});
