import { tf } from '../../test/helpers/tf';
import { ficoToIfgo, ifcoToIofc, ifgoToFico, ifgoToIfog, ifogToIfgo, ijfoToIofc, iofcToIfco, iofcToIjfo } from './gates';

/** Rows named by gate: block k of an `order`-stacked (4, 1) weight holds the code of its gate letter. */
const CODE: Record<string, number> = { i: 1, f: 2, g: 3, c: 3, j: 3, o: 4 };
const stacked = (order: string) => tf.tensor2d(order.split('').map((g) => [CODE[g]]));
const codes = (t: tf.Tensor) => Array.from(t.dataSync());

describe('named gate permutations', () => {
  it.each([
    ['ifco', 'iofc', ifcoToIofc],
    ['iofc', 'ifco', iofcToIfco],
    ['iofc', 'ijfo', iofcToIjfo],
    ['ijfo', 'iofc', ijfoToIofc],
    ['ifgo', 'ifog', ifgoToIfog],
    ['ifog', 'ifgo', ifogToIfgo],
    ['ifgo', 'fico', ifgoToFico],
    ['fico', 'ifgo', ficoToIfgo],
  ] as const)('%s -> %s puts each gate where the target order names it', (from, to, fn) => {
    const x = stacked(from);
    const y = fn(x);
    expect(codes(y)).toEqual(codes(stacked(to)));
    const cols = fn(tf.transpose(x), 1);
    expect(codes(cols)).toEqual(codes(stacked(to)));
    tf.dispose([x, y, cols]);
  });
});
