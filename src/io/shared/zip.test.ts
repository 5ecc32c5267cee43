/**
 * Zip bombs within the size caps: only the entries a reader asks for are inflated, and a
 * declared size far above its compressed size is refused before anything is allocated.
 */
import { unzipSync, zipSync } from 'fflate';

import { readKeras } from '../keras/reader';
import { writeKeras } from '../keras/writer';
import { readTorch } from '../torch/reader';
import { saveTorch } from '../torch/writer';
import { keras3Sequential } from '../../../test/helpers/keras-fixtures';
import { SizeLimitError, ZipArchiveError } from './errors';
import { DEFAULT_LIMITS } from './limits';
import { readZip } from './zip';

/** 16 MiB of zeros deflate to about 16 KiB (ratio ~1000). */
const BOMB = zipSync({ bomb: [new Uint8Array(16 << 20), { level: 9 }] }).slice();
const bombEntry = (): Uint8Array => {
  const { bomb } = unzipSync(BOMB);
  return bomb;
};

/** `archive` (a zip) with the bomb entry added under `name`, deflated. */
function withBomb(archive: Uint8Array, name: string): Uint8Array {
  const entries = unzipSync(archive);
  return zipSync({ ...Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level: 0 }]])), [name]: [bombEntry(), { level: 9 }] });
}

describe('zip bombs', () => {
  const ratio = { maxCompressionRatio: 2000 };

  test('a ratio above maxCompressionRatio is refused from the central directory, before inflating', () => {
    expect(BOMB.length).toBeLessThan(50_000);
    expect(() => readZip('t', BOMB, DEFAULT_LIMITS)).toThrow(SizeLimitError);
    expect(() => readZip('t', BOMB, DEFAULT_LIMITS)).toThrow(/zip entry bomb compression ratio is \d+(\.\d+)?, above the cap limits.maxCompressionRatio = 200/);
  });

  test('an unused bomb in a .pt is never inflated', () => {
    const pt = withBomb(saveTorch({ w: { dtype: 'float32', shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) } }), 'archive/extra/bomb');
    expect(() => readTorch(pt)).toThrow(/maxCompressionRatio/);
    const before = process.memoryUsage().arrayBuffers;
    const file = readTorch(pt, { limits: ratio });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 << 20);
    expect(file.tensors.map((t) => [t.name, Array.from(t.tensor.values)])).toEqual([['w', [1, 2, 3, 4, 5, 6]]]);
  });

  test('an unused bomb in a .keras is never inflated', async () => {
    const keras = withBomb(await writeKeras(keras3Sequential()), 'assets/bomb');
    expect(() => readKeras(keras)).toThrow(SizeLimitError);
    const before = process.memoryUsage().arrayBuffers;
    expect(readKeras(keras, { limits: ratio }).layers.length).toBeGreaterThan(0);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 << 20);
  });

  test('entries inflate into exactly their declared size; a short stream is refused', () => {
    const zip = readZip('t', BOMB, { ...DEFAULT_LIMITS, ...ratio });
    expect([...zip.keys()]).toEqual(['bomb']);
    expect(zip.get('bomb')!.length).toBe(16 << 20);
    expect(zip.get('nothing')).toBeUndefined();
    // Declare a bigger size than the stream holds (central directory, offset 24).
    const bad = BOMB.slice();
    const dv = new DataView(bad.buffer);
    const cd = dv.getUint32(bad.length - 22 + 16, true);
    dv.setUint32(cd + 24, (16 << 20) + 1, true);
    expect(() => readZip('t', bad, { ...DEFAULT_LIMITS, ...ratio }).get('bomb')).toThrow(ZipArchiveError);
  });
});
