/**
 * Access to the io fixtures written by `test/fixtures/io/make_torch_fixtures.py` (real PyTorch)
 * and to their expected values.
 */
import * as fs from 'fs';
import * as path from 'path';

export const IO_FIXTURES = path.join(__dirname, '..', 'fixtures', 'io');

/** One tensor as PyTorch saw it: float values already as float32 (`.float()`). */
export interface ExpectedTensor {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: string;
  readonly values: number[];
}

export interface ExpectedFile {
  readonly tensors?: ExpectedTensor[];
  readonly metadata?: Record<string, unknown>;
  readonly error?: string;
  readonly mentions?: string;
  readonly location?: string;
  readonly shared?: boolean;
}

let cache: Record<string, ExpectedFile> | undefined;

/** expected.json entry of a fixture. */
export function expectedFor(file: string): ExpectedFile {
  cache ??= JSON.parse(fs.readFileSync(path.join(IO_FIXTURES, 'expected.json'), 'utf8')).files as Record<string, ExpectedFile>;
  const e = cache[file];
  if (!e) throw new Error(`no expected values for fixture ${file}`);
  return e;
}

/** Bytes of a fixture. */
export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(IO_FIXTURES, file)));
}
