import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError, UnsupportedConversionError } from '../src/errors';
import { LSTMArgs, bidirectional, lstm } from '../src/layers';
import { LSTM } from '../src/nn';
import { asList, randomizeWeights } from '../test/helpers/models';
import { expectClose, randomTensor, tf } from '../test/helpers/tf';
import { torchToKerasOutput } from './model-io';
import { kerasOutputHead, toTorch } from './to-torch';

type Impl = 'ours' | 'tfjs';
const IMPLS: Impl[] = ['ours', 'tfjs'];

/** An LSTM layer of either implementation (tfjs' with PyTorch's sigmoid gates unless told). */
function makeLstm(impl: Impl, args: Partial<LSTMArgs> & { units: number }): tfl.layers.Layer {
  if (impl === 'ours') return lstm(args as LSTMArgs);
  return tfl.layers.lstm({ recurrentActivation: 'sigmoid', ...(args as object), units: args.units } as Parameters<typeof tfl.layers.lstm>[0]);
}

function makeBi(impl: Impl, layer: tfl.layers.Layer, args: { mergeMode?: 'concat' | 'sum' | 'mul' | 'ave' | null; inputShape?: number[] } = {}): tfl.layers.Layer {
  if (impl === 'ours') return bidirectional({ layer: layer as ReturnType<typeof lstm>, ...args } as Parameters<typeof bidirectional>[0]);
  return tfl.layers.bidirectional({ layer: layer as tfl.RNN, ...args } as Parameters<typeof tfl.layers.bidirectional>[0]);
}

/** Builds and randomizes a single layer on (N, L, F) input. */
function built<T extends tfl.layers.Layer>(layer: T, F: number, seed: number): T {
  tf.tidy(() => layer.apply(tf.zeros([1, 2, F])) as tf.Tensor);
  randomizeWeights(layer, seed);
  return layer;
}

function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

/** Checks that `torch` computes `keras`'s function on x (batch-major), heads included. */
function expectSameFunction(keras: tfl.layers.Layer, torch: LSTM, x: tf.Tensor, what: string): void {
  tf.tidy(() => {
    const expected = asList(keras instanceof tfl.LayersModel ? (keras.predict(x) as tf.Tensor) : (keras.apply(x) as tf.Tensor));
    const [output, [h_n]] = torch.forward(torch.batchFirst ? x : tf.transpose(x, [1, 0, 2]));
    const out = torch.batchFirst ? output : tf.transpose(output, [1, 0, 2]);
    const head = kerasOutputHead(keras);
    const got = asList(torchToKerasOutput(out, h_n, head));
    expect(got.length).toBeLessThanOrEqual(expected.length);
    got.forEach((g, k) => expectClose(g, expected[k], 1e-5, 0, `${what} output ${k}`));
  });
}

