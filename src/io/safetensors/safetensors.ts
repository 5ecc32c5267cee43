/**
 * safetensors: `u64 LE header length | JSON header | raw C-order little-endian data`.
 *
 * The header maps names to `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the
 * end of the header) plus an optional `__metadata__` map of strings. Checks, as the reference
 * implementation makes them and a few more: header length against the cap and the file; valid
 * UTF-8 JSON object; known dtype; non-negative integer shape; `end - begin == numel * size`;
 * offsets non-negative, in bounds, not overlapping, with no gap, covering the data exactly.
 *
 * Example:
 * ```ts
 * const bytes = io.saveSafetensors({ 'lstm.weight_ih_l0': w }, { format: 'pt' });
 * io.loadSafetensors(bytes)['lstm.weight_ih_l0'];
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError } from '../../errors';
import { SafetensorsFormatError } from '../shared/errors';
import { ELEMENT_SIZE, FileDtype, RawTensor, checkedNumel, gatherElements } from '../shared/dtypes';
import { ReadOptions, checkLimit, resolveLimits } from '../shared/limits';
import { TensorLike, toPlain } from '../shared/tensor-like';
import { hasOwn, setOwn } from '../shared/own';
import { showValue } from '../shared/show';
import { checkRecordArg } from '../../engine/internal';

/** safetensors dtype names -> file dtypes (others, e.g. F8_E4M3, U16, C64, are refused). */
const DTYPES: Readonly<Record<string, FileDtype>> = Object.freeze({
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
});

/** One tensor of a safetensors file. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly tensor: RawTensor;
  readonly sourceDtype: FileDtype;
}

/** What {@link readSafetensors} returns. */
export interface SafetensorsFile {
  /** Tensors in the order of their data in the file. */
  readonly tensors: readonly SafetensorsEntry[];
  readonly metadata: Readonly<Record<string, string>>;
}

const WHERE = 'io.loadSafetensors';

function fail(msg: string): never {
  throw new SafetensorsFormatError(`${WHERE}: ${msg}`);
}

