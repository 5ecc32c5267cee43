import { ConfigError, ShapeError } from '../src/errors';
import { tf } from '../test/helpers/tf';
import {
  directionsToOnnxY,
  onnxStateToTorch,
  onnxXToTimeMajor,
  onnxYToDirections,
  onnxYToTorchOutput,
  torchOutputToOnnxY,
  torchStateToOnnx,
} from './onnx-layout';

/** A tensor whose elements are their own flat index. */
const iota = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => k), shape);

describe('ONNX layouts', () => {
  it('Y (T, D, N, H) -> PyTorch output (T, N, D·H): forward ‖ reverse per time step, and back', () => {
    const before = tf.memory().numTensors;
    const Y = iota([2, 2, 3, 4]);
    const out = onnxYToTorchOutput(Y);
    expect(out.shape).toEqual([2, 3, 8]);
    const y = Y.arraySync() as number[][][][];
    const o = out.arraySync() as number[][][];
    expect(o[1][2]).toEqual([...y[1][0][2], ...y[1][1][2]]);
    const back = torchOutputToOnnxY(out, 2);
    expect(back.arraySync()).toEqual(y);
    const [fwd, rev] = onnxYToDirections(Y);
    expect(fwd.arraySync()[1][2]).toEqual(y[1][0][2]);
    const again = directionsToOnnxY([fwd, rev]);
    expect(again.arraySync()).toEqual(y);
    tf.dispose([Y, out, back, fwd, rev, again]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('layout 1: X (N, T, I), Y (N, T, D, H), Y_h (N, D, H)', () => {
    const X = iota([3, 2, 5]);
    const x = onnxXToTimeMajor(X, 1);
    expect((x.arraySync() as number[][][])[1][2]).toEqual((X.arraySync() as number[][][])[2][1]);
    const Y = iota([3, 2, 2, 4]); // (N, T, D, H)
    const out = onnxYToTorchOutput(Y, 1);
    expect(out.shape).toEqual([3, 2, 8]); // batch_first output
    const [fwd, rev] = onnxYToDirections(Y, 1);
    expect(fwd.shape).toEqual([2, 3, 4]);
    expect((rev.arraySync() as number[][][])[1][2]).toEqual((Y.arraySync() as number[][][][])[2][1][1]);
    expect(directionsToOnnxY([fwd, rev], 1).arraySync()).toEqual(Y.arraySync());
    expect(torchOutputToOnnxY(out, 2, 1).arraySync()).toEqual(Y.arraySync());
    const Yh = iota([3, 2, 4]);
    const h = onnxStateToTorch(Yh, 1);
    expect(h.shape).toEqual([2, 3, 4]);
    expect(torchStateToOnnx(h, 1).arraySync()).toEqual(Yh.arraySync());
    tf.dispose([X, x, Y, out, fwd, rev, Yh, h]);
  });

  it('names bad layouts and ranks', () => {
    const Y = iota([2, 1, 3]);
    expect(() => onnxYToTorchOutput(Y)).toThrow(new ShapeError('adapters.onnxYToTorchOutput: Y (T, D, N, H) expected rank 4, got [2, 1, 3]'));
    expect(() => onnxXToTimeMajor(Y, 2 as never)).toThrow(ConfigError);
    expect(() => torchOutputToOnnxY(Y, 2)).toThrow('expected a last axis of 2 * H, got [2, 1, 3]');
    expect(() => directionsToOnnxY([Y, Y, Y])).toThrow('1 or 2 directions');
    Y.dispose();
  });
});
