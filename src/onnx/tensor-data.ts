/**
 * Values in and out of `TensorProto`s: typed arrays from whichever data field a writer used
 * (`raw_data` little-endian, `float_data`, `int32_data`, `int64_data`, `double_data`), and
 * float32/int32/int64 tensors for writers.
 *
 * Readers check that the element count matches the dims and refuse external data (a file
 * outside the model) with a {@link OnnxFormatError}.
 */
import { OnnxFormatError } from './errors';
import { DataType, Int64, TensorProto } from './types';

function elementCount(t: TensorProto): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

function checkCount(t: TensorProto, got: number, field: string): void {
  const want = elementCount(t);
  if (got !== want) {
    throw new OnnxFormatError(`onnx: tensor '${t.name}' ${field} holds ${got} values, dims ${JSON.stringify(t.dims)} need ${want}`);
  }
}

function checkInline(t: TensorProto): void {
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length)) {
    const loc = t.externalData?.find((e) => e.key === 'location')?.value ?? '?';
    throw new OnnxFormatError(`onnx: tensor '${t.name}' keeps its data in an external file ('${loc}'), which is not supported`);
  }
}

function view(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** float16 bits -> number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * The values of a numeric tensor as float32 (FLOAT exactly; DOUBLE, FLOAT16, BFLOAT16 and the
 * integer types converted).
 * @throws OnnxFormatError for string, complex or external tensors and count mismatches.
 */
export function tensorToFloat32(t: TensorProto): Float32Array {
  checkInline(t);
  const n = elementCount(t);
  const raw = t.rawData;
  switch (t.dataType) {
    case DataType.FLOAT:
      if (raw) {
        const out = new Float32Array(n);
        const dv = view(raw);
        for (let k = 0; k < n; k++) out[k] = dv.getFloat32(k * 4, true);
        return out;
      }
      checkCount(t, t.floatData?.length ?? 0, 'float_data');
      return Float32Array.from(t.floatData ?? []);
    case DataType.DOUBLE:
      if (raw) {
        const dv = view(raw);
        return Float32Array.from({ length: n }, (_, k) => dv.getFloat64(k * 8, true));
      }
      checkCount(t, t.doubleData?.length ?? 0, 'double_data');
      return Float32Array.from(t.doubleData ?? []);
    case DataType.FLOAT16:
    case DataType.BFLOAT16: {
      const bits = raw
        ? Uint16Array.from({ length: n }, (_, k) => view(raw).getUint16(k * 2, true))
        : Uint16Array.from(t.int32Data ?? []);
      if (!raw) checkCount(t, bits.length, 'int32_data');
      const out = new Float32Array(n);
      const tmp = new DataView(new ArrayBuffer(4));
      for (let k = 0; k < n; k++) {
        if (t.dataType === DataType.FLOAT16) out[k] = halfToFloat(bits[k]);
        else {
          tmp.setUint32(0, bits[k] << 16, false);
          out[k] = tmp.getFloat32(0, false);
        }
      }
      return out;
    }
    default: {
      const ints = tensorToNumbers(t);
      return Float32Array.from(ints);
    }
  }
}

/**
 * The values of an integer or bool tensor as numbers (int64 values beyond 2^53 are refused).
 * @throws OnnxFormatError for other data types, external data and count mismatches.
 */
export function tensorToNumbers(t: TensorProto): number[] {
  checkInline(t);
  const n = elementCount(t);
  const raw = t.rawData;
  const fromRaw = (width: number, get: (dv: DataView, o: number) => number | bigint) => {
    const dv = view(raw as Uint8Array);
    return Array.from({ length: n }, (_, k) => toSafe(t, get(dv, k * width)));
  };
  switch (t.dataType) {
    case DataType.INT32: return raw ? fromRaw(4, (d, o) => d.getInt32(o, true)) : ints32(t);
    case DataType.UINT32: return raw ? fromRaw(4, (d, o) => d.getUint32(o, true)) : ints64(t, t.uint64Data, 'uint64_data');
    case DataType.INT64: return raw ? fromRaw(8, (d, o) => d.getBigInt64(o, true)) : ints64(t, t.int64Data, 'int64_data');
    case DataType.UINT64: return raw ? fromRaw(8, (d, o) => d.getBigUint64(o, true)) : ints64(t, t.uint64Data, 'uint64_data');
    case DataType.INT16: return raw ? fromRaw(2, (d, o) => d.getInt16(o, true)) : ints32(t);
    case DataType.UINT16: return raw ? fromRaw(2, (d, o) => d.getUint16(o, true)) : ints32(t);
    case DataType.INT8: return raw ? fromRaw(1, (d, o) => d.getInt8(o)) : ints32(t);
    case DataType.UINT8: case DataType.BOOL: return raw ? fromRaw(1, (d, o) => d.getUint8(o)) : ints32(t);
    default:
      throw new OnnxFormatError(`onnx: tensor '${t.name}' has data type ${t.dataType}, expected a numeric type`);
  }
}

function toSafe(t: TensorProto, v: number | bigint): number {
  if (typeof v === 'number') return v;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new OnnxFormatError(`onnx: tensor '${t.name}' holds ${v}, beyond 2^53`);
  }
  return Number(v);
}

function ints32(t: TensorProto): number[] {
  checkCount(t, t.int32Data?.length ?? 0, 'int32_data');
  return Array.from(t.int32Data ?? []);
}

function ints64(t: TensorProto, data: Int64[] | undefined, field: string): number[] {
  checkCount(t, data?.length ?? 0, field);
  return (data ?? []).map((v) => toSafe(t, v));
}

function rawBytes(values: ArrayLike<number>, width: 4, set: (dv: DataView, o: number, v: number) => void): Uint8Array {
  const raw = new Uint8Array(values.length * width);
  const dv = new DataView(raw.buffer);
  for (let k = 0; k < values.length; k++) set(dv, k * width, values[k]);
  return raw;
}

/** A FLOAT tensor with its values in `raw_data` (little-endian). */
export function float32Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const t: TensorProto = { name, dims: [...dims], dataType: DataType.FLOAT };
  checkCount(t, values.length, 'values');
  t.rawData = rawBytes(values, 4, (dv, o, v) => dv.setFloat32(o, v, true));
  return t;
}

/** An INT32 tensor with its values in `raw_data`. */
export function int32Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const t: TensorProto = { name, dims: [...dims], dataType: DataType.INT32 };
  checkCount(t, values.length, 'values');
  t.rawData = rawBytes(values, 4, (dv, o, v) => dv.setInt32(o, v, true));
  return t;
}

/** An INT64 tensor with its values in `int64_data`. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly Int64[]): TensorProto {
  const t: TensorProto = { name, dims: [...dims], dataType: DataType.INT64 };
  checkCount(t, values.length, 'values');
  t.int64Data = [...values];
  return t;
}
