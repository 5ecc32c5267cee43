/**
 * Reading zip archives (`.pt` files since PyTorch 1.6, Keras `.keras` files) with fflate, safely.
 *
 * The central directory is read first and every entry checked before anything is inflated: its
 * name (no `..` segment, no absolute or drive path, no backslash or NUL), the number of entries,
 * the compression method (stored or deflate), its declared sizes against the file, against
 * {@link IoLimits} (`maxZipEntryBytes`, `maxTotalBytes`) and their ratio against
 * `maxCompressionRatio`. Entries are then inflated one at a time, only when read, into a buffer
 * of exactly the declared size (a stream cannot inflate past it; a short one is caught). An
 * entry never read (a zip bomb beside the weights) costs nothing. Nothing is written to disk.
 */
import { inflateSync } from 'fflate';

import { FileParseError, LstmBridgeError } from '../../errors';
import { ZipArchiveError } from './errors';
import { IoLimits, checkLimit } from './limits';

/** True when the bytes start like a zip archive (local file header or empty archive). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

/** Throws unless `name` is a safe relative path (inside an archive, or next to a model.json). */
export function checkEntryName(
  where: string,
  name: string,
  ErrorClass: new (message: string) => FileParseError = ZipArchiveError,
): void {
  const bad =
    name.length === 0 ||
    name.length > 1024 ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.split('/').some((part) => part === '..');
  if (bad) {
    throw new ErrorClass(`${where}: path ${JSON.stringify(name.slice(0, 200))} refused: it must be a relative path without '..', '\\' or NUL`);
  }
}

/** One checked central-directory entry. */
interface ZipEntry {
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeader: number;
}

/** A checked archive: its file entries by name, each inflated only when read. */
export interface ZipArchive {
  /** File entry names (directories skipped), in central-directory order. */
  keys(): IterableIterator<string>;
  has(name: string): boolean;
  /** The entry's bytes, inflated now (not cached), or undefined when there is no such entry. */
  get(name: string): Uint8Array | undefined;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

function u64(dv: DataView, at: number): number {
  return dv.getUint32(at + 4, true) * 2 ** 32 + dv.getUint32(at, true);
}

/**
 * Reads and checks the central directory of a zip archive; entries are inflated on `get`.
 * @throws ZipArchiveError, SizeLimitError
 */
export function readZip(where: string, bytes: Uint8Array, limits: IoLimits): ZipArchive {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new ZipArchiveError(`${where}: not a readable zip archive (${why})`);
  };
  const inFile = (at: number, n: number, what: string) => {
    if (!(at >= 0 && n >= 0 && at + n <= bytes.length)) fail(`${what} at byte ${at} (+${n}) is outside the ${bytes.length}-byte file`);
  };
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (dv.getUint32(at, true) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('no end of central directory record');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdAt = dv.getUint32(eocd + 16, true);
  if ((count === 0xffff || cdSize === U32_MAX || cdAt === U32_MAX) && eocd >= 20 && dv.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
    const at64 = u64(dv, eocd - 12);
    inFile(at64, 56, 'zip64 end of central directory');
    if (dv.getUint32(at64, true) !== EOCD64) fail('bad zip64 end of central directory signature');
    count = u64(dv, at64 + 32);
    cdSize = u64(dv, at64 + 40);
    cdAt = u64(dv, at64 + 48);
  }
  checkLimit(where, 'number of zip entries', count, limits, 'maxZipEntries');
  inFile(cdAt, cdSize, 'central directory');
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let total = 0;
  let at = cdAt;
  for (let k = 0; k < count; k++) {
    inFile(at, 46, `central directory entry ${k}`);
    if (dv.getUint32(at, true) !== CENTRAL) fail(`bad central directory entry ${k} signature`);
    const method = dv.getUint16(at + 10, true);
    let compressedSize = dv.getUint32(at + 20, true);
    let size = dv.getUint32(at + 24, true);
    const nameLen = dv.getUint16(at + 28, true);
    const extraLen = dv.getUint16(at + 30, true);
    const commentLen = dv.getUint16(at + 32, true);
    let localHeader = dv.getUint32(at + 42, true);
    inFile(at + 46, nameLen + extraLen + commentLen, `central directory entry ${k}`);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    // A zip64 extra field holds, in this order, each of the sizes and offset that read 0xffffffff.
    for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen; ) {
      const id = dv.getUint16(e, true);
      const len = dv.getUint16(e + 2, true);
      if (id === 1) {
        let f = e + 4;
        const next = () => {
          if (f + 8 > e + 4 + len) fail(`short zip64 field of ${name}`);
          const v = u64(dv, f);
          f += 8;
          return v;
        };
        if (size === U32_MAX) size = next();
        if (compressedSize === U32_MAX) compressedSize = next();
        if (localHeader === U32_MAX) localHeader = next();
      }
      e += 4 + len;
    }
    at += 46 + nameLen + extraLen + commentLen;
    checkEntryName(where, name);
    if (entries.has(name)) throw new ZipArchiveError(`${where}: zip entry ${JSON.stringify(name)} appears twice`);
    if (method !== 0 && method !== 8) {
      throw new ZipArchiveError(`${where}: zip entry ${name} uses compression method ${method}; expected 0 (stored) or 8 (deflate)`);
    }
    if (method === 0 && compressedSize !== size) {
      throw new ZipArchiveError(`${where}: stored zip entry ${name} declares ${compressedSize} bytes compressed but ${size} uncompressed`);
    }
    if (!Number.isSafeInteger(size) || compressedSize > bytes.length) {
      throw new ZipArchiveError(`${where}: zip entry ${name} declares ${compressedSize} bytes, more than the ${bytes.length}-byte file`);
    }
    checkLimit(where, `zip entry ${name} size`, size, limits, 'maxZipEntryBytes');
    if (size > 0) checkLimit(where, `zip entry ${name} compression ratio`, size / Math.max(1, compressedSize), limits, 'maxCompressionRatio');
    total += size;
    checkLimit(where, 'total uncompressed zip size', total, limits, 'maxTotalBytes');
    entries.set(name, { method, compressedSize, size, localHeader });
  }
  const files = [...entries.keys()].filter((n) => !n.endsWith('/'));
  const fileSet = new Set(files);
  const inflate = (name: string, e: ZipEntry): Uint8Array => {
    inFile(e.localHeader, 30, `local header of ${name}`);
    if (dv.getUint32(e.localHeader, true) !== LOCAL) fail(`bad local header signature for ${name}`);
    const dataAt = e.localHeader + 30 + dv.getUint16(e.localHeader + 26, true) + dv.getUint16(e.localHeader + 28, true);
    inFile(dataAt, e.compressedSize, `data of ${name}`);
    const raw = bytes.subarray(dataAt, dataAt + e.compressedSize);
    if (e.method === 0) return raw;
    let out: Uint8Array;
    try {
      // The buffer is the declared size (checked against the caps and the ratio): the stream
      // cannot write past it.
      out = inflateSync(raw, { out: new Uint8Array(e.size) });
    } catch (err) {
      if (err instanceof LstmBridgeError) throw err;
      return fail(`entry ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (out.length !== e.size) {
      throw new ZipArchiveError(`${where}: zip entry ${name} expected ${e.size} bytes, got ${out.length} (truncated or corrupt)`);
    }
    return out;
  };
  return {
    keys: () => files[Symbol.iterator](),
    has: (name) => fileSet.has(name),
    get: (name) => {
      const e = fileSet.has(name) ? entries.get(name) : undefined;
      return e === undefined ? undefined : inflate(name, e);
    },
  };
}
