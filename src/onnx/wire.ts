/**
 * The protobuf wire format, by hand: a bounds-checked reader and a growable writer.
 *
 * Only what ONNX's `onnx.proto` uses: varints (int32, int64, uint64, enum, bool), 32- and
 * 64-bit fixed fields (float, double), and length-delimited fields (strings, bytes, nested
 * messages, packed repeated scalars). Groups (wire types 3 and 4) are rejected.
 *
 * 64-bit integers: {@link Int64} is a `number` when the value is a safe integer and a `bigint`
 * otherwise (ONNX graphs use INT64_MAX as "to the end" in `Slice`, for instance), so nothing
 * is ever rounded.
 *
 * Every read checks its bounds and throws {@link OnnxFormatError} naming the message path and
 * the byte offset: a truncated or hostile buffer can never read past its end or loop.
 */
import { OnnxFormatError } from './errors';

/** A 64-bit integer: a safe-integer `number`, else a `bigint`. */
export type Int64 = number | bigint;

/** Protobuf wire types. */
export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  Fixed32 = 5,
}

const TWO_32 = 4294967296;

function toInt64(v: bigint): Int64 {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** A bounds-checked cursor over one message's bytes. */
export class ProtoReader {
  private pos: number;

  /**
   * @param buf the whole buffer; the message is `buf[start, end)`.
   * @param path where this message sits, for error messages (`ModelProto.graph.node[3]`).
   */
  constructor(
    readonly buf: Uint8Array,
    readonly path: string,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** True while bytes remain. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** The byte offset of the cursor in the whole buffer. */
  offset(): number {
    return this.pos;
  }

  fail(what: string): never {
    throw new OnnxFormatError(`onnx: ${this.path}: ${what} at byte ${this.pos}`);
  }

  /** Reads an unsigned varint of up to 64 bits as a bigint. */
  private varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** An unsigned varint that fits 32 bits (tags, lengths, int32 ≥ 0, enums, bools). */
  uint32(): number {
    let result = 0;
    for (let k = 0; k < 5; k++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * 2 ** (7 * k);
      if ((byte & 0x80) === 0) {
        if (result >= TWO_32) this.fail('varint exceeds 32 bits');
        return result;
      }
    }
    // Negative int32 values are sign-extended to 10 bytes: let int32() handle them.
    return this.fail('varint exceeds 32 bits');
  }

  /** A signed int32 (negative values arrive as 10-byte varints). */
  int32(): number {
    const v = this.varintBig();
    return Number(BigInt.asIntN(32, v));
  }

  /** A signed int64. */
  int64(): Int64 {
    return toInt64(BigInt.asIntN(64, this.varintBig()));
  }

  /** An unsigned uint64. */
  uint64(): Int64 {
    return toInt64(this.varintBig());
  }

  float(): number {
    if (this.end - this.pos < 4) this.fail('truncated float');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (this.end - this.pos < 8) this.fail('truncated double');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** A field tag: `[fieldNumber, wireType]`. */
  tag(): [number, number] {
    const t = this.uint32();
    const field = t >>> 3;
    const wire = t & 7;
    if (field === 0) this.fail('field number 0');
    return [field, wire];
  }

  /** The bytes of a length-delimited field, as a view (no copy). */
  bytes(): Uint8Array {
    const len = this.uint32();
    if (len > this.end - this.pos) this.fail(`length ${len} runs past the end of the message`);
    const view = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return view;
  }

  /** A length-delimited UTF-8 string. */
  string(): string {
    const b = this.bytes();
    try {
      return utf8.decode(b);
    } catch {
      return this.fail('invalid UTF-8 in a string field');
    }
  }

  /** A reader over a nested message; advances past it. */
  message(path: string): ProtoReader {
    const len = this.uint32();
    if (len > this.end - this.pos) this.fail(`length ${len} runs past the end of the message`);
    const r = new ProtoReader(this.buf, path, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  /** Skips a field of the given wire type and returns its raw bytes, tag included. */
  skip(tagStart: number, wire: number): Uint8Array {
    switch (wire) {
      case WireType.Varint:
        this.varintBig();
        break;
      case WireType.Fixed64:
        if (this.end - this.pos < 8) this.fail('truncated fixed64');
        this.pos += 8;
        break;
      case WireType.LengthDelimited:
        this.bytes();
        break;
      case WireType.Fixed32:
        if (this.end - this.pos < 4) this.fail('truncated fixed32');
        this.pos += 4;
        break;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
    return this.buf.subarray(tagStart, this.pos);
  }

  /** Checks a field's wire type. */
  expectWire(field: string, wire: number, expected: number): void {
    if (wire !== expected) this.fail(`field ${field} has wire type ${wire}, expected ${expected}`);
  }
}

/** A growable little-endian buffer writing protobuf fields. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** The bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private varint(v: Int64): void {
    let x = BigInt.asUintN(64, BigInt(v));
    this.reserve(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  private small(v: number): void {
    // Fast path for non-negative values below 2^31 (tags, lengths, small ints).
    this.reserve(5);
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  tag(field: number, wire: WireType): void {
    this.small((field << 3) | wire);
  }

  /** An int32/int64/uint64/enum/bool varint field. */
  int(field: number, v: Int64 | boolean): void {
    this.tag(field, WireType.Varint);
    const n = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    if (typeof n === 'number' && n >= 0 && n < 0x80000000) this.small(n);
    else this.varint(n);
  }

  float(field: number, v: number): void {
    this.tag(field, WireType.Fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, WireType.LengthDelimited);
    this.small(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, utf8Encoder.encode(s));
  }

  /** A nested message written by `body` into its own writer. */
  message(field: number, body: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    body(inner);
    this.bytes(field, inner.finish());
  }

  /** Packed repeated varints. */
  packedInts(field: number, values: readonly Int64[]): void {
    if (values.length === 0) return;
    const inner = new ProtoWriter();
    for (const v of values) {
      if (typeof v === 'number' && v >= 0 && v < 0x80000000) inner.small(v);
      else inner.varint(v);
    }
    this.bytes(field, inner.finish());
  }

  /** Unpacked repeated varints (proto2's default, e.g. ONNX `dims`, attribute `ints`). */
  repeatedInts(field: number, values: readonly Int64[]): void {
    for (const v of values) this.int(field, v);
  }

  /** Unpacked repeated floats (ONNX attribute `floats`). */
  repeatedFloats(field: number, values: ArrayLike<number>): void {
    for (let k = 0; k < values.length; k++) this.float(field, values[k]);
  }

  /** Packed repeated floats (little-endian). */
  packedFloats(field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    for (let k = 0; k < values.length; k++) dv.setFloat32(k * 4, values[k], true);
    this.bytes(field, b);
  }

  /** Packed repeated doubles (little-endian). */
  packedDoubles(field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const b = new Uint8Array(values.length * 8);
    const dv = new DataView(b.buffer);
    for (let k = 0; k < values.length; k++) dv.setFloat64(k * 8, values[k], true);
    this.bytes(field, b);
  }

  /** Raw, already encoded field records (unknown fields kept by the decoder). */
  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}
