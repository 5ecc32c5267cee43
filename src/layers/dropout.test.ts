import { tf } from '../../test/helpers/tf';
import { SeedStream, dropoutMask } from './dropout';

describe('dropout masks', () => {
  it('drops about `rate` of the entries and scales the rest by 1 / (1 - rate)', () => {
    const rate = 0.3;
    const mask = dropoutMask([200, 50], rate, 7);
    const data = mask.dataSync();
    const zeros = data.filter((v) => v === 0).length / data.length;
    expect(Math.abs(zeros - rate)).toBeLessThan(0.03);
    const kept = 1 / (1 - rate);
    expect(data.every((v) => v === 0 || Math.abs(v - kept) < 1e-6)).toBe(true);
    expect(mask.shape).toEqual([200, 50]);
  });

  it('is reproducible with a seed stream and advances per mask', () => {
    const a = new SeedStream(5);
    const b = new SeedStream(5);
    const m1 = dropoutMask([4, 6], 0.5, a.next());
    const m2 = dropoutMask([4, 6], 0.5, a.next());
    expect(Array.from(dropoutMask([4, 6], 0.5, b.next()).dataSync())).toEqual(Array.from(m1.dataSync()));
    expect(Array.from(m2.dataSync())).not.toEqual(Array.from(m1.dataSync()));
    expect(new SeedStream(null).next()).toBeUndefined();
  });

  it('leaks no intermediate tensors', () => {
    const before = tf.memory().numTensors;
    dropoutMask([3, 3], 0.2).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