/** Reads a safetensors file into plain tensors. */
export function readSafetensors(bytes: Uint8Array, options: ReadOptions = {}): SafetensorsFile {
  checkRecordArg(options, 'options', 'io.readSafetensors', true);
  const limits = resolveLimits((options ?? {}).limits);
  if (!(bytes instanceof Uint8Array)) fail(`bytes expected a Uint8Array, got ${typeof bytes}`);
  checkLimit(WHERE, 'file size', bytes.length, limits, 'maxFileBytes');
  if (bytes.length < 8) fail(`file of ${bytes.length} bytes is shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = dv.getUint32(4, true) * 2 ** 32 + dv.getUint32(0, true);
  checkLimit(WHERE, 'header length', headerLen, limits, 'maxHeaderBytes');
  if (8 + headerLen > bytes.length) fail(`header length ${headerLen} exceeds the ${bytes.length - 8} bytes after it`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header expected a JSON object');
  const data = bytes.subarray(8 + headerLen);
  let metadata: Record<string, string> = {};
  const specs: { name: string; dtype: FileDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, spec] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (spec === null || typeof spec !== 'object' || Array.isArray(spec) || !Object.values(spec).every((v) => typeof v === 'string')) {
        fail('__metadata__ expected an object of strings');
      }
      metadata = { ...(spec as Record<string, string>) };
      continue;
    }
    checkLimit(WHERE, 'number of tensors', specs.length + 1, limits, 'maxTensors');
    const at = `tensor '${name}'`;
    if (spec === null || typeof spec !== 'object') fail(`${at} expected {dtype, shape, data_offsets}`);
    const { dtype, shape, data_offsets: offsets } = spec as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !hasOwn(DTYPES, dtype)) {
      fail(`${at} dtype expected one of ${Object.keys(DTYPES).join(', ')}, got ${showValue(dtype)}`);
    }
    if (!Array.isArray(shape)) fail(`${at} shape expected an array, got ${showValue(shape)}`);
    const numel = checkedNumel(`${WHERE}: ${at}`, shape, limits, SafetensorsFormatError);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o))) {
      fail(`${at} data_offsets expected [begin, end] integers, got ${showValue(offsets)}`);
    }
    const [begin, end] = offsets as number[];
    if (begin < 0 || end < begin) fail(`${at} data_offsets [${begin}, ${end}] must satisfy 0 <= begin <= end`);
    if (end > data.length) fail(`${at} data_offsets [${begin}, ${end}] exceed the ${data.length} data bytes`);
    const fd = DTYPES[dtype];
    const nbytes = numel * ELEMENT_SIZE[fd];
    if (end - begin !== nbytes) fail(`${at} expected ${nbytes} bytes (${numel} x ${dtype}), data_offsets give ${end - begin}`);
    checkLimit(WHERE, `${at} size in bytes`, numel * 4, limits, 'maxTensorBytes');
    specs.push({ name, dtype: fd, shape: shape as number[], begin, end });
  }
  specs.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const s of specs) {
    if (s.begin < cursor) fail(`tensor '${s.name}' data [${s.begin}, ${s.end}] overlaps the previous tensor (ending at ${cursor})`);
    if (s.begin > cursor) fail(`tensor '${s.name}' data starts at ${s.begin}, leaving a gap after ${cursor}`);
    cursor = s.end;
  }
  if (cursor !== data.length) fail(`the tensors cover ${cursor} of the ${data.length} data bytes`);
  checkLimit(WHERE, 'total size of the tensors in bytes', data.length, limits, 'maxTotalBytes');
  const tensors = specs.map((s) => ({
    name: s.name,
    sourceDtype: s.dtype,
    tensor: gatherElements(`${WHERE}: tensor '${s.name}'`, data.subarray(s.begin, s.end), s.dtype, { shape: s.shape }, true, limits, SafetensorsFormatError),
  }));
  return { tensors, metadata };
}

/** Reads a safetensors file into tfjs tensors (dtypes converted as in `../shared/dtypes`). */
export function loadSafetensors(bytes: Uint8Array, options: ReadOptions = {}): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const { name, tensor } of readSafetensors(bytes, options).tensors) {
    setOwn(out, name, tf.tensor(tensor.values, [...tensor.shape], tensor.dtype));
  }
  return out;
}

/**
 * Writes named tensors as safetensors (float32 -> F32, int32 -> I32, bool -> BOOL), in the given
 * order, header padded with spaces to a multiple of 8 bytes as the reference writer does.
 */
export function saveSafetensors(tensors: Record<string, TensorLike>, metadata: Record<string, string> = {}): Uint8Array {
  const where = 'io.saveSafetensors';
  if (tensors === null || typeof tensors !== 'object') throw new ConfigError(`${where}: tensors expected an object of named tensors`);
  checkRecordArg(metadata, 'metadata', where, true);
  if (!Object.values(metadata ?? {}).every((v) => typeof v === 'string')) throw new ConfigError(`${where}: metadata expected an object of strings`);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new ConfigError(`${where}: '__metadata__' is reserved and cannot name a tensor`);
    const p = toPlain(where, name, t);
    const blob =
      p.dtype === 'bool'
        ? Uint8Array.from(p.values, (v) => (v ? 1 : 0))
        : new Uint8Array((p.dtype === 'float32' ? Float32Array.from(p.values) : Int32Array.from(p.values)).buffer);
    setOwn(header, name, { dtype: p.dtype === 'float32' ? 'F32' : p.dtype === 'int32' ? 'I32' : 'BOOL', shape: p.shape, data_offsets: [offset, offset + blob.length] });
    blobs.push(blob);
    offset += blob.length;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  json += ' '.repeat((8 - (enc.encode(json).length % 8)) % 8);
  const head = enc.encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, head.length, true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
