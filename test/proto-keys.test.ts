/**
 * Keys named "__proto__" (and other Object.prototype names) read from files: tensor names in
 * .pt and safetensors files are kept as plain own keys (never the result's prototype); in a
 * Keras or tfjs model config, where no real config has one, they are refused with a typed error.
 */
import { loadKeras } from '../src/io/keras/load';
import { loadTfjsModel } from '../src/io/tfjs/load';
import { loadSafetensors, readSafetensors, saveSafetensors } from '../src/io/safetensors/safetensors';
import { loadTorch } from '../src/io/torch/reader';
import { saveTorch } from '../src/io/torch/writer';
import { KerasFormatError, SafetensorsFormatError } from '../src/io/shared/errors';
import { keras2WeightsOnly, tfKerasFunctionalGraph } from './helpers/keras-model-fixtures';
import { tf } from './helpers/tf';

const plain = (values: number[]) => ({ dtype: 'float32' as const, shape: [values.length], values: Float32Array.from(values) });

/** An object with an own key "__proto__" (a computed key does not set the prototype). */
const hostile = () => ({ ['__proto__']: plain([1, 2]), constructor: plain([3]), w: plain([4, 5, 6]) });

describe('tensor names', () => {
  for (const [name, save, load] of [
    ['.pt', saveTorch, loadTorch],
    ['safetensors', (t: ReturnType<typeof hostile>) => saveSafetensors(t), loadSafetensors],
  ] as const) {
    test(`${name}: "__proto__" and "constructor" stay plain keys; everything disposable`, () => {
      const before = tf.memory().numTensors;
      const sd = load(save(hostile()));
      expect(Object.getPrototypeOf(sd)).toBe(Object.prototype);
      expect(Object.keys(sd).sort()).toEqual(['__proto__', 'constructor', 'w']);
      expect((sd as unknown as { shape?: unknown }).shape).toBeUndefined();
      expect(Array.from(sd['__proto__'].dataSync())).toEqual([1, 2]);
      expect(Array.from(sd['constructor'].dataSync())).toEqual([3]);
      tf.dispose(Object.values(sd));
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  test('a safetensors dtype named after an Object.prototype member is refused', () => {
    const header = JSON.stringify({ w: { dtype: 'toString', shape: [1], data_offsets: [0, 4] } });
    const len = new Uint8Array(8);
    new DataView(len.buffer).setUint32(0, header.length, true);
    const file = new Uint8Array([...len, ...new TextEncoder().encode(header), 0, 0, 0x80, 0x3f]);
    expect(() => readSafetensors(file)).toThrow(SafetensorsFormatError);
    expect(() => readSafetensors(file)).toThrow(/dtype expected one of/);
  });
});

describe('model configs', () => {
  test('Keras: a "__proto__" key anywhere in the config is refused with a typed error', async () => {
    const fx = keras2WeightsOnly();
    const config = fx.config!.replace('"units":3,', '"units":3,"__proto__":{"neutral":1},');
    expect(config).toContain('__proto__');
    const before = tf.memory().numTensors;
    await expect(loadKeras(fx.file, { config: JSON.parse(config) })).rejects.toThrow(KerasFormatError);
    await expect(loadKeras(fx.file, { config: JSON.parse(config) })).rejects.toThrow(/holds a key "__proto__"/);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('tfjs: the same in a model.json topology', async () => {
    const fx = tfKerasFunctionalGraph();
    const weights = fx.file.layers.flatMap((l) => l.weights);
    const bytes = new Uint8Array(Float32Array.from(weights.flatMap((w) => Array.from(w.tensor.values))).buffer);
    const manifest = [{ paths: ['w.bin'], weights: weights.map((w) => ({ name: w.name.replace(/:0$/, ''), shape: w.tensor.shape, dtype: 'float32' })) }];
    const topology = JSON.parse(JSON.stringify(fx.file.modelConfig).replace('{', '{"__proto__":{"a":1},'));
    await expect(loadTfjsModel({ modelTopology: { keras_version: '2.2.4-tf', model_config: topology }, weightsManifest: manifest }, [bytes])).rejects.toThrow(/holds a key "__proto__"/);
  });
});
