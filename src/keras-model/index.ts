/**
 * The Keras model builder: Keras model configs (Keras 1.2 to 3, and TF.js layers topologies) ->
 * tfjs-layers `LayersModel`s with the Keras facade's LSTM / Bidirectional layers, and back
 * (a model -> the neutral {@link KerasFile} of a Keras 2 `.h5`). Model conversion, not file IO:
 * it reads and writes no file. It sits above `adapters/` and below `src/io/`, whose Keras and
 * TF.js loaders (`src/io/keras/`, `src/io/tfjs/`) call it; the package exposes it through `io`
 * (`io.loadKeras`, `io.loadTfjsModel`, `io.kerasModelFile`).
 *
 * | module | job |
 * |---|---|
 * | `./keras-file` | the neutral {@link KerasFile} (what the readers return and the writer takes), {@link RawTensor} |
 * | `./build` | config + file weights -> model (the building half of `loadKeras` / `loadTfjsModel`) |
 * | `./graph` | Sequential and Functional configs -> the layers and their wiring |
 * | `./layer-build`, `./layer-specs`, `./lstm-config` | one layer's config -> a layer (tfjs-layers' own, or the facade's LSTM / Bidirectional) |
 * | `./objects`, `./json` | Keras objects (initializers, activations, dtypes) and config JSON helpers |
 * | `./weights`, `./weight-budget` | file weights -> layer weights (Keras 1, Keras 2/3, CuDNNLSTM); the size check before building |
 * | `./model-file` | a model -> a Keras 2 `.h5` {@link KerasFile} (`kerasModelFile`) |
 * | `./errors` | `KerasFormatError`, `KerasLayerError` (re-exported by `io`) |
 */
export type { KerasFile, KerasFileFormat, KerasLayerWeights, KerasWeight, RawTensor, TfDtype } from './keras-file';
export { toSnakeCase } from './keras-file';
export { KerasFormatError, KerasLayerError } from './errors';
export { buildKerasModel } from './build';
export type { WeightsOf } from './build';
export type { SizeCheck } from './weight-budget';
export type { FileLayerWeights, FileWeight } from './weights';
export type { RecurrentInfo } from './layer-build';
export type { Json } from './json';
export { checkJsonDepth, isObject } from './json';
export { kerasLstmConfig, kerasModelFile } from './model-file';
export type { KerasModelFileOptions } from './model-file';
