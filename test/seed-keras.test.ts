/** The Keras half of the seed walkthrough runs, asserts its shapes and counts, and leaks nothing. */
import { tf } from './helpers/tf';
import { kerasHalf } from '../examples/seed-keras';

describe('examples/seed-keras kerasHalf()', () => {
  it("reproduces the walkthrough's shapes and the stacked summary's 504/420/420 (1,344)", async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await kerasHalf((line) => lines.push(line));
    expect(result.simple).toEqual([2, 7]);
    expect(result.sequencesAndState).toEqual([[2, 17, 7], [2, 7], [2, 7]]);
    expect(result.bidirectional).toEqual([2, 14]);
    expect(result.stackedParams).toEqual([504, 420, 420]);
    expect(result.stackedTotal).toBe(1344);
    expect(result.stackedOutput).toEqual([2, 7]);
    expect(result.summary).toContain('Total params: 1344');
    expect(lines.some((l) => l.includes('O[:, -1, :] == H: true'))).toBe(true);
    expect(lines.some((l) => l.includes('total 1,344'))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
