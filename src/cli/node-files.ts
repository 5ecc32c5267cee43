/**
 * The Node side of the CLI: paths to in-memory files and back. `./commands` (the bytes core)
 * reads {@link InputFile}s and returns {@link OutputFiles}; this module reads the input path (a
 * file, or a TF.js directory's `model.json` and the shards it names), a `--config` file, and
 * writes the output (a file, or a TF.js directory).
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

import { ConfigError } from '../errors';
import { fsCall, readBytes, readText, writeBytes } from '../io/node-internal';
import { ConfigFile, FormatModule, InputFile, OutputFiles, detectFormat } from './formats';

/**
 * The file or TF.js directory at `path`, in memory: a directory's bytes are its `model.json`'s
 * (none when it has none); siblings (weights shards) are read on request, next to it.
 */
export function readInput(path: string): InputFile {
  if (!fs.existsSync(path)) throw new ConfigError(`lstm-bridge: ${path}: no such file or directory`);
  const isDirectory = fs.statSync(path).isDirectory();
  const main = isDirectory ? nodePath.join(path, 'model.json') : path;
  const bytes = isDirectory && !fs.existsSync(main) ? new Uint8Array(0) : readBytes('lstm-bridge', main);
  const dir = nodePath.dirname(main);
  return {
    path,
    bytes,
    isDirectory,
    sibling: (name) => readBytes('io.loadTfjs', nodePath.join(dir, name), `a weights shard named by ${nodePath.basename(main)}`),
  };
}

/** The format of the file or directory at `path`, by content. */
export function detectFormatAt(path: string): FormatModule {
  return detectFormat(readInput(path));
}

/** A `--config` file: its text, or null when there is no such file (the Keras format says so). */
export function readConfig(path: string | undefined): ConfigFile | undefined {
  if (path === undefined) return undefined;
  return { path, text: fs.existsSync(path) ? readText('lstm-bridge', path) : null };
}

/** Is `path` an existing directory? */
export function isDirectory(path: string): boolean {
  return fs.existsSync(path) && fs.statSync(path).isDirectory();
}

/** Writes what a format wrote in memory to `path`: the file, or the directory (created) and its files. */
export function writeOutput(path: string, output: OutputFiles): void {
  if (output.kind === 'file') {
    writeBytes(output.writer, path, output.bytes);
    return;
  }
  fsCall(output.writer, 'create', path, () => fs.mkdirSync(path, { recursive: true }));
  for (const [name, bytes] of output.files) writeBytes(output.writer, nodePath.join(path, name), bytes);
}
