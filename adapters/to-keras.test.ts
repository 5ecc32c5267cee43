import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError, ShapeError, UnsupportedConversionError } from '../src/errors';
import { Bidirectional, LSTM as KerasLSTM } from '../src/layers';
import { LSTM } from '../src/nn';
import { asList, seededLstm } from '../test/helpers/models';
import { expectClose, randomTensor, tf } from '../test/helpers/tf';
import { kerasOutputsToTorch, torchStatesToKerasInputs } from './model-io';
import { KerasEmit, toKeras } from './to-keras';

const EMITS: KerasEmit[] = ['lstm-bridge', 'tfjs-layers'];

function bits(t: tf.Tensor): number[] {
  return Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));
}

describe('toKeras: the model', () => {
  it.each(EMITS)('%s: numLayers LSTM layers in Bidirectional(concat), returnSequences, tanh/sigmoid, Dropout between', (emit) => {
    const lstm = seededLstm(3, 4, { numLayers: 3, bidirectional: true, dropout: 0.25 }, 1);
    const model = toKeras(lstm, { emit });
    const names = model.layers.map((l) => `${l.name}:${l.getClassName()}`);
    const bi = emit === 'lstm-bridge' ? 'LstmBridge.Bidirectional' : 'Bidirectional';
    expect(names).toEqual([
      'input:InputLayer', `bidirectional_l0:${bi}`, 'dropout_l0:Dropout', `bidirectional_l1:${bi}`, 'dropout_l1:Dropout', `bidirectional_l2:${bi}`,
    ]);
    for (const layer of model.layers.filter((l) => l.getClassName() === bi)) {
      const config = layer.getConfig() as { mergeMode: string; layer: { className: string; config: Record<string, unknown> } };
      expect(config.mergeMode).toBe('concat');
      expect(config.layer.className).toBe(emit === 'lstm-bridge' ? KerasLSTM.className : 'LSTM');
      expect(config.layer.config).toMatchObject({
        units: 4, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, returnSequences: true, returnState: false,
        goBackwards: false, stateful: false, dropout: 0, recurrentDropout: 0,
      });
    }
    expect(model.layers.filter((l) => l.getClassName() === 'Dropout').map((l) => l.getConfig().rate)).toEqual([0.25, 0.25]);
    expect(model.inputs[0].shape).toEqual([null, null, 3]);
    expect(model.countParams()).toBe(lstm.numParameters() - 3 * 2 * 16); // one bias of 4H instead of two
    model.dispose();
    lstm.dispose();
  });

  it.each(EMITS)('%s: weights exact — kernel = weight_ih^T, recurrent_kernel = weight_hh^T bit for bit, bias = bias_ih + bias_hh', (emit) => {
    const lstm = seededLstm(5, 3, { numLayers: 2, bidirectional: true }, 2);
    const model = toKeras(lstm, { emit });
    const sd = lstm.stateDict();
    const weights = model.getWeights();
    expect(weights.length).toBe(12);
    ['_l0', '_l0_reverse', '_l1', '_l1_reverse'].forEach((sfx, j) => {
      const [kernel, recurrent, bias] = weights.slice(3 * j, 3 * j + 3);
      tf.tidy(() => {
        expect(bits(kernel)).toEqual(bits(tf.transpose(sd[`weight_ih${sfx}`])));
        expect(bits(recurrent)).toEqual(bits(tf.transpose(sd[`weight_hh${sfx}`])));
        expect(bits(bias)).toEqual(bits(tf.add(sd[`bias_ih${sfx}`], sd[`bias_hh${sfx}`])));
      });
    });
    model.dispose();
    lstm.dispose();
  });

  it.each(EMITS)('%s: bias false gives useBias false layers without bias weights', (emit) => {
    const lstm = seededLstm(2, 3, { bias: false }, 3);
    const model = toKeras(lstm, { emit });
    expect(model.layers[1].getConfig().useBias).toBe(false);
    expect(model.getWeights().map((w) => w.shape)).toEqual([[2, 12], [3, 12]]);
    model.dispose();
    lstm.dispose();
  });
});

