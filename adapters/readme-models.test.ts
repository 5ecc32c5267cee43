/**
 * The README's whole-model examples (section "Whole models"), verbatim between the markers,
 * through the package entry point: they compile and compute what the README says.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { adapters, layers, nn } from '../src';
import { expectClose, tf } from '../test/helpers/tf';

describe('README: whole models', () => {
  it('one conversion each way', () => {
    const before = tf.memory().numTensors;
    // --- README begin
    // PyTorch -> Keras: a tfjs LayersModel of layers.Bidirectional(layers.LSTM) (tfjs' own with emit: 'tfjs-layers').
    const lstm = new nn.LSTM(10, 20, { numLayers: 2, bidirectional: true, batchFirst: true });
    const model = adapters.toKeras(lstm, { returnState: true, initialStateInputs: true });
    const x = tf.randomNormal([3, 17, 10]); // (N, L, H_in): Keras is batch-major
    const [h0, c0] = [tf.randomNormal([4, 3, 20]), tf.randomNormal([4, 3, 20])];
    const states = adapters.torchStatesToKerasInputs(h0, c0); // [h0[0], c0[0], h0[1], c0[1], ...]
    const outputs = model.predict([x, ...states]) as tf.Tensor[];
    const { output, h_n, c_n } = adapters.kerasOutputsToTorch(outputs); // = lstm.forward(x, [h0, c0])

    // Keras -> PyTorch: the walkthrough's stack, its last layer returning the last output only.
    const keras = tfl.sequential({
      layers: [
        layers.bidirectional({ layer: layers.lstm({ units: 7, returnSequences: true }), inputShape: [17, 10] }),
        layers.bidirectional({ layer: layers.lstm({ units: 7 }) }),
      ],
    });
    const torch = adapters.toTorch(keras); // LSTM(10, 7, num_layers=2, batch_first=True, bidirectional=True)
    const [out, [hN, cN]] = torch.eval().forward(x);
    const y = adapters.torchToKerasOutput(out, hN, adapters.kerasOutputHead(keras)); // = keras.predict(x): h_n of the last layer
    // --- README end

    const [expOutput, [expH, expC]] = lstm.eval().forward(x, [h0, c0]);
    expectClose(output, expOutput, 1e-5, 0, 'output');
    expectClose(h_n, expH, 1e-5, 0, 'h_n');
    expectClose(c_n, expC, 1e-5, 0, 'c_n');
    expect(torch.toString()).toBe('LSTM(10, 7, num_layers=2, batch_first=True, bidirectional=True)');
    const predicted = keras.predict(x) as tf.Tensor;
    expect(predicted.shape).toEqual([3, 14]);
    expectClose(y as tf.Tensor, predicted, 1e-5, 0, 'last output');
    tf.dispose([x, h0, c0, ...states, ...outputs, output, h_n, c_n, out, hN, cN, y as tf.Tensor, expOutput, expH, expC, predicted]);
    [model, keras].forEach((m) => m.dispose());
    [lstm, torch].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
  });
});
