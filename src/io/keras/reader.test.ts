import { KERAS_FIXTURES, keras3H5, keras3Sequential, raw } from '../../../test/helpers/keras-fixtures';
import { Hdf5FormatError, KerasFormatError, SizeLimitError, ZipArchiveError } from '../shared/errors';
import { writeHdf5 } from '../hdf5/writer';
import { KerasFile } from '../../keras-model';
import { readKeras } from './reader';
import { writeKeras } from './writer';

/** What a reader must give back: everything but the `.h5` group paths of weights-only layers. */
function comparable(f: KerasFile): unknown {
  return {
    ...f,
    layers: f.layers.map((l) => ({
      name: l.name,
      className: l.className || null,
      group: l.group,
      weights: l.weights.map((w) => ({ name: w.name, shape: w.tensor.shape, values: Array.from(w.tensor.values) })),
    })),
  };
}

describe('readKeras on files written in the real layouts', () => {
  it.each(Object.keys(KERAS_FIXTURES))('%s: versions, configs, layer order, weight names and values', async (key) => {
    const file = KERAS_FIXTURES[key]();
    const bytes = await writeKeras(file, { nameLists: file.kerasVersion?.startsWith('3') ? 'vlen' : 'fixed' });
    const got = readKeras(bytes);
    expect(comparable(got)).toEqual(comparable(file));
  });

  it('reads Keras 3 .weights.h5 (save_weights) by group, without a config', async () => {
    const file: KerasFile = { ...keras3Sequential(), format: 'weights-h5', modelConfig: null, metadata: null, kerasVersion: null };
    const got = readKeras(await writeKeras(file));
    expect(got.format).toBe('weights-h5');
    expect(got.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'lstm', 'lstm_1']);
    expect(got.layers.find((l) => l.name === 'lstm_1')!.weights.map((w) => w.name)).toEqual(['cell/vars/0', 'cell/vars/1', 'cell/vars/2']);
  });

  it('joins chunked layer_names0, layer_names1 attributes', async () => {
    const bytes = await writeHdf5({
      attrs: { layer_names0: { fixedLength: ['a'] }, layer_names1: { fixedLength: ['b'] } },
      children: {
        a: { attrs: { weight_names: { fixedLength: ['a/k:0'] } }, children: { 'a/k:0': { tensor: raw([2], 1) } } },
        b: { attrs: { weight_names: { float64: [] } } },
      },
    });
    const got = readKeras(bytes);
    expect(got.format).toBe('h5-weights');
    expect(got.layers.map((l) => [l.name, l.weights.length])).toEqual([['a', 1], ['b', 0]]);
  });

  it('refuses files that are not Keras files, with typed errors', async () => {
    expect(() => readKeras(new Uint8Array(100))).toThrow(Hdf5FormatError);
    const notKeras = await writeHdf5({ attrs: { x: 'y' } });
    expect(() => readKeras(notKeras)).toThrow(KerasFormatError);
    const missing = await writeHdf5({ attrs: { layer_names: { fixedLength: ['lstm'] } } });
    expect(() => readKeras(missing)).toThrow(/layer lstm is listed in layer_names but has no group/);
    const noWeight = await writeHdf5({ attrs: { layer_names: ['l'] }, children: { l: { attrs: { weight_names: ['l/k'] } } } });
    expect(() => readKeras(noWeight)).toThrow(/weight l\/k of layer l .*missing/);
    const badJson = await writeHdf5({ attrs: { model_config: '{oops', layer_names: { float64: [] } }, children: { model_weights: { attrs: { layer_names: { float64: [] } } } } });
    expect(() => readKeras(badJson)).toThrow(/model_config is not valid JSON/);
  });

  it('refuses .keras archives without config or weights, and unsafe entry names', async () => {
    const { zipSync, strToU8 } = await import('fflate');
    expect(() => readKeras(zipSync({ 'metadata.json': strToU8('{}') }))).toThrow(/no config.json/);
    expect(() => readKeras(zipSync({ 'config.json': strToU8('{}') }))).toThrow(/no model.weights.h5/);
    expect(() => readKeras(zipSync({ '../config.json': strToU8('{}') }))).toThrow(ZipArchiveError);
  });

  it('applies the caps', async () => {
    const bytes = await writeKeras(keras3H5());
    expect(() => readKeras(bytes, { limits: { maxTensorBytes: 16 } })).toThrow(SizeLimitError);
    expect(() => readKeras(bytes, { limits: { maxHeaderBytes: 10 } })).toThrow(/model_config size/);
  });
});