describe('toTorch: one layer', () => {
  it.each(IMPLS)('%s LSTM -> nn.LSTM with the same weights (bias in bias_ih, zeros in bias_hh) and function', (impl) => {
    const layer = built(makeLstm(impl, { units: 4, returnSequences: true }), 3, 1);
    const x = randomTensor([2, 5, 3], 2);
    const before = tf.memory().numTensors;
    const weightsBefore = layer.getWeights().map(bits);
    const torch = toTorch(layer);
    expect(torch.toString()).toBe('LSTM(3, 4, batch_first=True)');
    const sd = torch.stateDict();
    const [kernel, recurrent, bias] = layer.getWeights();
    tf.tidy(() => {
      expect(bits(sd.weight_ih_l0)).toEqual(bits(tf.transpose(kernel)));
      expect(bits(sd.weight_hh_l0)).toEqual(bits(tf.transpose(recurrent)));
      expect(bits(sd.bias_ih_l0)).toEqual(bits(bias));
      expect(Array.from(sd.bias_hh_l0.dataSync())).toEqual(new Array(16).fill(0));
    });
    torch.eval();
    expectSameFunction(layer, torch, x, impl);
    expect(layer.getWeights().map(bits)).toEqual(weightsBefore);
    torch.dispose();
    expect(tf.memory().numTensors).toBe(before);
    layer.dispose();
    x.dispose();
  });

  it.each(IMPLS)('%s Bidirectional(LSTM) -> bidirectional nn.LSTM; the last output only is h_n of both directions', (impl) => {
    for (const returnSequences of [true, false]) {
      const layer = built(makeBi(impl, makeLstm(impl, { units: 3, returnSequences })), 2, 3);
      const torch = toTorch(layer).eval();
      expect(torch.toString()).toBe('LSTM(2, 3, batch_first=True, bidirectional=True)');
      expect(kerasOutputHead(layer)).toEqual({ returnSequences, mergeMode: 'concat', bidirectional: true });
      const x = randomTensor([2, 4, 2], 4);
      expectSameFunction(layer, torch, x, `${impl} returnSequences ${returnSequences}`);
      torch.dispose();
      layer.dispose();
      x.dispose();
    }
  });

  it('a layer that is not an LSTM, or not built, or not a layer: typed errors naming it', () => {
    expect(() => toTorch(lstm({ units: 3, name: 'fresh' }))).toThrow(ConfigError);
    expect(() => toTorch(lstm({ units: 3, name: 'fresh' }))).toThrow("adapters.toTorch: layer 'fresh' (LstmBridge.LSTM) (nn.LSTM layer 0) is not built");
    expect(() => toTorch({ units: 3 })).toThrow('layerOrModel expected an LSTM, GRU or SimpleRNN layer or a Bidirectional of one');
    expect(() => toTorch(null)).toThrow(ConfigError);
    const gru = built(tfl.layers.gru({ units: 3, name: 'gru_x' }), 2, 5);
    expect(() => toTorch(gru)).toThrow("recurrentActivation 'hardSigmoid': nn.GRU computes"); // a GRU is now convertible: refused for tfjs' default gates
    const biGru = built(tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 3, name: 'g' }) as tfl.RNN, name: 'bg' }), 2, 6);
    expect(() => toTorch(biGru)).toThrow(UnsupportedConversionError);
    expect(() => toTorch(biGru)).toThrow("(forward half 'forward_g'): activation 'tanh', recurrentActivation 'hardSigmoid': nn.GRU");
    const rnn = built(tfl.layers.rnn({ cell: tfl.layers.lstmCell({ units: 3 }), name: 'rnn_x' }), 2, 7);
    expect(() => toTorch(rnn)).toThrow("layer 'rnn_x' (RNN) has no nn.LSTM equivalent");
    const layer = built(lstm({ units: 2 }), 2, 8);
    expect(() => toTorch(layer, { trainingDropout: 'keep' as never })).toThrow("trainingDropout expected 'reject' or 'discard', got \"keep\"");
    expect(() => toTorch(layer, { batchFirst: 'yes' as never })).toThrow('batchFirst expected a boolean, got "yes"');
    expect(() => toTorch(layer, { prefix: 'x' } as never)).toThrow('unknown option "prefix"');
    [gru, biGru, rnn, layer].forEach((l) => l.dispose());
  });
});

