/** toKeras / toTorch for the one-state kinds: nn.GRU / nn.RNN <-> Keras GRU(resetAfter) / SimpleRNN stacks. */
import * as tfl from '@tensorflow/tfjs-layers';

import { ConfigError, UnsupportedConversionError } from '../src/errors';
import * as layers from '../src/layers';
import { GRU, RNN } from '../src/nn';
import { tf } from '../test/helpers/tf';
import { toKeras } from './to-keras';
import { toTorch } from './to-torch';

const TOL = 1e-5; // float32, same engine both sides

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function input(seed: number): tf.Tensor3D {
  return tf.randomNormal([2, 5, 3], 0, 1, 'float32', seed) as tf.Tensor3D;
}

type Make = () => GRU | RNN;
const CASES: [string, Make][] = [
  ['GRU', () => new GRU(3, 4, { batchFirst: true })],
  ['GRU 2 layers bi', () => new GRU(3, 4, { batchFirst: true, numLayers: 2, bidirectional: true })],
  ['GRU no bias', () => new GRU(3, 4, { batchFirst: true, bias: false })],
  ['RNN tanh', () => new RNN(3, 4, { batchFirst: true })],
  ['RNN relu 2 layers bi', () => new RNN(3, 4, { batchFirst: true, numLayers: 2, bidirectional: true, nonlinearity: 'relu' })],
];

describe('toKeras / toTorch: GRU and RNN', () => {
  it.each(CASES)('%s: torch -> keras -> torch keeps the outputs (%s)', (_name, make) => {
    const module = make();
    const x = input(1);
    const model = toKeras(module);
    const back = toTorch<GRU | RNN>(model);
    const [want, hN] = module.forward(x) as [tf.Tensor, tf.Tensor];
    const got = model.predict(x) as tf.Tensor;
    const [again, hAgain] = back.forward(x) as [tf.Tensor, tf.Tensor];
    expect(back.constructor).toBe(module.constructor);
    expect(back.numLayers).toBe(module.numLayers);
    expect(back.bidirectional).toBe(module.bidirectional);
    if (module instanceof RNN) expect((back as RNN).nonlinearity).toBe(module.nonlinearity);
    expect(maxDiff(got, want)).toBeLessThan(TOL);
    expect(maxDiff(again, want)).toBeLessThan(TOL);
    expect(maxDiff(hAgain, hN)).toBeLessThan(TOL);
    tf.dispose([x, want, hN, got, again, hAgain]);
    module.dispose();
    back.dispose();
    model.dispose();
  });

  it('returnState and initialStateInputs take/give h only', () => {
    const gru = new GRU(3, 4, { batchFirst: true, numLayers: 2 });
    const model = toKeras(gru, { returnState: true, initialStateInputs: true });
    expect(model.inputs.slice(1).map((i) => i.name.replace(/(_\d+)?(:.*)?$/, ''))).toEqual(['h0_l0', 'h0_l1']);
    const x = input(2);
    const h0 = tf.randomNormal([2, 2, 4], 0, 1, 'float32', 3);
    const hs = tf.unstack(h0);
    const [out, s0, s1] = model.predict([x, ...hs]) as tf.Tensor[];
    const [want, hN] = gru.forward(x, h0) as [tf.Tensor, tf.Tensor];
    expect(maxDiff(out, want)).toBeLessThan(TOL);
    expect(maxDiff(tf.stack([s0, s1]), hN)).toBeLessThan(TOL);
    tf.dispose([x, h0, ...hs, out, s0, s1, want, hN]);
    gru.dispose();
    model.dispose();
  });

  it('Keras stacks built by hand -> nn.GRU / nn.RNN with equal outputs', () => {
    const x = input(4);
    const stacks: tfl.Sequential[] = [
      tfl.sequential({ layers: [
        layers.bidirectional({ layer: layers.gru({ units: 4, returnSequences: true }), inputShape: [5, 3] }),
        layers.bidirectional({ layer: layers.gru({ units: 4, returnSequences: true }) }),
      ] }),
      tfl.sequential({ layers: [
        tfl.layers.simpleRNN({ units: 4, returnSequences: true, activation: 'relu', inputShape: [5, 3] }),
        tfl.layers.simpleRNN({ units: 4, returnSequences: true, activation: 'relu' }),
      ] }),
    ];
    for (const model of stacks) {
      const module = toTorch<GRU | RNN>(model);
      const want = model.predict(x) as tf.Tensor;
      const [got, hN] = module.forward(x) as [tf.Tensor, tf.Tensor];
      expect(maxDiff(got, want)).toBeLessThan(TOL);
      tf.dispose([want, got, hN]);
      module.dispose();
      model.dispose();
    }
    x.dispose();
  });

  it('typed errors, without leaks', () => {
    const resetBefore = tfl.sequential({ layers: [tfl.layers.gru({ units: 4, recurrentActivation: 'sigmoid', inputShape: [5, 3] })] });
    const sigmoidRnn = tfl.sequential({ layers: [tfl.layers.simpleRNN({ units: 4, activation: 'sigmoid', inputShape: [5, 3] })] });
    const mixed = tfl.sequential({ layers: [
      layers.gru({ units: 4, returnSequences: true, inputShape: [5, 3] }),
      layers.simpleRNN({ units: 4 }),
    ] });
    const gru = new GRU(3, 4);
    const before = tf.memory().numTensors;
    expect(() => toTorch(resetBefore)).toThrow(UnsupportedConversionError);
    expect(() => toTorch(resetBefore)).toThrow(/resetAfter: false/);
    expect(() => toTorch(sigmoidRnn)).toThrow(/activation 'sigmoid'.*tanh' or 'relu'/);
    expect(() => toTorch(mixed)).toThrow(UnsupportedConversionError);
    expect(() => toKeras(gru, { emit: 'tfjs-layers' })).toThrow(UnsupportedConversionError);
    expect(() => toKeras(gru, { bogus: 1 } as never)).toThrow(ConfigError);
    expect(tf.memory().numTensors).toBe(before);
    for (const m of [resetBefore, sigmoidRnn, mixed]) m.dispose();
    gru.dispose();
  });

  it('conversions leave no tensors behind', () => {
    const rnn = new RNN(3, 4, { numLayers: 2, bidirectional: true });
    const before = tf.memory().numTensors;
    const model = toKeras(rnn);
    const back = toTorch<RNN>(model);
    model.dispose();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
    rnn.dispose();
  });
});
