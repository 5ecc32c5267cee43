/**
 * A guarded, read-only view of an HDF5 file, on jsfive (pure JavaScript, CommonJS and ESM, works
 * in browsers). Used by the Keras readers; nothing here knows about Keras.
 *
 * Before jsfive sees the bytes: the superblock signature and version, the sizes of offsets and
 * lengths, and the end-of-file address against the real length (a truncated file stops here).
 * Before a dataset is read: its dtype must be a plain number type, its element count and byte
 * size within {@link IoLimits}, and an unfiltered dataset must fit in the file. Every jsfive
 * failure (it throws strings too) becomes an {@link Hdf5FormatError} naming the object.
 */
import * as jsfive from 'jsfive';

import { LstmBridgeError } from '../../errors';
import { DtypeError, Hdf5FormatError } from '../shared/errors';
import { FileDtype, RawTensor, checkedNumel, tfDtypeOf } from '../shared/dtypes';
import { IoLimits, checkLimit } from '../shared/limits';
import { checkedAttributes, datasetShape } from './guard';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 numeric dtypes jsfive reports (`<f4`, `>i8`, `|u1` ...) -> file dtypes. */
const NUMERIC: Readonly<Record<string, FileDtype>> = Object.freeze({
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
});

/** An attribute value: strings (fixed-length ones without their NUL padding), numbers, arrays. */
export type H5AttrValue = string | number | bigint | boolean | null | H5AttrValue[];

/** A group: children by name, attributes. */
export interface H5Group {
  readonly kind: 'group';
  readonly path: string;
  keys(): string[];
  /** Child (or nested path) by name, or null when absent. */
  get(name: string): H5Group | H5Dataset | null;
  attrs(): Record<string, H5AttrValue>;
}

/** A dataset: shape, dtype, attributes, and its data on demand. */
export interface H5Dataset {
  readonly kind: 'dataset';
  readonly path: string;
  readonly shape: readonly number[];
  /** The element type, or null when it is not a plain number type (strings, compounds...). */
  readonly dtype: FileDtype | null;
  attrs(): Record<string, H5AttrValue>;
  /** The data, converted as in `../shared/dtypes` (float -> float32, int -> int32 when in range). */
  read(): RawTensor;
}

/** Checks the superblock before any parsing. Returns nothing; throws Hdf5FormatError. */
export function checkSuperblock(where: string, bytes: Uint8Array): void {
  if (bytes.length < 56 || !SIGNATURE.every((b, k) => bytes[k] === b)) {
    throw new Hdf5FormatError(`${where}: not an HDF5 file (no HDF5 signature at byte 0)`);
  }
  const version = bytes[8];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let sizeOfOffsets: number;
  let eofAt: number;
  if (version === 0 || version === 1) {
    sizeOfOffsets = bytes[13];
    if (bytes[14] !== 8) throw new Hdf5FormatError(`${where}: HDF5 size of lengths expected 8, got ${bytes[14]}`);
    eofAt = version === 0 ? 40 : 44;
  } else if (version === 2 || version === 3) {
    sizeOfOffsets = bytes[9];
    if (bytes[10] !== 8) throw new Hdf5FormatError(`${where}: HDF5 size of lengths expected 8, got ${bytes[10]}`);
    eofAt = 28;
  } else {
    throw new Hdf5FormatError(`${where}: HDF5 superblock version ${version} is not supported (0 to 3)`);
  }
  if (sizeOfOffsets !== 8) throw new Hdf5FormatError(`${where}: HDF5 size of offsets expected 8, got ${sizeOfOffsets}`);
  if (eofAt + 8 > bytes.length) throw new Hdf5FormatError(`${where}: HDF5 superblock truncated`);
  const eof = dv.getUint32(eofAt + 4, true) * 2 ** 32 + dv.getUint32(eofAt, true);
  if (eof > bytes.length) {
    throw new Hdf5FormatError(`${where}: HDF5 end-of-file address ${eof} is past the ${bytes.length}-byte file (truncated)`);
  }
}

function wrap<T>(where: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LstmBridgeError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new Hdf5FormatError(`${where}: cannot read ${what} (${msg.slice(0, 200)})`);
  }
}

function cleanAttr(v: unknown, depth = 0): H5AttrValue {
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v === null) return v;
  if (depth < 4 && (Array.isArray(v) || ArrayBuffer.isView(v))) {
    return Array.from(v as ArrayLike<unknown>, (x) => cleanAttr(x, depth + 1));
  }
  return null;
}

function readAttrs(where: string, path: string, d: jsfive.DataObjects, limits: IoLimits): Record<string, H5AttrValue> {
  const raw = wrap(where, `attributes of ${path}`, () => checkedAttributes(`${where}: attributes of ${path}`, d, limits));
  // A null prototype: an attribute named "__proto__" is kept as a plain key.
  const out: Record<string, H5AttrValue> = Object.create(null);
  for (const [k, v] of raw) out[k] = cleanAttr(v);
  return out;
}

