/**
 * The seed walkthrough (PyTorch's nn.LSTM beside Keras's LSTM), reproduced with lstm-bridge.
 * Run with `npm run demo`.
 *
 * Torch half: the simple, bidirectional and 3-layer bidirectional LSTMs with seq_len 17,
 * batch 2, input 10, hidden 7, asserting every shape the walkthrough asserts.
 * Keras half (`./seed-keras`): `LSTM(7)`, `returnSequences` + `returnState`, `Bidirectional`,
 * and the stacked Sequential with its summary (504, 420, 420).
 */
import * as tf from '@tensorflow/tfjs-core';

import { nn, useFastestBackend } from '../src';
import { seedCorrespondence } from './seed-correspondence';
import { kerasHalf } from './seed-keras';

const [seqLen, batchSize, inputSize, hiddenSize] = [17, 2, 10, 7];

function assertShape(t: tf.Tensor, expected: number[], what: string): void {
  const ok = t.shape.length === expected.length && t.shape.every((d, k) => d === expected[k]);
  if (!ok) throw new Error(`${what}: expected shape [${expected}], got [${t.shape}]`);
  console.log(`  ${what.padEnd(28)} [${t.shape.join(', ')}]`);
}

function lastStep(output: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.squeeze(tf.slice(output, [output.shape[0] - 1, 0, 0], [1, -1, -1]), [0]));
}

export function torchHalf(): void {
  console.log('\n== PyTorch conventions: nn.LSTM ==');
  const I_tc = tf.randomNormal([seqLen, batchSize, inputSize]); // (L, N, H_in)

  console.log('\nlstm_tc_simple = nn.LSTM(10, 7)');
  const simple = new nn.LSTM(inputSize, hiddenSize);
  const [O_simple, [H_simple, C_simple]] = simple.forward(I_tc);
  assertShape(O_simple, [seqLen, batchSize, hiddenSize], 'O_tc_simple (L, N, H_out)');
  assertShape(H_simple, [1, batchSize, hiddenSize], 'H_tc_simple (D*layers, N, H)');
  assertShape(C_simple, [1, batchSize, hiddenSize], 'C_tc_simple (D*layers, N, H)');
  const eq = tf.tidy(() => tf.equal(lastStep(O_simple), tf.squeeze(H_simple, [0])));
  console.log('  one layer: O_tc_simple[-1] == H_tc_simple ->', JSON.stringify(eq.arraySync()));
  if (!eq.dataSync().every((v) => v === 1)) throw new Error('output[-1] must equal h_n for one layer');

  console.log('\nbilstm_tc = nn.LSTM(10, 7, {bidirectional: true})');
  const bi = new nn.LSTM(inputSize, hiddenSize, { bidirectional: true });
  const [O_bi, [H_bi, C_bi]] = bi.forward(I_tc);
  assertShape(O_bi, [seqLen, batchSize, 2 * hiddenSize], 'O_tc_bidir (L, N, 2*H)');
  assertShape(H_bi, [2, batchSize, hiddenSize], 'H_tc_bidir (2, N, H)');
  assertShape(C_bi, [2, batchSize, hiddenSize], 'C_tc_bidir (2, N, H)');
  tf.tidy(() => {
    const last = lastStep(O_bi);
    const fwdEqual = tf.all(tf.equal(tf.slice(last, [0, 0], [-1, hiddenSize]), tf.squeeze(tf.slice(H_bi, [0, 0, 0], [1, -1, -1]), [0])));
    const revAtLast = tf.all(tf.equal(tf.slice(last, [0, hiddenSize], [-1, hiddenSize]), tf.squeeze(tf.slice(H_bi, [1, 0, 0], [1, -1, -1]), [0])));
    const revAtFirst = tf.all(tf.equal(
      tf.squeeze(tf.slice(O_bi, [0, 0, hiddenSize], [1, -1, -1]), [0]),
      tf.squeeze(tf.slice(H_bi, [1, 0, 0], [1, -1, -1]), [0]),
    ));
    console.log(`  forward half of O[-1] == h_n[0]: ${Boolean(fwdEqual.dataSync()[0])}`);
    console.log(`  reverse half of O[-1] == h_n[1]: ${Boolean(revAtLast.dataSync()[0])}  (the reverse direction has seen one step there)`);
    console.log(`  reverse half of O[0]  == h_n[1]: ${Boolean(revAtFirst.dataSync()[0])}  (its last step is time 0)`);
    if (!fwdEqual.dataSync()[0] || !revAtFirst.dataSync()[0] || revAtLast.dataSync()[0]) {
      throw new Error('bidirectional h_n must be output[-1] forward half and output[0] reverse half');
    }
  });

  console.log('\nbi_lstm_tc_stacked = nn.LSTM(10, 7, {numLayers: 3, bidirectional: true})');
  const stacked = new nn.LSTM(inputSize, hiddenSize, { numLayers: 3, bidirectional: true });
  const [O_st, [H_st, C_st]] = stacked.forward(I_tc);
  assertShape(O_st, [seqLen, batchSize, 2 * hiddenSize], 'O_tc_bidir_stacked (L, N, 2*H)');
  assertShape(H_st, [6, batchSize, hiddenSize], 'H_tc_bidir_stacked (2*3, N, H)');
  assertShape(C_st, [6, batchSize, hiddenSize], 'C_tc_bidir_stacked (2*3, N, H)');
  console.log(`  parameters: simple ${simple.numParameters()}, bidirectional ${bi.numParameters()}, stacked ${stacked.numParameters()}`);

  tf.dispose([I_tc, O_simple, H_simple, C_simple, eq, O_bi, H_bi, C_bi, O_st, H_st, C_st]);
  [simple, bi, stacked].forEach((m) => m.dispose());
}

async function main(): Promise<void> {
  const { backend } = await useFastestBackend();
  console.log(`lstm-bridge seed walkthrough (tfjs backend: ${backend})`);
  torchHalf();
  console.log('\n== Keras conventions: layers.LSTM ==');
  await kerasHalf();
  await seedCorrespondence();
  console.log('\nAll shapes and correspondences asserted.');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
