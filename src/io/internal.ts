/**
 * What the layers above use of `io` besides `./index` (not exported by the package): the
 * bytes-level writers the CLI's bytes core (`src/cli/commands`) calls with its own error labels.
 * Browser-safe, like `./index`.
 */
export * from './index';
export { emitArtifacts } from './tfjs/emit';
export { TFJS_MODEL_FILE, TFJS_WEIGHTS_FILE, tfjsFiles } from './tfjs/files';
export { writeKeras } from './keras/writer';
