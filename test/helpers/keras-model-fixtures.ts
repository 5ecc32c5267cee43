/**
 * Whole Keras models for the loader tests, each as a {@link KerasFile} in a real layout (Keras
 * 1.2.2 per-gate and fused, Keras 1 Bidirectional, tf.keras 2.2.4 functional, Keras 2
 * CuDNNLSTM, Masking, Keras 3 `.h5` and `.keras` with the `NotEqual` mask op, weights-only
 * files) with a reference that computes the model's output independently: tfjs-layers' own
 * layers (`tf.layers.lstm`, `bidirectional`, `dense`, ...) given the file's arrays converted by
 * hand in this file, or a plain-loop LSTM ({@link loopLstm}) for what tfjs-layers lacks (Keras 3's
 * hard sigmoid, cuDNN's layout).
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { RawTensor } from '../../src/io/shared/dtypes';
import * as layers from '../../src/layers';
import { KerasFile, KerasLayerWeights } from '../../src/keras-model/keras-file';
import { raw } from './keras-fixtures';
import { randomTensor, tf } from './tf';

/** A model file, its input and an independent reference of its output. */
export interface ModelFixture {
  readonly file: KerasFile;
  /** `model.to_json()` text, for weights-only files. */
  readonly config?: string;
  readonly nameLists?: 'fixed' | 'vlen';
  /** The model's input (a list for several inputs). */
  input(): tf.Tensor | tf.Tensor[];
  reference(x: tf.Tensor | tf.Tensor[]): tf.Tensor;
}

/** The one input of a single-input fixture. */
const one = (x: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(x) ? x[0] : x);

const T = (r: RawTensor) => tf.tensor(r.values, [...r.shape]);
let seed = 500;
const w = (name: string, shape: number[]) => ({ name, tensor: raw(shape, seed++) });
const layer = (name: string, className: string, group: string, weights: KerasLayerWeights['weights']): KerasLayerWeights => ({ name, className, group, weights });
const byName = (l: KerasLayerWeights, suffix: string) => {
  const found = l.weights.find((x) => x.name.endsWith(suffix));
  if (!found) throw new Error(`fixture: no weight ending in ${suffix} in ${l.name}`);
  return found.tensor;
};
const cat = (parts: RawTensor[], axis: number) => tf.concat(parts.map(T), axis);

/** Sets weights on a built tfjs layer and returns it. */
function withWeights<L extends tfl.layers.Layer>(l: L, weights: tf.Tensor[]): L {
  l.setWeights(weights);
  tf.dispose(weights);
  return l;
}

/** A Sequential model of `layers`, then each layer's weights (given in the same order). */
function sequentialWith(entries: [tfl.layers.Layer, () => tf.Tensor[]][]): tfl.Sequential {
  const m = tfl.sequential({ layers: entries.map(([l]) => l) });
  for (const [l, weights] of entries) withWeights(l, weights());
  return m;
}

/**
 * A plain-loop LSTM over (N, T, F) in Keras' equations, float64: kernel (F, 4U),
 * recurrent (U, 4U), bias (4U), gates i, f, c, o; returns the sequence (N, T, U).
 */
export function loopLstm(x: tf.Tensor, kernel: ArrayLike<number>, recurrent: ArrayLike<number>, bias: ArrayLike<number>, U: number, ract: (v: number) => number, act: (v: number) => number = Math.tanh): tf.Tensor {
  const [N, Tn, F] = x.shape;
  const xd = x.dataSync();
  const out = new Float32Array(N * Tn * U);
  for (let n = 0; n < N; n++) {
    const h = new Float64Array(U);
    const c = new Float64Array(U);
    for (let t = 0; t < Tn; t++) {
      const z = new Float64Array(4 * U);
      for (let j = 0; j < 4 * U; j++) {
        let s = bias[j];
        for (let k = 0; k < F; k++) s += xd[(n * Tn + t) * F + k] * kernel[k * 4 * U + j];
        for (let k = 0; k < U; k++) s += h[k] * recurrent[k * 4 * U + j];
        z[j] = s;
      }
      for (let u = 0; u < U; u++) {
        c[u] = ract(z[U + u]) * c[u] + ract(z[u]) * act(z[2 * U + u]);
        h[u] = ract(z[3 * U + u]) * act(c[u]);
        out[(n * Tn + t) * U + u] = h[u];
      }
    }
  }
  return tf.tensor(out, [N, Tn, U]);
}

