/**
 * Sequence and state layouts of the ONNX `LSTM` operator, to and from PyTorch's and the
 * engine's.
 *
 * Legend: T = seq_length, N = batch_size, I = input_size, D = num_directions, H = hidden_size.
 *
 * | tensor | `layout=0` (default) | `layout=1` | PyTorch (one layer) |
 * |---|---|---|---|
 * | `X` | (T, N, I) | (N, T, I) | `input` (T, N, I), `batch_first` (N, T, I) |
 * | `Y` | (T, D, N, H) | (N, T, D, H) | `output` (T, N, D·H), `batch_first` (N, T, D·H) |
 * | `Y_h`, `Y_c`, `initial_h`, `initial_c` | (D, N, H) | (N, D, H) | `h_n`, `c_n` (D, N, H) |
 *
 * Direction 0 is forward, 1 reverse. ONNX's reverse direction writes `Y[t]` at the input's own
 * time index, as PyTorch and the engine do (unlike Keras `goBackwards`, see `./sequence-layout`).
 * This is what `torch.onnx.export` relies on: it turns `Y` into `output` with
 * `Transpose(perm=[0, 2, 1, 3])` and `Reshape` only, which {@link onnxYToTorchOutput} does.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../src/errors';
import { showArg } from '../src/engine/internal';
import { checkOneOfArg, checkTensorArg, expectTensorList } from './checks';

/** The ONNX `layout` attribute: 0 = time-major (default), 1 = batch-major. */
export type OnnxLayout = 0 | 1;

function checkLayout(layout: unknown, where: string): asserts layout is OnnxLayout {
  if (layout !== 0 && layout !== 1) throw new ConfigError(`${where}: layout must be 0 or 1, got ${showArg(layout)}`);
}

function expectRank(t: tf.Tensor, rank: number, what: string, where: string): void {
  checkTensorArg(t, what, where);
  if (t.rank !== rank) throw new ShapeError(`${where}: ${what} expected rank ${rank}, got ${formatShape(t.shape)}`);
}

/** ONNX `X` -> the engine's time-major (T, N, I). */
export function onnxXToTimeMajor(X: tf.Tensor, layout: OnnxLayout = 0): tf.Tensor3D {
  const where = 'adapters.onnxXToTimeMajor';
  checkLayout(layout, where);
  expectRank(X, 3, `X ${layout === 0 ? '(T, N, I)' : '(N, T, I)'}`, where);
  return (layout === 0 ? tf.clone(X) : tf.transpose(X, [1, 0, 2])) as tf.Tensor3D;
}

/** ONNX `Y` -> one time-major output (T, N, H) per direction (index 0 forward, 1 reverse). */
export function onnxYToDirections(Y: tf.Tensor, layout: OnnxLayout = 0): tf.Tensor3D[] {
  const where = 'adapters.onnxYToDirections';
  checkLayout(layout, where);
  expectRank(Y, 4, `Y ${layout === 0 ? '(T, D, N, H)' : '(N, T, D, H)'}`, where);
  return tf.tidy(() => {
    const YT = layout === 0 ? tf.transpose(Y, [1, 0, 2, 3]) : tf.transpose(Y, [2, 1, 0, 3]); // (D, T, N, H)
    return tf.unstack(YT) as tf.Tensor3D[];
  });
}

