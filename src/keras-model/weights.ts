/**
 * Putting a file's weights into a built model, layer by layer, by name.
 *
 * Recurrent layers: each weight's role comes from its name, whatever the version —
 *
 * | file | kernel | recurrent kernel | bias |
 * |---|---|---|---|
 * | Keras 2/3 `.h5`, TF.js | `.../kernel[:0]` | `.../recurrent_kernel[:0]` | `.../bias[:0]` |
 * | Keras 3 `.keras` | `cell/vars/0` | `cell/vars/1` | `cell/vars/2` |
 * | Keras 1 per gate (i, c, f, o) | `..._W_i:0` ... | `..._U_i:0` ... | `..._b_i:0` ... |
 * | Keras 1 fused (`consume_less='gpu'`) | `..._W:0` | `..._U:0` | `..._b:0` |
 *
 * and is converted to the Keras layout with the adapters (`keras1ToCanonical`,
 * `cudnnToCanonical` for `CuDNNLSTM`, whose bias is 8U). A Bidirectional layer's weights are
 * split into halves by the path segment that names the half (`forward_lstm_1`,
 * `forward_layer`, `backward_...`, or Keras 1's `forward_lstm_1_W_i`), never by position alone.
 * Other layers take their weights in file order, which is Keras' `layer.weights` order and
 * tfjs-layers' (Dense: kernel, bias; BatchNormalization: gamma, beta, moving mean, variance).
 * Values are stored as the file has them: tfjs-layers' `setWeights()` would pass them through
 * the layer's constraints (`MaxNorm`, ...), which Keras never does when loading.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {
  Keras1LstmWeights,
  canonicalToKeras,
  cudnnToCanonical,
  disposeWeights,
  keras1ToCanonical,
  keras1WeightsFromList,
  kerasToCanonical,
  kerasWeightList,
} from '../../adapters';
import { LstmWeights } from '../engine';
import { Bidirectional, GRU, LSTM, SimpleRNN } from '../layers';
import { LstmBridgeError, formatShape } from '../errors';
import { RawTensor } from './keras-file';
import { KerasLayerError } from './errors';
import { RecurrentInfo } from './layer-build';
import { LstmWeightConvention } from './lstm-config';

/** A named weight array of one layer, as a file holds it. */
export interface FileWeight {
  readonly name: string;
  readonly tensor: RawTensor;
}

/** The weights of one layer in a file. */
export interface FileLayerWeights {
  readonly name: string;
  readonly weights: readonly FileWeight[];
}

type Role = 'kernel' | 'recurrent_kernel' | 'bias';

function fail(where: string, layer: tfl.layers.Layer, message: string): never {
  throw new KerasLayerError(`${where}: layer '${layer.name}' (${layer.getClassName()}): ${message}`, layer.name, layer.getClassName());
}

function segments(name: string): string[] {
  return name.replace(/:\d+$/, '').split('/');
}

/** The role of a Keras 2/3 or `.keras` LSTM weight from its name, or null. */
function roleOf(name: string): Role | null {
  const s = segments(name);
  const last = s[s.length - 1];
  if (last === 'kernel' || last === 'recurrent_kernel' || last === 'bias') return last;
  if (s.length >= 2 && s[s.length - 2] === 'vars') return (['kernel', 'recurrent_kernel', 'bias'] as const)[Number(last)] ?? null;
  return null;
}

function toTensor(t: RawTensor): tf.Tensor {
  return tf.tensor(t.values, [...t.shape], t.dtype);
}

/** The file's weights of a one-direction layer by role (kernel, recurrent_kernel, bias?), or in file order when the names do not say. */
function byRoles(where: string, layer: tfl.layers.Layer, weights: readonly FileWeight[], tensors: tf.Tensor[]): [tf.Tensor, tf.Tensor, tf.Tensor | undefined] {
  const byRole: Partial<Record<Role, tf.Tensor>> = {};
  weights.forEach((w, k) => {
    const role = roleOf(w.name);
    if (role) byRole[role] = tensors[k];
  });
  const complete = Object.keys(byRole).length === weights.length && byRole.kernel && byRole.recurrent_kernel;
  if (!complete && (tensors.length < 2 || tensors.length > 3)) fail(where, layer, `expected 2 or 3 recurrent weights, got ${weights.map((w) => w.name).join(', ')}`);
  return complete ? [byRole.kernel!, byRole.recurrent_kernel!, byRole.bias] : [tensors[0], tensors[1], tensors[2]];
}