/** Keras 1.2.2 Sequential: LSTM(output_dim=4, input_dim=3, input_length=5), 12 per-gate arrays; Dense(2). */
export function keras1PerGate(): ModelFixture {
  const gates = ['i', 'c', 'f', 'o'].flatMap((g) => [w(`lstm_1_W_${g}:0`, [3, 4]), w(`lstm_1_U_${g}:0`, [4, 4]), w(`lstm_1_b_${g}:0`, [4])]);
  const lstm = layer('lstm_1', 'LSTM', '/model_weights/lstm_1', gates);
  const dense = layer('dense_1', 'Dense', '/model_weights/dense_1', [w('dense_1_W:0', [4, 2]), w('dense_1_b:0', [2])]);
  const file: KerasFile = {
    format: 'h5', kerasVersion: '1.2.2', backend: null, trainingConfig: null, metadata: null,
    modelConfig: {
      class_name: 'Sequential',
      config: [
        { class_name: 'LSTM', config: { name: 'lstm_1', output_dim: 4, input_dim: 3, input_length: 5, activation: 'tanh', inner_activation: 'hard_sigmoid', init: 'glorot_uniform', inner_init: 'orthogonal', forget_bias_init: 'one', consume_less: 'cpu', return_sequences: false, go_backwards: false, stateful: false, unroll: false, dropout_W: 0, dropout_U: 0, W_regularizer: null, U_regularizer: null, b_regularizer: null, trainable: true } },
        { class_name: 'Dense', config: { name: 'dense_1', output_dim: 2, activation: 'linear', init: 'glorot_uniform', bias: true, W_regularizer: null, b_regularizer: null, activity_regularizer: null, W_constraint: null, b_constraint: null, input_dim: null, trainable: true } },
      ],
    },
    layers: [lstm, dense],
  };
  return {
    file,
    input: () => randomTensor([2, 5, 3], 11),
    reference: (x) => {
      const g = (p: string) => ['i', 'f', 'c', 'o'].map((q) => byName(lstm, `_${p}_${q}:0`));
      const m = sequentialWith([
        [tfl.layers.lstm({ units: 4, recurrentActivation: 'hardSigmoid', inputShape: [5, 3] }), () => [cat(g('W'), 1), cat(g('U'), 1), cat(g('b'), 0)]],
        [tfl.layers.dense({ units: 2 }), () => [T(byName(dense, '_W:0')), T(byName(dense, '_b:0'))]],
      ]);
      return m.predict(x) as tf.Tensor;
    },
  };
}

/** Keras 1.2.2 Bidirectional(LSTM(3, return_sequences, consume_less='gpu'), merge_mode='sum'): fused W/U/b per half. */
export function keras1BidirectionalFused(): ModelFixture {
  const half = (d: string) => [w(`${d}_lstm_1_W:0`, [2, 12]), w(`${d}_lstm_1_U:0`, [3, 12]), w(`${d}_lstm_1_b:0`, [12])];
  const bi = layer('bidirectional_1', 'Bidirectional', '/model_weights/bidirectional_1', [...half('forward'), ...half('backward')]);
  const file: KerasFile = {
    format: 'h5', kerasVersion: '1.2.2', backend: null, trainingConfig: null, metadata: null,
    modelConfig: {
      class_name: 'Sequential',
      config: [{ class_name: 'Bidirectional', config: { name: 'bidirectional_1', merge_mode: 'sum', batch_input_shape: [null, 4, 2], input_dtype: 'float32', trainable: true,
        layer: { class_name: 'LSTM', config: { name: 'lstm_1', output_dim: 3, input_dim: null, input_length: null, inner_activation: 'sigmoid', activation: 'tanh', consume_less: 'gpu', return_sequences: true, go_backwards: false, stateful: false, unroll: false } } } }],
    },
    layers: [bi],
  };
  return {
    file,
    input: () => randomTensor([3, 4, 2], 12),
    reference: (x) => {
      const ws = (d: string) => ['W', 'U', 'b'].map((p) => T(byName(bi, `${d}_lstm_1_${p}:0`)));
      const l = tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true }) as tfl.RNN, mergeMode: 'sum', inputShape: [4, 2] });
      const m = sequentialWith([[l, () => [...ws('forward'), ...ws('backward')]]]);
      return m.predict(x) as tf.Tensor;
    },
  };
}

/**
 * tf.keras 2.2.4-tf functional: input (6, 3) -> LSTM(5, seq, go_backwards, hard_sigmoid) ->
 * TimeDistributed(Dense(2)) -> Flatten; input -> LSTM(4) ; Concatenate -> Dense(1, sigmoid).
 */
