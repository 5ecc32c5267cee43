/**
 * File-system calls of the path API (`./node.ts`, `./tfjs/fs-handler.ts`) with Node's errors
 * (ENOENT, EISDIR, EACCES, ...) turned into {@link FileAccessError}s that name the function, the
 * path and what it was for: `io.loadTorch: cannot read 'm.pt': no such file (ENOENT)`.
 */
import * as fs from 'fs';

import { FileAccessError } from './shared/errors';

const REASONS: Readonly<Record<string, string>> = Object.freeze({
  ENOENT: 'no such file or directory',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
});

/** Runs `fn`; a Node file-system error becomes a FileAccessError. */
export function fsCall<T>(where: string, verb: 'read' | 'write' | 'create', path: string, fn: () => T, what = ''): T {
  try {
    return fn();
  } catch (e) {
    throw toFileAccessError(where, verb, path, e, what);
  }
}

/** The same for a promise. */
export async function fsCallAsync<T>(where: string, verb: 'read' | 'write' | 'create', path: string, fn: () => Promise<T>, what = ''): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toFileAccessError(where, verb, path, e, what);
  }
}

function toFileAccessError(where: string, verb: string, path: string, e: unknown, what: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return e;
  const reason = Object.prototype.hasOwnProperty.call(REASONS, code) ? REASONS[code] : (e as Error).message;
  return new FileAccessError(`${where}: cannot ${verb} ${JSON.stringify(path)}${what ? ` (${what})` : ''}: ${reason} (${code})`, code, path);
}

/** `fs.readFileSync` as a Uint8Array, with typed errors. */
export function readBytes(where: string, path: string, what = ''): Uint8Array {
  const buf = fsCall(where, 'read', path, () => fs.readFileSync(path), what);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** `fs.readFileSync(path, 'utf8')` with typed errors. */
export function readText(where: string, path: string, what = ''): string {
  return fsCall(where, 'read', path, () => fs.readFileSync(path, 'utf8'), what);
}

/** `fs.writeFileSync` with typed errors. */
export function writeBytes(where: string, path: string, bytes: Uint8Array | string): void {
  fsCall(where, 'write', path, () => fs.writeFileSync(path, bytes));
}
