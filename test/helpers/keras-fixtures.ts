/**
 * Keras files for tests, described as {@link KerasFile}s that follow the layouts observed in real
 * files (Keras 1.2.2, 2.0.8 Theano, 2.1.3, tf.keras 2.2.4-tf, 3.x `.h5`, 3.x `.keras`): layer
 * order, weight names, gate-split arrays of Keras 1, Bidirectional naming, Keras 3 weight
 * groups. Written with `writeKeras` (h5wasm), they give the readers files without copying any
 * user's file into the project.
 */
import { RawTensor } from '../../src/io/shared/dtypes';
import { KerasFile, KerasLayerWeights } from '../../src/keras-model/keras-file';
import { rng } from './tf';

/** A float32 array of the given shape with seeded values in [-1, 1). */
export function raw(shape: number[], seed: number): RawTensor {
  const next = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'float32', shape, values: Float32Array.from({ length: n }, () => next() * 2 - 1) };
}

let seed = 100;
const w = (name: string, shape: number[]) => ({ name, tensor: raw(shape, seed++) });
const layer = (name: string, className: string, group: string, weights: KerasLayerWeights['weights']): KerasLayerWeights => ({
  name,
  className,
  group,
  weights,
});

/** Keras 1.2.2 Sequential: LSTM(4, input (5, 3)) with 12 per-gate arrays (i, c, f, o), Dense(2). */
export function keras1Lstm(): KerasFile {
  const gates = ['i', 'c', 'f', 'o'].flatMap((g) => [w(`lstm_1_W_${g}:0`, [3, 4]), w(`lstm_1_U_${g}:0`, [4, 4]), w(`lstm_1_b_${g}:0`, [4])]);
  return {
    format: 'h5',
    kerasVersion: '1.2.2',
    backend: null,
    modelConfig: {
      class_name: 'Sequential',
      config: [
        { class_name: 'LSTM', config: { name: 'lstm_1', output_dim: 4, activation: 'tanh', inner_activation: 'hard_sigmoid', consume_less: 'cpu', batch_input_shape: [null, 5, 3], return_sequences: false } },
        { class_name: 'Dense', config: { name: 'dense_1', output_dim: 2, activation: 'linear' } },
      ],
    },
    trainingConfig: { loss: 'mse', optimizer_config: { class_name: 'RMSprop', config: { lr: 0.001 } } },
    metadata: null,
    layers: [
      layer('lstm_1', 'LSTM', '/model_weights/lstm_1', gates),
      layer('dense_1', 'Dense', '/model_weights/dense_1', [w('dense_1_W:0', [4, 2]), w('dense_1_b:0', [2])]),
    ],
  };
}

/** Keras 2.1.3 (TensorFlow backend) Sequential: Bidirectional(LSTM(5)) on (None, 3). */
export function keras2Bidirectional(): KerasFile {
  const dir = (d: string) => [
    w(`bidirectional_1/${d}_lstm_1/kernel:0`, [3, 20]),
    w(`bidirectional_1/${d}_lstm_1/recurrent_kernel:0`, [5, 20]),
    w(`bidirectional_1/${d}_lstm_1/bias:0`, [20]),
  ];
  return {
    format: 'h5',
    kerasVersion: '2.1.3',
    backend: 'tensorflow',
    modelConfig: {
      class_name: 'Sequential',
      config: [
        {
          class_name: 'Bidirectional',
          config: {
            name: 'bidirectional_1',
            merge_mode: 'concat',
            layer: { class_name: 'LSTM', config: { name: 'lstm_1', units: 5, recurrent_activation: 'hard_sigmoid', return_sequences: true } },
            batch_input_shape: [null, null, 3],
          },
        },
      ],
    },
    trainingConfig: null,
    metadata: null,
    layers: [layer('bidirectional_1', 'Bidirectional', '/model_weights/bidirectional_1', [...dir('forward'), ...dir('backward')])],
  };
}

/** Keras 2.0.8 Theano backend, weights only (`save_weights`): two LSTMs and a Dense, names without `:0`. */
export function keras2TheanoWeights(): KerasFile {
  const lstm = (n: string, inSize: number) => [w(`${n}/kernel`, [inSize, 12]), w(`${n}/recurrent_kernel`, [3, 12]), w(`${n}/bias`, [12])];
  return {
    format: 'h5-weights',
    kerasVersion: '2.0.8',
    backend: 'theano',
    modelConfig: null,
    trainingConfig: null,
    metadata: null,
    layers: [
      layer('lstm_1', '', '/lstm_1', lstm('lstm_1', 4)),
      layer('lstm_2', '', '/lstm_2', lstm('lstm_2', 3)),
      layer('dense_1', '', '/dense_1', [w('dense_1/kernel', [3, 1]), w('dense_1/bias', [1])]),
    ],
  };
}

/** tf.keras 2.2.4-tf functional model: InputLayer, LSTM, Activation (layers without weights included). */
export function tfKerasFunctional(): KerasFile {
  return {
    format: 'h5',
    kerasVersion: '2.2.4-tf',
    backend: 'tensorflow',
    modelConfig: {
      class_name: 'Model',
      config: {
        name: 'model_4',
        layers: [
          { name: 'input_5', class_name: 'InputLayer', config: { name: 'input_5', batch_input_shape: [null, 7, 4] }, inbound_nodes: [] },
          { name: 'lstm', class_name: 'LSTM', config: { name: 'lstm', units: 6, return_sequences: true }, inbound_nodes: [[['input_5', 0, 0, {}]]] },
          { name: 'activation_4', class_name: 'Activation', config: { name: 'activation_4', activation: 'softmax' }, inbound_nodes: [[['lstm', 0, 0, {}]]] },
        ],
        input_layers: [['input_5', 0, 0]],
        output_layers: [['activation_4', 0, 0]],
      },
    },
    trainingConfig: null,
    metadata: null,
    layers: [
      layer('input_5', 'InputLayer', '/model_weights/input_5', []),
      layer('lstm', 'LSTM', '/model_weights/lstm', [w('lstm/kernel:0', [4, 24]), w('lstm/recurrent_kernel:0', [6, 24]), w('lstm/bias:0', [24])]),
      layer('activation_4', 'Activation', '/model_weights/activation_4', []),
    ],
  };
}

