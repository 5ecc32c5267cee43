import { ShapeError, UnsupportedConversionError } from '../../src/errors';
import { randomValues } from '../../test/helpers/conventions';
import { tf } from '../../test/helpers/tf';
import { disposeWeights } from '../checks';
import { canonicalToCudnn, canonicalToCudnnParams, cudnnParamsCount, cudnnParamsToCanonical, cudnnToCanonical } from './cudnn';
import { torchToCanonical } from './torch';

describe('cudnn convention', () => {
  it("writes a CuDNNLSTM input block the way Keras's loader expects it (numpy: K.T.reshape(K.shape, order='C'))", () => {
    // Keras LSTM kernel block K (I = 3, U = 2) = [[0, 1], [2, 3], [4, 5]]; Keras's
    // _convert_rnn_weights(from_cudnn=False) gives K.T.reshape((3, 2), order='C') = [[0, 2], [4, 1], [3, 5]]
    // (computed with numpy), and its from_cudnn transform brings that back to K.
    const K = [[0, 1], [2, 3], [4, 5]];
    const kernel = tf.concat([0, 10, 20, 30].map((o) => tf.add(tf.tensor2d(K), o)), 1) as tf.Tensor2D;
    const canonical = { kernel, recurrentKernel: tf.tensor2d([[0, 1, 0, 1, 0, 1, 0, 1], [2, 3, 2, 3, 2, 3, 2, 3]]) };
    const saved = canonicalToCudnn(canonical);
    const blocks = tf.split(saved.kernel, 4, 1).map((b) => b.arraySync());
    expect(blocks[0]).toEqual([[0, 2], [4, 1], [3, 5]]);
    expect(blocks[3]).toEqual([[30, 32], [34, 31], [33, 35]]);
    // Recurrent blocks are transposed: Keras [[0, 1], [2, 3]] -> [[0, 2], [1, 3]].
    expect(tf.split(saved.recurrent_kernel, 4, 1)[1].arraySync()).toEqual([[0, 2], [1, 3]]);
    expect(Array.from(saved.bias.dataSync())).toEqual(new Array(16).fill(0));
    const back = cudnnToCanonical(saved);
    expect(back.kernel.arraySync()).toEqual(kernel.arraySync());
    expect(back.recurrentKernel.arraySync()).toEqual(canonical.recurrentKernel.arraySync());
    disposeWeights([canonical, saved, back]);
  });

  it("the flat params are PyTorch's weight_ih ‖ weight_hh ‖ bias_ih ‖ bias_hh, byte for byte", () => {
    const before = tf.memory().numTensors;
    const [I, U] = [3, 5];
    const torch = { weight_ih: randomValues([4 * U, I], 1), weight_hh: randomValues([4 * U, U], 2), bias_ih: randomValues([4 * U], 3), bias_hh: randomValues([4 * U], 4) };
    const canonical = torchToCanonical(torch as never);
    const params = canonicalToCudnnParams(canonical);
    const expected = [torch.weight_ih, torch.weight_hh, torch.bias_ih, torch.bias_hh].flatMap((t) => Array.from(t.dataSync()));
    expect(params.shape).toEqual([cudnnParamsCount({ inputSize: I, hiddenSize: U })]);
    expect(Array.from(params.dataSync())).toEqual(expected);
    const back = cudnnParamsToCanonical(params, { inputSize: I, hiddenSize: U });
    expect(Array.from(back.kernel.dataSync())).toEqual(Array.from(canonical.kernel.dataSync()));
    expect(Array.from((back.recurrentBias as tf.Tensor).dataSync())).toEqual(Array.from(torch.bias_hh.dataSync()));
    params.dispose();
    disposeWeights([torch, canonical, back]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a single (Keras) bias goes to b_W with zeros in b_R', () => {
    const c = { kernel: tf.zeros([1, 4]), recurrentKernel: tf.zeros([1, 4]), bias: tf.tensor1d([1, 2, 3, 4]) };
    expect(Array.from(canonicalToCudnn(c as never).bias.dataSync())).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
    disposeWeights(c);
  });

  it('refuses projections and names wrong sizes', () => {
    const projected = { kernel: tf.zeros([3, 12]), recurrentKernel: tf.zeros([2, 12]), projection: tf.zeros([3, 2]) };
    expect(() => canonicalToCudnn(projected as never)).toThrow(UnsupportedConversionError);
    expect(() => canonicalToCudnnParams(projected as never)).toThrow(UnsupportedConversionError);
    const flat = tf.zeros([10]) as tf.Tensor1D;
    expect(() => cudnnParamsToCanonical(flat, { inputSize: 1, hiddenSize: 1 })).toThrow(
      new ShapeError('adapters.cudnnParamsToCanonical: params (4U(I + U) + 8U for I = 1, U = 1) expected [16], got [10]'),
    );
    expect(() => cudnnParamsToCanonical(flat, { inputSize: 0, hiddenSize: 1 })).toThrow('sizes.inputSize expected an integer >= 1, got 0');
    const saved = { kernel: tf.zeros([3, 8]), recurrent_kernel: tf.zeros([2, 8]), bias: tf.zeros([8]) };
    expect(() => cudnnToCanonical(saved as never)).toThrow('bias expected [16], got [8]');
    disposeWeights([projected, saved, { flat }]);
  });
});