describe('toTorch: stacks', () => {
  it.each(IMPLS)('%s: Sequential with an InputLayer and Dropout layers between the LSTMs -> numLayers, dropout', (impl) => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.inputLayer({ inputShape: [5, 3] }),
        makeBi(impl, makeLstm(impl, { units: 4, returnSequences: true })),
        tfl.layers.dropout({ rate: 0.3 }),
        makeBi(impl, makeLstm(impl, { units: 4, returnSequences: true })),
        tfl.layers.dropout({ rate: 0.3 }),
        makeBi(impl, makeLstm(impl, { units: 4, returnSequences: true })),
      ],
    });
    randomizeWeights(model, 9);
    const torch = toTorch(model);
    expect(torch.toString()).toBe('LSTM(3, 4, num_layers=3, batch_first=True, dropout=0.3, bidirectional=True)');
    expect(torch.training).toBe(true); // as every new PyTorch module
    torch.eval();
    const x = randomTensor([3, 5, 3], 10);
    expectSameFunction(model, torch, x, impl);
    torch.dispose();
    model.dispose();
    x.dispose();
  });

  it.each(IMPLS)('%s: functional model with initial states for some layers and returnState: states map to h0/c0 and h_n/c_n', (impl) => {
    const x = tfl.input({ shape: [4, 2] });
    const states = [0, 1, 2, 3].map(() => tfl.input({ shape: [3] }));
    const l0 = makeBi(impl, makeLstm(impl, { units: 3, returnSequences: true, returnState: true }));
    const l1 = makeBi(impl, makeLstm(impl, { units: 3, returnSequences: true, returnState: true }));
    const [y0, ...s0] = l0.apply(x) as tfl.SymbolicTensor[];
    const [y1, ...s1] = l1.apply([y0, ...states]) as tfl.SymbolicTensor[];
    const model = tfl.model({ inputs: [x, ...states], outputs: [y1, ...s0, ...s1] });
    randomizeWeights(model, 11);
    const torch = toTorch(model).eval();
    const xs = randomTensor([2, 4, 2], 12);
    const given = states.map((_, k) => randomTensor([2, 3], 13 + k));
    tf.tidy(() => {
      const outputs = model.predict([xs, ...given]) as tf.Tensor[];
      const zeros = tf.zeros([2, 3]);
      // Layer 0 starts from zeros, layer 1 from the given [hF, cF, hB, cB].
      const h0 = tf.stack([zeros, zeros, given[0], given[2]]);
      const c0 = tf.stack([zeros, zeros, given[1], given[3]]);
      const [output, [h_n, c_n]] = torch.forward(xs, [h0, c0]);
      expectClose(outputs[0], output, 1e-5, 0, 'output');
      for (let j = 0; j < 4; j++) {
        expectClose(outputs[1 + 2 * j], tf.gather(h_n, j), 1e-5, 0, `h_n[${j}]`);
        expectClose(outputs[2 + 2 * j], tf.gather(c_n, j), 1e-5, 0, `c_n[${j}]`);
      }
    });
    torch.dispose();
    model.dispose();
    tf.dispose([xs, ...given]);
  });

  it('layers and halves that differ in useBias: bias with zeros where Keras had none', () => {
    const model = tfl.sequential({
      layers: [
        bidirectional({
          layer: lstm({ units: 3, returnSequences: true }),
          backwardLayer: lstm({ units: 3, returnSequences: true, goBackwards: true, useBias: false }),
          inputShape: [4, 2],
        }),
        bidirectional({ layer: lstm({ units: 3, returnSequences: true, useBias: false }) }),
      ],
    });
    randomizeWeights(model, 14);
    const torch = toTorch(model).eval();
    expect(torch.bias).toBe(true);
    for (const key of ['bias_ih_l0_reverse', 'bias_ih_l1', 'bias_ih_l1_reverse']) expect(tf.max(tf.abs(torch.stateDict()[key])).dataSync()[0]).toBe(0);
    const x = randomTensor([2, 4, 2], 15);
    expectSameFunction(model, torch, x, 'mixed bias');
    const noBias = tfl.sequential({ layers: [lstm({ units: 3, useBias: false, returnSequences: true, inputShape: [4, 2] })] });
    const torchNoBias = toTorch(noBias);
    expect(Object.keys(torchNoBias.stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    [torch, torchNoBias].forEach((m) => m.dispose());
    [model, noBias].forEach((m) => m.dispose());
    x.dispose();
  });

  it('timeMajor layers give batchFirst false; the batchFirst option overrides the layout', () => {
    const model = tfl.sequential({
      layers: [lstm({ units: 3, returnSequences: true, timeMajor: true, inputShape: [2, 4] }), lstm({ units: 3, returnSequences: true, timeMajor: true })],
    });
    randomizeWeights(model, 16);
    const torch = toTorch(model).eval();
    expect(torch.batchFirst).toBe(false);
    const x = randomTensor([5, 2, 4], 17); // (L, N, F)
    tf.tidy(() => expectClose(torch.forward(x)[0], model.predict(x) as tf.Tensor, 1e-5, 0, 'time-major'));
    const batchFirst = toTorch(model, { batchFirst: true }).eval();
    tf.tidy(() => expectClose(batchFirst.forward(tf.transpose(x, [1, 0, 2]))[0], tf.transpose(model.predict(x) as tf.Tensor, [1, 0, 2]), 1e-5, 0, 'override'));
    [torch, batchFirst].forEach((m) => m.dispose());
    model.dispose();
    x.dispose();
  });

  it.each(IMPLS)('%s: a last layer that merges by sum/mul/ave/null or returns its last output: head from output and h_n', (impl) => {
    for (const [mergeMode, returnSequences] of [['sum', true], ['mul', false], ['ave', true], [null, false], [null, true]] as const) {
      const x = tfl.input({ shape: [4, 2] });
      const y0 = makeBi(impl, makeLstm(impl, { units: 3, returnSequences: true })).apply(x) as tfl.SymbolicTensor;
      const y1 = makeBi(impl, makeLstm(impl, { units: 3, returnSequences }), { mergeMode }).apply(y0) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
      const model = tfl.model({ inputs: x, outputs: y1 });
      randomizeWeights(model, 18);
      const torch = toTorch(model).eval();
      expect(torch.toString()).toBe('LSTM(2, 3, num_layers=2, batch_first=True, bidirectional=True)');
      expect(kerasOutputHead(model)).toEqual({ returnSequences, mergeMode, bidirectional: true });
      const xs = randomTensor([2, 4, 2], 19);
      expectSameFunction(model, torch, xs, `${impl} ${mergeMode} ${returnSequences}`);
      torch.dispose();
      model.dispose();
      xs.dispose();
    }
  });

  it("trainingDropout 'discard' converts the inference-time function of a stack with Keras dropout", () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dropout({ rate: 0.2, inputShape: [4, 2] }),
        lstm({ units: 3, returnSequences: true, dropout: 0.3, recurrentDropout: 0.1 }),
        lstm({ units: 3, returnSequences: true }),
      ],
    });
    randomizeWeights(model, 22);
    expect(() => toTorch(model)).toThrow(UnsupportedConversionError);
    const torch = toTorch(model, { trainingDropout: 'discard' }).eval();
    expect(torch.dropout).toBe(0);
    const x = randomTensor([2, 4, 2], 23);
    expectSameFunction(model, torch, x, 'discard');
    torch.dispose();
    model.dispose();
    x.dispose();
  });
});
