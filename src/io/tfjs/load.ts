/**
 * `loadTfjsModel`: a TF.js layers model (`model.json` + shards, read by `./weights`) -> a
 * `LayersModel` whose LSTM / Bidirectional layers are the Keras facade's, built like a Keras
 * file (`../../keras-model/graph`): the topology is a Keras model config, in whatever form the converter
 * or tfjs wrote it (Keras 3's `DTypePolicy` dtypes, `batch_shape`, `module` keys; tfjs'
 * `LSTM`; lstm-bridge's own `LstmBridge.LSTM`).
 *
 * Weight names are matched to layers by path: the first segment that is a layer's name
 * (`sequential/bidirectional/forward_lstm/lstm_cell/kernel` -> `bidirectional`, `dense/bias` ->
 * `dense`), else the name of a Bidirectional's half (`forward_lstm/lstm_cell/kernel`, as the
 * converter writes Keras 3 Functional models) -> that Bidirectional. Inside a layer, weights
 * keep their manifest order; LSTM roles and Bidirectional halves come from the names (see
 * `../../keras-model/weights`).
 *
 * Example:
 * ```ts
 * const model = await io.loadTfjsModel(modelJsonText, [shardBytes]);
 * ```
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { FileLayerWeights, FileWeight, Json, RecurrentInfo, buildKerasModel, checkJsonDepth, isObject } from '../../keras-model';
import { KerasLayerError, TfjsFormatError } from '../shared/errors';
import { checkRecordArg } from '../../engine/internal';
import { ReadOptions, limitCheck, resolveLimits } from '../shared/limits';
import { TfjsWeight, readTfjsWeights } from './weights';

const WHERE = 'io.loadTfjs';

/** Groups manifest weights by the layer they belong to (see the module documentation). */
export function groupTfjsWeights(
  model: tfl.LayersModel,
  recurrent: ReadonlyMap<string, RecurrentInfo>,
  weights: readonly TfjsWeight[],
): FileLayerWeights[] {
  const names = new Set(model.layers.map((l) => l.name));
  const halves = new Map<string, string>();
  for (const [layer, info] of recurrent) for (const n of [...info.forwardNames, ...info.backwardNames]) if (!names.has(n)) halves.set(n, layer);
  const groups = new Map<string, FileWeight[]>();
  for (const w of weights) {
    const segs = w.name.split('/');
    const layer = segs.find((s) => names.has(s)) ?? halves.get(segs.find((s) => halves.has(s)) ?? '');
    if (layer === undefined) throw new KerasLayerError(`${WHERE}: weight ${w.name} matches no layer of the model`, null, null);
    if (!groups.has(layer)) groups.set(layer, []);
    groups.get(layer)!.push(w);
  }
  return [...groups].map(([name, ws]) => ({ name, weights: ws }));
}

/**
 * Loads a TF.js layers model from `model.json` (text or parsed) and its shards' bytes (in the
 * order of `tfjsShardPaths`).
 * @throws TfjsFormatError for a bad model.json or shards, `KerasLayerError` naming a layer that
 *   cannot be built or whose weights do not fit, `SizeLimitError` above the caps.
 */
export async function loadTfjsModel(modelJson: unknown, shards: readonly Uint8Array[], options: ReadOptions = {}): Promise<tfl.LayersModel> {
  checkRecordArg(options, 'options', WHERE, true);
  const limits = resolveLimits(options.limits);
  const file = readTfjsWeights(modelJson, shards, options);
  const topology = file.modelTopology;
  if (!isObject(topology)) throw new TfjsFormatError(`${WHERE}: model.json has no modelTopology object (a graph model cannot be loaded as layers)`);
  checkJsonDepth(WHERE, 'modelTopology', topology);
  const config: Json = isObject(topology.model_config) ? topology.model_config : topology;
  const version = typeof topology.keras_version === 'string' ? topology.keras_version : null;
  return buildKerasModel(WHERE, config, version, limitCheck(limits), (model, recurrent) => groupTfjsWeights(model, recurrent, file.weights));
}