/** Keras 3.9.2 `.h5`: Sequential LSTM(5) + Dense(1), weight names with the model prefix. */
export function keras3H5(): KerasFile {
  return {
    format: 'h5',
    kerasVersion: '3.9.2',
    backend: 'tensorflow',
    modelConfig: {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 10, 1], name: 'input_layer' } },
          { module: 'keras.layers', class_name: 'LSTM', config: { name: 'lstm', units: 5 } },
          { module: 'keras.layers', class_name: 'Dense', config: { name: 'dense', units: 1 } },
        ],
      },
    },
    trainingConfig: { loss: 'mean_squared_error' },
    metadata: null,
    layers: [
      layer('lstm', 'LSTM', '/model_weights/lstm', [
        w('sequential/lstm/lstm_cell/kernel', [1, 20]),
        w('sequential/lstm/lstm_cell/recurrent_kernel', [5, 20]),
        w('sequential/lstm/lstm_cell/bias', [20]),
      ]),
      layer('dense', 'Dense', '/model_weights/dense', [w('sequential/dense/kernel', [5, 1]), w('sequential/dense/bias', [1])]),
    ],
  };
}

const lstmVars = (prefix: string, inSize: number, units: number) => [
  w(`${prefix}cell/vars/0`, [inSize, 4 * units]),
  w(`${prefix}cell/vars/1`, [units, 4 * units]),
  w(`${prefix}cell/vars/2`, [4 * units]),
];

/** Keras 3.4 `.keras`: Sequential InputLayer, LSTM(3), Dropout, LSTM(3), Dense(1) (config names differ from groups). */
export function keras3Sequential(): KerasFile {
  const cfg = (className: string, name: string, extra: object = {}) => ({ module: 'keras.layers', class_name: className, config: { name, ...extra } });
  return {
    format: 'keras',
    kerasVersion: '3.4.1',
    backend: null,
    modelConfig: {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'sequential_7',
        layers: [
          cfg('InputLayer', 'input_layer_7', { batch_shape: [null, 6, 2] }),
          cfg('LSTM', 'lstm_12', { units: 3, return_sequences: true }),
          cfg('Dropout', 'dropout_4', { rate: 0.2 }),
          cfg('LSTM', 'lstm_13', { units: 3 }),
          cfg('Dense', 'dense_9', { units: 1 }),
        ],
      },
    },
    trainingConfig: null,
    metadata: { keras_version: '3.4.1', date_saved: '2024-07-23@17:34:40' },
    layers: [
      layer('lstm_12', 'LSTM', '/layers/lstm', lstmVars('', 2, 3)),
      layer('dropout_4', 'Dropout', '/layers/dropout', []),
      layer('lstm_13', 'LSTM', '/layers/lstm_1', lstmVars('', 3, 3)),
      layer('dense_9', 'Dense', '/layers/dense', [w('vars/0', [3, 1]), w('vars/1', [1])]),
    ],
  };
}

/** Keras 3.13 `.keras` functional: InputLayer, Bidirectional(LSTM(2)), Dense(1). */
export function keras3Bidirectional(): KerasFile {
  const cfg = (className: string, name: string, extra: object = {}) => ({ module: 'keras.layers', class_name: className, config: { name, ...extra } });
  return {
    format: 'keras',
    kerasVersion: '3.13.2',
    backend: null,
    modelConfig: {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'functional_1',
        layers: [cfg('InputLayer', 'input_layer_1', { batch_shape: [null, 4, 1] }), cfg('Bidirectional', 'bidirectional', { merge_mode: 'concat' }), cfg('Dense', 'dense_4', { units: 1 })],
      },
    },
    trainingConfig: null,
    metadata: { keras_version: '3.13.2', date_saved: '2026-04-30@20:08:13' },
    layers: [
      layer('input_layer_1', 'InputLayer', '/layers/input_layer', []),
      layer('bidirectional', 'Bidirectional', '/layers/bidirectional', [...lstmVars('backward_layer/', 1, 2), ...lstmVars('forward_layer/', 1, 2)]),
      layer('dense_4', 'Dense', '/layers/dense', [w('vars/0', [4, 1]), w('vars/1', [1])]),
    ],
  };
}

/** Every fixture, by a short name. */
export const KERAS_FIXTURES: Readonly<Record<string, () => KerasFile>> = {
  'keras 1.2.2 LSTM (per-gate arrays)': keras1Lstm,
  'keras 2.1.3 Bidirectional (TF)': keras2Bidirectional,
  'keras 2.0.8 Theano weights only': keras2TheanoWeights,
  'tf.keras 2.2.4 functional': tfKerasFunctional,
  'keras 3.9 .h5': keras3H5,
  'keras 3.4 .keras sequential': keras3Sequential,
  'keras 3.13 .keras bidirectional': keras3Bidirectional,
};
