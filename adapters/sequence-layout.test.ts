import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';

import { lengthsToMask, lstmLayer, reverseTime, timeToBatchMajor } from '../src/engine';
import { ConfigError, ShapeError, UnsupportedConversionError } from '../src/errors';
import { disposeAll, layerSizes, randomNative, randomValues } from '../test/helpers/conventions';
import { expectClose, tf } from '../test/helpers/tf';
import { canonicalToKeras } from './conventions/keras';
import { concatDirections, goBackwardsToTimeOrder, mergeDirections, splitDirections, timeOrderToGoBackwards, unmergeDirections } from './sequence-layout';

describe('goBackwards order <-> time order', () => {
  it("real tfjs-layers LSTM(goBackwards) output, reversed in time, is the engine's (PyTorch's) reverse pass", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(layerSizes(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), (s, T, N) => {
        const canonical = randomNative('canonical', s);
        const keras = canonicalToKeras(canonical);
        const layer = tfl.layers.lstm({ units: s.H, goBackwards: true, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid', useBias: s.bias });
        const xBatch = randomValues([N, T, s.I], s.seed + 1, false, 1);
        const [yKeras, hKeras, cKeras] = tf.tidy(() => {
          layer.apply(xBatch); // builds the layer
          layer.setWeights(s.bias ? [keras.kernel, keras.recurrent_kernel, keras.bias as tf.Tensor] : [keras.kernel, keras.recurrent_kernel]);
          return layer.apply(xBatch) as tf.Tensor[];
        });
        const x = tf.transpose(xBatch, [1, 0, 2]);
        const engine = lstmLayer(x, canonical, { reverse: true });
        const engineBatch = timeToBatchMajor(engine.output);
        const inTimeOrder = goBackwardsToTimeOrder(yKeras, 1);
        expectClose(inTimeOrder, engineBatch, 1e-5, 0, 'output');
        expectClose(hKeras, engine.h, 1e-5, 0, 'h');
        expectClose(cKeras, engine.c, 1e-5, 0, 'c');
        const again = timeOrderToGoBackwards(inTimeOrder, 1);
        expect(Array.from(again.dataSync())).toEqual(Array.from(yKeras.dataSync()));
        layer.dispose();
        tf.dispose([yKeras, hKeras, cKeras, xBatch, x, engine.output, engine.h, engine.c, engineBatch, inTimeOrder, again]);
        disposeAll(canonical, keras);
      }),
      { numRuns: 10 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("with right padding: Keras's masked goBackwards pass (reverse input and mask, carry outputs), reversed in time, is PyTorch's packed reverse pass", () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(layerSizes(), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 2 ** 30 }), (s, T, N, lseed) => {
        const lengths = Array.from({ length: N }, (_, n) => 1 + ((lseed >> (3 * n)) % T));
        const canonical = randomNative('canonical', s);
        const x = randomValues([T, N, s.I], s.seed + 1, false, 1);
        // Keras: K.rnn(go_backwards=True) reverses the inputs and the mask along time, then steps
        // forward; a masked step keeps the state and repeats the previous output (zeros at first).
        const maskTimeMajor = tf.tidy(() => tf.transpose(lengthsToMask(lengths, T)));
        const xRev = reverseTime(x, 0);
        const maskRev = reverseTime(maskTimeMajor, 0);
        const keras = lstmLayer(xRev, canonical, { mask: maskRev, maskedOutput: 'carry' });
        // PyTorch: packed reverse direction, padding zero in pad_packed_sequence.
        const torch = lstmLayer(x, canonical, { reverse: true, lengths });
        const inTimeOrder = goBackwardsToTimeOrder(keras.output, 0);
        expectClose(inTimeOrder, torch.output, 1e-6, 0, 'output');
        expectClose(keras.h, torch.h, 1e-6, 0, 'h');
        expectClose(keras.c, torch.c, 1e-6, 0, 'c');
        tf.dispose([x, maskTimeMajor, xRev, maskRev, keras.output, keras.h, keras.c, torch.output, torch.h, torch.c, inTimeOrder]);
        disposeAll(canonical);
      }),
      { numRuns: 25 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a tensor without a time axis', () => {
    const v = tf.zeros([3]);
    expect(() => goBackwardsToTimeOrder(v, 0)).toThrow(ShapeError);
    v.dispose();
  });
});

describe('bidirectional outputs', () => {
  const f = () => tf.tensor3d([[[1, 2], [3, 4]]]);
  const b = () => tf.tensor3d([[[10, 20], [30, 40]]]);

  it('split and concat (PyTorch, Keras concat): forward ‖ backward on the last axis', () => {
    const [x, y] = [f(), b()];
    const merged = concatDirections([x, y]);
    expect(merged.arraySync()).toEqual([[[1, 2, 10, 20], [3, 4, 30, 40]]]);
    const [x2, y2] = splitDirections(merged);
    expect(x2.arraySync()).toEqual(x.arraySync());
    expect(y2.arraySync()).toEqual(y.arraySync());
    expect(() => splitDirections(tf.zeros([2, 3]))).toThrow('expected a last axis of 2 * H, got [2, 3]');
    tf.dispose([x, y, merged, x2, y2]);
  });

  it("merges as Keras's Bidirectional merge modes, and un-merges only what keeps both halves", () => {
    const [x, y] = [f(), b()];
    expect((mergeDirections(x, y, 'sum') as tf.Tensor).arraySync()).toEqual([[[11, 22], [33, 44]]]);
    expect((mergeDirections(x, y, 'mul') as tf.Tensor).arraySync()).toEqual([[[10, 40], [90, 160]]]);
    expect((mergeDirections(x, y, 'ave') as tf.Tensor).arraySync()).toEqual([[[5.5, 11], [16.5, 22]]]);
    const pair = mergeDirections(x, y, null) as tf.Tensor[];
    expect(pair).toHaveLength(2);
    const [u, v] = unmergeDirections(mergeDirections(x, y, 'concat') as tf.Tensor, 'concat');
    expect(v.arraySync()).toEqual(y.arraySync());
    expect(unmergeDirections(pair, null)[1].arraySync()).toEqual(y.arraySync());
    expect(() => unmergeDirections(x, 'sum')).toThrow(UnsupportedConversionError);
    expect(() => unmergeDirections(x, 'ave')).toThrow("merge mode 'ave' combines the directions element-wise");
    expect(() => mergeDirections(x, y, 'max' as never)).toThrow(ConfigError);
    tf.dispose([x, y, u, v, ...pair]);
  });
});