/**
 * `CuDNNGRU` weights -> a reset-after GRU's (Keras layout): tf-keras
 * `hdf5_format._convert_rnn_weights` with `from_cudnn=True`: each gate block k (I, U) of the
 * kernel -> `k.T.reshape(k.shape, order='F')`, each recurrent block transposed, bias (6U) ->
 * (2, 3U). New tensors.
 */
function cudnnGruToKeras(kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const [i, u3] = kernel.shape as [number, number];
    const u = u3 / 3;
    // order='F' reshape of k.T (U, I) into (I, U) = k's rows laid out as columns: reshape(k, [U, I]) transposed.
    const k = tf.concat(tf.split(kernel, 3, 1).map((b) => tf.transpose(tf.reshape(b, [u, i]))), 1);
    const r = tf.concat(tf.split(recurrent, 3, 1).map((b) => tf.transpose(b)), 1);
    return [k, r, tf.reshape(bias, [2, 3 * u])];
  });
}

/** A GRU's / SimpleRNN's file weights -> the facade's (Keras layout already, CuDNNGRU converted). New tensors. */
function oneStateWeights(where: string, layer: tfl.layers.Layer, weights: readonly FileWeight[], convention: LstmWeightConvention): tf.Tensor[] {
  const tensors = weights.map((w) => toTensor(w.tensor));
  try {
    const [kernel, recurrent, bias] = byRoles(where, layer, weights, tensors);
    if (convention !== 'cudnn-gru') return [kernel, recurrent, ...(bias ? [bias] : [])].map((t) => tf.clone(t));
    if (!bias || kernel.rank !== 2 || (kernel.shape[1] ?? 0) % 3 !== 0 || bias.size !== 2 * (kernel.shape[1] ?? 0)) {
      return fail(where, layer, `a CuDNNGRU has kernel (I, 3U), recurrent_kernel (U, 3U) and bias (6U), got ${weights.map((w) => `${w.name} ${formatShape(w.tensor.shape)}`).join(', ')}`);
    }
    return cudnnGruToKeras(kernel, recurrent, bias);
  } finally {
    tf.dispose(tensors);
  }
}

/** One direction's file weights -> Keras layout (kernel, recurrent_kernel, bias?). New tensors. */
function lstmWeights(where: string, layer: tfl.layers.Layer, weights: readonly FileWeight[], convention: LstmWeightConvention): tf.Tensor[] {
  if (convention === 'gru' || convention === 'cudnn-gru' || convention === 'rnn') return oneStateWeights(where, layer, weights, convention);
  const tensors = weights.map((w) => toTensor(w.tensor));
  let canonical: LstmWeights | null = null;
  try {
    if (convention === 'keras1') {
      const byName: Record<string, tf.Tensor> = {};
      weights.forEach((w, k) => {
        const m = /(?:^|_)([WUb])(?:_([icfo]))?$/.exec(segments(w.name).join('/'));
        if (m) byName[m[2] ? `${m[1]}_${m[2]}` : m[1]] = tensors[k];
      });
      const named = Object.keys(byName).length === weights.length ? (byName as unknown as Keras1LstmWeights) : null;
      canonical = keras1ToCanonical(named ?? keras1WeightsFromList(tensors, where), where);
    } else {
      const [kernel, recurrent, bias] = byRoles(where, layer, weights, tensors);
      canonical =
        convention === 'cudnn'
          ? bias
            ? cudnnToCanonical({ kernel, recurrent_kernel: recurrent, bias }, where)
            : fail(where, layer, 'a CuDNNLSTM has a bias')
          : kerasToCanonical({ kernel, recurrent_kernel: recurrent, bias: bias ?? null }, where);
    }
    return kerasWeightList(canonicalToKeras(canonical, where));
  } catch (e) {
    if (e instanceof KerasLayerError) throw e;
    if (e instanceof LstmBridgeError) fail(where, layer, e.message);
    throw e;
  } finally {
    tf.dispose(tensors);
    if (canonical) disposeWeights(canonical);
  }
}

