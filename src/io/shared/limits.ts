/**
 * Explicit caps every reader enforces before it allocates or recurses.
 *
 * A hostile file can declare a 2^60-element tensor, a 4 GB header or a million-deep nesting in
 * a few bytes. Readers compare every declared size against these caps (and against the bytes
 * actually present) before they act on it, and throw {@link SizeLimitError} naming the cap.
 * The defaults fit any LSTM checkpoint a browser or Node process can hold; raise them per call
 * with `{limits: {maxTensorBytes: ...}}`.
 */
import { ConfigError } from '../../errors';
import { SizeLimitError } from './errors';

/** The caps, all in bytes or counts. */
export interface IoLimits {
  /** Largest input file accepted (bytes). */
  readonly maxFileBytes: number;
  /** Largest single tensor, after conversion to float32/int32 (bytes). */
  readonly maxTensorBytes: number;
  /** Largest total of all tensors in one file (bytes). */
  readonly maxTotalBytes: number;
  /** Most tensors in one file. */
  readonly maxTensors: number;
  /** Most dimensions of one tensor. */
  readonly maxRank: number;
  /** Most entries in one zip archive. */
  readonly maxZipEntries: number;
  /** Largest uncompressed zip entry (bytes). */
  readonly maxZipEntryBytes: number;
  /** Largest pickle stream (bytes). */
  readonly maxPickleBytes: number;
  /** Deepest container nesting in a pickle (lists in tuples in dicts ...). */
  readonly maxPickleDepth: number;
  /** Most memo entries in a pickle. */
  readonly maxPickleMemo: number;
  /** Most values a pickle may create (stack pushes and container items together). */
  readonly maxPickleItems: number;
  /** Largest JSON header (safetensors) or JSON document (Keras config) in bytes. */
  readonly maxHeaderBytes: number;
  /** Most HDF5 groups/datasets visited when walking a Keras file. */
  readonly maxHdf5Nodes: number;
  /** Most values in one HDF5 attribute (a Keras `layer_names` list has one per layer). */
  readonly maxHdf5AttributeItems: number;
  /**
   * Largest ratio of inflated to compressed bytes for a zip entry or a compressed HDF5 dataset
   * (deflate reaches about 1032 on constant data; trained weights compress about 1.1:1).
   */
  readonly maxCompressionRatio: number;
}

const MiB = 1024 * 1024;

/** The default caps. */
export const DEFAULT_LIMITS: IoLimits = Object.freeze({
  maxFileBytes: 2048 * MiB,
  maxTensorBytes: 1024 * MiB,
  maxTotalBytes: 2048 * MiB,
  maxTensors: 100_000,
  maxRank: 8,
  maxZipEntries: 100_000,
  maxZipEntryBytes: 2048 * MiB,
  maxPickleBytes: 32 * MiB,
  maxPickleDepth: 100,
  maxPickleMemo: 1_000_000,
  maxPickleItems: 10_000_000,
  maxHeaderBytes: 100_000_000,
  maxHdf5Nodes: 100_000,
  maxHdf5AttributeItems: 100_000,
  maxCompressionRatio: 200,
});

/** Options every reader accepts. */
export interface ReadOptions {
  /** Caps to override; the rest keep {@link DEFAULT_LIMITS}. */
  readonly limits?: Partial<IoLimits>;
}

/** Merges overrides with the defaults and validates them. */
export function resolveLimits(limits: Partial<IoLimits> | undefined): IoLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  const merged: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new ConfigError(`io: limits.${key} is not a known limit (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    }
    if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
      throw new ConfigError(`io: limits.${key} expected a finite number >= 0, got ${String(value)}`);
    }
    merged[key] = value;
  }
  return merged as unknown as IoLimits;
}

/** Throws {@link SizeLimitError} when `requested` exceeds the cap `limits[name]`. */
export function checkLimit(where: string, what: string, requested: number, limits: IoLimits, name: keyof IoLimits): void {
  const cap = limits[name];
  if (!(requested <= cap)) {
    throw new SizeLimitError(
      `${where}: ${what} is ${requested}, above the cap limits.${name} = ${cap}`,
      name,
      cap,
      requested,
    );
  }
}

/** {@link checkLimit} bound to `limits`: the size check the Keras model builder takes. */
export function limitCheck(limits: IoLimits): (where: string, what: string, requested: number, name: keyof IoLimits) => void {
  return (where, what, requested, name) => checkLimit(where, what, requested, limits, name);
}
