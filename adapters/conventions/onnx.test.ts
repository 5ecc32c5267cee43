import { lstmLayer } from '../../src/engine';
import { ShapeError, UnsupportedConversionError } from '../../src/errors';
import { randomValues } from '../../test/helpers/conventions';
import { onnxCell, referenceRun } from '../../test/helpers/reference-lstm';
import { expectClose, tf } from '../../test/helpers/tf';
import { disposeWeights } from '../checks';
import { canonicalToOnnx, onnxToCanonical } from './onnx';

describe('onnx convention', () => {
  it('a bidirectional node: direction 0 runs forward, direction 1 in reverse, as the ONNX equations say', () => {
    const before = tf.memory().numTensors;
    const [I, H, T, N] = [3, 2, 4, 2];
    const node = { W: randomValues([2, 4 * H, I], 1), R: randomValues([2, 4 * H, H], 2), B: randomValues([2, 8 * H], 3) };
    const x = randomValues([T, N, I], 4, false, 1);
    const [forward, reverse] = onnxToCanonical(node as never);
    const fwd = lstmLayer(x, forward);
    const rev = lstmLayer(x, reverse, { reverse: true });
    expectClose(fwd.output, referenceRun(onnxCell(node, 0), x).output, 1e-5, 0, 'forward');
    expectClose(rev.output, referenceRun(onnxCell(node, 1), x, { reverse: true }).output, 1e-5, 0, 'reverse');
    const back = canonicalToOnnx([forward, reverse]);
    expect(Array.from(back.W.dataSync())).toEqual(Array.from(node.W.dataSync()));
    expect(Array.from((back.B as tf.Tensor).dataSync())).toEqual(Array.from(node.B.dataSync()));
    tf.dispose([x, fwd.output, fwd.h, fwd.c, rev.output, rev.h, rev.c]);
    disposeWeights([node, forward, reverse, back]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without B there is no bias; a bias in one direction only is written with zeros in the other', () => {
    const node = { W: randomValues([1, 8, 3], 1), R: randomValues([1, 8, 2], 2) };
    const [c] = onnxToCanonical(node as never);
    expect(c.bias).toBeNull();
    expect(canonicalToOnnx([c]).B).toBeNull();
    const withBias = { ...c, bias: tf.ones([8]) as tf.Tensor1D };
    const both = canonicalToOnnx([c, withBias]);
    const B = (both.B as tf.Tensor).arraySync() as number[][];
    expect(B[0]).toEqual(new Array(16).fill(0));
    expect(B[1]).toEqual([...new Array(8).fill(1), ...new Array(8).fill(0)]);
    disposeWeights([node, c, both, { b: withBias.bias }]);
  });

  it('refuses nonzero peepholes, accepts all-zero ones (they change nothing)', () => {
    const node = { W: randomValues([1, 12, 4], 1), R: randomValues([1, 12, 3], 2), P: tf.zeros([1, 9]) };
    const [c] = onnxToCanonical(node as never);
    expect(c.kernel.shape).toEqual([4, 12]);
    const peep = { ...node, P: tf.fill([1, 9], 0.1) };
    expect(() => onnxToCanonical(peep as never)).toThrow(UnsupportedConversionError);
    expect(() => onnxToCanonical(peep as never)).toThrow('no peephole connections');
    disposeWeights([node, c, { p: peep.P }]);
  });

  it('refuses a projection and names wrong shapes', () => {
    const projected = { kernel: tf.zeros([3, 12]), recurrentKernel: tf.zeros([2, 12]), projection: tf.zeros([3, 2]) };
    expect(() => canonicalToOnnx([projected as never])).toThrow(UnsupportedConversionError);
    const node = { W: tf.zeros([1, 12, 4]), R: tf.zeros([1, 12, 4]) };
    expect(() => onnxToCanonical(node as never)).toThrow(new ShapeError('adapters.onnxToCanonical: R expected [1, 12, 3], got [1, 12, 4]'));
    const three = { W: tf.zeros([3, 12, 4]), R: tf.zeros([3, 12, 3]) };
    expect(() => onnxToCanonical(three as never)).toThrow('W expected [1 or 2, 4H, I], got [3, 12, 4]');
    const other = { kernel: tf.zeros([4, 12]), recurrentKernel: tf.zeros([3, 12]) };
    expect(() => canonicalToOnnx([projected as never, other as never, other as never])).toThrow('1 or 2 sets');
    const small = { kernel: tf.zeros([2, 12]), recurrentKernel: tf.zeros([3, 12]) };
    expect(() => canonicalToOnnx([other as never, small as never])).toThrow('both directions must have the same sizes');
    disposeWeights([projected, node, three, other, small]);
  });
});
