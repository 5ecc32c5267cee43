import { ConfigError } from '../../errors';
import { DtypeError, SizeLimitError, TorchFormatError, ZipArchiveError } from './errors';
import { bfloat16ToFloat, gatherElements, halfToFloat } from './dtypes';
import { DEFAULT_LIMITS, resolveLimits } from './limits';
import { checkEntryName, readZip } from './zip';
import { strToU8, zipSync } from 'fflate';

const bytesOf = (arr: ArrayBufferView) => new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);

describe('dtype conversions', () => {
  it('float16: normals, subnormals, zeros, infinities, NaN (IEEE 754 binary16)', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('bfloat16 is the upper half of a float32', () => {
    expect(bfloat16ToFloat(0x3f80)).toBe(1);
    expect(bfloat16ToFloat(0xc0a0)).toBe(-5);
    expect(bfloat16ToFloat(0x7f80)).toBe(Infinity);
  });

  it('int64 in int32 range converts; outside it is a DtypeError naming the value', () => {
    const ok = gatherElements('t', bytesOf(BigInt64Array.from([-(2n ** 31n), 2n ** 31n - 1n])), 'int64', { shape: [2] }, true, DEFAULT_LIMITS);
    expect(Array.from(ok.values)).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(() => gatherElements('t', bytesOf(BigInt64Array.from([2n ** 31n])), 'int64', { shape: [1] }, true, DEFAULT_LIMITS)).toThrow(/int64 value 2147483648/);
    expect(() => gatherElements('t', bytesOf(BigInt64Array.from([-(2n ** 40n)])), 'int64', { shape: [1] }, true, DEFAULT_LIMITS)).toThrow(DtypeError);
  });

  it('float64 beyond float32 range is a DtypeError; in range it rounds like numpy', () => {
    expect(() => gatherElements('t', bytesOf(Float64Array.from([1e300])), 'float64', { shape: [1] }, true, DEFAULT_LIMITS)).toThrow(DtypeError);
    const r = gatherElements('t', bytesOf(Float64Array.from([0.1, Infinity])), 'float64', { shape: [2] }, true, DEFAULT_LIMITS);
    expect(Array.from(r.values)).toEqual([Math.fround(0.1), Infinity]);
  });

  it('big-endian storages and strided views', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -2, false);
    expect(Array.from(gatherElements('t', be, 'float32', { shape: [2] }, false, DEFAULT_LIMITS).values)).toEqual([1.5, -2]);
    const s = bytesOf(Float32Array.from([0, 1, 2, 3, 4, 5]));
    const t = gatherElements('t', s, 'float32', { shape: [3, 2], strides: [1, 3], offset: 0 }, true, DEFAULT_LIMITS);
    expect(Array.from(t.values)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => gatherElements('t', s, 'float32', { shape: [3, 2], strides: [2, 1], offset: 1 }, true, DEFAULT_LIMITS, TorchFormatError)).toThrow(/reads element 6, but the storage holds 6/);
    expect(() => gatherElements('t', s, 'float32', { shape: [2], strides: [-1], offset: 3 }, true, DEFAULT_LIMITS)).toThrow(/>= 0/);
    expect(() => gatherElements('t', s, 'float32', { shape: [2 ** 20, 2 ** 20] }, true, DEFAULT_LIMITS)).toThrow(SizeLimitError);
    expect(() => gatherElements('t', s, 'float32', { shape: [2 ** 30, 2 ** 30] }, true, DEFAULT_LIMITS, TorchFormatError)).toThrow(/too many elements/);
  });
});

describe('limits', () => {
  it('merges overrides and refuses unknown or invalid caps', () => {
    expect(resolveLimits({ maxTensors: 3 }).maxTensors).toBe(3);
    expect(resolveLimits(undefined)).toBe(DEFAULT_LIMITS);
    expect(() => resolveLimits({ maxNothing: 1 } as never)).toThrow(ConfigError);
    expect(() => resolveLimits({ maxTensors: -1 })).toThrow(ConfigError);
    expect(() => resolveLimits({ maxTensors: NaN })).toThrow(ConfigError);
  });
});

describe('readZip', () => {
  it('reads stored and deflated entries in order, skipping directories', () => {
    const z = zipSync({ 'a/x.txt': [strToU8('hello'), { level: 0 }], 'a/y.txt': [strToU8('world'.repeat(50)), { level: 9 }], 'a/d/': new Uint8Array(0) });
    const entries = readZip('t', z, DEFAULT_LIMITS);
    expect([...entries.keys()]).toEqual(['a/x.txt', 'a/y.txt']);
    expect(new TextDecoder().decode(entries.get('a/y.txt'))).toBe('world'.repeat(50));
  });

  it('refuses unsafe names, too many entries, bad archives', () => {
    for (const bad of ['../x', '/x', 'a/../../x', 'C:x', 'a\\b', 'a\0b', '']) expect(() => checkEntryName('t', bad)).toThrow(ZipArchiveError);
    checkEntryName('t', 'archive/data/0');
    const z = zipSync({ a: strToU8('1'), b: strToU8('2'), c: strToU8('3') });
    expect(() => readZip('t', z, resolveLimits({ maxZipEntries: 2 }))).toThrow(SizeLimitError);
    expect(() => readZip('t', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), DEFAULT_LIMITS)).toThrow(ZipArchiveError);
  });
});
