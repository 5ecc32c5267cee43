/**
 * Fuzzing every parser with deterministic mutations of valid files (seeded, bounded in count and
 * time): truncation, flipped bytes, 32/64-bit fields overwritten with huge or negative values,
 * inserted and deleted bytes. Each input must either parse (a mutation can leave a valid file)
 * or end in a FileParseError subclass: never a TypeError/RangeError, a thrown string, a hang or
 * an allocation past the caps. Crafted hostile cases (`../` zip names, huge declared sizes,
 * pickles naming other globals) are checked one by one.
 */
import { strToU8, zipSync } from 'fflate';

import { expectedFor, fixtureBytes } from './helpers/io-fixtures';
import { keras1Lstm, keras2Bidirectional, keras3Bidirectional, keras3H5 } from './helpers/keras-fixtures';
import { mutate } from './helpers/mutate';
import { FileParseError } from '../src/errors';
import { PickleSecurityError, SizeLimitError, ZipArchiveError } from '../src/io/shared/errors';
import { readKeras } from '../src/io/keras/reader';
import { ReadOptions } from '../src/io/shared/limits';
import { readSafetensors } from '../src/io/safetensors/safetensors';
import { readTfjsWeights } from '../src/io/tfjs/weights';
import { readTorch } from '../src/io/torch/reader';
import { saveTorch } from '../src/io/torch/writer';
import { writeKeras } from '../src/io/keras/writer';
import { thrown } from './helpers/thrown';

/** Mutants per file; raise with IO_FUZZ_COUNT for a longer local run. */
const MUTANTS_PER_FILE = Number(process.env.IO_FUZZ_COUNT ?? 150);
/** Small caps, so an attempt to allocate past them shows up as a SizeLimitError. */
const FUZZ_OPTIONS: ReadOptions = { limits: { maxTensorBytes: 16 << 20, maxTotalBytes: 64 << 20, maxZipEntryBytes: 64 << 20, maxHeaderBytes: 1 << 20 } };

/** Runs `parse` on every mutant; returns the ones that failed badly. */
function fuzz(name: string, bytes: Uint8Array, parse: (b: Uint8Array) => unknown, baseSeed: number): string[] {
  const bad: string[] = [];
  for (let k = 0; k < MUTANTS_PER_FILE; k++) {
    const m = mutate(bytes, baseSeed * 7919 + k);
    const t0 = Date.now();
    try {
      parse(m.bytes);
    } catch (e) {
      if (!(e instanceof FileParseError)) bad.push(`${name} seed ${baseSeed * 7919 + k} (${m.how}): ${e instanceof Error ? `${e.name}: ${e.message}` : `thrown ${typeof e}: ${String(e)}`}`);
    }
    const ms = Date.now() - t0;
    if (ms > 2000) bad.push(`${name} seed ${baseSeed * 7919 + k} (${m.how}): took ${ms} ms`);
  }
  return bad;
}

describe('fuzz: every parser ends in a typed error or a valid result', () => {
  it.each([
    ['zip .pt (bidirectional LSTM)', 'lstm_bidir_2layer.pt'],
    ['legacy .pt', 'lstm_bidir_2layer_legacy.pt'],
    ['legacy .pt with dtypes', 'dtypes_legacy.pt'],
    ['zip .pt with shared-storage views', 'shared_storage.pt'],
  ])('readTorch: %s', (_what, file) => {
    expect(fuzz(file, fixtureBytes(file), (b) => readTorch(b, FUZZ_OPTIONS), 1)).toEqual([]);
  });

  it('readTorch: our own saveTorch output', () => {
    const bytes = saveTorch({ a: { dtype: 'float32', shape: [3, 4], values: new Float32Array(12).fill(0.5) }, b: { dtype: 'int32', shape: [2], values: Int32Array.from([1, 2]) } });
    expect(fuzz('saveTorch', bytes, (b) => readTorch(b, FUZZ_OPTIONS), 2)).toEqual([]);
  });

  it('readSafetensors', () => {
    expect(fuzz('tensors.safetensors', fixtureBytes('tensors.safetensors'), (b) => readSafetensors(b, FUZZ_OPTIONS), 3)).toEqual([]);
  });

  it('readTfjsWeights: model.json text and shard', () => {
    const json = JSON.stringify({
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { layers: [] } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'lstm/kernel', shape: [2, 8], dtype: 'float32' }, { name: 'q', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: 0 } }] }],
    });
    const shard = new Uint8Array(68).fill(7);
    const text = new TextEncoder().encode(json);
    const dec = new TextDecoder();
    expect(fuzz('model.json', text, (b) => readTfjsWeights(dec.decode(b), [shard], FUZZ_OPTIONS), 5)).toEqual([]);
    expect(fuzz('shard', shard, (b) => readTfjsWeights(json, [b], FUZZ_OPTIONS), 6)).toEqual([]);
  });

  it.each([
    ['Keras 1 .h5', keras1Lstm],
    ['Keras 2 Bidirectional .h5', keras2Bidirectional],
    ['Keras 3 .h5', keras3H5],
    ['Keras 3 .keras', keras3Bidirectional],
  ])('readKeras: %s', async (what, make) => {
    const bytes = await writeKeras(make(), { nameLists: what.startsWith('Keras 3') ? 'vlen' : 'fixed' });
    expect(fuzz(what, bytes, (b) => readKeras(b, FUZZ_OPTIONS), 4)).toEqual([]);
  });
});