export function tfKerasFunctionalGraph(): ModelFixture {
  const lstmA = layer('lstm_a', 'LSTM', '/model_weights/lstm_a', [w('lstm_a/kernel:0', [3, 20]), w('lstm_a/recurrent_kernel:0', [5, 20]), w('lstm_a/bias:0', [20])]);
  const td = layer('time_distributed', 'TimeDistributed', '/model_weights/time_distributed', [w('time_distributed/kernel:0', [5, 2]), w('time_distributed/bias:0', [2])]);
  const lstmB = layer('lstm_b', 'LSTM', '/model_weights/lstm_b', [w('lstm_b/kernel:0', [3, 16]), w('lstm_b/recurrent_kernel:0', [4, 16]), w('lstm_b/bias:0', [16])]);
  const out = layer('out', 'Dense', '/model_weights/out', [w('out/kernel:0', [16, 1]), w('out/bias:0', [1])]);
  const none = (n: string, c: string) => layer(n, c, `/model_weights/${n}`, []);
  const lstmCfg = (name: string, units: number, extra: object) => ({ name, trainable: true, dtype: 'float32', units, activation: 'tanh', recurrent_activation: 'hard_sigmoid', use_bias: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null, dtype: 'float32' } }, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null, dtype: 'float32' } }, bias_initializer: { class_name: 'Zeros', config: { dtype: 'float32' } }, unit_forget_bias: true, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, implementation: 2, ...extra });
  const node = (...names: string[]) => [names.map((n) => [n, 0, 0, {}])];
  const file: KerasFile = {
    format: 'h5', kerasVersion: '2.2.4-tf', backend: 'tensorflow', trainingConfig: null, metadata: null,
    modelConfig: {
      class_name: 'Model',
      config: {
        name: 'model_3',
        layers: [
          { name: 'inp', class_name: 'InputLayer', config: { batch_input_shape: [null, 6, 3], dtype: 'float32', sparse: false, ragged: false, name: 'inp' }, inbound_nodes: [] },
          { name: 'lstm_a', class_name: 'LSTM', config: lstmCfg('lstm_a', 5, { return_sequences: true, go_backwards: true }), inbound_nodes: node('inp') },
          { name: 'time_distributed', class_name: 'TimeDistributed', config: { name: 'time_distributed', trainable: true, dtype: 'float32', layer: { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'relu', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } } }, inbound_nodes: node('lstm_a') },
          { name: 'flatten', class_name: 'Flatten', config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' }, inbound_nodes: node('time_distributed') },
          { name: 'lstm_b', class_name: 'LSTM', config: lstmCfg('lstm_b', 4, {}), inbound_nodes: node('inp') },
          { name: 'concatenate', class_name: 'Concatenate', config: { name: 'concatenate', trainable: true, dtype: 'float32', axis: -1 }, inbound_nodes: node('flatten', 'lstm_b') },
          { name: 'out', class_name: 'Dense', config: { name: 'out', trainable: true, dtype: 'float32', units: 1, activation: 'sigmoid', use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.0, l2: 0.01 } }, bias_regularizer: null, activity_regularizer: null, kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } }, bias_constraint: null }, inbound_nodes: node('concatenate') },
        ],
        input_layers: [['inp', 0, 0]],
        output_layers: [['out', 0, 0]],
      },
    },
    layers: [none('inp', 'InputLayer'), lstmA, td, none('flatten', 'Flatten'), lstmB, none('concatenate', 'Concatenate'), out],
  };
  return {
    file,
    input: () => randomTensor([2, 6, 3], 13),
    reference: (x) => {
      const input = tfl.input({ shape: [6, 3] });
      const a = tfl.layers.lstm({ units: 5, recurrentActivation: 'hardSigmoid', returnSequences: true, goBackwards: true });
      const t = tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2, activation: 'relu' }) });
      const b = tfl.layers.lstm({ units: 4, recurrentActivation: 'hardSigmoid' });
      const o = tfl.layers.dense({ units: 1, activation: 'sigmoid' });
      const y = o.apply(tfl.layers.concatenate().apply([tfl.layers.flatten().apply(t.apply(a.apply(input))) as tfl.SymbolicTensor, b.apply(input) as tfl.SymbolicTensor])) as tfl.SymbolicTensor;
      const m = tfl.model({ inputs: input, outputs: y });
      for (const [l, fl] of [[a, lstmA], [t, td], [b, lstmB], [o, out]] as const) withWeights(l, fl.weights.map((q) => T(q.tensor)));
      return m.predict(x) as tf.Tensor;
    },
  };
}

