import { ShapeError } from '../src/errors';
import { bidirectional, lstm } from '../src/layers';
import { asList, expectNoLeak, randomizeWeights, seededLstm } from '../test/helpers/models';
import { expectClose, randomTensor, tf } from '../test/helpers/tf';
import { kerasOutputsToTorch, torchStatesToKerasInputs, torchToKerasOutput } from './model-io';
import { MergeMode } from './sequence-layout';

const slice0 = (t: tf.Tensor, j: number) => tf.tidy(() => tf.squeeze(tf.slice(t, [j, 0, 0], [1, -1, -1]), [0]));

describe('torchStatesToKerasInputs / kerasOutputsToTorch', () => {
  it('interleave h and c in PyTorch index order, and back', () => {
    expectNoLeak(() => {
      const [h0, c0] = [randomTensor([4, 2, 3], 1), randomTensor([4, 2, 3], 2)];
      const list = torchStatesToKerasInputs(h0, c0);
      expect(list.length).toBe(8);
      list.forEach((s, k) => {
        const expected = slice0(k % 2 === 0 ? h0 : c0, Math.floor(k / 2));
        expectClose(s, expected, 0, 0, `state ${k}`);
        expected.dispose();
      });
      const output = randomTensor([2, 5, 6], 3);
      const back = kerasOutputsToTorch([output, ...list]);
      expectClose(back.h_n, h0, 0, 0, 'h_n');
      expectClose(back.c_n, c0, 0, 0, 'c_n');
      expectClose(back.output, output, 0, 0, 'output');
      const timeMajor = kerasOutputsToTorch([output, ...list], { batchFirst: false });
      expect(timeMajor.output.shape).toEqual([5, 2, 6]);
      tf.dispose([h0, c0, output, ...list, back.output, back.h_n, back.c_n, timeMajor.output, timeMajor.h_n, timeMajor.c_n]);
    });
  });

  it('refuse lists that are not one output and (h, c) pairs of the output\'s batch', () => {
    const [y, s, other] = [tf.zeros([2, 5, 3]), tf.zeros([2, 3]), tf.zeros([4, 3])];
    expect(() => kerasOutputsToTorch([y, s])).toThrow(ShapeError);
    expect(() => kerasOutputsToTorch([y, s])).toThrow('an odd number >= 3');
    expect(() => kerasOutputsToTorch([s, s, s])).toThrow('output expected rank 3');
    expect(() => kerasOutputsToTorch([y, other, other])).toThrow('states expected batch 2');
    expect(() => kerasOutputsToTorch([y, s, other])).toThrow(ShapeError);
    expect(() => torchStatesToKerasInputs(tf.zeros([2, 3]), tf.zeros([2, 3]))).toThrow('h_n expected rank 3');
    tf.dispose([y, s, other]);
  });
});

describe('torchToKerasOutput', () => {
  // A Bidirectional Keras layer with each head, against PyTorch's output and h_n of the same weights.
  const heads: [boolean, MergeMode][] = [];
  for (const returnSequences of [true, false]) for (const mode of ['concat', 'sum', 'mul', 'ave', null] as MergeMode[]) heads.push([returnSequences, mode]);

  it.each(heads)('returnSequences %s, mergeMode %s: the Keras layer\'s own output', (returnSequences, mergeMode) => {
    expectNoLeak(() => {
      const torch = seededLstm(3, 4, { bidirectional: true, batchFirst: true }, 5);
      const keras = bidirectional({ layer: lstm({ units: 4, returnSequences }), mergeMode });
      const x = randomTensor([2, 6, 3], 6);
      tf.dispose(keras.apply(x) as tf.Tensor);
      const w = Object.values(torch.stateDict());
      // weight_ih, weight_hh, bias_ih, bias_hh per direction -> kernel, recurrent_kernel, bias.
      const lists = [0, 4].flatMap((o) => [tf.transpose(w[o]), tf.transpose(w[o + 1]), tf.add(w[o + 2], w[o + 3])]);
      keras.setWeights(lists);
      const expected = asList(keras.apply(x) as tf.Tensor | tf.Tensor[]);
      const [output, [h_n, c_n]] = torch.forward(x);
      const got = asList(torchToKerasOutput(output, h_n, { returnSequences, mergeMode, bidirectional: true }));
      expect(got.length).toBe(expected.length);
      got.forEach((g, k) => expectClose(g, expected[k], 1e-6, 0, `output ${k}`));
      if (!returnSequences && mergeMode === 'concat') {
        // The last output is h_n, both directions; output[:, -1] differs in its backward half.
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.squeeze(tf.slice(output, [0, 5, 0], [-1, 1, -1]), [1]), expected[0]))));
        expect(diff.dataSync()[0]).toBeGreaterThan(1e-3);
        diff.dispose();
      }
      tf.dispose([x, ...lists, ...expected, output, h_n, c_n, ...got]);
      keras.dispose();
      torch.dispose();
    });
  });

  it('keeps the layout of a time-major output and takes one direction as is', () => {
    expectNoLeak(() => {
      const torch = seededLstm(3, 4, { numLayers: 2 }, 7);
      const x = randomTensor([6, 2, 3], 8);
      const [output, [h_n, c_n]] = torch.forward(x);
      const seq = torchToKerasOutput(output, h_n, { returnSequences: true, mergeMode: 'concat', bidirectional: false }, { batchFirst: false });
      expectClose(seq as tf.Tensor, output, 0, 0, 'sequence');
      const last = torchToKerasOutput(output, h_n, { returnSequences: false, mergeMode: 'concat', bidirectional: false }, { batchFirst: false });
      const h1 = slice0(h_n, 1);
      expectClose(last as tf.Tensor, h1, 0, 0, 'last output = h_n of the last layer');
      expect(() => torchToKerasOutput(output, h_n, { returnSequences: false, mergeMode: 'concat', bidirectional: false })).toThrow(
        'h_n expected [K*1, 6, 4] for an output of [6, 2, 4], got [2, 2, 4]',
      );
      expect(() => torchToKerasOutput(output, h_n, { returnSequences: true, mergeMode: 'sum', bidirectional: true }, { batchFirst: false })).toThrow(ShapeError);
      tf.dispose([x, output, h_n, c_n, seq as tf.Tensor, last as tf.Tensor, h1]);
      torch.dispose();
    });
  });

  it('helper check: randomizeWeights sets every weight', () => {
    const layer = lstm({ units: 2 });
    tf.tidy(() => layer.apply(tf.zeros([1, 2, 3])) as tf.Tensor);
    randomizeWeights(layer, 1);
    expect(layer.getWeights().every((w) => tf.max(tf.abs(w)).dataSync()[0] > 0)).toBe(true);
    layer.dispose();
  });
});
