import * as adapters from '.';
import { LstmBridgeError, ShapeError } from '../src/errors';
import { tf } from '../test/helpers/tf';
import { disposeWeights, expectOptionalShape, expectShape, gateSize, isAllZero, mergeBiases } from './checks';

describe('checks', () => {
  it('expectShape names where, the weight, the expected and the received shape', () => {
    const t = tf.zeros([16, 3]);
    expect(() => expectShape(t, [16, 4], 'weight_hh', 'adapters.x')).toThrow(
      new ShapeError('adapters.x: weight_hh expected [16, 4], got [16, 3]'),
    );
    expect(() => expectShape(t, [null, 3], 'weight_hh', 'adapters.x')).not.toThrow();
    expect(() => expectShape(undefined, [4], 'bias', 'adapters.x')).toThrow('adapters.x: bias expected a tensor [4], got undefined');
    expect(() => expectShape([1, 2], [2], 'bias', 'adapters.x')).toThrow('got an array of length 2');
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

describe('the adapters reject null and wrong-kind arguments with typed errors naming them', () => {
  const z12 = tf.zeros([1, 2]);
  const z112 = tf.zeros([1, 1, 2]);
  afterAll(() => tf.dispose([z12, z112]));
  // issue 12: convertLstmWeights(null) and the conventions threw TypeErrors from deep inside.
  it.each([
    ['convertLstmWeights', () => adapters.convertLstmWeights(null as never, 'torch', 'keras'), 'weights expected an object, got null'],
    ['torchToCanonical', () => adapters.torchToCanonical(null as never), 'adapters.torchToCanonical: weights expected an object, got null'],
    ['kerasToCanonical', () => adapters.kerasToCanonical('x' as never), 'weights expected an object, got a string ("x")'],
    ['onnxToCanonical', () => adapters.onnxToCanonical([1] as never), 'weights expected an object, got an array of length 1'],
    ['canonicalToTorch', () => adapters.canonicalToTorch({ kernel: null } as never), 'kernel expected a tf.Tensor, got null'],
    ['splitDirections', () => adapters.splitDirections(null as never), 'adapters.splitDirections: output expected a tf.Tensor, got null'],
    ['mergeDirections', () => adapters.mergeDirections(z12, null as never, 'concat'), 'backward expected a tf.Tensor, got null'],
    ['torchStatesToKeras', () => adapters.torchStatesToKeras(z112, z112, null as never), 'options expected an object, got null'],
    ['lengthsToKerasMask', () => adapters.lengthsToKerasMask(5 as never, 3), 'lengths expected an array of integers >= 0, got a number (5)'],
    ['cudnnParamsCount', () => adapters.cudnnParamsCount(null as never), 'sizes expected an object, got null'],
  ])('%s', (_name, call, message) => {
    const before = tf.memory().numTensors;
    expect(call).toThrow(LstmBridgeError);
    expect(call).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says a disposed tensor is disposed', () => {
    const t = tf.zeros([8, 2]);
    t.dispose();
    expect(() => adapters.torchToCanonical({ weight_ih: t, weight_hh: t })).toThrow('weight_ih is a tf.Tensor that has been disposed');
  });
});
