/**
 * The model-building half of `io.loadKeras` and `io.loadTfjsModel`: a Keras model config and
 * the file's weights -> a `LayersModel` whose LSTM / Bidirectional layers are the Keras
 * facade's. The loaders in `src/io/keras/load.ts` and `src/io/tfjs/load.ts` read the file,
 * find its config and pass it here with their size check; this module reads no file.
 *
 * Steps: the Keras generation from the version and config (`./objects`), the layers and their
 * wiring (`./graph`), the weights assigned layer by layer (`./weights`); on a failure after the
 * model exists, the model is disposed before the error propagates.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { buildModel } from './graph';
import { Json } from './json';
import { RecurrentInfo } from './layer-build';
import { kerasGeneration } from './objects';
import { SizeCheck } from './weight-budget';
import { FileLayerWeights, assignWeights } from './weights';

/** Groups the file's weights by layer, once the model (and its recurrent layers) exist. */
export type WeightsOf = (model: tfl.LayersModel, recurrent: ReadonlyMap<string, RecurrentInfo>) => FileLayerWeights[];

/**
 * Builds the model `config` describes and assigns it the weights `weightsOf` returns.
 * @param where the caller's name in messages (`io.loadKeras`).
 * @param version `keras_version` of the file or config, or null.
 * @throws KerasLayerError naming a layer that cannot be built or whose weights do not fit,
 *   whatever `checkSize` throws above a cap.
 */
export function buildKerasModel(where: string, config: Json, version: string | null, checkSize: SizeCheck, weightsOf: WeightsOf): tfl.LayersModel {
  const m = { where, version, generation: kerasGeneration(version, config) };
  const { model, recurrent } = buildModel(m, config, checkSize);
  try {
    assignWeights(where, model, recurrent, weightsOf(model, recurrent));
  } catch (e) {
    model.dispose();
    throw e;
  }
  for (const layer of model.layers) layer.setFastWeightInitDuringBuild(false);
  return model;
}
