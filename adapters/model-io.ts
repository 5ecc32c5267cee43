/**
 * The inputs and outputs of a whole converted model: what PyTorch's `nn.LSTM` takes and returns,
 * against what the Keras model of {@link toKeras} (or the Keras stack given to {@link toTorch})
 * takes and returns.
 *
 * Legend: N = batch, L = sequence length, D = 2 if bidirectional else 1, K = number of layers,
 * H = hidden size (Keras `units`), index j = `layer * D + direction` (PyTorch's order).
 *
 * | PyTorch `nn.LSTM` | Keras model from `toKeras` |
 * |---|---|
 * | input (N, L, H_in) with `batchFirst`, else (L, N, H_in) | input 0: (N, L, H_in), always batch-major |
 * | `h0`, `c0`: (K·D, N, H) | with `initialStateInputs`, inputs 1..: `[h0_0, c0_0, h0_1, c0_1, ...]`, each (N, H), j = 0..K·D-1 |
 * | `output`: (N, L, D·H) with `batchFirst`, else (L, N, D·H) | output 0: (N, L, D·H) |
 * | `h_n`, `c_n`: (K·D, N, H) | with `returnState`, outputs 1..: `[h_0, c_0, h_1, c_1, ...]`, j = 0..K·D-1 |
 *
 * The interleaved order is Keras's own: layer k's `initialState` (and its `returnState` states)
 * is `[h, c]` for an `LSTM` and `[h_forward, c_forward, h_backward, c_backward]` for a
 * `Bidirectional`, so the flat list is every layer's list, bottom to top.
 *
 * A Keras stack may end in a head that PyTorch's `output` does not have (see
 * {@link KerasOutputHead}): the last layer's single output (`returnSequences: false`) is that
 * layer's final hidden state, `h_n[K·D - D .. K·D - 1]` with the directions concatenated —
 * for a `Bidirectional` this is NOT `output[:, -1]`, whose backward half has seen one step
 * only; and a `Bidirectional` with `mergeMode` `'sum'`, `'mul'`, `'ave'` or `null` merges the
 * two halves of PyTorch's `output`. {@link torchToKerasOutput} computes that head from
 * PyTorch's results.
 *
 * Example:
 * ```ts
 * const model = adapters.toKeras(lstm, { returnState: true, initialStateInputs: true });
 * const outputs = model.predict([x, ...adapters.torchStatesToKerasInputs(h0, c0)]) as tf.Tensor[];
 * const { output, h_n, c_n } = adapters.kerasOutputsToTorch(outputs); // = lstm.forward(x, [h0, c0])
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, formatShape } from '../src/errors';
import { MergeMode, mergeDirections, splitDirections } from './sequence-layout';
import { engineStatesToTorch, torchStatesToEngine } from './states';
import { checkTensorArg, expectOptions, expectRecord, expectTensorList } from './checks';

/**
 * PyTorch `(h0, c0)`, (K·D, N, H) each -> the flat list of Keras initial states
 * `[h0_0, c0_0, h0_1, c0_1, ...]` (each (N, H), index `layer * D + direction`): the extra inputs
 * of a `toKeras(lstm, {initialStateInputs: true})` model, and every layer's `initialState`
 * list concatenated, bottom to top. New tensors.
 * @throws ShapeError for states that are not (K·D, N, ·) with the same K·D and N.
 */
export function torchStatesToKerasInputs(h0: tf.Tensor, c0: tf.Tensor): tf.Tensor2D[] {
  const { h0: hs, c0: cs } = torchStatesToEngine(h0, c0);
  return hs.flatMap((h, j) => [h, cs[j]]);
}

/** PyTorch's results from a Keras model's outputs. */
export interface TorchResults {
  /** (N, L, D·H) (batch-first), or (L, N, D·H) with `batchFirst: false`. */
  readonly output: tf.Tensor3D;
  /** (K·D, N, H) */
  readonly h_n: tf.Tensor3D;
  /** (K·D, N, H) */
  readonly c_n: tf.Tensor3D;
}

/**
 * The outputs of a `toKeras(lstm, {returnState: true})` model, `[output, h_0, c_0, h_1, c_1,
 * ...]`, -> PyTorch's `output`, `h_n`, `c_n`. `output` stays batch-first (Keras is batch-major)
 * unless `batchFirst: false`. New tensors.
 * @throws ShapeError when the list is not one sequence and pairs of (N, H) states.
 */
