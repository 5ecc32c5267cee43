/**
 * Element types found in weight files, and their conversion to what tfjs holds.
 *
 * tfjs tensors are float32, int32 or bool. Conversions:
 *
 * | file dtype | tfjs dtype | how |
 * |---|---|---|
 * | float32 | float32 | as is |
 * | float16, bfloat16 | float32 | exact (every value is representable) |
 * | float64 | float32 | rounded; a finite value beyond float32's range is a {@link DtypeError} |
 * | int64 | int32 | exact when in [-2^31, 2^31); otherwise a {@link DtypeError} naming the value |
 * | int32, int16, int8, uint8 | int32 | exact |
 * | bool | bool | as is |
 *
 * {@link gatherElements} also applies a storage offset and strides (PyTorch views into a shared
 * storage), after checking that every element it reads lies inside the storage.
 */
import { FileParseError } from '../../errors';
import { halfToFloat } from '../../onnx/internal';
import { DtypeError } from './errors';
import { IoLimits, checkLimit } from './limits';
import { showValue } from './show';
import type { RawTensor, TfDtype } from '../../keras-model';

// `RawTensor` and `TfDtype` are what every reader returns; they are defined beside the Keras
// file description below io (`src/keras-model/keras-file.ts`), whose model builder takes them too.
export type { RawTensor, TfDtype };

/** Element types of files. */
export type FileDtype =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** Bytes per element of each file dtype. */
export const ELEMENT_SIZE: Readonly<Record<FileDtype, number>> = Object.freeze({
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
});

/** The tfjs dtype a file dtype converts to. */
export function tfDtypeOf(dtype: FileDtype): TfDtype {
  if (dtype === 'bool') return 'bool';
  if (dtype.startsWith('float') || dtype === 'bfloat16') return 'float32';
  return 'int32';
}

/** Number of elements of a shape, with checks: non-negative integers, at most `maxRank` dims. */
export function checkedNumel(
  where: string,
  shape: readonly unknown[],
  limits: IoLimits,
  ErrorClass: new (message: string) => FileParseError = FileParseError,
): number {
  checkLimit(where, 'rank', shape.length, limits, 'maxRank');
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ErrorClass(`${where}: shape expected non-negative integers, got ${showValue(shape)}`);
    }
    n *= d;
    if (!Number.isSafeInteger(n)) {
      throw new ErrorClass(`${where}: shape ${showValue(shape)} has too many elements`);
    }
  }
  return n;
}

/** float16 bits -> number (defined with the ONNX tensor data, `src/onnx`). */
export { halfToFloat };

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** bfloat16 bits -> number (the upper half of a float32). */
export function bfloat16ToFloat(b: number): number {
  u32Scratch[0] = (b & 0xffff) << 16;
  return f32Scratch[0];
}

/** The layout of the elements to read from a storage: offset and strides in elements. */
export interface StridedView {
  readonly shape: readonly number[];
  /** One stride per dimension, in elements, each >= 0. Omit for C-contiguous. */
  readonly strides?: readonly number[];
  /** First element, in elements from the start of the storage. */
  readonly offset?: number;
}

/** C-contiguous strides of a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k];
  }
  return strides;
}

/**
 * Reads the elements of a (possibly strided) view of `storage` and converts them to a
 * {@link RawTensor}.
 *
 * @param where prefix of error messages, e.g. `io.loadTorch: lstm.weight_ih_l0`.
 * @param storage raw bytes of the whole storage.
 * @param dtype element type of the storage.
 * @param view shape, strides and offset, in elements.
 * @param littleEndian byte order of the storage.
 * @param ErrorClass the format's error class, thrown for a view outside the storage.
 */
export function gatherElements(
  where: string,
  storage: Uint8Array,
  dtype: FileDtype,
  view: StridedView,
  littleEndian: boolean,
  limits: IoLimits,
  ErrorClass: new (message: string) => FileParseError = FileParseError,
): RawTensor {
  const size = ELEMENT_SIZE[dtype];
  const shape = view.shape;
  const numel = checkedNumel(where, shape, limits, ErrorClass);
  checkLimit(where, 'tensor size in bytes', numel * 4, limits, 'maxTensorBytes');
  const strides = view.strides ?? contiguousStrides(shape);
  const offset = view.offset ?? 0;
  if (strides.length !== shape.length) {
    throw new ErrorClass(`${where}: stride expected ${shape.length} values, got ${strides.length}`);
  }
  for (const s of [offset, ...strides]) {
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) {
      throw new ErrorClass(`${where}: storage offset and strides expected integers >= 0, got offset ${offset}, stride [${strides.join(', ')}]`);
    }
  }
  const storageNumel = Math.floor(storage.byteLength / size);
  if (numel > 0) {
    let last = offset;
    for (let k = 0; k < shape.length; k++) last += (shape[k] - 1) * strides[k];
    if (last >= storageNumel) {
      throw new ErrorClass(
        `${where}: view (offset ${offset}, shape [${shape.join(', ')}], stride [${strides.join(', ')}]) reads element ${last}, but the storage holds ${storageNumel} ${dtype} elements`,
      );
    }
  }
  const tf = tfDtypeOf(dtype);
  const out = tf === 'float32' ? new Float32Array(numel) : tf === 'int32' ? new Int32Array(numel) : new Uint8Array(numel);
  const dv = new DataView(storage.buffer, storage.byteOffset, storage.byteLength);
  const read = elementReader(where, dtype, dv, littleEndian);
  // Odometer over the output in C order; `src` follows the strides.
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = offset;
  for (let k = 0; k < numel; k++) {
    out[k] = read(src);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      src += strides[d];
      if (index[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
  return { dtype: tf, shape: [...shape], values: out };
}

/** Returns a function reading element `i` (in elements) of the storage, converted. */
function elementReader(where: string, dtype: FileDtype, dv: DataView, le: boolean): (i: number) => number {
  switch (dtype) {
    case 'float32':
      return (i) => dv.getFloat32(i * 4, le);
    case 'float16':
      return (i) => halfToFloat(dv.getUint16(i * 2, le));
    case 'bfloat16':
      return (i) => bfloat16ToFloat(dv.getUint16(i * 2, le));
    case 'float64':
      return (i) => {
        const v = dv.getFloat64(i * 8, le);
        const f = Math.fround(v);
        if (!Number.isFinite(f) && Number.isFinite(v)) {
          throw new DtypeError(`${where}: float64 value ${v} (element ${i}) does not fit in float32`);
        }
        return f;
      };
    case 'int64':
      return (i) => {
        const lo = dv.getInt32(i * 8 + (le ? 0 : 4), le);
        const hi = dv.getInt32(i * 8 + (le ? 4 : 0), le);
        if (hi !== (lo < 0 ? -1 : 0)) {
          const big = (BigInt(hi) << 32n) + BigInt(lo >>> 0);
          throw new DtypeError(`${where}: int64 value ${big} (element ${i}) does not fit in int32, the widest integer tfjs holds`);
        }
        return lo;
      };
    case 'int32':
      return (i) => dv.getInt32(i * 4, le);
    case 'int16':
      return (i) => dv.getInt16(i * 2, le);
    case 'int8':
      return (i) => dv.getInt8(i);
    case 'uint8':
      return (i) => dv.getUint8(i);
    case 'bool':
      return (i) => (dv.getUint8(i) !== 0 ? 1 : 0);
  }
}
