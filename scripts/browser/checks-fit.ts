/** The `fit` part of the browser checks, shared by the LSTM and the GRU / SimpleRNN checks. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { seededTensor, values, type CheckResults } from './checks-nn';

/**
 * Seeds `model`'s weights (from `weightSeed` on), then records its predictions before and after
 * a 3-epoch SGD `fit`, and the losses, under `<name>.predict.*` / `<name>.fit.loss`.
 */
export async function fitChecks(out: CheckResults, name: string, model: tfl.Sequential, weightSeed: number, dataSeed: number): Promise<void> {
  let seed = weightSeed;
  const weights = model.getWeights().map((w) => seededTensor(seed++, w.shape, 0.4));
  model.setWeights(weights);
  tf.dispose(weights);
  const x = seededTensor(dataSeed, [4, 5, 3]);
  const yTrue = seededTensor(dataSeed + 1, [4, 3], 0.5);
  const optimizer = tf.train.sgd(0.1);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const before = model.predict(x) as tf.Tensor;
  out[`${name}.predict.before`] = values(before);
  const history = await model.fit(x, yTrue, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
  out[`${name}.fit.loss`] = history.history.loss as number[];
  const after = model.predict(x) as tf.Tensor;
  out[`${name}.predict.after`] = values(after);
  tf.dispose([x, yTrue, before, after]);
  model.dispose();
  optimizer.dispose();
}
