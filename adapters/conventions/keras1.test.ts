import { ConfigError, ShapeError, UnsupportedConversionError } from '../../src/errors';
import { randomValues } from '../../test/helpers/conventions';
import { tf } from '../../test/helpers/tf';
import { disposeWeights } from '../checks';
import { KERAS1_PER_GATE_ORDER, canonicalToKeras1, keras1ToCanonical, keras1WeightList, keras1WeightsFromList } from './keras1';

describe('keras1 convention', () => {
  const [I, U] = [3, 2];
  const twelve = () => KERAS1_PER_GATE_ORDER.map((name, k) => randomValues(name.startsWith('W') ? [I, U] : name.startsWith('U') ? [U, U] : [U], k + 1));

  it("matches Keras 2's own loader: kernel = concatenate([w[0], w[6], w[3], w[9]]) (i, f, c, o), likewise U and b", () => {
    const before = tf.memory().numTensors;
    const list = twelve();
    const c = keras1ToCanonical(keras1WeightsFromList(list));
    const expected = {
      kernel: tf.concat([list[0], list[6], list[3], list[9]], 1),
      recurrentKernel: tf.concat([list[1], list[7], list[4], list[10]], 1),
      bias: tf.concat([list[2], list[8], list[5], list[11]]),
    };
    expect(Array.from(c.kernel.dataSync())).toEqual(Array.from(expected.kernel.dataSync()));
    expect(Array.from(c.recurrentKernel.dataSync())).toEqual(Array.from(expected.recurrentKernel.dataSync()));
    expect(Array.from((c.bias as tf.Tensor).dataSync())).toEqual(Array.from(expected.bias.dataSync()));
    const perGate = canonicalToKeras1(c);
    expect(keras1WeightList(perGate).map((t) => Array.from(t.dataSync()))).toEqual(list.map((t) => Array.from(t.dataSync())));
    const fused = canonicalToKeras1(c, { consumeLess: 'gpu' });
    expect(Array.from(fused.W.dataSync())).toEqual(Array.from(expected.kernel.dataSync()));
    tf.dispose(list);
    disposeWeights([c, expected, perGate, fused]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads consume_less='gpu' files' fused [W, U, b] (i, f, c, o) as the canonical layout", () => {
    const list = [randomValues([I, 4 * U], 1), randomValues([U, 4 * U], 2), randomValues([4 * U], 3)];
    const c = keras1ToCanonical(keras1WeightsFromList(list));
    expect(Array.from(c.kernel.dataSync())).toEqual(Array.from(list[0].dataSync()));
    expect(keras1WeightList(keras1WeightsFromList(list))).toEqual(list);
    tf.dispose(list);
    disposeWeights(c);
  });

  it('sums two canonical biases; refuses projections, unknown modes and wrong lists', () => {
    const c = { kernel: tf.zeros([1, 4]), recurrentKernel: tf.zeros([1, 4]), bias: tf.ones([4]), recurrentBias: tf.ones([4]) };
    expect(Array.from(canonicalToKeras1(c as never, { consumeLess: 'gpu' }).b.dataSync())).toEqual([2, 2, 2, 2]);
    const projected = { kernel: tf.zeros([3, 12]), recurrentKernel: tf.zeros([2, 12]), projection: tf.zeros([3, 2]) };
    expect(() => canonicalToKeras1(projected as never)).toThrow(UnsupportedConversionError);
    expect(() => canonicalToKeras1(c as never, { consumeLess: 'tpu' as never })).toThrow(ConfigError);
    expect(() => keras1WeightsFromList([c.kernel])).toThrow('got 1 arrays');
    const list = twelve();
    list[4].dispose();
    list[4] = tf.zeros([U, U + 1]);
    expect(() => keras1ToCanonical(keras1WeightsFromList(list))).toThrow(
      new ShapeError('adapters.keras1ToCanonical: U_c expected [2, 2], got [2, 3]'),
    );
    tf.dispose(list);
    disposeWeights([c, projected]);
  });
});
