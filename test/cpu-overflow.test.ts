/**
 * The README's tolerance table states one divergence from PyTorch: on the cpu backend,
 * tfjs-cpu's matMul accumulates in float64, so products that overflow float32 but cancel give
 * 0 where PyTorch gives NaN (inf - inf). This pins the statement, so the table stays true.
 */
import { LSTM } from '../src/nn';
import { tf } from './helpers/tf';

test('cpu backend: [3e38, 3e38] . [2, -2] is 0 (PyTorch: NaN), and nn.LSTM inherits it', async () => {
  await tf.ready();
  expect(tf.getBackend()).toBe('cpu');
  {
    const p = tf.matMul(tf.tensor2d([[3e38, 3e38]]), tf.tensor2d([[2], [-2]]));
    expect(Array.from(p.dataSync())).toEqual([0]);
    p.dispose();
    const m = new LSTM(2, 1, { bias: false });
    const w = tf.tensor2d([[2, -2], [2, -2], [2, -2], [2, -2]]);
    const r = tf.zeros([4, 1]);
    m.loadStateDict({ weight_ih_l0: w, weight_hh_l0: r });
    const x = tf.tensor3d([[[3e38, 3e38]]]);
    const [y, [h, c]] = m.forward(x);
    // PyTorch: every gate is NaN, so y is NaN. Here the gates are 0: y = sigmoid(0) * tanh(sigmoid(0) * tanh(0)) = 0.
    expect(Array.from(y.dataSync())).toEqual([0]);
    tf.dispose([w, r, x, y, h, c]);
    m.dispose();
  }
});