/** Keras 2.1.6 Sequential: CuDNNLSTM(3, return_sequences) on (5, 2): kernel in cuDNN layout, bias 8U. */
export function keras2Cudnn(): ModelFixture {
  const I = 2;
  const U = 3;
  // Per-gate matrices in Keras' own layout (I, U), (U, U), then stored as CuDNNLSTM stores them:
  // kernel block g holds the bytes of W_g = K_g^T (U, I) read as (I, U); recurrent block g is R_g^T.
  const K = ['i', 'f', 'c', 'o'].map((_, g) => raw([I, U], 700 + g));
  const R = ['i', 'f', 'c', 'o'].map((_, g) => raw([U, U], 710 + g));
  const kernel = new Float32Array(I * 4 * U);
  const recurrent = new Float32Array(U * 4 * U);
  K.forEach((k, g) => {
    const bytesOfW: number[] = [];
    for (let u = 0; u < U; u++) for (let i = 0; i < I; i++) bytesOfW.push(k.values[i * U + u]); // W_g (U, I) row-major
    for (let r = 0; r < I; r++) for (let c = 0; c < U; c++) kernel[r * 4 * U + g * U + c] = bytesOfW[r * U + c];
  });
  R.forEach((rk, g) => {
    for (let r = 0; r < U; r++) for (let c = 0; c < U; c++) recurrent[r * 4 * U + g * U + c] = rk.values[c * U + r];
  });
  const bias = raw([8 * U], 720);
  const cudnn = layer('cu_dnnlstm_1', 'CuDNNLSTM', '/model_weights/cu_dnnlstm_1', [
    { name: 'cu_dnnlstm_1/kernel:0', tensor: { dtype: 'float32', shape: [I, 4 * U], values: kernel } },
    { name: 'cu_dnnlstm_1/recurrent_kernel:0', tensor: { dtype: 'float32', shape: [U, 4 * U], values: recurrent } },
    { name: 'cu_dnnlstm_1/bias:0', tensor: bias },
  ]);
  const file: KerasFile = {
    format: 'h5', kerasVersion: '2.1.6', backend: 'tensorflow', trainingConfig: null, metadata: null,
    modelConfig: { class_name: 'Sequential', config: [{ class_name: 'CuDNNLSTM', config: { name: 'cu_dnnlstm_1', trainable: true, batch_input_shape: [null, 5, I], dtype: 'float32', units: U, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } }, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, unit_forget_bias: true, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, return_sequences: true, return_state: false, stateful: false, go_backwards: false } }] },
    layers: [cudnn],
  };
  const joined = (parts: RawTensor[]) => {
    const rows = parts[0].shape[0];
    const out = new Float64Array(rows * 4 * U);
    parts.forEach((p, g) => {
      for (let r = 0; r < rows; r++) for (let c = 0; c < U; c++) out[r * 4 * U + g * U + c] = p.values[r * U + c];
    });
    return out;
  };
  const b = Array.from({ length: 4 * U }, (_, j) => bias.values[j] + bias.values[4 * U + j]);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  return { file, input: () => randomTensor([2, 5, I], 14), reference: (x) => loopLstm(one(x), joined(K), joined(R), b, U, sigmoid) };
}

/** Keras 2.2.0 Sequential: Masking(mask_value=0) on (6, 3) -> LSTM(4) -> Dense(2, softmax); trailing steps masked. */
export function keras2Masking(): ModelFixture {
  const lstm = layer('lstm_1', 'LSTM', '/model_weights/lstm_1', [w('lstm_1/kernel:0', [3, 16]), w('lstm_1/recurrent_kernel:0', [4, 16]), w('lstm_1/bias:0', [16])]);
  const dense = layer('dense_1', 'Dense', '/model_weights/dense_1', [w('dense_1/kernel:0', [4, 2]), w('dense_1/bias:0', [2])]);
  const file: KerasFile = {
    format: 'h5', kerasVersion: '2.2.0', backend: 'tensorflow', trainingConfig: null, metadata: null,
    modelConfig: { class_name: 'Sequential', config: [
      { class_name: 'Masking', config: { name: 'masking_1', trainable: true, batch_input_shape: [null, 6, 3], dtype: 'float32', mask_value: 0.0 } },
      { class_name: 'LSTM', config: { name: 'lstm_1', units: 4, recurrent_activation: 'hard_sigmoid', return_sequences: false, implementation: 1 } },
      { class_name: 'Dense', config: { name: 'dense_1', units: 2, activation: 'softmax' } },
    ] },
    layers: [layer('masking_1', 'Masking', '/model_weights/masking_1', []), lstm, dense],
  };
  return {
    file,
    input: () => {
      const x = randomTensor([3, 6, 3], 15).arraySync() as number[][][];
      x[1][5] = [0, 0, 0];
      x[2][4] = [0, 0, 0];
      x[2][5] = [0, 0, 0];
      return tf.tensor(x);
    },
    reference: (x) => {
      const m = sequentialWith([
        [tfl.layers.masking({ maskValue: 0, inputShape: [6, 3] }), () => []],
        [tfl.layers.lstm({ units: 4, recurrentActivation: 'hardSigmoid' }), () => lstm.weights.map((q) => T(q.tensor))],
        [tfl.layers.dense({ units: 2, activation: 'softmax' }), () => dense.weights.map((q) => T(q.tensor))],
      ]);
      return m.predict(x) as tf.Tensor;
    },
  };
}

