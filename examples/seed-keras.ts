/**
 * The Keras half of the seed walkthrough (`../shared/seed-walkthrough.txt`), with lstm-bridge's
 * Keras-style layers instead of `tf.keras.layers`:
 *
 * 1. `LSTM(hidden_size)` returns the last output, (batch, hidden).
 * 2. `LSTM(hidden_size, return_sequences=True, return_state=True)` returns the whole sequence
 *    and the last states; the sequence's last step is the last hidden state.
 * 3. `Bidirectional(LSTM(hidden_size))` returns (batch, 2 * hidden).
 * 4. A stacked `Sequential` of three LSTMs, whose summary shows 504, 420, 420 parameters
 *    (total 1,344), and whose prediction is (batch, hidden).
 *
 * `kerasHalf()` asserts every shape and count the walkthrough asserts and prints them. It uses
 * whatever tfjs backend is active; run this file directly to try it on the cpu backend:
 * `npx ts-node --transpile-only examples/seed-keras.ts`.
 */
import { strict as assert } from 'node:assert';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { layers } from '../src';

/** The seed's sizes. */
export const SEED_SIZES = { seqLen: 17, batchSize: 2, inputSize: 10, hiddenSize: 7 } as const;

/** What the Keras half computed, for the side-by-side demo. */
export interface KerasHalfResult {
  /** `LSTM(7)`: (batch, hidden). */
  readonly simple: number[];
  /** `LSTM(7, returnSequences, returnState)`: sequence, h, c. */
  readonly sequencesAndState: [number[], number[], number[]];
  /** `Bidirectional(LSTM(7))`: (batch, 2 * hidden). */
  readonly bidirectional: number[];
  /** Parameters of the stacked model's three layers, and their total. */
  readonly stackedParams: number[];
  readonly stackedTotal: number;
  /** The stacked model's prediction: (batch, hidden). */
  readonly stackedOutput: number[];
  /** The stacked model's summary, as tfjs-layers prints it. */
  readonly summary: string[];
}

/**
 * Runs the Keras half of the seed with `layers.LSTM` / `layers.Bidirectional`, asserting the
 * walkthrough's shapes and parameter counts, printing each step with `print`.
 */
export async function kerasHalf(print: (line: string) => void = console.log): Promise<KerasHalfResult> {
  const { seqLen, batchSize, inputSize, hiddenSize } = SEED_SIZES;
  const input = tf.randomNormal([batchSize, seqLen, inputSize]); // I_tf: (batch, seq, features)
  try {
    print(`Keras input I_tf: [${input.shape}] = (batch_size, seq_len, input_size)`);

    // lstm_tf_simple = tf.keras.layers.LSTM(hidden_size)
    const simpleLayer = layers.lstm({ units: hiddenSize });
    const simple = simpleLayer.apply(input) as tf.Tensor;
    assert.deepEqual(simple.shape, [batchSize, hiddenSize]);
    print(`LSTM(${hiddenSize}) -> O_tf_simple [${simple.shape}] = (batch_size, hidden_size): the last output only`);

    // lstm_tf_simple2 = tf.keras.layers.LSTM(hidden_size, return_sequences=True, return_state=True)
    const fullLayer = layers.lstm({ units: hiddenSize, returnSequences: true, returnState: true });
    const [sequence, h, c] = fullLayer.apply(input) as tf.Tensor[];
    assert.deepEqual(sequence.shape, [batchSize, seqLen, hiddenSize]);
    assert.deepEqual(h.shape, [batchSize, hiddenSize]);
    assert.deepEqual(c.shape, [batchSize, hiddenSize]);
    const sameAsH = tf.tidy(() => {
      const lastStep = tf.reshape(tf.slice(sequence, [0, seqLen - 1, 0], [batchSize, 1, hiddenSize]), [batchSize, hiddenSize]);
      return tf.all(tf.equal(lastStep, h)).dataSync()[0] === 1;
    });
    assert.ok(sameAsH, 'the last step of the sequence output is the last hidden state');
    print(
      `LSTM(${hiddenSize}, returnSequences, returnState) -> O [${sequence.shape}], H [${h.shape}], C [${c.shape}]; ` +
        `O[:, -1, :] == H: ${sameAsH}`,
    );

    // bilstm_tf = tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(hidden_size), input_shape=...)
    const bilstm = layers.bidirectional({ layer: layers.lstm({ units: hiddenSize }), inputShape: [seqLen, inputSize] });
    const bidir = bilstm.apply(input) as tf.Tensor;
    assert.deepEqual(bidir.shape, [batchSize, 2 * hiddenSize]);
    print(`Bidirectional(LSTM(${hiddenSize})) -> O_tf_bidir [${bidir.shape}] = (batch_size, 2 * hidden_size)`);

    // model_tf_stacked: three stacked LSTMs (the walkthrough's summary lists three layers).
    const stacked = tfl.sequential();
    stacked.add(layers.lstm({ units: hiddenSize, returnSequences: true, inputShape: [seqLen, inputSize] }));
    stacked.add(layers.lstm({ units: hiddenSize, returnSequences: true }));
    stacked.add(layers.lstm({ units: hiddenSize }));
    stacked.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const summary: string[] = [];
    stacked.summary(undefined, undefined, (line: string) => summary.push(line));
    summary.forEach((line) => print(line));
    const stackedParams = stacked.layers.map((l) => l.countParams());
    assert.deepEqual(stackedParams, [504, 420, 420]);
    assert.equal(stacked.countParams(), 1344);
    print(`Param #: ${stackedParams.join(', ')}; total ${stacked.countParams().toLocaleString('en-US')} (Keras: 504, 420, 420; 1,344)`);
    const out = stacked.predict(input) as tf.Tensor;
    assert.deepEqual(out.shape, [batchSize, hiddenSize]);
    print(`O_tf_stacked = model.predict(I_tf): [${out.shape}] = (batch_size, hidden_size)`);

    const result: KerasHalfResult = {
      simple: simple.shape,
      sequencesAndState: [sequence.shape, h.shape, c.shape],
      bidirectional: bidir.shape,
      stackedParams,
      stackedTotal: stacked.countParams(),
      stackedOutput: out.shape,
      summary,
    };
    tf.dispose([simple, sequence, h, c, bidir, out]);
    for (const layer of [simpleLayer, fullLayer, bilstm]) layer.dispose();
    stacked.dispose();
    return result;
  } finally {
    input.dispose();
  }
}

if (require.main === module) {
  kerasHalf().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
