import * as tfl from '@tensorflow/tfjs-layers';
import { expectClose, randomTensor, tf } from '../../test/helpers/tf';
import { GRU, SimpleRNN, bidirectional } from './index';

it('gru smoke', () => {
  const N = 2, T = 5, F = 3, U = 4;
  const x = randomTensor([N, T, F], 1);
  const ours = new GRU({ units: U, resetAfter: false, returnSequences: true });
  const ref = tfl.layers.gru({ units: U, recurrentActivation: 'sigmoid', returnSequences: true });
  ours.apply(x); ref.apply(x);
  const w = [randomTensor([F, 3 * U], 2, 0.5), randomTensor([U, 3 * U], 3, 0.5), randomTensor([3 * U], 4, 0.5)];
  ours.setWeights(w); ref.setWeights(w);
  expectClose(ours.apply(x) as tf.Tensor, ref.apply(x) as tf.Tensor, 1e-5, 1e-5, 'gru');
  const r = new SimpleRNN({ units: U, returnSequences: true });
  const rr = tfl.layers.simpleRNN({ units: U, returnSequences: true });
  r.apply(x); rr.apply(x);
  const w2 = [randomTensor([F, U], 2, 0.5), randomTensor([U, U], 3, 0.5), randomTensor([U], 4, 0.5)];
  r.setWeights(w2); rr.setWeights(w2);
  expectClose(r.apply(x) as tf.Tensor, rr.apply(x) as tf.Tensor, 1e-5, 1e-5, 'rnn');
  const m = tfl.sequential({ layers: [bidirectional({ layer: new GRU({ units: 7 }), inputShape: [T, 10] })] });
  const m2 = tfl.sequential({ layers: [new GRU({ units: 7, inputShape: [T, 10] })] });
  const m3 = tfl.sequential({ layers: [new GRU({ units: 7, inputShape: [T, 10], resetAfter: false })] });
  const m4 = tfl.sequential({ layers: [new SimpleRNN({ units: 7, inputShape: [T, 10] })] });
  expect([m2.countParams(), m3.countParams(), m4.countParams(), m.countParams()]).toEqual([399, 378, 126, 798]);
  expect((m.predict(tf.zeros([2, T, 10])) as tf.Tensor).shape).toEqual([2, 14]);
});