const DTYPE = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const k3 = (className: string, config: object, extra: object = {}) => ({ module: 'keras.layers', class_name: className, config: { trainable: true, dtype: DTYPE, ...config }, registered_name: null, ...extra });

/** Keras 3.9.2 `.h5`: InputLayer(batch_shape) -> LSTM(4, hard_sigmoid = x/6 + 0.5) -> Dense(1); weights named with the model prefix. */
export function keras3H5HardSigmoid(): ModelFixture {
  const lstm = layer('lstm', 'LSTM', '/model_weights/lstm', [w('sequential/lstm/lstm_cell/kernel', [2, 16]), w('sequential/lstm/lstm_cell/recurrent_kernel', [4, 16]), w('sequential/lstm/lstm_cell/bias', [16])]);
  const dense = layer('dense', 'Dense', '/model_weights/dense', [w('sequential/dense/kernel', [4, 1]), w('sequential/dense/bias', [1])]);
  const file: KerasFile = {
    format: 'h5', kerasVersion: '3.9.2', backend: 'tensorflow', trainingConfig: { loss: 'mean_squared_error' }, metadata: null,
    modelConfig: { class_name: 'Sequential', config: { name: 'sequential', trainable: true, dtype: DTYPE, layers: [
      { class_name: 'InputLayer', config: { batch_shape: [null, 5, 2], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' } },
      { class_name: 'LSTM', config: { name: 'lstm', trainable: true, dtype: DTYPE, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false, units: 4, activation: 'tanh', recurrent_activation: 'hard_sigmoid', use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null }, recurrent_initializer: { module: 'keras.initializers', class_name: 'Orthogonal', config: { seed: null, gain: 1.0 }, registered_name: null }, bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null }, unit_forget_bias: true, kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.0001 }, registered_name: null }, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, seed: null } },
      { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: DTYPE, units: 1, activation: 'linear', use_bias: true, kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null } },
    ], build_input_shape: [null, 5, 2] } },
    layers: [lstm, dense],
  };
  const hard3 = (v: number) => Math.min(1, Math.max(0, v / 6 + 0.5));
  return {
    file,
    nameLists: 'vlen',
    input: () => randomTensor([3, 5, 2], 16, 2),
    reference: (x) => {
      const seq = loopLstm(one(x), lstm.weights[0].tensor.values, lstm.weights[1].tensor.values, lstm.weights[2].tensor.values, 4, hard3);
      const last = tf.squeeze(tf.slice(seq, [0, 4, 0], [-1, 1, -1]), [1]);
      return tf.add(tf.matMul(last, T(dense.weights[0].tensor)), T(dense.weights[1].tensor));
    },
  };
}

const kt = (layerName: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layerName, 0, 0] } });

/**
 * Keras 3.7 `.keras` functional: Input (7) -> Embedding(10, 3, mask_zero) ; NotEqual(input, 0)
 * -> Bidirectional(LSTM(4, seq), mask=not_equal) -> Dense(1, sigmoid). `notEqualValue` /
 * `notEqualOf` break the mask pattern for the error tests.
 */
