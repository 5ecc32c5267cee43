/**
 * Plain values of ONNX graphs for the io readers: constant tensors ({@link ConstValue}), node
 * attributes read as numbers and text, and the copy kernels constant folding uses (strided copy
 * for Transpose and Slice, Concat, Gather). No tfjs, no allocation of its own: callers size and
 * cap the outputs (see `./graph`).
 */
import { DataType, ModelProto, NodeProto, TensorProto } from './types';
import { OnnxFormatError } from './errors';

/** A constant tensor: row-major data, float32 or exact integers. */
export interface ConstValue {
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array;
  /** True for floating-point types (data is a Float32Array). */
  readonly isFloat: boolean;
}

/** ONNX data types read as float32 weights. */
export const FLOAT_TYPES: readonly number[] = [DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16];
/** ONNX data types read as exact integers. */
export const INT_TYPES: readonly number[] = [
  DataType.INT64, DataType.INT32, DataType.INT16, DataType.INT8, DataType.UINT8, DataType.UINT16, DataType.UINT32,
  DataType.UINT64, DataType.BOOL,
];

const utf8 = new TextDecoder();

/** The node's attribute `name`, or undefined. */
export function attribute(node: NodeProto, name: string) {
  return node.attribute.find((a) => a.name === name);
}

/** An INT attribute as a number (undefined when absent). */
export function attrInt(node: NodeProto, name: string): number | undefined {
  const a = attribute(node, name);
  return a?.i === undefined ? undefined : Number(a.i);
}

/** An INTS attribute as numbers (undefined when absent). */
export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = attribute(node, name);
  if (!a) return undefined;
  return (a.ints ?? []).map((v) => Number(v));
}

/** A STRING attribute as text (undefined when absent). */
export function attrString(node: NodeProto, name: string): string | undefined {
  const a = attribute(node, name);
  return a?.s === undefined ? undefined : utf8.decode(a.s);
}

/** A node's name for messages: its name, else its first output's. */
export function nodeLabel(node: NodeProto): string {
  const out = node.output.find((o) => o);
  return node.name || (out ? `(${out})` : `(${node.opType})`);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The values of an INT64 / UINT64 tensor as numbers; values beyond ±2^53 (INT64_MAX is ONNX's
 * "to the end" in Slice) become ±(2^53 − 1), which every index and size use clamps anyway.
 */
export function int64Values(t: TensorProto, what: string, where: string): Float64Array {
  const n = numel(t.dims);
  const clamp = (v: number | bigint) => (typeof v === 'number' ? v : Number(v > SAFE ? SAFE : v < -SAFE ? -SAFE : v));
  if (t.dataLocation === 1 || t.externalData?.length) throw new OnnxFormatError(`${where}: ${what} keeps its data in an external file, which is not supported`);
  if (t.rawData) {
    const dv = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    if (t.rawData.byteLength !== n * 8) throw new OnnxFormatError(`${where}: ${what} raw_data holds ${t.rawData.byteLength} bytes, dims ${JSON.stringify(t.dims)} need ${n * 8}`);
    const unsigned = t.dataType === DataType.UINT64;
    return Float64Array.from({ length: n }, (_, k) => clamp(unsigned ? dv.getBigUint64(k * 8, true) : dv.getBigInt64(k * 8, true)));
  }
  const data = (t.dataType === DataType.UINT64 ? t.uint64Data : t.int64Data) ?? [];
  if (data.length !== n) throw new OnnxFormatError(`${where}: ${what} holds ${data.length} values, dims ${JSON.stringify(t.dims)} need ${n}`);
  return Float64Array.from(data, clamp);
}

/** Number of elements of a tensor with `dims`. */
export function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Row-major strides (in elements) of a tensor with `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1] * dims[k + 1];
  return s;
}

/** The ai.onnx opset a model imports (1 when it names none). */
export function onnxOpset(model: ModelProto): number {
  const o = model.opsetImport.find((x) => !x.domain || x.domain === 'ai.onnx');
  return o ? o.version : 1;
}

/** Fills `out` from `x`: element o (row-major over out.dims) is x.data[base + Σ i_k · srcStrides[k]]. */
export function stridedCopy<T extends ConstValue>(x: ConstValue, out: T, base: number, srcStrides: readonly number[]): T {
  const outStrides = stridesOf(out.dims);
  for (let o = 0; o < out.data.length; o++) {
    let rest = o;
    let src = base;
    for (let k = 0; k < outStrides.length; k++) {
      const i = Math.floor(rest / outStrides[k]);
      rest -= i * outStrides[k];
      src += i * srcStrides[k];
    }
    out.data[o] = x.data[src];
  }
  return out;
}

/** Fills `out` with `xs` concatenated on `axis` (shapes checked by the caller). */
export function concatInto<T extends ConstValue>(xs: readonly ConstValue[], axis: number, out: T): T {
  const outer = numel(out.dims.slice(0, axis));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const p of xs) {
      const block = numel(p.dims.slice(axis));
      out.data.set(p.data.subarray(i * block, (i + 1) * block), o);
      o += block;
    }
  }
  return out;
}

/** Fills `out` with the slices `indices` (in range, checked by the caller) of `x` along `axis`. */
export function gatherInto<T extends ConstValue>(x: ConstValue, axis: number, indices: readonly number[], out: T): T {
  const n = x.dims[axis];
  const inner = numel(x.dims.slice(axis + 1));
  const outer = numel(x.dims.slice(0, axis));
  let o = 0;
  for (let i = 0; i < outer; i++) {
    for (const j of indices) {
      out.data.set(x.data.subarray((i * n + j) * inner, (i * n + j + 1) * inner), o);
      o += inner;
    }
  }
  return out;
}
