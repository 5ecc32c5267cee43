/**
 * Deterministic mutants of valid files, for the fuzz tests (`test/io-fuzz.test.ts`,
 * `test/io-onnx-fuzz.test.ts`) and the child-process fuzz run (`npm run test:fuzz`,
 * `scripts/fuzz/`): truncation, flipped bits, a field made huge, inserted and deleted bytes.
 */
import { seededRandom as rng } from '../../src/cli/random';

/** How a "huge field" mutant is written: a 32-bit little-endian integer, or a protobuf varint. */
export type HugeField = 'uint32' | 'varint';

const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0xfffffff0, 0x10000000];

/** The mutant of `bytes` for `seed` (the same seed gives the same mutant) and what it did. */
export function mutate(bytes: Uint8Array, seed: number, huge: HugeField = 'uint32'): { bytes: Uint8Array; how: string } {
  const next = rng(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const out = bytes.slice();
  switch (pick(5)) {
    case 0: {
      const len = pick(bytes.length);
      return { bytes: bytes.slice(0, len), how: `truncate to ${len}` };
    }
    case 1: {
      const at = Array.from({ length: 1 + pick(8) }, () => pick(bytes.length));
      for (const p of at) out[p] ^= 1 << pick(8);
      return { bytes: out, how: `flip bits at ${at.join(',')}` };
    }
    case 2:
      return huge === 'varint' ? hugeVarint(bytes, pick) : hugeUint32(out, pick);
    case 3: {
      const p = pick(bytes.length);
      const n = 1 + pick(huge === 'varint' ? 32 : 16);
      const grown = new Uint8Array(bytes.length + n);
      grown.set(bytes.subarray(0, p));
      for (let k = 0; k < n; k++) grown[p + k] = pick(256);
      grown.set(bytes.subarray(p), p + n);
      return { bytes: grown, how: `insert ${n} bytes at ${p}` };
    }
    default: {
      const p = pick(bytes.length);
      const n = 1 + pick(huge === 'varint' ? 32 : 16);
      const end = Math.min(bytes.length, p + n);
      const r = new Uint8Array(bytes.length - (end - p));
      r.set(bytes.subarray(0, p));
      r.set(bytes.subarray(end), p);
      return { bytes: r, how: `delete ${end - p} bytes at ${p}` };
    }
  }
}

/** A 32-bit field (a size, an offset, a count) overwritten with a huge or negative value. */
function hugeUint32(out: Uint8Array, pick: (n: number) => number): { bytes: Uint8Array; how: string } {
  const p = pick(Math.max(1, out.length - 8));
  const v = HUGE[pick(HUGE.length)];
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (p + 4 <= out.length) dv.setUint32(p, v, true);
  if (pick(2) === 0 && p + 8 <= out.length) dv.setUint32(p + 4, v, true);
  return { bytes: out, how: `huge 0x${v.toString(16)} at ${p}` };
}

/** A varint (a length, a dim, an attribute value) made huge: 0xff × up to 9, then 0x01. */
function hugeVarint(bytes: Uint8Array, pick: (n: number) => number): { bytes: Uint8Array; how: string } {
  const p = pick(Math.max(1, bytes.length - 10));
  const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01].slice(10 - (1 + pick(10)));
  const grown = new Uint8Array(bytes.length + huge.length);
  grown.set(bytes.subarray(0, p));
  grown.set(huge, p);
  grown.set(bytes.subarray(p + 1), p + huge.length);
  return { bytes: grown.subarray(0, bytes.length + huge.length - 1), how: `huge varint at ${p}` };
}