/** Time-major direction outputs (T, N, H) -> ONNX `Y` in the given layout. */
export function directionsToOnnxY(outputs: readonly tf.Tensor[], layout: OnnxLayout = 0): tf.Tensor4D {
  const where = 'adapters.directionsToOnnxY';
  checkLayout(layout, where);
  expectTensorList(outputs, 'outputs', where);
  if (outputs.length !== 1 && outputs.length !== 2) {
    throw new ShapeError(`${where}: outputs expected 1 or 2 directions, got ${outputs.length}`);
  }
  outputs.forEach((y, d) => {
    expectRank(y, 3, `direction ${d} output (T, N, H)`, where);
    if (y.shape.some((s, k) => s !== outputs[0].shape[k])) {
      throw new ShapeError(`${where}: direction ${d} output expected ${formatShape(outputs[0].shape)}, got ${formatShape(y.shape)}`);
    }
  });
  return tf.tidy(() => {
    const DTNH = tf.stack(outputs as tf.Tensor[]);
    return (layout === 0 ? tf.transpose(DTNH, [1, 0, 2, 3]) : tf.transpose(DTNH, [2, 1, 0, 3])) as tf.Tensor4D;
  });
}

/**
 * ONNX `Y` -> PyTorch's `output` of the same layer: (T, N, D·H) for layout 0, (N, T, D·H)
 * (`batch_first`) for layout 1; forward ‖ reverse on the last axis.
 */
export function onnxYToTorchOutput(Y: tf.Tensor, layout: OnnxLayout = 0): tf.Tensor3D {
  const where = 'adapters.onnxYToTorchOutput';
  checkLayout(layout, where);
  expectRank(Y, 4, `Y ${layout === 0 ? '(T, D, N, H)' : '(N, T, D, H)'}`, where);
  return tf.tidy(() => {
    if (layout === 0) {
      const [T, D, N, H] = Y.shape as [number, number, number, number];
      return tf.reshape(tf.transpose(Y, [0, 2, 1, 3]), [T, N, D * H]) as tf.Tensor3D;
    }
    const [N, T, D, H] = Y.shape as [number, number, number, number];
    return tf.reshape(Y, [N, T, D * H]) as tf.Tensor3D;
  });
}

/** PyTorch's `output` of one layer ((T, N, D·H), or (N, T, D·H) for layout 1) -> ONNX `Y`. */
export function torchOutputToOnnxY(output: tf.Tensor, numDirections: 1 | 2, layout: OnnxLayout = 0): tf.Tensor4D {
  const where = 'adapters.torchOutputToOnnxY';
  checkLayout(layout, where);
  expectRank(output, 3, layout === 0 ? 'output (T, N, D*H)' : 'output (N, T, D*H)', where);
  checkOneOfArg(numDirections, [1, 2], 'numDirections', where);
  const last = output.shape[2] as number;
  if (last % numDirections !== 0 || last === 0) {
    throw new ShapeError(`${where}: output expected a last axis of ${numDirections} * H, got ${formatShape(output.shape)}`);
  }
  const H = last / numDirections;
  return tf.tidy(() => {
    const [a, b] = output.shape;
    if (layout === 0) return tf.transpose(tf.reshape(output, [a, b, numDirections, H]), [0, 2, 1, 3]) as tf.Tensor4D;
    return tf.reshape(output, [a, b, numDirections, H]) as tf.Tensor4D;
  });
}

/** ONNX `Y_h` / `Y_c` / `initial_h` / `initial_c` -> PyTorch's (D, N, H) for one layer. */
export function onnxStateToTorch(state: tf.Tensor, layout: OnnxLayout = 0): tf.Tensor3D {
  const where = 'adapters.onnxStateToTorch';
  checkLayout(layout, where);
  expectRank(state, 3, layout === 0 ? 'state (D, N, H)' : 'state (N, D, H)', where);
  return (layout === 0 ? tf.clone(state) : tf.transpose(state, [1, 0, 2])) as tf.Tensor3D;
}

/** PyTorch's (D, N, H) states of one layer -> ONNX's layout. */
export function torchStateToOnnx(state: tf.Tensor, layout: OnnxLayout = 0): tf.Tensor3D {
  const where = 'adapters.torchStateToOnnx';
  checkLayout(layout, where);
  expectRank(state, 3, 'state (D, N, H)', where);
  return (layout === 0 ? tf.clone(state) : tf.transpose(state, [1, 0, 2])) as tf.Tensor3D;
}
