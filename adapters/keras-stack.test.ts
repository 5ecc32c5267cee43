/**
 * Every Keras stack PyTorch's nn.LSTM cannot express gets an UnsupportedConversionError naming
 * the layer and the reason — with lstm-bridge's layers and with tfjs-layers' own.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { UnsupportedConversionError } from '../src/errors';
import { LSTMArgs, bidirectional, lstm } from '../src/layers';
import { expectConversionRefused } from '../test/helpers/refusals';
import { readKerasStack } from './keras-stack';
import { toTorch } from './to-torch';

type Impl = 'ours' | 'tfjs';
const IMPLS: Impl[] = ['ours', 'tfjs'];

function makeLstm(impl: Impl, args: Partial<LSTMArgs> & { units: number }): tfl.layers.Layer {
  if (impl === 'ours') return lstm(args as LSTMArgs);
  return tfl.layers.lstm({ recurrentActivation: 'sigmoid', ...(args as object), units: args.units } as Parameters<typeof tfl.layers.lstm>[0]);
}

function makeBi(impl: Impl, layer: tfl.layers.Layer, args: Record<string, unknown> = {}): tfl.layers.Layer {
  if (impl === 'ours') return bidirectional({ layer: layer as ReturnType<typeof lstm>, ...args } as Parameters<typeof bidirectional>[0]);
  return tfl.layers.bidirectional({ layer: layer as tfl.RNN, ...args } as Parameters<typeof tfl.layers.bidirectional>[0]);
}

const seq = (...layers: tfl.layers.Layer[]) => tfl.sequential({ layers });

/** Expects toTorch(source) to throw an UnsupportedConversionError containing every fragment. */
function expectRefused(source: tfl.layers.Layer, ...fragments: string[]): void {
  expectConversionRefused(toTorch, source, UnsupportedConversionError, fragments);
}

describe.each(IMPLS)('%s layers: per-layer refusals', (impl) => {
  const L = (args: Partial<LSTMArgs> & { units: number }) => makeLstm(impl, args);

  it('gates other than sigmoid, activations other than tanh (tfjs-layers defaults to hardSigmoid)', () => {
    const hard = impl === 'tfjs'
      ? tfl.layers.lstm({ units: 3, name: 'hard', inputShape: [4, 2] })
      : L({ units: 3, recurrentActivation: 'hardSigmoid', name: 'hard', inputShape: [4, 2] });
    expectRefused(seq(hard), "layer 'hard'", "recurrentActivation 'hardSigmoid'", "nn.LSTM computes activation 'tanh' and recurrentActivation 'sigmoid' only");
    expectRefused(seq(L({ units: 3, activation: 'relu', name: 'relu_l', inputShape: [4, 2] })), "layer 'relu_l'", "activation 'relu'");
    expectRefused(
      seq(makeBi(impl, L({ units: 3, returnSequences: true, activation: 'softsign' }), { inputShape: [4, 2], name: 'bi_soft' })),
      "layer 'bi_soft'", "forward half", "activation 'softsign'",
    );
  });

  it('goBackwards without Bidirectional', () => {
    expectRefused(seq(L({ units: 3, goBackwards: true, name: 'back', inputShape: [4, 2] })), "layer 'back'", 'goBackwards: true without Bidirectional');
  });

  it('different units per layer; LSTM and Bidirectional mixed', () => {
    expectRefused(
      seq(L({ units: 3, returnSequences: true, inputShape: [4, 2] }), L({ units: 5, name: 'wide' })),
      "layer 'wide'", 'has 5 units', 'has 3: nn.LSTM has one hidden_size for every layer',
    );
    expectRefused(
      seq(makeBi(impl, L({ units: 3, returnSequences: true }), { inputShape: [4, 2] }), L({ units: 3, name: 'one_way' })),
      "layer 'one_way'", 'is one-directional', 'nn.LSTM has the same directions in every layer',
    );
  });

  it('mergeMode other than concat below the last layer', () => {
    for (const mergeMode of ['sum', 'mul', 'ave']) {
      expectRefused(
        seq(makeBi(impl, L({ units: 3, returnSequences: true }), { mergeMode, inputShape: [4, 2], name: `m_${mergeMode}` }), makeBi(impl, L({ units: 3 }))),
        `layer 'm_${mergeMode}'`, `mergeMode '${mergeMode}' below the last layer`,
      );
    }
  });

  it('stateful', () => {
    expectRefused(
      seq(L({ units: 3, stateful: true, name: 'carry', batchInputShape: [2, 4, 2] })),
      "layer 'carry'", 'stateful: true carries the states', "pass the previous call's h_n/c_n as h0/c0",
    );
  });

  it("Keras dropout / recurrentDropout (unless trainingDropout: 'discard')", () => {
    expectRefused(seq(L({ units: 3, dropout: 0.2, name: 'drop_in', inputShape: [4, 2] })), "layer 'drop_in'", 'dropout 0.2, recurrentDropout 0', "{trainingDropout: 'discard'}");
    expectRefused(
      seq(makeBi(impl, L({ units: 3, recurrentDropout: 0.1 }), { inputShape: [4, 2], name: 'drop_rec' })),
      "layer 'drop_rec'", 'recurrentDropout 0.1', 'masks fixed across time',
    );
  });

  it('Dropout layers PyTorch cannot express', () => {
    const D = (rate: number, extra: Record<string, unknown> = {}) => tfl.layers.dropout({ rate, ...extra });
    expectRefused(seq(D(0.1, { inputShape: [4, 2], name: 'd_first' }), L({ units: 3 })), "layer 'd_first' (Dropout)", 'before the first LSTM layer');
    expectRefused(seq(L({ units: 3, returnSequences: true, inputShape: [4, 2] }), D(0.1, { name: 'd_last' })), "layer 'd_last'", 'after the last LSTM layer');
    expectRefused(
      seq(L({ units: 3, returnSequences: true, inputShape: [4, 2] }), D(0.1, { noiseShape: [1, 1, 3], name: 'd_noise' }), L({ units: 3 })),
      "layer 'd_noise'", 'noiseShape [1,1,3]',
    );
    expectRefused(
      seq(L({ units: 3, returnSequences: true, inputShape: [4, 2] }), D(0.1), D(0.2, { name: 'd_twice' }), L({ units: 3 })),
      "layer 'd_twice'", 'a second Dropout between the same two LSTM layers',
    );
    expectRefused(
      seq(L({ units: 3, returnSequences: true, inputShape: [4, 2] }), D(0.1), L({ units: 3, returnSequences: true }), D(0.3), L({ units: 3, name: 'top' })),
      "layer 'top'", 'the Dropout below it has rate 0.3, against rate 0.1 between LSTM layers 0 and 1',
    );
    expectRefused(
      seq(L({ units: 3, returnSequences: true, inputShape: [4, 2] }), D(0.1), L({ units: 3, returnSequences: true }), L({ units: 3, name: 'top2' })),
      "layer 'top2'", 'no Dropout below it, against rate 0.1',
    );
  });

  it('masks, embeddings and other layers on the chain', () => {
    expectRefused(seq(tfl.layers.masking({ inputShape: [4, 2], name: 'mask' }), L({ units: 3 })), "layer 'mask' (Masking)", 'nn.LSTM has no mask input', 'kerasMaskToLengths');
    expectRefused(
      seq(tfl.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputLength: 4, name: 'emb' }), L({ units: 3 })),
      "layer 'emb' (Embedding)", 'it makes a mask',
    );
    expectRefused(seq(tfl.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 4, name: 'emb2' }), L({ units: 3 })), "layer 'emb2' (Embedding)", 'nn.LSTM takes float sequences');
    expectRefused(seq(L({ units: 3, inputShape: [4, 2] }), tfl.layers.dense({ units: 1, name: 'head' })), "layer 'head' (Dense) has no nn.LSTM equivalent");
  });
});

