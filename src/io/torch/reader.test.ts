import { tf } from '../../../test/helpers/tf';
import { expectedFor, fixtureBytes } from '../../../test/helpers/io-fixtures';
import { FileParseError } from '../../errors';
import { DtypeError, PickleSecurityError, SizeLimitError, TorchFormatError, TorchScriptArchiveError } from '../shared/errors';
import { loadTorch, readTorch } from './reader';
import { thrown } from '../../../test/helpers/thrown';

/** Values from PyTorch (already float32) must match exactly: conversions are exact or rounded the same way. */
function expectMatchesTorch(file: string, prefix = ''): void {
  const expected = expectedFor(file);
  const got = readTorch(fixtureBytes(file));
  expect(got.tensors.map((t) => t.name)).toEqual(expected.tensors!.map((t) => prefix + t.name));
  got.tensors.forEach((t, k) => {
    const e = expected.tensors![k];
    expect(t.tensor.shape).toEqual(e.shape);
    expect(Array.from(t.tensor.values)).toEqual(e.values);
  });
}

describe('readTorch on files written by real PyTorch', () => {
  it.each([
    'lstm_bidir_2layer.pt',
    'lstm_bidir_2layer_legacy.pt',
    'lstm_archive_root.pt',
    'dtypes.pt',
    'dtypes_legacy.pt',
    'shared_storage.pt',
    'shared_storage_legacy.pt',
    'checkpoint.pt',
    'located_cuda.pt',
    'located_mps.pt',
    'parameters.pt',
    'protocol4.pt',
    'protocol4_legacy.pt',
  ])('%s: names in file order, shapes and values exactly as torch.load gives', (file) => {
    expectMatchesTorch(file);
  });

  it('tells the formats apart', () => {
    expect(readTorch(fixtureBytes('lstm_bidir_2layer.pt')).format).toBe('zip');
    expect(readTorch(fixtureBytes('lstm_bidir_2layer_legacy.pt')).format).toBe('legacy');
  });

  it('keeps the bidirectional 2-layer key order of nn.LSTM', () => {
    const names = readTorch(fixtureBytes('lstm_bidir_2layer.pt')).tensors.map((t) => t.name);
    expect(names.slice(0, 9)).toEqual([
      'lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0',
      'lstm.weight_ih_l0_reverse', 'lstm.weight_hh_l0_reverse', 'lstm.bias_ih_l0_reverse', 'lstm.bias_hh_l0_reverse',
      'lstm.weight_ih_l1',
    ]);
  });

  it('converts dtypes: half/bfloat16/double to float32, integers to int32, bool to bool', () => {
    const t = Object.fromEntries(readTorch(fixtureBytes('dtypes.pt')).tensors.map((e) => [e.name, e]));
    expect(t.f16.sourceDtype).toBe('float16');
    expect(t.bf16.sourceDtype).toBe('bfloat16');
    expect(t.f64.sourceDtype).toBe('float64');
    expect(t.i64.sourceDtype).toBe('int64');
    for (const k of ['f16', 'bf16', 'f64', 'scalar', 'empty']) expect(t[k].tensor.dtype).toBe('float32');
    for (const k of ['i64', 'i32', 'i16', 'i8', 'u8']) expect(t[k].tensor.dtype).toBe('int32');
    expect(t.b.tensor.dtype).toBe('bool');
    expect(t.scalar.tensor.shape).toEqual([]);
    expect(t.empty.tensor.shape).toEqual([0, 3]);
  });

  it('reports the device a tensor was saved on and loads it on the CPU', () => {
    expect(readTorch(fixtureBytes('located_cuda.pt')).tensors[0].location).toBe('cuda:0');
    expect(readTorch(fixtureBytes('located_mps.pt')).tensors[0].location).toBe('mps');
  });

  it('returns the non-tensor values of a checkpoint as metadata', () => {
    const meta = Object.fromEntries(readTorch(fixtureBytes('checkpoint.pt')).metadata.map((m) => [m.name, m.value]));
    expect(meta).toEqual(expectedFor('checkpoint.pt').metadata);
  });

  it('refuses int64 values outside int32 with a DtypeError naming the value', () => {
    expect(() => readTorch(fixtureBytes('int64_out_of_range.pt'))).toThrow(DtypeError);
    expect(() => readTorch(fixtureBytes('int64_out_of_range.pt'))).toThrow(/big.*1099511627776/);
  });

  it('recognises a TorchScript archive and explains it', () => {
    expect(() => readTorch(fixtureBytes('torchscript.pt'))).toThrow(TorchScriptArchiveError);
    expect(() => readTorch(fixtureBytes('torchscript.pt'))).toThrow(/torch\.jit\.save.*state_dict/);
  });

  it('refuses a pickled whole module with a PickleSecurityError naming the global', () => {
    const err = thrown(() => readTorch(fixtureBytes('whole_module.pt')));
    expect(err).toBeInstanceOf(PickleSecurityError);
    expect((err as PickleSecurityError).refused).toMatch(/^torch\.nn\.modules\./);
  });

  it('refuses bytes that are no PyTorch file', () => {
    expect(() => readTorch(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(TorchFormatError);
    expect(() => readTorch(new Uint8Array(0))).toThrow(FileParseError);
  });

  it('applies the caps', () => {
    const bytes = fixtureBytes('lstm_bidir_2layer.pt');
    expect(() => readTorch(bytes, { limits: { maxFileBytes: 100 } })).toThrow(SizeLimitError);
    expect(() => readTorch(bytes, { limits: { maxTensors: 3 } })).toThrow(/maxTensors/);
    expect(() => readTorch(bytes, { limits: { maxTensorBytes: 100 } })).toThrow(/maxTensorBytes/);
  });
});

describe('loadTorch', () => {
  it('returns tfjs tensors in file order and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const sd = loadTorch(fixtureBytes('lstm_bidir_2layer.pt'));
    const expected = expectedFor('lstm_bidir_2layer.pt').tensors!;
    expect(Object.keys(sd)).toEqual(expected.map((t) => t.name));
    expect(sd['lstm.weight_ih_l1'].shape).toEqual([16, 8]);
    expect(Array.from(sd['lstm.weight_ih_l1'].dataSync())).toEqual(expected.find((t) => t.name === 'lstm.weight_ih_l1')!.values);
    expect(tf.memory().numTensors).toBe(before + expected.length);
    tf.dispose(sd);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('creates int32 and bool tensors for integer and bool storages', () => {
    const sd = loadTorch(fixtureBytes('dtypes.pt'));
    expect(sd.i64.dtype).toBe('int32');
    expect(sd.b.dtype).toBe('bool');
    expect(sd.f16.dtype).toBe('float32');
    tf.dispose(sd);
  });
});
