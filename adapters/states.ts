/**
 * Recurrent states between the conventions.
 *
 * Legend: L = layers, D = directions (1 or 2), N = batch, H_out = output size (P with a
 * projection, else H), H = cell size.
 *
 * | who | hidden and cell states |
 * |---|---|
 * | PyTorch `h_n`, `c_n` (and `h0`, `c0`) | (L·D, N, H_out) and (L·D, N, H); index `layer * D + direction` |
 * | Keras `LSTM` with `return_state` / `initial_state` | per layer `[h, c]`, each (N, H) |
 * | Keras `Bidirectional` | per layer `[h_forward, c_forward, h_backward, c_backward]` |
 * | the engine (`lstmStack`) | lists `h`, `c` of L·D tensors (N, H_out) / (N, H), PyTorch's index |
 * | TF1 cells (`LSTMStateTuple`), tfjs-core `basicLSTMCell` | `(c, h)`: cell state first |
 *
 * PyTorch's `h_n` of the reverse direction is the state after the reverse pass has reached
 * step 0, which is Keras's backward layer's final state: no reordering beyond the indices.
 * ONNX `Y_h`/`Y_c` are in `./onnx-layout`.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../src/errors';
import { checkTensorArg, expectRecord, expectTensorList } from './checks';

const where = (fn: string) => `adapters.${fn}`;

function checkTorchStates(h_n: tf.Tensor, c_n: tf.Tensor, D: number, fn: string): void {
  checkTensorArg(h_n, 'h_n', where(fn));
  checkTensorArg(c_n, 'c_n', where(fn));
  if (h_n.rank !== 3) throw new ShapeError(`${where(fn)}: h_n expected rank 3 (L*D, N, H_out), got ${formatShape(h_n.shape)}`);
  if (c_n.rank !== 3) throw new ShapeError(`${where(fn)}: c_n expected rank 3 (L*D, N, H), got ${formatShape(c_n.shape)}`);
  const [count, N] = h_n.shape;
  if (c_n.shape[0] !== count || c_n.shape[1] !== N) {
    throw new ShapeError(`${where(fn)}: c_n expected [${count}, ${N}, H], got ${formatShape(c_n.shape)}`);
  }
  if (count === 0 || count % D !== 0) {
    throw new ShapeError(
      `${where(fn)}: h_n expected a first axis of layers * ${D} directions, got ${formatShape(h_n.shape)}`,
    );
  }
}

/**
 * PyTorch `(h_n, c_n)` -> Keras state lists, one per layer: `[h, c]`, or
 * `[h_forward, c_forward, h_backward, c_backward]` when `bidirectional`.
 * @throws ShapeError for ranks or sizes that do not fit.
 */
export function torchStatesToKeras(h_n: tf.Tensor, c_n: tf.Tensor, options: { bidirectional: boolean }): tf.Tensor2D[][] {
  const D = expectRecord<{ bidirectional: boolean }>(options, 'options', where('torchStatesToKeras')).bidirectional ? 2 : 1;
  checkTorchStates(h_n, c_n, D, 'torchStatesToKeras');
  return tf.tidy(() => {
    const hs = tf.unstack(h_n) as tf.Tensor2D[];
    const cs = tf.unstack(c_n) as tf.Tensor2D[];
    const layers: tf.Tensor2D[][] = [];
    for (let k = 0; k < hs.length / D; k++) {
      const list: tf.Tensor2D[] = [];
      for (let d = 0; d < D; d++) list.push(hs[k * D + d], cs[k * D + d]);
      layers.push(list);
    }
    return layers;
  });
}

/**
 * Keras state lists (one per layer: `[h, c]` or `[h_f, c_f, h_b, c_b]`) -> PyTorch
 * `(h_n, c_n)`. Every layer must have the same number of directions.
 * @throws ShapeError for lists of other lengths or mismatching shapes.
 */
