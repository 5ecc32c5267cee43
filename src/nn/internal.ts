/**
 * The torch facade's internals for the layers above it (io's ONNX exporter): not exported by
 * the package. Everything public is in `./index` and re-exported here too.
 */
export * from './index';

export { checkBool, checkKnownKeys, checkPositiveInt } from './options';
