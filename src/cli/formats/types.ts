/**
 * The plug-in interface of the CLI's file formats. Each format is one module implementing
 * {@link FormatModule}; `./index` lists them. A new format (ONNX) is added by writing one such
 * module and adding it to that list: `inspect` and `convert` then handle it.
 *
 * Bytes in, bytes out: a format reads an {@link InputFile} (the file's bytes, and its siblings
 * on request) and writes {@link OutputFiles}, so that the same modules run in a web page
 * (`examples/web/`); the Node CLI reads and writes the paths (`../node-files`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

import type { StoredConvention } from '../describe';
import type { Progress } from '../progress';
import type { Comparison } from '../comparison';

/** A loaded file: a PyTorch-style state dict, or a Keras-style model. */
export interface Source {
  /** The format module's name. */
  readonly format: string;
  /** How messages name the file (the CLI's path; a page's file name). */
  readonly path: string;
  /** One line saying what the file is. */
  readonly summary: string;
  /** Named tensors (torch, safetensors), or null. */
  readonly stateDict: tf.NamedTensorMap | null;
  /** A model (Keras, TF.js), or null. */
  readonly model: tfl.LayersModel | null;
  /**
   * How the file stored each LSTM's weights: by layer name for models, by prefix for state
   * dicts read from a file of another convention (ONNX); absent entries are the format's own.
   */
  readonly stored: ReadonlyMap<string, StoredConvention>;
  /** The file's own weight tensors (names, shapes) of each LSTM, by prefix, when they differ from the state dict's. */
  readonly storedTensors?: ReadonlyMap<string, readonly { readonly name: string; readonly shape: readonly number[] }[]>;
  /** Per state-dict prefix: does the file's LSTM take batch-first input? */
  readonly batchFirst?: ReadonlyMap<string, boolean>;
  /** More lines about the file for `inspect`. */
  readonly details?: readonly string[];
  /** What the reader had to do to read the file (classes it skipped), printed on stderr as notes. */
  readonly notes?: readonly string[];
  /** Frees tensors and variables. */
  dispose(): void;
}

/** A file to read, in memory. */
export interface InputFile {
  /** How messages name it (the CLI's path argument, a page's file name). */
  readonly path: string;
  /** Its bytes (a TF.js directory: its `model.json`'s, or none when it has no model.json). */
  readonly bytes: Uint8Array;
  /** Is it a directory (a TF.js model)? */
  readonly isDirectory: boolean;
  /**
   * A file it names, relative to its folder (a TF.js weights shard).
   * @throws a typed LstmBridgeError when there is none
   */
  sibling(name: string): Uint8Array;
}

/** What a format writes: one file, or a directory's files by name (TF.js: `model.json`, `weights.bin`). */
export type OutputFiles =
  | { readonly kind: 'file'; readonly bytes: Uint8Array; /** Who writes it, in file-access errors (`io.saveTorch`). */ readonly writer: string }
  | { readonly kind: 'directory'; readonly files: ReadonlyMap<string, Uint8Array>; readonly writer: string };

/** A `--config` file: its name, and its text (null when there is no such file). */
export interface ConfigFile {
  readonly path: string;
  readonly text: string | null;
}

/** Options of a load and a conversion. */
export interface FormatOptions {
  /** State-dict prefix of the LSTM to read or to write (`lstm.`). */
  readonly prefix?: string;
  /** Keras architecture (`model.to_json()` file) for weights-only `.h5` files. */
  readonly config?: ConfigFile;
  /** PyTorch files: `skip` reads classes outside the allowlist as inert placeholders (`--unknown-classes`). */
  readonly unknownClasses?: 'refuse' | 'skip';
  /** TF.js output: which layer classes to write (`--emit`, default `'auto'`). */
  readonly emit?: 'auto' | 'tfjs-layers' | 'lstm-bridge';
  /** State dicts' `nn.RNN`s: the nonlinearity, which the file does not record (`--nonlinearity`, default `'tanh'`). */
  readonly nonlinearity?: 'tanh' | 'relu';
}

/** One file format. */
export interface FormatModule {
  /** The name used by `--to` (`torch`). */
  readonly name: string;
  /** What it is, for help texts. */
  readonly title: string;
  /** File extensions it writes (the first is the default), or `['/']` for a directory. */
  readonly extensions: readonly string[];
  /** Is the file at `path` (a directory when `isDirectory`; first bytes `head`) in this format? */
  detect(path: string, head: Uint8Array, isDirectory: boolean): boolean;
  /** Reads the file. */
  load(file: InputFile, options: FormatOptions): Promise<Source>;
  /** Writes `source` (converted as needed) as the file(s) named `path` (names only: nothing is written to disk here). */
  save(source: Source, path: string, options: FormatOptions, progress: Progress): Promise<SaveReport & { readonly output: OutputFiles }>;
  /**
   * Optional, for `--verify`: runs `file` (this format) in its own runtime and compares it with
   * `other`, the other side of the conversion. Notes say what was not run.
   * `role`: whether the file is the conversion's input or its output.
   */
  verifyFile?(file: InputFile, other: Source, options: FormatOptions, role: 'input' | 'output'): Promise<{ comparisons: Comparison[]; notes: string[] }>;
}

/** What a conversion left out. */
export interface SaveReport {
  /** Layers or tensors of the source that the written file does not hold. */
  readonly notConverted: readonly string[];
  /** Lines saying what was written (printed on stdout), e.g. the layer classes of a TF.js model. */
  readonly written?: readonly string[];
}