/** Opens an HDF5 file held in memory. */
export function openHdf5(where: string, bytes: Uint8Array, limits: IoLimits): H5Group {
  checkLimit(where, 'file size', bytes.length, limits, 'maxFileBytes');
  checkSuperblock(where, bytes);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const file = wrap(where, 'the HDF5 superblock and root group', () => new jsfive.File(buffer, 'file'));
  let visited = 0;
  const count = () => checkLimit(where, 'number of HDF5 objects visited', ++visited, limits, 'maxHdf5Nodes');

  const dataset = (d: jsfive.Dataset): H5Dataset => {
    const path = d.name;
    const shape = wrap(where, `the shape of ${path}`, () => datasetShape(`${where}: ${path}`, d._dataobjects, limits));
    const rawDtype = wrap(where, `the dtype of ${path}`, () => d.dtype);
    const m = typeof rawDtype === 'string' ? /^([<>|])([fiu]\d)$/.exec(rawDtype) : null;
    const dtype = m && m[2] in NUMERIC ? NUMERIC[m[2]] : null;
    return {
      kind: 'dataset',
      path,
      shape,
      dtype,
      attrs: () => readAttrs(where, path, d._dataobjects, limits),
      read: () => {
        if (dtype === null) throw new Hdf5FormatError(`${where}: ${path} has dtype ${JSON.stringify(rawDtype)}, expected a number type`);
        if (!Array.isArray(shape)) throw new Hdf5FormatError(`${where}: ${path} has no simple shape`);
        const numel = checkedNumel(`${where}: ${path}`, shape, limits, Hdf5FormatError);
        const itemSize = Number(m![2].slice(1));
        checkLimit(`${where}: ${path}`, 'dataset size in bytes', numel * Math.max(itemSize, 4), limits, 'maxTensorBytes');
        const filters = wrap(where, `the filters of ${path}`, () => d._dataobjects.filter_pipeline);
        if (!filters && numel * itemSize > bytes.length) {
          throw new Hdf5FormatError(`${where}: ${path} declares ${numel * itemSize} bytes, more than the ${bytes.length}-byte file`);
        }
        // Compressed chunks cannot inflate past the ratio cap: bound by the whole file.
        checkLimit(`${where}: ${path}`, 'compressed dataset size in bytes per file byte', (numel * itemSize) / bytes.length, limits, 'maxCompressionRatio');
        const values = wrap(where, `the data of ${path}`, () => d.value) as ArrayLike<number>;
        if (!values || typeof values.length !== 'number' || values.length !== numel) {
          throw new Hdf5FormatError(`${where}: ${path} expected ${numel} values, got ${values?.length}`);
        }
        return convert(`${where}: ${path}`, values, dtype, shape);
      },
    };
  };

  const group = (g: jsfive.Group): H5Group => ({
    kind: 'group',
    path: g.name,
    keys: () => wrap(where, `the members of ${g.name}`, () => g.keys),
    attrs: () => readAttrs(where, g.name, g._dataobjects, limits),
    get: (name: string) => {
      count();
      const has = wrap(where, `the members of ${g.name}`, () => {
        let cur: jsfive.Group = g;
        const parts = name.split('/').filter((p) => p.length > 0);
        for (let k = 0; k < parts.length; k++) {
          if (!cur.keys.includes(parts[k])) return false;
          if (k < parts.length - 1) {
            const next = cur.get(parts[k]);
            if (!(next instanceof jsfive.Group)) return false;
            cur = next;
          }
        }
        return parts.length > 0;
      });
      if (!has) return null;
      const obj = wrap(where, `${g.name}/${name}`, () => g.get(name));
      if (obj instanceof jsfive.Dataset) return dataset(obj);
      if (obj instanceof jsfive.Group) return group(obj);
      return null;
    },
  });
  return group(file);
}

/** jsfive's numbers -> a RawTensor with the range checks of `../shared/dtypes`. */
function convert(where: string, values: ArrayLike<number>, dtype: FileDtype, shape: number[]): RawTensor {
  const tf = tfDtypeOf(dtype);
  if (tf === 'float32') {
    const out = Float32Array.from(values);
    for (let k = 0; k < out.length; k++) {
      if (!Number.isFinite(out[k]) && Number.isFinite(values[k])) {
        throw new DtypeError(`${where}: value ${values[k]} (element ${k}) does not fit in float32`);
      }
    }
    return { dtype: 'float32', shape, values: out };
  }
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = Number(values[k]);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new DtypeError(`${where}: ${dtype} value ${values[k]} (element ${k}) does not fit in int32`);
    }
    out[k] = v;
  }
  return { dtype: 'int32', shape, values: out };
}
