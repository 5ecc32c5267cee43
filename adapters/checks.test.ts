import { ShapeError } from '../src/errors';
import { tf } from '../test/helpers/tf';
import { disposeWeights, expectOptionalShape, expectShape, gateSize, isAllZero, mergeBiases } from './checks';

describe('checks', () => {
  it('expectShape names where, the weight, the expected and the received shape', () => {
    const t = tf.zeros([16, 3]);
    expect(() => expectShape(t, [16, 4], 'weight_hh', 'adapters.x')).toThrow(
      new ShapeError('adapters.x: weight_hh expected [16, 4], got [16, 3]'),
    );
    expect(() => expectShape(t, [null, 3], 'weight_hh', 'adapters.x')).not.toThrow();
    expect(() => expectShape(undefined, [4], 'bias', 'adapters.x')).toThrow('adapters.x: bias expected a tensor [4], got nothing');
    expect(() => expectShape([1, 2], [2], 'bias', 'adapters.x')).toThrow('got a object');
    expect(() => expectOptionalShape(null, [4], 'bias', 'adapters.x')).not.toThrow();
    expect(() => expectOptionalShape(t, [4], 'bias', 'adapters.x')).toThrow(ShapeError);
    t.dispose();
  });

  it('gateSize returns the quotient or names the bad axis', () => {
    const t = tf.zeros([12, 2]);
    expect(gateSize(t, 0, 4, 'W', '4H', 'w')).toBe(3);
    expect(() => gateSize(t, 1, 4, 'W', '4H', 'w')).toThrow('w: W expected axis 1 to be 4H (a positive multiple of 4), got [12, 2]');
    t.dispose();
  });

  it('mergeBiases sums, or copies one bias beside an absent or all-zero one (keeping -0)', () => {
    const before = tf.memory().numTensors;
    const b = tf.tensor1d([-0, 1.5, -2, 3]);
    const z = tf.zeros([4]) as tf.Tensor1D;
    const r = tf.tensor1d([1, 1, 1, 1]);
    const kept = mergeBiases(b, z) as tf.Tensor1D;
    const fromZero = mergeBiases(z, r) as tf.Tensor1D;
    const sum = mergeBiases(b, r) as tf.Tensor1D;
    const lone = mergeBiases(null, r) as tf.Tensor1D;
    expect(Object.is(kept.dataSync()[0], -0)).toBe(true);
    expect(Array.from(fromZero.dataSync())).toEqual([1, 1, 1, 1]);
    expect(Array.from(sum.dataSync())).toEqual([1, 2.5, -1, 4]);
    expect(Array.from(lone.dataSync())).toEqual([1, 1, 1, 1]);
    expect(lone).not.toBe(r); // a copy, never the caller's tensor
    expect(mergeBiases(null, undefined)).toBeNull();
    tf.dispose([b, z, r, kept, fromZero, sum, lone]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('isAllZero and disposeWeights', () => {
    const a = tf.tensor1d([0, -0]);
    const b = tf.tensor1d([0, 1e-45]);
    expect(isAllZero(a)).toBe(true);
    expect(isAllZero(b)).toBe(false);
    disposeWeights([{ a, note: 'ignored' }, { b, none: null }]);
    expect(a.isDisposed && b.isDisposed).toBe(true);
  });
});
