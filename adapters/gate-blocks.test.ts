import { ShapeError } from '../src/errors';
import { tf } from '../test/helpers/tf';
import { disposeGates, joinGates, mapGates, splitGates } from './gate-blocks';

/** A (4, 2) weight whose row k is [10k, 10k + 1]: block k is recognisable. */
const rows = () => tf.tensor2d([[0, 1], [10, 11], [20, 21], [30, 31]]);

describe('gate blocks', () => {
  it('splits by name in any order (ONNX iofc: block 1 is o, block 2 is f, block 3 the candidate)', () => {
    const x = rows();
    const g = splitGates(x, 'iofc', 0);
    expect([g.i, g.f, g.g, g.o].map((t) => t.dataSync()[0])).toEqual([0, 20, 30, 10]);
    const t = splitGates(x, 'ijfo', 0);
    expect([t.i, t.f, t.g, t.o].map((b) => b.dataSync()[0])).toEqual([0, 20, 10, 30]);
    disposeGates(g);
    disposeGates(t);
    x.dispose();
  });

  it('joins in any order, and split/join round-trips exactly', () => {
    const before = tf.memory().numTensors;
    const x = rows();
    for (const order of ['ifgo', 'iofc', 'ijfo', 'icfo', 'ifog', 'fico'] as const) {
      const blocks = splitGates(x, order, 0);
      const back = joinGates(blocks, order, 0);
      expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
      const canonical = joinGates(blocks, 'ifgo', 0);
      const canonicalBlocks = splitGates(canonical, 'ifgo', 0);
      const again = joinGates(canonicalBlocks, order, 0);
      expect(Array.from(again.dataSync())).toEqual(Array.from(x.dataSync()));
      disposeGates(blocks);
      disposeGates(canonicalBlocks);
      tf.dispose([back, canonical, again]);
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maps each block and rejects axes that do not hold 4 blocks', () => {
    const x = rows();
    const doubled = mapGates(splitGates(x, 'ifgo', 0), (b) => tf.mul(b, 2));
    expect(doubled.o.dataSync()[1]).toBe(62);
    expect(() => splitGates(x, 'ifgo', 1)).toThrow(ShapeError);
    expect(() => splitGates(x, 'ifgo', 1)).toThrow('axis 1 of a tensor shaped [4, 2] must hold 4 gate blocks');
    disposeGates(doubled);
    x.dispose();
  });
});
