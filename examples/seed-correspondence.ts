/**
 * The seed walkthrough's question — "what does O_tf_simple mean, and how does it correspond to
 * the PyTorch gang?" — answered with numbers: the same weights on both sides (converted by
 * `adapters.toKeras` / `adapters.toTorch`), the same input up to the layout change.
 *
 * 1. `nn.LSTM(10, 7)` and its Keras conversion: Keras's sequence output is PyTorch's `output`
 *    with batch and time swapped, and Keras's `[h, c]` are `h_n[0]`, `c_n[0]` (also with
 *    tfjs-layers' own `tf.layers.lstm`, an independent implementation).
 * 2. Keras `LSTM(7)` (the last output only) with those weights: its output is PyTorch's `h_n`
 *    flattened, (1, N, 7) -> (N, 7) (one layer), which is also `output[-1]`.
 * 3. Bidirectional: Keras's last output is `h_n`'s two directions side by side, (2, N, 7) ->
 *    (N, 14) — and not `output[-1]`, whose reverse half has seen one step only.
 * 4. Three stacked bidirectional layers: outputs equal, and the six final states of the Keras
 *    model are `h_n` / `c_n` in PyTorch's order.
 * 5. The other way: the walkthrough's Keras stack of three `LSTM(7)` -> `toTorch` -> an
 *    `nn.LSTM(10, 7, num_layers=3, batch_first=True)` whose last layer's `h_n` is the stack's
 *    prediction.
 *
 * Every correspondence is asserted (float32 tolerance 1e-5). `seedCorrespondence()` uses
 * whatever tfjs backend is active; run this file directly to try it on the cpu backend:
 * `npx ts-node --transpile-only examples/seed-correspondence.ts`.
 */
import { strict as assert } from 'node:assert';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { adapters, layers, nn } from '../src';

const [seqLen, batchSize, inputSize, hiddenSize] = [17, 2, 10, 7];
const TOLERANCE = 1e-5;