describe('crafted hostile files', () => {
  const sd = () => fixtureBytes('lstm_bidir_2layer.pt');

  it.each([['../evil.pkl'], ['/etc/passwd'], ['a/../../b'], ['C:/x'], ['a\\..\\b']])('zip entry %s is refused', (name) => {
    const bytes = zipSync({ [name]: strToU8('x'), 'archive/data.pkl': strToU8('x') });
    expect(() => readTorch(bytes)).toThrow(ZipArchiveError);
    expect(() => readKeras(bytes)).toThrow(ZipArchiveError);
  });

  it('a zip entry declaring a huge size is refused before extraction', () => {
    const bytes = zipSync({ 'archive/data.pkl': [new Uint8Array(64), { level: 6 }] });
    // Patch the central directory's uncompressed size (offset 24 of the central header).
    const dv = new DataView(bytes.buffer);
    let cd = bytes.length - 22;
    cd = dv.getUint32(cd + 16, true);
    dv.setUint32(cd + 24, 0xfffffff0, true);
    expect(() => readTorch(bytes)).toThrow(SizeLimitError);
    // Within the size caps, the ratio to the 20-odd compressed bytes is refused before inflating.
    expect(() => readTorch(bytes, { limits: { maxZipEntryBytes: 2 ** 33, maxTotalBytes: 2 ** 33 } })).toThrow(/compression ratio .*maxCompressionRatio/);
  });

  it('a storage record shorter than its persistent id says is refused', () => {
    const bytes = saveTorch({ a: { dtype: 'float32', shape: [4], values: new Float32Array(4) } });
    const entries = (require('fflate') as typeof import('fflate')).unzipSync(bytes);
    entries['archive/data/0'] = entries['archive/data/0'].slice(0, 8);
    expect(() => readTorch(zipSync(entries))).toThrow(/expected 16 bytes \(4 x float32\), got 8/);
  });

  it('pickles naming os.system / builtins.eval / posix.system inside a real .pt are refused', () => {
    const entries = (require('fflate') as typeof import('fflate')).unzipSync(sd());
    const root = Object.keys(entries).find((n) => n.endsWith('data.pkl'))!;
    for (const [module, name] of [['os', 'system'], ['builtins', 'eval'], ['posix', 'system']]) {
      const evil = Uint8Array.from(`\x80\x02c${module}\n${name}\nX\x02\x00\x00\x00id\x85R.`, (c) => c.charCodeAt(0));
      const bytes = zipSync({ ...entries, [root]: evil });
      const err = thrown(() => readTorch(bytes));
      expect(err).toBeInstanceOf(PickleSecurityError);
      expect((err as PickleSecurityError).refused).toBe(`${module}.${name}`);
    }
  });

  it('a legacy file whose record declares a huge element count is refused', () => {
    const bytes = fixtureBytes('dtypes_legacy.pt');
    const expected = expectedFor('dtypes_legacy.pt');
    expect(expected.tensors!.length).toBeGreaterThan(0);
    // The first storage record's int64 count follows the keys pickle; find it by its value.
    const { PickleError } = require('../src/io/shared/errors') as typeof import('../src/io/shared/errors');
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    let patched = false;
    for (let p = bytes.length - 16; p > 0 && !patched; p--) {
      if (bytes[p - 1] === 0x2e && dv.getUint32(p + 4, true) === 0 && dv.getUint32(p, true) > 0 && dv.getUint32(p, true) < 64) {
        const copy = bytes.slice();
        new DataView(copy.buffer).setUint32(p + 4, 0x7fffffff, true);
        const err = thrown(() => readTorch(copy));
        if (err instanceof FileParseError && !(err instanceof PickleError)) patched = true;
      }
    }
    expect(patched).toBe(true);
  });
});
