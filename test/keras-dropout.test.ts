/**
 * Dropout of `layers.LSTM`: one input mask (N, F) and one recurrent mask (N, U) per call, held
 * fixed across the time steps, drawn only when training.
 *
 * Differential check: tfjs-layers' `tf.layers.lstm` accepts a `dropoutFunc` that supplies its
 * masks; we give both layers the same masks (ours through the cell's mask source) and compare
 * outputs and gradients in training mode. tfjs applies the same mask at every step (it draws
 * once per call), so agreement shows ours does too. Tolerance: atol 1e-5 + rtol 1e-5.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { callWithGrads, disposeResult, expectSameResults, randomLstmWeights } from './helpers/layers';
import { expectClose, randomTensor, tf } from './helpers/tf';
import { Bidirectional, LSTM } from '../src/layers';

const N = 3, T = 5, F = 4, U = 6;

function binaryMask(shape: [number, number], rate: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.div(tf.cast(tf.greater(randomTensor(shape, seed), 2 * rate - 1), 'float32'), 1 - rate) as tf.Tensor2D);
}

describe('layers.LSTM dropout', () => {
  for (const returnSequences of [false, true]) {
    it(`matches tf.layers.lstm given the same masks (returnSequences=${returnSequences})`, () => {
      const dropout = 0.3, recurrentDropout = 0.4;
      const inputMask = binaryMask([N, F], dropout, 1);
      const recurrentMask = binaryMask([N, U], recurrentDropout, 2);
      const options = { units: U, dropout, recurrentDropout, returnSequences, returnState: true, goBackwards: returnSequences };
      const ours = new LSTM(options);
      const ref = tfl.layers.lstm({
        ...options,
        recurrentActivation: 'sigmoid',
        dropoutFunc: (ones: tf.Tensor) => tf.mul(ones, ones.shape[1] === F ? inputMask : recurrentMask),
      });
      const x = randomTensor([N, T, F], 3);
      tf.dispose([ours.apply(x), ref.apply(x)].flat() as tf.Tensor[]);
      const w = randomLstmWeights(F, U, true, 4);
      ours.setWeights(w);
      ref.setWeights(w);
      const source = jest
        .spyOn(ours.cell, 'dropoutMask')
        .mockImplementation((shape: [number, number]) => tf.clone(shape[1] === F ? inputMask : recurrentMask));
      const a = callWithGrads(ours, x, { training: true });
      const b = callWithGrads(ref, x, { training: true });
      expectSameResults(a, b, 'training');
      // One input and one recurrent mask per call, whatever the number of steps.
      expect(source.mock.calls.map((c) => c[0])).toEqual([[N, F], [N, U]]);
      disposeResult(a);
      disposeResult(b);
      source.mockRestore();
    });
  }

  it('is inactive outside training', () => {
    const ours = new LSTM({ units: U, dropout: 0.5, recurrentDropout: 0.5, returnSequences: true });
    const plain = new LSTM({ units: U, returnSequences: true });
    const x = randomTensor([N, T, F], 5);
    tf.dispose([ours.apply(x), plain.apply(x)] as tf.Tensor[]);
    plain.setWeights(ours.getWeights());
    const source = jest.spyOn(ours.cell, 'dropoutMask');
    expectClose(ours.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor, 0, 0, 'inference');
    expectClose(ours.apply(x, { training: false }) as tf.Tensor, plain.apply(x) as tf.Tensor, 0, 0, 'training: false');
    expect(source).not.toHaveBeenCalled();
    const trained = ours.apply(x, { training: true }) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(trained, plain.apply(x) as tf.Tensor))).dataSync()[0]).toBeGreaterThan(1e-3);
    source.mockRestore();
  });

  it('draws reproducible masks with a seed, different ones without', () => {
    const x = randomTensor([N, T, F], 6);
    const make = (seed: number | null) => {
      const layer = new LSTM({ units: U, dropout: 0.5, recurrentDropout: 0.5, seed, kernelInitializer: 'ones', recurrentInitializer: 'zeros' });
      return [0, 1].map(() => layer.apply(x, { training: true }) as tf.Tensor);
    };
    const [a1, a2] = make(7);
    const [b1, b2] = make(7);
    expectClose(b1, a1, 0, 0, 'same seed, first call');
    expectClose(b2, a2, 0, 0, 'same seed, second call');
    expect(tf.max(tf.abs(tf.sub(a1, a2))).dataSync()[0]).toBeGreaterThan(0);
    const [c1] = make(8);
    expect(tf.max(tf.abs(tf.sub(a1, c1))).dataSync()[0]).toBeGreaterThan(0);
  });

  it('Bidirectional draws separate masks for its two halves', () => {
    const bi = new Bidirectional({ layer: new LSTM({ units: U, dropout: 0.2 }) });
    const x = randomTensor([N, T, F], 7);
    tf.dispose(bi.apply(x) as tf.Tensor);
    const f = jest.spyOn(bi.forwardLayer.cell, 'dropoutMask');
    const b = jest.spyOn(bi.backwardLayer.cell, 'dropoutMask');
    tf.dispose(bi.apply(x, { training: true }) as tf.Tensor);
    expect([f.mock.calls.length, b.mock.calls.length]).toEqual([1, 1]);
  });
});
