import { openHdf5 } from './reader';
import { writeHdf5 } from './writer';
import { DEFAULT_LIMITS } from '../shared/limits';

describe('writeHdf5 (h5wasm) read back by openHdf5 (jsfive)', () => {
  it('writes groups, nested dataset paths, and every attribute kind', async () => {
    const kernel = { dtype: 'float32' as const, shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, -6.5]) };
    const steps = { dtype: 'int32' as const, shape: [], values: Int32Array.from([7]) };
    const bytes = await writeHdf5({
      attrs: { keras_version: '2.2.4', names: { fixedLength: ['lstm_1', 'dense_10'] }, vlen: ['a', 'bb'], empty: { float64: [] } },
      children: {
        model_weights: { children: { 'lstm_1/lstm_1/kernel:0': { tensor: kernel, attrs: { note: 'x' } } } },
        steps: { tensor: steps },
      },
    });
    const root = openHdf5('test', bytes, DEFAULT_LIMITS);
    expect(root.attrs()).toEqual({ keras_version: '2.2.4', names: ['lstm_1', 'dense_10'], vlen: ['a', 'bb'], empty: [] });
    const d = root.get('model_weights/lstm_1/lstm_1/kernel:0');
    expect(d?.kind).toBe('dataset');
    if (d?.kind !== 'dataset') return;
    expect(d.shape).toEqual([2, 3]);
    expect(d.dtype).toBe('float32');
    expect(d.attrs()).toEqual({ note: 'x' });
    expect(Array.from(d.read().values)).toEqual([1, 2, 3, 4, 5, -6.5]);
    const s = root.get('steps');
    expect(s?.kind === 'dataset' && Array.from(s.read().values)).toEqual([7]);
    expect(root.get('missing')).toBeNull();
    expect(root.get('model_weights/lstm_1/nope')).toBeNull();
  });
});