describe('toKeras: the function', () => {
  const cases: [KerasEmit, boolean, boolean][] = [];
  for (const emit of EMITS) for (const bidirectional of [false, true]) for (const batchFirst of [false, true]) cases.push([emit, bidirectional, batchFirst]);

  it.each(cases)('%s, bidirectional %s, batchFirst %s: output, h_n, c_n equal nn.LSTM\'s, with h0/c0 as model inputs', (emit, bidirectional, batchFirst) => {
    const before = tf.memory().numTensors;
    const lstm = seededLstm(3, 5, { numLayers: 2, bidirectional, batchFirst }, 4).eval();
    const D = bidirectional ? 2 : 1;
    const [N, L] = [3, 6];
    const x = randomTensor([N, L, 3], 5); // Keras: batch-major
    const [h0, c0] = [randomTensor([2 * D, N, 5], 6), randomTensor([2 * D, N, 5], 7)];
    const xTorch = batchFirst ? x : tf.transpose(x, [1, 0, 2]);
    const [output, [h_n, c_n]] = lstm.forward(xTorch, [h0, c0]);

    const model = toKeras(lstm, { emit, returnState: true, initialStateInputs: true });
    const suffixes = bidirectional ? ['_l0', '_l0_reverse', '_l1', '_l1_reverse'] : ['_l0', '_l1'];
    expect(model.inputs.map((i) => i.sourceLayer.name)).toEqual(['input', ...suffixes.flatMap((s) => [`h0${s}`, `c0${s}`])]);
    expect(model.outputs.length).toBe(1 + 2 * 2 * D);
    const stateInputs = torchStatesToKerasInputs(h0, c0);
    const outputs = asList(model.predict([x, ...stateInputs]) as tf.Tensor[]);
    const got = kerasOutputsToTorch(outputs, { batchFirst });
    // lstm-bridge's layers run nn.LSTM's engine on the same numbers: equal to the bit.
    const atol = emit === 'lstm-bridge' ? 0 : 1e-5;
    expectClose(got.output, output, atol, 0, 'output');
    expectClose(got.h_n, h_n, atol, 0, 'h_n');
    expectClose(got.c_n, c_n, atol, 0, 'c_n');

    // Without the options: one input, one output, zero initial states (PyTorch's default).
    const plain = toKeras(lstm, { emit });
    const [outputZero, statesZero] = lstm.forward(xTorch);
    const y = plain.predict(x) as tf.Tensor;
    const yTorch = batchFirst ? y : tf.transpose(y, [1, 0, 2]);
    expectClose(yTorch, outputZero, 1e-5, 0, 'output, zero states');

    tf.dispose([x, h0, c0, xTorch, output, h_n, c_n, ...stateInputs, ...outputs, got.output, got.h_n, got.c_n, outputZero, ...statesZero, y, yTorch]);
    model.dispose();
    plain.dispose();
    lstm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a fixed sequence length and a name prefix let two converted stacks sit in one model', () => {
    const a = seededLstm(2, 3, {}, 8);
    const b = seededLstm(2, 3, { bidirectional: true }, 9);
    const ma = toKeras(a, { inputShape: [4, 2], namePrefix: 'a_' });
    const mb = toKeras(b, { inputShape: [4, 2], namePrefix: 'b_', emit: 'tfjs-layers' });
    expect(ma.inputs[0].shape).toEqual([null, 4, 2]);
    expect(ma.layers.map((l) => l.name)).toEqual(['a_input', 'a_lstm_l0']);
    expect(mb.layers.map((l) => l.name)).toEqual(['b_input', 'b_bidirectional_l0']);
    const x = tfl.input({ shape: [4, 2] });
    const both = tfl.model({ inputs: x, outputs: [ma.apply(x) as tfl.SymbolicTensor, mb.apply(x) as tfl.SymbolicTensor] });
    const xs = randomTensor([2, 4, 2], 10);
    tf.tidy(() => {
      const [ya, yb] = both.predict(xs) as tf.Tensor[];
      const torchOutput = (m: LSTM) => tf.transpose(m.forward(tf.transpose(xs, [1, 0, 2]))[0], [1, 0, 2]);
      expectClose(ya, torchOutput(a), 1e-5, 0, 'a');
      expectClose(yb, torchOutput(b), 1e-5, 0, 'b');
    });
    xs.dispose();
    [ma, mb].forEach((m) => m.dispose());
    [a, b].forEach((m) => m.dispose());
  });

  it.each(EMITS)('%s: the layers are real Keras layers (trainable with fit)', async (emit) => {
    const lstm = seededLstm(2, 3, { numLayers: 2 }, 11);
    const model = toKeras(lstm, { emit, inputShape: [5, 2] });
    expect(model.layers[1]).toBeInstanceOf(emit === 'lstm-bridge' ? KerasLSTM : tfl.layers.Layer);
    const x = randomTensor([4, 5, 2], 12);
    const y = randomTensor([4, 5, 3], 13, 0.5);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 5, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[4]).toBeLessThan(losses[0]);
    model.dispose();
    lstm.dispose();
  });
});

describe('toKeras: what it refuses', () => {
  it('projSize > 0: UnsupportedConversionError, nothing created', () => {
    const lstm = seededLstm(3, 5, { projSize: 2 }, 14);
    const before = tf.memory().numTensors;
    expect(() => toKeras(lstm)).toThrow(UnsupportedConversionError);
    expect(() => toKeras(lstm)).toThrow('adapters.toKeras: projSize 2 (weight_hr_l*, LSTM with projections) has no Keras equivalent');
    expect(tf.memory().numTensors).toBe(before);
    lstm.dispose();
  });

  it('bad options and arguments, naming them', () => {
    const lstm = seededLstm(3, 5, {}, 15);
    expect(() => toKeras(lstm, { inputShape: [null, 4] })).toThrow(ShapeError);
    expect(() => toKeras(lstm, { inputShape: [null, 4] })).toThrow('inputShape expected [L, 3] (L a positive integer or null; 3 = inputSize), got [null, 4]');
    expect(() => toKeras(lstm, { inputShape: [0, 3] })).toThrow('got [0, 3]');
    expect(() => toKeras(lstm, { emit: 'keras' as KerasEmit })).toThrow("emit expected 'lstm-bridge' or 'tfjs-layers', got \"keras\"");
    expect(() => toKeras(lstm, { returnState: 1 as unknown as boolean })).toThrow('returnState expected a boolean, got 1');
    expect(() => toKeras(lstm, { returnStates: true } as never)).toThrow(ConfigError);
    expect(() => toKeras(lstm, { returnStates: true } as never)).toThrow('unknown option "returnStates"');
    expect(() => toKeras({} as LSTM)).toThrow('adapters.toKeras: lstm expected an nn.LSTM, nn.GRU or nn.RNN, got Object');
    lstm.dispose();
  });

  it('leaves no tensor behind: the model holds its weights until disposed', () => {
    const lstm = seededLstm(3, 4, { numLayers: 2, bidirectional: true, dropout: 0.1 }, 16);
    for (const emit of EMITS) {
      const before = tf.memory().numTensors;
      const model = toKeras(lstm, { emit, returnState: true, initialStateInputs: true });
      expect(model.layers.some((l) => l instanceof Bidirectional)).toBe(emit === 'lstm-bridge');
      expect(tf.memory().numTensors).toBe(before + model.weights.length);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    lstm.dispose();
  });
});