export function keras3MaskedBidirectional(options: { notEqualValue?: number; notEqualOf?: string } = {}): ModelFixture {
  const emb = layer('embedding', 'Embedding', '/layers/embedding', [w('vars/0', [10, 3])]);
  const lstmVars = (p: string) => [w(`${p}/cell/vars/0`, [3, 16]), w(`${p}/cell/vars/1`, [4, 16]), w(`${p}/cell/vars/2`, [16])];
  const bi = layer('bidirectional', 'Bidirectional', '/layers/bidirectional', [...lstmVars('backward_layer'), ...lstmVars('forward_layer')]);
  const dense = layer('dense', 'Dense', '/layers/dense', [w('vars/0', [8, 1]), w('vars/1', [1])]);
  const lstmCfg = (name: string, back: boolean) => ({ module: 'keras.layers', class_name: 'LSTM', config: { name, trainable: true, dtype: DTYPE, return_sequences: true, return_state: false, go_backwards: back, stateful: false, unroll: false, zero_output_for_mask: true, units: 4, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true, dropout: 0.0, recurrent_dropout: 0.0, seed: null }, registered_name: null, build_config: { input_shape: [null, 7, 3] } });
  const file: KerasFile = {
    format: 'keras', kerasVersion: '3.7.0', backend: null, trainingConfig: null,
    metadata: { keras_version: '3.7.0', date_saved: '2025-01-01@00:00:00' },
    modelConfig: {
      module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
      config: {
        name: 'functional', trainable: true,
        layers: [
          k3('InputLayer', { batch_shape: [null, 7], dtype: 'float32', sparse: false, name: 'input_layer' }, { name: 'input_layer', inbound_nodes: [] }),
          k3('Embedding', { name: 'embedding', input_dim: 10, output_dim: 3, embeddings_initializer: { module: 'keras.initializers', class_name: 'RandomUniform', config: { seed: null, minval: -0.05, maxval: 0.05 }, registered_name: null }, embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: true }, { name: 'embedding', inbound_nodes: [{ args: [kt('input_layer', [null, 7])], kwargs: {} }] }),
          { class_name: 'NotEqual', config: { name: 'not_equal' }, name: 'not_equal', inbound_nodes: [{ args: [kt(options.notEqualOf ?? 'input_layer', [null, 7]), options.notEqualValue ?? 0], kwargs: {} }] },
          k3('Bidirectional', { name: 'bidirectional', merge_mode: 'concat', layer: lstmCfg('forward_lstm', false), backward_layer: lstmCfg('backward_lstm', true) }, { name: 'bidirectional', inbound_nodes: [{ args: [kt('embedding', [null, 7, 3])], kwargs: { mask: { class_name: '__keras_tensor__', config: { shape: [null, 7], dtype: 'bool', keras_history: ['not_equal', 0, 0] } } } }] }),
          k3('Dense', { name: 'dense', units: 1, activation: 'sigmoid', use_bias: true, kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null }, { name: 'dense', inbound_nodes: [{ args: [kt('bidirectional', [null, 7, 8])], kwargs: {} }] }),
        ],
        input_layers: [['input_layer', 0, 0]],
        output_layers: [['dense', 0, 0]],
      },
    },
    layers: [layer('input_layer', 'InputLayer', '/layers/input_layer', []), emb, layer('not_equal', 'NotEqual', '/layers/not_equal', []), bi, dense],
  };
  return {
    file,
    input: () => tf.tensor([[3, 1, 4, 1, 5, 0, 0], [2, 7, 1, 8, 2, 8, 1], [9, 0, 0, 0, 0, 0, 0]], [3, 7], 'float32'),
    // Our own layers built directly: tfjs-layers hands the Embedding's mask on by itself.
    reference: (x) => {
      const input = tfl.input({ shape: [7] });
      const e = tfl.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true });
      const b = layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }) });
      const d = tfl.layers.dense({ units: 1, activation: 'sigmoid' });
      const m = tfl.model({ inputs: input, outputs: d.apply(b.apply(e.apply(input))) as tfl.SymbolicTensor });
      const v = (name: string) => T(bi.weights.find((q) => q.name === name)!.tensor);
      withWeights(e, [T(emb.weights[0].tensor)]);
      withWeights(b, ['forward_layer', 'backward_layer'].flatMap((p) => [0, 1, 2].map((k) => v(`${p}/cell/vars/${k}`))));
      withWeights(d, dense.weights.map((q) => T(q.tensor)));
      return m.predict(x) as tf.Tensor;
    },
  };
}

