/**
 * A Keras file may store a weight in another dtype than its layer's (an int32 dataset for a
 * float32 kernel; found by `npm run test:fuzz`, seed 4, where tfjs' Variable.assign threw a plain
 * Error). Keras' `set_weights` casts to the variable's dtype; `loadKeras` does the same, for
 * lstm-bridge's LSTM and for tfjs-layers' own layers, without leaking.
 */
import { loadKeras } from '../src/io';
import { writeKeras } from '../src/io/keras/writer';
import { KerasFile, KerasLayerWeights } from '../src/keras-model/keras-file';
import { keras2Masking } from './helpers/keras-model-fixtures';
import { tf } from './helpers/tf';

/** The file with every weight stored as int32 (values rounded), and those values. */
function asInt32(file: KerasFile): { file: KerasFile; values: number[][] } {
  const values: number[][] = [];
  const layers: KerasLayerWeights[] = file.layers.map((l) => ({
    ...l,
    weights: l.weights.map((w) => {
      const ints = Int32Array.from(w.tensor.values as ArrayLike<number>, (v) => Math.round(4 * v));
      values.push(Array.from(ints));
      return { ...w, tensor: { dtype: 'int32' as const, shape: w.tensor.shape, values: ints } };
    }),
  }));
  return { file: { ...file, layers }, values };
}

test('int32 weight datasets load into float32 variables, cast, as Keras does', async () => {
  const { file, values } = asInt32(keras2Masking().file);
  const bytes = await writeKeras(file);
  const before = tf.memory().numTensors;
  const model = await loadKeras(bytes);
  const weights = model.getWeights();
  expect(weights.map((w) => w.dtype)).toEqual(values.map(() => 'float32'));
  weights.forEach((w, k) => expect(Array.from(w.dataSync())).toEqual(values[k]));
  model.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
