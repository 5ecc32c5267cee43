/** The correspondence part of the seed walkthrough runs, asserts what it shows, and leaks nothing. */
import { tf } from './helpers/tf';
import { seedCorrespondence } from '../examples/seed-correspondence';

describe('examples/seed-correspondence seedCorrespondence()', () => {
  it("shows Keras's outputs equal PyTorch's after the layout change, and the last output equal to h_n flattened", () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = seedCorrespondence((line) => lines.push(line));
    expect(tf.memory().numTensors).toBe(before);
    const { bidirectionalLastVsOutputEnd, ...equalities } = r;
    for (const [what, diff] of Object.entries(equalities)) {
      if (!(diff <= 1e-5)) throw new Error(`${what}: max |diff| ${diff}`);
    }
    expect(bidirectionalLastVsOutputEnd).toBeGreaterThan(1e-3);
    for (const phrase of ['O_tf_simple (N, H) == H_tc flattened', 'O_tf_bidir (N, 2H) == H_tc_bidir', 'LSTM(10, 7, num_layers=3, batch_first=True)']) {
      expect(lines.some((l) => l.includes(phrase))).toBe(true);
    }
  });
});
