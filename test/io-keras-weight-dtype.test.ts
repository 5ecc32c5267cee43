/**
 * A Keras file may store a weight in another dtype than its layer's (an int32 dataset for a
 * float32 kernel; found by `npm run test:fuzz`, seed 4, where tfjs' Variable.assign threw a plain
 * Error). Keras' `set_weights` casts to the variable's dtype; `loadKeras` does the same, for
 * lstm-bridge's LSTM and for tfjs-layers' own layers, without leaking. And a config tfjs-layers
 * refuses to build is a typed error.
 */
import { KerasFormatError, loadKeras } from '../src/io';
import { writeKeras } from '../src/io/keras/writer';
import { KerasFile, KerasLayerWeights } from '../src/keras-model/keras-file';
import { keras1BidirectionalFused, keras2Masking } from './helpers/keras-model-fixtures';
import { mutate } from './helpers/mutate';
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

test('a config tfjs-layers refuses to build (test:fuzz, seed 8: a flipped bit in a Bidirectional name) is a typed error, without a leak', async () => {
  // The mutant of that run, made again: the Keras 1 fused Bidirectional fixture as the fuzz corpus
  // writes it, mutated with the run's seed (seed 8, corpus index 12, mutant 461).
  const fixture = keras1BidirectionalFused();
  const seedBytes = await writeKeras(fixture.file, { nameLists: fixture.nameLists ?? 'fixed' });
  const m = mutate(seedBytes, 8 * 1_000_003 + 12 * 10_007 + 461, 'uint32');
  expect(m.how).toBe('flip bits at 2273,2190,2825,8063');
  const before = tf.memory().numTensors;
  await expect(loadKeras(m.bytes)).rejects.toThrow(/tfjs-layers cannot build the model \(Not a valid tensor name/);
  await expect(loadKeras(m.bytes)).rejects.toBeInstanceOf(KerasFormatError);
  expect(tf.memory().numTensors).toBe(before);
});
