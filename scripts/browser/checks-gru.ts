/**
 * The GRU and vanilla RNN part of the browser checks (`./checks.ts`): `nn.GRU` forward, its
 * gradients and a packed call, a relu `nn.RNN`, `layers.gru` (reset after) + `layers.simpleRNN`
 * in a `tf.sequential` with `fit`, a torch → keras → torch GRU weight round trip, and an `nn.GRU`
 * state dict through `io.saveTorch` / `io.loadTorch` bytes. Same seeds in Node and in the page.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adapters, io, layers, nn } from '../../src';
import { fitChecks } from './checks-fit';
import { seededTensor, values, type CheckResults } from './checks-nn';

/** Loads seeded values (from `seed` on) into every parameter of a module. */
function seedParameters(module: nn.GRU | nn.RNN, seed: number): void {
  const sd: Record<string, tf.Tensor> = {};
  for (const [key, v] of module.namedParameters()) sd[key] = seededTensor(seed++, v.shape, 0.5);
  module.loadStateDict(sd);
  tf.dispose(Object.values(sd));
  module.eval();
}

function gruModuleChecks(out: CheckResults): void {
  const gru = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
  seedParameters(gru, 300);
  const rnn = new nn.RNN(3, 5, { nonlinearity: 'relu', numLayers: 2 });
  seedParameters(rnn, 340);
  tf.tidy(() => {
    const x = seededTensor(30, [2, 5, 3]);
    const h0 = seededTensor(31, [4, 2, 4], 0.3);
    const [y, h] = gru.forward(x, h0);
    out['gru.forward.output'] = values(y);
    out['gru.forward.h_n'] = values(h);
    const loss = (): tf.Scalar => tf.sum(tf.square(gru.forward(x, h0)[0])) as tf.Scalar;
    const { grads } = tf.variableGrads(loss, gru.parameters());
    for (const [key, v] of gru.namedParameters()) out[`gru.grad.${key}`] = values(grads[v.name] as tf.Tensor);
    out['gru.grad.input'] = values(tf.grad((xi: tf.Tensor) => tf.sum(tf.square(gru.forward(xi, h0)[0])))(x));
    const packed = nn.utils.rnn.packPaddedSequence(x, [2, 5], { batchFirst: true, enforceSorted: false });
    const [packedOut, hLast] = gru.forward(packed);
    const [padded] = nn.utils.rnn.padPackedSequence(packedOut, { batchFirst: true });
    out['gru.packed.padded'] = values(padded);
    out['gru.packed.h_n'] = values(hLast);
    const [ry, rh] = rnn.forward(seededTensor(32, [5, 2, 3]));
    out['rnn.forward.output'] = values(ry);
    out['rnn.forward.h_n'] = values(rh);
  });
  const bytes = io.saveTorch(gru.stateDict());
  const loaded = io.loadTorch(bytes);
  const back = nn.GRU.fromStateDict(loaded, { batchFirst: true });
  tf.dispose(Object.values(loaded));
  back.eval();
  out['gru.io.forward'] = tf.tidy(() => values(back.forward(seededTensor(33, [2, 5, 3]))[0]));
  back.dispose();
  gru.dispose();
  rnn.dispose();
}

async function gruLayersChecks(out: CheckResults): Promise<void> {
  await fitChecks(out, 'gru-layers', tfl.sequential({
    layers: [
      layers.bidirectional({ layer: layers.gru({ units: 4, returnSequences: true }), inputShape: [5, 3] }),
      layers.simpleRNN({ units: 3 }),
    ],
  }), 400, 40);
}

function gruAdapterChecks(out: CheckResults): void {
  tf.tidy(() => {
    const torchW = {
      weight_ih: seededTensor(50, [12, 3]), weight_hh: seededTensor(51, [12, 4]),
      bias_ih: seededTensor(52, [12]), bias_hh: seededTensor(53, [12]),
    };
    const keras = adapters.convertGruWeights(torchW, 'torch', 'keras');
    out['gru-adapters.keras.kernel'] = values(keras.kernel);
    out['gru-adapters.keras.recurrent_kernel'] = values(keras.recurrent_kernel);
    if (keras.bias) out['gru-adapters.keras.bias'] = values(keras.bias);
    const back = adapters.convertGruWeights(keras, 'keras', 'torch');
    out['gru-adapters.roundtrip.weight_ih'] = values(back.weight_ih);
    out['gru-adapters.roundtrip.weight_hh'] = values(back.weight_hh);
    if (back.bias_ih) out['gru-adapters.roundtrip.bias_ih'] = values(back.bias_ih);
    if (back.bias_hh) out['gru-adapters.roundtrip.bias_hh'] = values(back.bias_hh);
  });
}

/** Every GRU / RNN check, into `out`. */
export async function gruChecks(out: CheckResults): Promise<void> {
  gruModuleChecks(out);
  await gruLayersChecks(out);
  gruAdapterChecks(out);
}