describe('lstm-bridge-only refusals', () => {
  it('timeMajor in some layers only', () => {
    expectRefused(
      seq(lstm({ units: 3, returnSequences: true, timeMajor: true, inputShape: [4, 2] }), lstm({ units: 3, name: 'batch_major' })),
      "layer 'batch_major'", 'timeMajor false but layer 0 has timeMajor true',
    );
  });

  it('a Bidirectional whose forward half goes backwards, or whose halves differ in units', () => {
    expectRefused(
      seq(bidirectional({ layer: lstm({ units: 3, goBackwards: true }), inputShape: [4, 2], name: 'flipped' })),
      "layer 'flipped'", 'the forward half goes backwards',
    );
    expectRefused(
      seq(bidirectional({ layer: lstm({ units: 3 }), backwardLayer: lstm({ units: 4, goBackwards: true }), inputShape: [4, 2], name: 'uneven' })),
      "layer 'uneven'", 'the backward half has 4 units, the forward half 3',
    );
  });
});

describe('readKerasStack', () => {
  it('reads sizes, directions, bias, dropout and the head of a stack', () => {
    const model = seq(
      bidirectional({ layer: lstm({ units: 3, returnSequences: true, useBias: false }), inputShape: [4, 2] }),
      tfl.layers.dropout({ rate: 0.25 }),
      bidirectional({ layer: lstm({ units: 3 }), mergeMode: 'ave' }),
    );
    const stack = readKerasStack(model, 'reject', 'test');
    expect({ ...stack, layers: stack.layers.map((l) => l.halves.map((h) => h.length)) }).toEqual({
      layers: [[2, 2], [3, 3]], kind: 'LSTM', activation: 'tanh', inputSize: 2, hiddenSize: 3, bidirectional: true, bias: true, dropout: 0.25, timeMajor: false,
      head: { returnSequences: false, mergeMode: 'ave', bidirectional: true },
    });
    model.dispose();
  });
});
