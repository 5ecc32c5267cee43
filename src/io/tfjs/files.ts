/**
 * A TF.js layers model's files in memory, as `tf.io`'s own file handlers write them:
 * `model.json` (topology and a one-shard manifest) and `weights.bin`. The Node handler
 * (`./fs-handler`) writes them to a directory; the CLI's bytes core (`src/cli/commands`) returns
 * them, so that a page can offer them for download.
 */
import * as tf from '@tensorflow/tfjs-core';

import { FileParseError } from '../../errors';

/** The name of the model file in a TF.js directory. */
export const TFJS_MODEL_FILE = 'model.json';
/** The name of the one weights shard this library writes. */
export const TFJS_WEIGHTS_FILE = 'weights.bin';

/** `model.json`'s text and `weights.bin`'s bytes of `artifacts`. @throws FileParseError for a binary (GraphDef) topology */
export function tfjsFiles(artifacts: tf.io.ModelArtifacts, where: string): { modelJson: string; weights: Uint8Array } {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new FileParseError(`${where}: saving a binary (GraphDef) model topology is not supported`);
  }
  const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  return { modelJson: JSON.stringify(modelJson), weights: new Uint8Array(weights) };
}