/** Keras 2.0.8 (Theano) weights only, with its architecture as `model.to_json()` text: LSTM(3, seq) -> LSTM(3) -> Dense(1). */
export function keras2WeightsOnly(): ModelFixture {
  const l1 = layer('lstm_1', '', '/lstm_1', [w('lstm_1/kernel', [4, 12]), w('lstm_1/recurrent_kernel', [3, 12]), w('lstm_1/bias', [12])]);
  const l2 = layer('lstm_2', '', '/lstm_2', [w('lstm_2/kernel', [3, 12]), w('lstm_2/recurrent_kernel', [3, 12]), w('lstm_2/bias', [12])]);
  const d = layer('dense_1', '', '/dense_1', [w('dense_1/kernel', [3, 1]), w('dense_1/bias', [1])]);
  const config = JSON.stringify({
    class_name: 'Sequential', keras_version: '2.0.8', backend: 'theano',
    config: [
      { class_name: 'LSTM', config: { name: 'lstm_1', units: 3, batch_input_shape: [null, 5, 4], dtype: 'float32', recurrent_activation: 'hard_sigmoid', return_sequences: true, implementation: 0 } },
      { class_name: 'LSTM', config: { name: 'lstm_2', units: 3, recurrent_activation: 'hard_sigmoid', return_sequences: false, implementation: 0 } },
      { class_name: 'Dense', config: { name: 'dense_1', units: 1, activation: 'sigmoid' } },
    ],
  });
  return {
    file: { format: 'h5-weights', kerasVersion: '2.0.8', backend: 'theano', modelConfig: null, trainingConfig: null, metadata: null, layers: [l1, l2, d] },
    config,
    input: () => randomTensor([2, 5, 4], 17),
    reference: (x) => {
      const m = sequentialWith([
        [tfl.layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'hardSigmoid', inputShape: [5, 4] }), () => l1.weights.map((q) => T(q.tensor))],
        [tfl.layers.lstm({ units: 3, recurrentActivation: 'hardSigmoid' }), () => l2.weights.map((q) => T(q.tensor))],
        [tfl.layers.dense({ units: 1, activation: 'sigmoid' }), () => d.weights.map((q) => T(q.tensor))],
      ]);
      return m.predict(x) as tf.Tensor;
    },
  };
}


/**
 * An encoder-decoder: encoder LSTM(4, return_state) on (5, 3); decoder LSTM(4, seq) on (4, 2)
 * starting from the encoder's [h, c]; Dense(1). tf.keras 2 passes the states as extra inbound
 * tensors, Keras 3 as `initial_state` call arguments.
 */