/** Which half of a Bidirectional a weight belongs to, from its name. */
function direction(name: string, info: RecurrentInfo): 'forward' | 'backward' | null {
  const segs = segments(name);
  for (const s of segs) {
    if (s === 'forward_layer' || info.forwardNames.includes(s)) return 'forward';
    if (s === 'backward_layer' || info.backwardNames.includes(s)) return 'backward';
  }
  for (const s of segs) {
    if (s.startsWith('forward')) return 'forward';
    if (s.startsWith('backward')) return 'backward';
  }
  return null;
}

/** The Keras-layout weights a recurrent layer's `setWeights` takes, from the file's. */
function recurrentWeights(where: string, layer: tfl.layers.Layer, weights: readonly FileWeight[], info: RecurrentInfo): tf.Tensor[] {
  if (info.kind === 'lstm') return lstmWeights(where, layer, weights, info.convention);
  const halves: Record<'forward' | 'backward', FileWeight[]> = { forward: [], backward: [] };
  const dirs = weights.map((w) => direction(w.name, info));
  if (dirs.every((d) => d !== null)) {
    weights.forEach((w, k) => halves[dirs[k]!].push(w));
  } else {
    if (weights.length % 2 !== 0) fail(where, layer, `cannot tell the forward and backward weights apart: ${weights.map((w) => w.name).join(', ')}`);
    halves.forward = weights.slice(0, weights.length / 2);
    halves.backward = weights.slice(weights.length / 2);
  }
  const forward = lstmWeights(where, layer, halves.forward, info.convention);
  try {
    return [...forward, ...lstmWeights(where, layer, halves.backward, info.convention)];
  } catch (e) {
    tf.dispose(forward);
    throw e;
  }
}

/** Sets the weights of one layer, checking count and shapes. */
function setLayerWeights(where: string, layer: tfl.layers.Layer, values: tf.Tensor[]): void {
  const expected = layer.weights;
  try {
    if (values.length !== expected.length) {
      fail(where, layer, `expected ${expected.length} weight arrays (${expected.map((w) => `${w.originalName} ${formatShape(w.shape)}`).join(', ')}), the file has ${values.length}`);
    }
    values.forEach((v, k) => {
      if (v.shape.join() !== expected[k].shape.join()) {
        fail(where, layer, `weight ${expected[k].originalName} expected ${formatShape(expected[k].shape)}, the file has ${formatShape(v.shape)}`);
      }
    });
    // A file may store a weight in another dtype than the layer's (an int32 dataset for a float32
    // kernel): Keras' set_weights casts to the variable's dtype, and so does this.
    const typed = values.map((v, k) => (v.dtype === expected[k].dtype ? v : tf.cast(v, expected[k].dtype)));
    try {
      if (layer instanceof LSTM || layer instanceof GRU || layer instanceof SimpleRNN || layer instanceof Bidirectional) {
        layer.setWeights(typed); // the facade stores set values as given (constraints apply to updates only)
      } else {
        // tfjs-layers' setWeights() passes values through the layer's constraints (MaxNorm, ...),
        // which Keras never does when loading: write the variables themselves.
        expected.forEach((w, k) => (w.read() as tf.Variable).assign(typed[k]));
      }
    } finally {
      tf.dispose(typed.filter((t, k) => t !== values[k]));
    }
  } finally {
    tf.dispose(values);
  }
}

/**
 * Puts `fileLayers`' weights into `model`. Every layer of the model with weights must get them,
 * and every file layer with weights must name a layer of the model.
 * @throws KerasLayerError naming the layer.
 */
export function assignWeights(
  where: string,
  model: tfl.LayersModel,
  recurrent: ReadonlyMap<string, RecurrentInfo>,
  fileLayers: readonly FileLayerWeights[],
): void {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const done = new Set<string>();
  for (const fl of fileLayers) {
    if (fl.weights.length === 0) continue;
    const layer = byName.get(fl.name);
    if (!layer) {
      throw new KerasLayerError(`${where}: the file has weights for layer '${fl.name}', which the model does not have`, fl.name, null);
    }
    if (done.has(fl.name)) fail(where, layer, 'the file has its weights twice');
    const info = recurrent.get(fl.name);
    const values = info ? recurrentWeights(where, layer, fl.weights, info) : fl.weights.map((w) => toTensor(w.tensor));
    setLayerWeights(where, layer, values);
    done.add(fl.name);
  }
  for (const layer of model.layers) {
    if (layer.weights.length > 0 && !done.has(layer.name)) fail(where, layer, 'the file has no weights for it');
  }
}
