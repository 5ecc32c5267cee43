import { ShapeError, UnsupportedConversionError } from '../../src/errors';
import { tf } from '../../test/helpers/tf';
import { disposeWeights } from '../checks';
import { canonicalToKeras, kerasToCanonical, kerasWeightList, kerasWeightsFromList } from './keras';

const w = (shape: number[], start = 0) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => start + k), shape);

describe('keras convention', () => {
  it('copies kernel and recurrent_kernel; sums the two canonical biases (PyTorch -> Keras)', () => {
    const c = { kernel: w([3, 8]), recurrentKernel: w([2, 8], 50), bias: w([8], 1), recurrentBias: w([8], 10) };
    const k = canonicalToKeras(c as never);
    expect(k.kernel.arraySync()).toEqual(c.kernel.arraySync());
    expect(k.recurrent_kernel.arraySync()).toEqual(c.recurrentKernel.arraySync());
    expect(Array.from((k.bias as tf.Tensor).dataSync())).toEqual([11, 13, 15, 17, 19, 21, 23, 25]);
    const back = kerasToCanonical(k);
    expect(back.recurrentBias).toBeNull();
    expect(back.projection).toBeNull();
    disposeWeights([c, k, back]);
  });

  it('keeps use_bias=False', () => {
    const k = { kernel: w([3, 8]), recurrent_kernel: w([2, 8]) };
    const c = kerasToCanonical(k as never);
    expect(c.bias).toBeNull();
    expect(canonicalToKeras(c).bias).toBeNull();
    disposeWeights([k, c]);
  });

  it('refuses a projection with UnsupportedConversionError saying why', () => {
    const c = { kernel: w([3, 12]), recurrentKernel: w([2, 12]), projection: w([3, 2]) };
    expect(() => canonicalToKeras(c as never)).toThrow(UnsupportedConversionError);
    expect(() => canonicalToKeras(c as never)).toThrow('a Keras LSTM has no projection');
    disposeWeights(c);
  });

  it('names wrong shapes', () => {
    const k = { kernel: w([3, 8]), recurrent_kernel: w([3, 8]), bias: w([8]) };
    expect(() => kerasToCanonical(k as never)).toThrow(new ShapeError('adapters.kerasToCanonical: recurrent_kernel expected [2, 8], got [3, 8]'));
    disposeWeights(k);
  });

  it('reads and writes the get_weights() order', () => {
    const list = [w([3, 8]), w([2, 8]), w([8])];
    const named = kerasWeightsFromList(list);
    expect(kerasWeightList(named)).toEqual(list);
    expect(kerasWeightList(kerasWeightsFromList(list.slice(0, 2)))).toHaveLength(2);
    expect(() => kerasWeightsFromList(list.slice(0, 1))).toThrow('got 1 arrays');
    tf.dispose(list);
  });
});
