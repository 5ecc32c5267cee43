/**
 * Reading zip archives (`.pt` files since PyTorch 1.6, Keras `.keras` files) with fflate, safely.
 *
 * Before anything is extracted, every central-directory entry is checked: its name (no `..`
 * segment, no absolute or drive path, no backslash or NUL), the number of entries, the
 * compression method (stored or deflate), and the declared uncompressed size against
 * {@link IoLimits}. After extraction each entry must have exactly its declared size, so a
 * deflate stream cannot inflate past its declaration and a truncated stored entry is caught.
 * Nothing is written to disk.
 */
import { unzipSync } from 'fflate';

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

/**
 * Extracts every file entry of a zip archive, in central-directory order.
 * Directory entries (names ending in `/`) are skipped.
 * @throws ZipArchiveError, SizeLimitError
 */
export function readZip(where: string, bytes: Uint8Array, limits: IoLimits): Map<string, Uint8Array> {
  const declared = new Map<string, number>();
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        checkLimit(where, 'number of zip entries', declared.size + 1, limits, 'maxZipEntries');
        checkEntryName(where, file.name);
        if (declared.has(file.name)) throw new ZipArchiveError(`${where}: zip entry ${JSON.stringify(file.name)} appears twice`);
        if (file.compression !== 0 && file.compression !== 8) {
          throw new ZipArchiveError(`${where}: zip entry ${file.name} uses compression method ${file.compression}; expected 0 (stored) or 8 (deflate)`);
        }
        if (!Number.isSafeInteger(file.originalSize) || file.originalSize < 0) {
          throw new ZipArchiveError(`${where}: zip entry ${file.name} declares size ${file.originalSize}`);
        }
        if (file.compression === 0 && file.size !== file.originalSize) {
          throw new ZipArchiveError(`${where}: stored zip entry ${file.name} declares ${file.size} bytes compressed but ${file.originalSize} uncompressed`);
        }
        if (file.size > bytes.length) {
          throw new ZipArchiveError(`${where}: zip entry ${file.name} declares ${file.size} bytes, more than the ${bytes.length}-byte file`);
        }
        checkLimit(where, `zip entry ${file.name} size`, file.originalSize, limits, 'maxZipEntryBytes');
        total += file.originalSize;
        checkLimit(where, 'total uncompressed zip size', total, limits, 'maxTotalBytes');
        declared.set(file.name, file.originalSize);
        return !file.name.endsWith('/');
      },
    });
  } catch (e) {
    if (e instanceof LstmBridgeError) throw e;
    throw new ZipArchiveError(`${where}: not a readable zip archive (${e instanceof Error ? e.message : String(e)})`);
  }
  const out = new Map<string, Uint8Array>();
  for (const [name, size] of declared) {
    if (name.endsWith('/')) continue;
    const data = files[name];
    if (!data || data.length !== size) {
      throw new ZipArchiveError(`${where}: zip entry ${name} expected ${size} bytes, got ${data ? data.length : 'none'} (truncated or corrupt)`);
    }
    out.set(name, data);
  }
  return out;
}