export function kerasOutputsToTorch(outputs: readonly tf.Tensor[], options: { batchFirst?: boolean } = {}): TorchResults {
  const where = 'adapters.kerasOutputsToTorch';
  if (!Array.isArray(outputs) || outputs.length < 3 || outputs.length % 2 !== 1) {
    const got = Array.isArray(outputs) ? `${outputs.length} tensors` : typeof outputs;
    throw new ShapeError(`${where}: outputs expected [output, h_0, c_0, h_1, c_1, ...] (an odd number >= 3, from returnState), got ${got}`);
  }
  expectTensorList(outputs, 'outputs', where);
  expectOptions(options, 'options', where);
  const [output, ...states] = outputs;
  if (output.rank !== 3) throw new ShapeError(`${where}: output expected rank 3 (N, L, D*H), got ${formatShape(output.shape)}`);
  const hs = states.filter((_, k) => k % 2 === 0);
  const cs = states.filter((_, k) => k % 2 === 1);
  const { h_n, c_n } = engineStatesToTorch(hs, cs, 'kerasOutputsToTorch');
  if (h_n.shape[1] !== output.shape[0]) {
    tf.dispose([h_n, c_n]);
    throw new ShapeError(`${where}: states expected batch ${output.shape[0]} (the output's), got ${formatShape(hs[0].shape)}`);
  }
  const batchFirst = options.batchFirst ?? true;
  const out = (batchFirst ? tf.clone(output) : tf.transpose(output, [1, 0, 2])) as tf.Tensor3D;
  return { output: out, h_n, c_n };
}

/**
 * What a Keras stack's last layer makes of its sequences — the part of a Keras model's output
 * that PyTorch's `output` does not have. PyTorch's own is
 * `{returnSequences: true, mergeMode: 'concat'}`.
 */
export interface KerasOutputHead {
  /** false: the last layer returns its last output only, (N, D·H) (or (N, H) when merged). */
  readonly returnSequences: boolean;
  /** How a `Bidirectional` last layer merges its halves (`'concat'` for one direction). */
  readonly mergeMode: MergeMode;
  readonly bidirectional: boolean;
}

/**
 * PyTorch's `output` and `h_n` -> what a Keras stack with this `head` outputs: the sequence, in
 * `output`'s own layout, or the last layer's final hidden state (N, ·) when `returnSequences` is
 * false, with a `Bidirectional`'s halves merged by `mergeMode` (a list `[forward, backward]`
 * for `null`). `batchFirst` (default true) says which axis of `output` is the batch. New tensors.
 * @throws ShapeError when the shapes do not fit the head.
 */
export function torchToKerasOutput(
  output: tf.Tensor,
  h_n: tf.Tensor,
  head: KerasOutputHead,
  options: { batchFirst?: boolean } = {},
): tf.Tensor | tf.Tensor[] {
  const where = 'adapters.torchToKerasOutput';
  checkTensorArg(output, 'output', where);
  checkTensorArg(h_n, 'h_n', where);
  const D = expectRecord<KerasOutputHead>(head, 'head', where).bidirectional ? 2 : 1;
  expectOptions(options, 'options', where);
  if (output.rank !== 3) throw new ShapeError(`${where}: output expected rank 3, got ${formatShape(output.shape)}`);
  const batchFirst = options.batchFirst ?? true;
  const N = output.shape[batchFirst ? 0 : 1];
  const H = (output.shape[2] as number) / D;
  const [count, hN, hH] = h_n.shape as number[];
  if (h_n.rank !== 3 || count === 0 || count % D !== 0 || hN !== N || hH !== H) {
    throw new ShapeError(
      `${where}: h_n expected [K*${D}, ${N}, ${H}] for an output of ${formatShape(output.shape)}` +
        `${batchFirst ? '' : ' (time-major)'}, got ${formatShape(h_n.shape)}`,
    );
  }
  const merge = (parts: tf.Tensor[]): tf.Tensor | tf.Tensor[] => {
    if (D === 1) return tf.clone(parts[0]);
    return mergeDirections(parts[0], parts[1], head.mergeMode);
  };
  return tf.tidy(() => {
    if (head.returnSequences) {
      return merge(D === 1 ? [output] : splitDirections(output, 2));
    }
    const last = Array.from({ length: D }, (_, d) => tf.squeeze(tf.slice(h_n, [count - D + d, 0, 0], [1, -1, -1]), [0]));
    return merge(last);
  });
}