export function encoderDecoder(generation: 2 | 3): ModelFixture {
  const cell = (name: string, w: string) => (generation === 2 ? `${name}/${w}:0` : `cell/vars/${['kernel', 'recurrent_kernel', 'bias'].indexOf(w)}`);
  const group = (n: string) => (generation === 2 ? `/model_weights/${n}` : `/layers/${n === 'encoder' ? 'lstm' : n === 'decoder' ? 'lstm_1' : 'dense'}`);
  const enc = layer('encoder', 'LSTM', group('encoder'), [w(cell('encoder', 'kernel'), [3, 16]), w(cell('encoder', 'recurrent_kernel'), [4, 16]), w(cell('encoder', 'bias'), [16])]);
  const dec = layer('decoder', 'LSTM', group('decoder'), [w(cell('decoder', 'kernel'), [2, 16]), w(cell('decoder', 'recurrent_kernel'), [4, 16]), w(cell('decoder', 'bias'), [16])]);
  const out = layer('out', 'Dense', group('out'), generation === 2 ? [w('out/kernel:0', [4, 1]), w('out/bias:0', [1])] : [w('vars/0', [4, 1]), w('vars/1', [1])]);
  const ract = generation === 2 ? 'hard_sigmoid' : 'sigmoid';
  const lstmCfg = (name: string, extra: object) => ({ name, trainable: true, units: 4, activation: 'tanh', recurrent_activation: ract, use_bias: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, ...extra });
  const input = (name: string, shape: (number | null)[]) =>
    generation === 2
      ? { name, class_name: 'InputLayer', config: { batch_input_shape: shape, dtype: 'float32', sparse: false, name }, inbound_nodes: [] }
      : { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: shape, dtype: 'float32', sparse: false, name }, registered_name: null, name, inbound_nodes: [] };
  const t = (layerName: string, index: number, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layerName, 0, index] } });
  const layers =
    generation === 2
      ? [
          input('enc_in', [null, 5, 3]),
          input('dec_in', [null, 4, 2]),
          { name: 'encoder', class_name: 'LSTM', config: lstmCfg('encoder', { return_state: true }), inbound_nodes: [[['enc_in', 0, 0, {}]]] },
          { name: 'decoder', class_name: 'LSTM', config: lstmCfg('decoder', { return_sequences: true }), inbound_nodes: [[['dec_in', 0, 0, {}], ['encoder', 0, 1, {}], ['encoder', 0, 2, {}]]] },
          { name: 'out', class_name: 'Dense', config: { name: 'out', units: 1, activation: 'linear' }, inbound_nodes: [[['decoder', 0, 0, {}]]] },
        ]
      : [
          input('enc_in', [null, 5, 3]),
          input('dec_in', [null, 4, 2]),
          k3('LSTM', lstmCfg('encoder', { return_state: true }), { name: 'encoder', inbound_nodes: [{ args: [t('enc_in', 0, [null, 5, 3])], kwargs: { training: false, mask: null } }] }),
          k3('LSTM', lstmCfg('decoder', { return_sequences: true }), { name: 'decoder', inbound_nodes: [{ args: [t('dec_in', 0, [null, 4, 2])], kwargs: { initial_state: [t('encoder', 1, [null, 4]), t('encoder', 2, [null, 4])], training: false, mask: null } }] }),
          k3('Dense', { name: 'out', units: 1, activation: 'linear' }, { name: 'out', inbound_nodes: [{ args: [t('decoder', 0, [null, 4, 4])], kwargs: {} }] }),
        ];
  const file: KerasFile = {
    format: generation === 2 ? 'h5' : 'keras',
    kerasVersion: generation === 2 ? '2.2.4-tf' : '3.4.1',
    backend: generation === 2 ? 'tensorflow' : null,
    trainingConfig: null,
    metadata: generation === 2 ? null : { keras_version: '3.4.1', date_saved: '2024-07-23@17:34:40' },
    modelConfig: { class_name: generation === 2 ? 'Model' : 'Functional', config: { name: 'seq2seq', layers, input_layers: [['enc_in', 0, 0], ['dec_in', 0, 0]], output_layers: [['out', 0, 0]] } },
    layers: [layer('enc_in', 'InputLayer', generation === 2 ? '/model_weights/enc_in' : '/layers/input_layer', []), layer('dec_in', 'InputLayer', generation === 2 ? '/model_weights/dec_in' : '/layers/input_layer_1', []), enc, dec, out],
  };
  return {
    file,
    nameLists: generation === 2 ? 'fixed' : 'vlen',
    input: () => [randomTensor([2, 5, 3], 21), randomTensor([2, 4, 2], 22)],
    reference: (x) => {
      const [a, b] = x as tf.Tensor[];
      const encIn = tfl.input({ shape: [5, 3] });
      const decIn = tfl.input({ shape: [4, 2] });
      const recurrentActivation = generation === 2 ? 'hardSigmoid' : 'sigmoid';
      const e = tfl.layers.lstm({ units: 4, returnState: true, recurrentActivation });
      const [, h, c] = e.apply(encIn) as tfl.SymbolicTensor[];
      const d = tfl.layers.lstm({ units: 4, returnSequences: true, recurrentActivation });
      const o = tfl.layers.dense({ units: 1 });
      const m = tfl.model({ inputs: [encIn, decIn], outputs: o.apply(d.apply(decIn, { initialState: [h, c] })) as tfl.SymbolicTensor });
      for (const [l, fl] of [[e, enc], [d, dec], [o, out]] as const) withWeights(l, fl.weights.map((q) => T(q.tensor)));
      return m.predict([a, b]) as tf.Tensor;
    },
  };
}

/** Every model fixture, by a short name. */
export const MODEL_FIXTURES: Readonly<Record<string, () => ModelFixture>> = {
  'keras 1.2.2 LSTM per-gate + Dense': keras1PerGate,
  'keras 1.2.2 Bidirectional fused (consume_less=gpu), merge sum': keras1BidirectionalFused,
  'tf.keras 2.2.4 functional graph (go_backwards, TimeDistributed, Concatenate)': tfKerasFunctionalGraph,
  'keras 2.1.6 CuDNNLSTM': keras2Cudnn,
  'keras 2.2.0 Masking + LSTM': keras2Masking,
  'keras 3.9 .h5, hard_sigmoid (Keras 3 form), DTypePolicy': keras3H5HardSigmoid,
  'keras 3.7 .keras, Embedding(mask_zero) + NotEqual mask + Bidirectional': () => keras3MaskedBidirectional(),
  'keras 2.0.8 Theano weights only + to_json config': keras2WeightsOnly,
  'tf.keras 2.2.4 encoder-decoder (states as inbound tensors)': () => encoderDecoder(2),
  'keras 3.4 .keras encoder-decoder (initial_state call argument)': () => encoderDecoder(3),
};