export function kerasStatesToTorch(layers: readonly (readonly tf.Tensor[])[]): { h_n: tf.Tensor3D; c_n: tf.Tensor3D } {
  const fn = where('kerasStatesToTorch');
  if (!Array.isArray(layers)) expectTensorList(layers, 'layers', fn);
  layers.forEach((list, k) => expectTensorList(list, `layers[${k}]`, fn));
  if (layers.length === 0) throw new ShapeError(`${fn}: expected the states of at least one layer, got none`);
  const size = layers[0].length;
  layers.forEach((list, k) => {
    if ((list.length !== 2 && list.length !== 4) || list.length !== size) {
      throw new ShapeError(
        `${fn}: layer ${k} states expected ${size === 4 ? '[h_f, c_f, h_b, c_b]' : '[h, c]'} ` +
          `(${size === 4 ? 4 : 2} tensors, like layer 0), got ${list.length}`,
      );
    }
  });
  const hs: tf.Tensor[] = [];
  const cs: tf.Tensor[] = [];
  for (const list of layers) {
    for (let d = 0; d < size / 2; d++) {
      hs.push(list[2 * d]);
      cs.push(list[2 * d + 1]);
    }
  }
  return engineStatesToTorch(hs, cs, 'kerasStatesToTorch');
}

/**
 * PyTorch `(h_n, c_n)` or `(h0, c0)` -> the engine's lists `h0`, `c0` (each entry (N, H_out) /
 * (N, H), index `layer * D + direction`), for `lstmStack`.
 */
export function torchStatesToEngine(h_n: tf.Tensor, c_n: tf.Tensor): { h0: tf.Tensor2D[]; c0: tf.Tensor2D[] } {
  checkTorchStates(h_n, c_n, 1, 'torchStatesToEngine');
  return { h0: tf.unstack(h_n) as tf.Tensor2D[], c0: tf.unstack(c_n) as tf.Tensor2D[] };
}

/** The engine's `h`, `c` lists -> PyTorch `(h_n, c_n)`, stacked along a new first axis. */
export function engineStatesToTorch(
  h: readonly tf.Tensor[],
  c: readonly tf.Tensor[],
  fn = 'engineStatesToTorch',
): { h_n: tf.Tensor3D; c_n: tf.Tensor3D } {
  expectTensorList(h, 'h', where(fn));
  expectTensorList(c, 'c', where(fn));
  if (h.length === 0 || h.length !== c.length) {
    throw new ShapeError(`${where(fn)}: h and c expected the same nonzero number of states, got ${h.length} and ${c.length}`);
  }
  for (const [name, list] of [['h', h], ['c', c]] as const) {
    const expected = [h[0].shape[0] as number, list[0].shape[1] as number];
    list.forEach((t, k) => {
      if (t.rank !== 2 || t.shape[0] !== expected[0] || t.shape[1] !== expected[1]) {
        throw new ShapeError(`${where(fn)}: ${name} state ${k} expected ${formatShape(expected)}, got ${formatShape(t.shape)}`);
      }
    });
  }
  return { h_n: tf.stack(h as tf.Tensor[]) as tf.Tensor3D, c_n: tf.stack(c as tf.Tensor[]) as tf.Tensor3D };
}

/** TF1 `LSTMStateTuple(c, h)` / tfjs-core `basicLSTMCell`'s `[c, h]` -> Keras `[h, c]`. */
export function tf1StateToKeras<T extends tf.Tensor>(state: readonly [T, T]): [T, T] {
  expectTensorList(state, 'state', where('tf1StateToKeras'));
  if (state.length !== 2) throw new ShapeError(`${where('tf1StateToKeras')}: state expected [c, h], got ${state.length} tensors`);
  return [state[1], state[0]];
}

/** Keras `[h, c]` -> TF1 `(c, h)`. */
export function kerasStateToTf1<T extends tf.Tensor>(state: readonly [T, T]): [T, T] {
  expectTensorList(state, 'state', where('kerasStateToTf1'));
  if (state.length !== 2) throw new ShapeError(`${where('kerasStateToTf1')}: state expected [h, c], got ${state.length} tensors`);
  return [state[1], state[0]];
}
