/**
 * The legacy (pre-1.6) PyTorch format, `torch.save(..., _use_new_zipfile_serialization=False)`.
 *
 * Layout, as `torch/serialization.py` `_legacy_save` writes it and `_legacy_load` reads it:
 *
 *     pickle  MAGIC_NUMBER             int 0x1950a86a20f9469cfc6c
 *     pickle  PROTOCOL_VERSION         int 1001
 *     pickle  sys_info                 {'protocol_version', 'little_endian', 'type_sizes'}
 *     pickle  the object               persistent ids ('storage', type, root_key, location,
 *                                      numel, view_metadata | None)
 *     pickle  storage keys             sorted list of root keys
 *     for each key, in that order:
 *       int64 numel (file byte order), then numel * element_size raw bytes
 *
 * The older tar-based format (PyTorch < 0.4) is recognised and refused with a typed error.
 */
import { DtypeError, TorchFormatError } from '../shared/errors';
import { ELEMENT_SIZE } from '../shared/dtypes';
import { checkLimit } from '../shared/limits';
import { unpickle } from './pickle/reader';
import { PyDict, PyList, PyValue, describePy } from './pickle/values';
import { torchGlobals } from './globals';
import { StorageTable, TorchFile, flattenStateDict, materialize } from './state';
import type { TorchPickleSetup } from './options';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

/**
 * True when the bytes start like the legacy format: a pickle (PROTO 2 to 5) whose value, checked
 * by the reader, is the magic number. Protocol 2 is the default; `torch.save(...,
 * pickle_protocol=4)` writes the same layout with protocol-4 framing.
 */
export function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
}

/** True for a tar archive (PyTorch < 0.4 wrote `torch.save` files as tar). */
export function isTar(bytes: Uint8Array): boolean {
  return bytes.length > 262 && String.fromCharCode(...bytes.subarray(257, 262)) === 'ustar';
}

/** Reads a legacy-format file. */
export function readLegacyTorch(where: string, bytes: Uint8Array, setup: TorchPickleSetup): TorchFile {
  const { limits } = setup;
  const plain = { globals: new Map(), where: `${where}: header`, limits };
  const magic = unpickle(bytes, 0, plain);
  if (magic.value !== MAGIC && magic.value !== Number(MAGIC)) {
    throw new TorchFormatError(`${where}: legacy magic number expected 0x1950a86a20f9469cfc6c, got ${describePy(magic.value)}`);
  }
  const proto = unpickle(bytes, magic.end, plain);
  if (proto.value !== PROTOCOL_VERSION) {
    throw new TorchFormatError(`${where}: legacy protocol version expected ${PROTOCOL_VERSION}, got ${describePy(proto.value)}`);
  }
  const sys = unpickle(bytes, proto.end, plain);
  const littleEndian = sys.value instanceof PyDict ? sys.value.get('little_endian') : undefined;
  if (typeof littleEndian !== 'boolean') {
    throw new TorchFormatError(`${where}: legacy sys_info expected a dict with little_endian, got ${describePy(sys.value)}`);
  }
  const table = new StorageTable(where, true, setup.unknownGlobals === 'placeholder');
  const main = unpickle(bytes, sys.end, {
    globals: torchGlobals(`${where}: object`),
    persistentLoad: (pid) => table.load(pid),
    where: `${where}: object`,
    limits,
    unknownGlobals: setup.unknownGlobals,
    refusalHint: setup.refusalHint,
  });
  const keysPickle = unpickle(bytes, main.end, plain);
  const keys = keysPickle.value;
  if (!(keys instanceof PyList) || !keys.items.every((k): k is string => typeof k === 'string')) {
    throw new TorchFormatError(`${where}: legacy storage keys expected a list of strings, got ${describePy(keys)}`);
  }
  // Storage records follow the keys, in the order of the list.
  const records = new Map<string, Uint8Array>();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = keysPickle.end;
  let total = 0;
  for (const key of keys.items as string[]) {
    const storage = table.get(key);
    if (!storage) throw new TorchFormatError(`${where}: legacy storage ${key} is listed but no tensor uses it`);
    if (records.has(key)) throw new TorchFormatError(`${where}: legacy storage ${key} is listed twice`);
    if (pos + 8 > bytes.length) throw new TorchFormatError(`${where}: truncated before the size of storage ${key}`);
    const hi = dv.getUint32(pos + (littleEndian ? 4 : 0), littleEndian);
    const lo = dv.getUint32(pos + (littleEndian ? 0 : 4), littleEndian);
    const numel = hi * 2 ** 32 + lo;
    pos += 8;
    if (numel !== storage.numel) {
      throw new TorchFormatError(`${where}: legacy storage ${key} expected ${storage.numel} elements, the record says ${numel}`);
    }
    if (storage.dtype === null) {
      throw new DtypeError(`${where}: storage ${key} of type ${storage.typeName} has no tfjs dtype (tfjs holds float32, int32 and bool)`);
    }
    const nbytes = numel * ELEMENT_SIZE[storage.dtype];
    total += nbytes;
    checkLimit(where, 'total storage bytes', total, limits, 'maxTotalBytes');
    if (pos + nbytes > bytes.length) {
      throw new TorchFormatError(`${where}: legacy storage ${key} expected ${nbytes} bytes, ${bytes.length - pos} left (truncated)`);
    }
    records.set(key, bytes.subarray(pos, pos + nbytes));
    pos += nbytes;
  }
  const found = flattenStateDict(where, main.value as PyValue, limits);
  const tensors = materialize(
    where,
    found.tensors,
    (s) => {
      const rec = records.get(s.key);
      if (!rec) throw new TorchFormatError(`${where}: storage ${s.key} has no record in the file`);
      return rec;
    },
    littleEndian,
    limits,
  );
  return { format: 'legacy', tensors, metadata: found.metadata, skippedClasses: main.unknownGlobals };
}