/** The largest difference each correspondence showed. */
export interface CorrespondenceResult {
  readonly simpleOutput: number;
  readonly simpleStates: number;
  /** The simple LSTM converted to tfjs-layers' own `tf.layers.lstm`: an independent implementation. */
  readonly tfjsOutput: number;
  readonly lastOutputIsHn: number;
  readonly bidirectionalOutput: number;
  readonly bidirectionalLastIsHn: number;
  /** How far the reverse half of PyTorch's output[-1] is from Keras's last output (not small). */
  readonly bidirectionalLastVsOutputEnd: number;
  readonly stackedOutput: number;
  readonly stackedStates: number;
  readonly kerasToTorch: number;
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape, `shapes differ: [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function check(diff: number, what: string, print: (line: string) => void): number {
  print(`  ${what.padEnd(58)} max |diff| ${diff.toExponential(1)}`);
  assert.ok(diff <= TOLERANCE, `${what}: max |diff| ${diff} > ${TOLERANCE}`);
  return diff;
}

/** (L, N, F) <-> (N, L, F). */
const swapBatchTime = (t: tf.Tensor) => tf.transpose(t, [1, 0, 2]);

/** h_n (D, N, H) of one layer -> (N, D·H): the directions side by side, per batch element. */
const flattenHn = (hN: tf.Tensor) => tf.reshape(tf.transpose(hN, [1, 0, 2]), [hN.shape[1] as number, -1]);

/** A Keras layer with the weights of a converted model's layer. */
function withWeightsOf<T extends tfl.layers.Layer>(layer: T, source: tfl.layers.Layer, input: tf.Tensor): T {
  tf.tidy(() => layer.apply(input) as tf.Tensor); // builds it
  layer.setWeights(source.getWeights());
  return layer;
}

/**
 * Shows, asserting each, how Keras's outputs correspond to PyTorch's for the same weights.
 * Prints each step with `print`; leaves no tensor behind.
 */
export function seedCorrespondence(print: (line: string) => void = console.log): CorrespondenceResult {
  const models: { dispose(): unknown }[] = [];
  const keep = <T extends { dispose(): unknown }>(m: T) => (models.push(m), m);
  try {
    return tf.tidy(() => {
      const I_tc = tf.randomNormal([seqLen, batchSize, inputSize]); // (L, N, H_in), PyTorch
      const I_tf = swapBatchTime(I_tc); // (N, L, H_in), Keras: the same data

      print('\n== The same weights in both conventions ==');
      print(`\nlstm_tc_simple = nn.LSTM(${inputSize}, ${hiddenSize}); model = adapters.toKeras(lstm_tc_simple, {returnState: true})`);
      const simple = keep(new nn.LSTM(inputSize, hiddenSize));
      const [O_tc, [H_tc, C_tc]] = simple.forward(I_tc);
      const simpleModel = keep(adapters.toKeras(simple, { returnState: true }));
      const [O_tf, H_tf, C_tf] = simpleModel.predict(I_tf) as tf.Tensor[];
      const simpleOutput = check(maxDiff(swapBatchTime(O_tf), O_tc), 'Keras output (N, L, H), batch and time swapped == O_tc', print);
      const simpleStates = check(
        Math.max(maxDiff(H_tf, tf.squeeze(H_tc, [0])), maxDiff(C_tf, tf.squeeze(C_tc, [0]))),
        'Keras [h, c] == H_tc[0], C_tc[0]',
        print,
      );
      const plainTfjs = keep(adapters.toKeras(simple, { emit: 'tfjs-layers' }));
      const tfjsOutput = check(
        maxDiff(swapBatchTime(plainTfjs.predict(I_tf) as tf.Tensor), O_tc),
        "the same with tfjs' own tf.layers.lstm (emit: 'tfjs-layers')",
        print,
      );

      print(`\nlstm_tf_simple = LSTM(${hiddenSize}) with the converted weights: the last output only`);
      const lastOnly = keep(withWeightsOf(layers.lstm({ units: hiddenSize }), simpleModel.layers[1], I_tf));
      const O_tf_simple = lastOnly.apply(I_tf) as tf.Tensor;
      assert.deepEqual(O_tf_simple.shape, [batchSize, hiddenSize]);
      const lastOutputIsHn = check(maxDiff(O_tf_simple, flattenHn(H_tc)), 'O_tf_simple (N, H) == H_tc flattened (1, N, H) -> (N, H)', print);
      check(maxDiff(O_tf_simple, tf.gather(O_tc, seqLen - 1)), 'O_tf_simple == O_tc[-1] (one layer, one direction)', print);

      print(`\nbilstm_tc = nn.LSTM(${inputSize}, ${hiddenSize}, {bidirectional: true}); adapters.toKeras(bilstm_tc)`);
      const bi = keep(new nn.LSTM(inputSize, hiddenSize, { bidirectional: true }));
      const [O_bi, [H_bi]] = bi.forward(I_tc);
      const biModel = keep(adapters.toKeras(bi));
      const bidirectionalOutput = check(
        maxDiff(swapBatchTime(biModel.predict(I_tf) as tf.Tensor), O_bi),
        'Keras Bidirectional output == O_tc_bidir (N, L, 2H)',
        print,
      );
      const biLast = keep(withWeightsOf(layers.bidirectional({ layer: layers.lstm({ units: hiddenSize }) }), biModel.layers[1], I_tf));
      const O_tf_bidir = biLast.apply(I_tf) as tf.Tensor;
      assert.deepEqual(O_tf_bidir.shape, [batchSize, 2 * hiddenSize]);
      const bidirectionalLastIsHn = check(maxDiff(O_tf_bidir, flattenHn(H_bi)), 'O_tf_bidir (N, 2H) == H_tc_bidir (2, N, H) side by side', print);
      const bidirectionalLastVsOutputEnd = maxDiff(O_tf_bidir, tf.gather(O_bi, seqLen - 1));
      print(`  but O_tf_bidir != O_tc_bidir[-1] (max |diff| ${bidirectionalLastVsOutputEnd.toFixed(3)}): its reverse half has seen one step`);
      assert.ok(bidirectionalLastVsOutputEnd > 1e-3, 'the reverse half of output[-1] should differ from h_n');

      print(`\nbi_lstm_tc_stacked = nn.LSTM(${inputSize}, ${hiddenSize}, {numLayers: 3, bidirectional: true}); toKeras(..., {returnState: true})`);
      const stacked = keep(new nn.LSTM(inputSize, hiddenSize, { numLayers: 3, bidirectional: true }));
      const [O_st, [H_st, C_st]] = stacked.forward(I_tc);
      const stackedModel = keep(adapters.toKeras(stacked, { returnState: true }));
      print(`  Keras layers: ${stackedModel.layers.map((l) => `${l.name} (${l.getClassName()})`).join(', ')}`);
      const back = adapters.kerasOutputsToTorch(stackedModel.predict(I_tf) as tf.Tensor[], { batchFirst: false });
      const stackedOutput = check(maxDiff(back.output, O_st), 'Keras stacked output == O_tc_bidir_stacked', print);
      const stackedStates = check(
        Math.max(maxDiff(back.h_n, H_st), maxDiff(back.c_n, C_st)),
        'Keras states [h, c] x 6 == H_tc, C_tc (6, N, H)',
        print,
      );

      print(`\nThe other way: the walkthrough's Keras stack of three LSTM(${hiddenSize}) -> adapters.toTorch`);
      const kerasStacked = keep(
        tfl.sequential({
          layers: [
            layers.lstm({ units: hiddenSize, returnSequences: true, inputShape: [seqLen, inputSize] }),
            layers.lstm({ units: hiddenSize, returnSequences: true }),
            layers.lstm({ units: hiddenSize }),
          ],
        }),
      );
      const fromKeras = keep(adapters.toTorch(kerasStacked));
      print(`  ${fromKeras.toString()}`);
      const O_tf_stacked = kerasStacked.predict(I_tf) as tf.Tensor;
      const [, [H_from]] = fromKeras.forward(I_tf); // batch_first: the Keras layout
      const kerasToTorch = check(maxDiff(O_tf_stacked, tf.gather(H_from, 2)), 'O_tf_stacked (N, H) == h_n[-1] of the converted nn.LSTM', print);

      return {
        simpleOutput,
        simpleStates,
        tfjsOutput,
        lastOutputIsHn,
        bidirectionalOutput,
        bidirectionalLastIsHn,
        bidirectionalLastVsOutputEnd,
        stackedOutput,
        stackedStates,
        kerasToTorch,
      };
    });
  } finally {
    models.forEach((m) => m.dispose());
  }
}

if (require.main === module) {
  try {
    seedCorrespondence();
  } catch (err: unknown) {
    console.error(err);
    process.exitCode = 1;
  }
}
