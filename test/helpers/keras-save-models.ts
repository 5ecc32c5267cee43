/** Models with the Keras facade's layers and tfjs-layers' layers, for the saveKeras suites. */
import * as tfl from '@tensorflow/tfjs-layers';

import { bidirectional, lstm } from '../../src/layers';
import { tf } from './tf';

/** Sequential: Bidirectional(LSTM(4, seq, hard_sigmoid)) -> LSTM(3, go_backwards) -> Dense(2). */
export function sequentialModel(): tfl.Sequential {
  return tfl.sequential({
    name: 'seq_model',
    layers: [
      bidirectional({ layer: lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid', name: 'lstm_in' }), inputShape: [6, 3], name: 'bi' }),
      lstm({ units: 3, goBackwards: true, name: 'lstm_mid' }),
      tfl.layers.dense({ units: 2, activation: 'softmax', name: 'head' }),
    ],
  });
}

/** Functional: ids (7) -> Embedding(9, 3, mask_zero) -> LSTM(4, seq) -> LSTM(2); ids -> ... Concatenate -> Dense. */
export function functionalModel(): tfl.LayersModel {
  const ids = tfl.input({ shape: [7], name: 'ids' });
  const e = tfl.layers.embedding({ inputDim: 9, outputDim: 3, maskZero: true, name: 'emb' }).apply(ids) as tfl.SymbolicTensor;
  const a = lstm({ units: 4, returnSequences: true, name: 'enc' }).apply(e) as tfl.SymbolicTensor;
  const b = lstm({ units: 2, name: 'enc_last', useBias: false }).apply(a) as tfl.SymbolicTensor;
  const c = bidirectional({ layer: lstm({ units: 2, name: 'side' }), mergeMode: 'sum', name: 'bi_side' }).apply(e) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }).apply(tfl.layers.concatenate({ name: 'cat' }).apply([b, c])) as tfl.SymbolicTensor;
  return tfl.model({ inputs: ids, outputs: out, name: 'func_model' });
}

export const IDS = () => tf.tensor([[1, 4, 2, 0, 0, 0, 0], [3, 8, 8, 1, 5, 2, 6], [7, 0, 0, 0, 0, 0, 0]], [3, 7]);

