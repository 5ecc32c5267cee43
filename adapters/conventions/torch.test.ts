import { ShapeError } from '../../src/errors';
import { tf } from '../../test/helpers/tf';
import { disposeWeights } from '../checks';
import { canonicalToTorch, torchToCanonical } from './torch';

const w = (shape: number[], start = 0) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => start + k), shape);

describe('torch convention', () => {
  it('transposes the matrices and keeps both biases apart', () => {
    const torch = { weight_ih: w([8, 3]), weight_hh: w([8, 2], 100), bias_ih: w([8], 200), bias_hh: w([8], 300) };
    const c = torchToCanonical(torch as never);
    expect(c.kernel.shape).toEqual([3, 8]);
    expect(c.kernel.arraySync()[2][5]).toBe(5 * 3 + 2); // kernel[k][r] = weight_ih[r][k]
    expect(c.recurrentKernel.arraySync()[1][7]).toBe(100 + 7 * 2 + 1);
    expect(Array.from((c.bias as tf.Tensor).dataSync())).toEqual(Array.from(torch.bias_ih.dataSync()));
    expect(Array.from((c.recurrentBias as tf.Tensor).dataSync())).toEqual(Array.from(torch.bias_hh.dataSync()));
    disposeWeights([torch, c]);
  });

  it('carries a projection (proj_size): weight_hr (P, H) <-> projection (H, P)', () => {
    const torch = { weight_ih: w([12, 2]), weight_hh: w([12, 2]), weight_hr: w([2, 3]) };
    const c = torchToCanonical(torch as never);
    expect(c.projection?.shape).toEqual([3, 2]);
    expect(c.bias).toBeNull();
    const back = canonicalToTorch(c);
    expect(back.weight_hr?.arraySync()).toEqual(torch.weight_hr.arraySync());
    expect(back.bias_ih).toBeNull();
    disposeWeights([torch, c, back]);
  });

  it("puts Keras's single bias in bias_ih and zeros in bias_hh (and a lone recurrent bias in bias_hh)", () => {
    const one = { kernel: w([3, 8]), recurrentKernel: w([2, 8]), bias: w([8], 1) };
    const t1 = canonicalToTorch(one as never);
    expect(Array.from((t1.bias_ih as tf.Tensor).dataSync())).toEqual(Array.from(one.bias.dataSync()));
    expect(Array.from((t1.bias_hh as tf.Tensor).dataSync())).toEqual(new Array(8).fill(0));
    const two = { kernel: one.kernel, recurrentKernel: one.recurrentKernel, recurrentBias: one.bias };
    const t2 = canonicalToTorch(two as never);
    expect(Array.from((t2.bias_ih as tf.Tensor).dataSync())).toEqual(new Array(8).fill(0));
    expect(Array.from((t2.bias_hh as tf.Tensor).dataSync())).toEqual(Array.from(one.bias.dataSync()));
    disposeWeights([one, t1, t2]);
  });

  it('names the weight, expected and received shapes', () => {
    const bad = { weight_ih: w([16, 3]), weight_hh: w([16, 3]) };
    expect(() => torchToCanonical(bad as never)).toThrow(new ShapeError('adapters.torchToCanonical: weight_hh expected [16, 4], got [16, 3]'));
    const lone = { weight_ih: w([16, 3]), weight_hh: w([16, 4]), bias_ih: w([16]) };
    expect(() => torchToCanonical(lone as never)).toThrow('bias_ih and bias_hh come together');
    const notFour = { weight_ih: w([6, 3]), weight_hh: w([6, 4]) };
    expect(() => torchToCanonical(notFour as never)).toThrow('weight_ih expected axis 0 to be 4H');
    const badBias = { weight_ih: w([16, 3]), weight_hh: w([16, 4]), bias_ih: w([15]), bias_hh: w([16]) };
    expect(() => torchToCanonical(badBias as never)).toThrow('bias_ih expected [16], got [15]');
    disposeWeights([bad, lone, notFour, badBias]);
  });

  it('leaks nothing', () => {
    const torch = { weight_ih: w([8, 3]), weight_hh: w([8, 2]), bias_ih: w([8]), bias_hh: w([8]) };
    const before = tf.memory().numTensors;
    const c = torchToCanonical(torch as never);
    const back = canonicalToTorch(c);
    disposeWeights([c, back]);
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(torch);
  });
});
