/**
 * What the Node CLI (`src/cli/node-files`) uses of io's file-system helpers besides `./node`
 * (not exported by the package): reads and writes with io's typed `FileAccessError`s.
 */
export { fsCall, readBytes, readText, writeBytes } from './node-files';
