import { randomTensor, tf } from '../../../test/helpers/tf';
import { TfjsFormatError } from '../shared/errors';
import { readTfjsWeights } from './weights';

/** A model.json + one shard encoded by tfjs's own tf.io.encodeWeights. */
async function encoded(tensors: tf.NamedTensorMap): Promise<{ json: unknown; shard: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const json = { format: 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: specs }] };
  return { json, shard: new Uint8Array(data) };
}

describe('readTfjsWeights', () => {
  it('reads weights encoded by tf.io.encodeWeights, in manifest order', async () => {
    const k = randomTensor([3, 8], 1);
    const b = tf.tensor([1, -2], [2], 'int32');
    const { json, shard } = await encoded({ 'lstm/kernel': k, 'lstm/bias': b });
    const got = readTfjsWeights(json, [shard]);
    expect(got.format).toBe('layers-model');
    expect(got.modelTopology).toEqual({ class_name: 'Sequential' });
    expect(got.weights.map((w) => w.name)).toEqual(['lstm/kernel', 'lstm/bias']);
    expect(Array.from(got.weights[0].tensor.values)).toEqual(Array.from(k.dataSync()));
    expect(got.weights[1].tensor.dtype).toBe('int32');
    tf.dispose([k, b]);
  });

  it('dequantizes uint8 weights as tfjs does (q * scale + min)', () => {
    const json = { weightsManifest: [{ paths: ['a.bin'], weights: [{ name: 'w', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } }] }] };
    expect(Array.from(readTfjsWeights(json, [Uint8Array.from([0, 2, 4])]).weights[0].tensor.values)).toEqual([-1, 0, 1]);
  });

  it('refuses inconsistent or hostile manifests', async () => {
    const { json, shard } = await encoded({ w: tf.zeros([4]) });
    expect(() => readTfjsWeights(json, [shard.subarray(0, 8)])).toThrow(/needs bytes 0..16/);
    expect(() => readTfjsWeights(json, [new Uint8Array(20)])).toThrow(/declares 16 bytes, the shards hold 20/);
    expect(() => readTfjsWeights(json, [])).toThrow(TfjsFormatError);
    expect(() => readTfjsWeights('{', [])).toThrow(TfjsFormatError);
    expect(() => readTfjsWeights({ weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] }, [new Uint8Array(0)])).toThrow(TfjsFormatError);
    expect(() => readTfjsWeights({ weightsManifest: [{ paths: ['a'], weights: [{ name: 'w', shape: [1], dtype: 'complex64' }] }] }, [new Uint8Array(8)])).toThrow(/complex64/);
    expect(() => readTfjsWeights({ weightsManifest: [{ paths: ['a'], weights: [{ name: 'w', shape: [-1], dtype: 'float32' }] }] }, [new Uint8Array(4)])).toThrow(TfjsFormatError);
  });
});
