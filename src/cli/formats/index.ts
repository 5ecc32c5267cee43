/**
 * The formats the CLI reads and writes, in detection order. To add one, write a module
 * implementing {@link FormatModule} and add it here.
 */
import { ConfigError, FileParseError } from '../../errors';
import { kerasFormat } from './keras';
import { onnxFormat } from './onnx';
import { safetensorsFormat } from './safetensors';
import { tfjsFormat } from './tfjs';
import { torchFormat } from './torch';
import { FormatModule, InputFile } from './types';

export type { ConfigFile, FormatModule, FormatOptions, InputFile, OutputFiles, SaveReport, Source } from './types';

export const FORMATS: readonly FormatModule[] = [torchFormat, safetensorsFormat, kerasFormat, tfjsFormat, onnxFormat];

/** The format named `name` (`--to`). */
export function formatNamed(name: string): FormatModule {
  const f = FORMATS.find((m) => m.name === name);
  if (!f) throw new ConfigError(`lstm-bridge: --to expected one of ${FORMATS.map((m) => m.name).join(', ')}, got '${name}'`);
  return f;
}

/** The format of a file, by content (its first 4 KiB; a directory's `model.json`'s) and name. */
export function detectFormat(input: InputFile): FormatModule {
  const head = input.bytes.subarray(0, 4096);
  const f = FORMATS.find((m) => m.detect(input.path, head, input.isDirectory));
  if (!f) throw new FileParseError(`lstm-bridge: ${input.path}: not a file lstm-bridge reads (${FORMATS.map((m) => m.title).join('; ')})`);
  return f;
}

/**
 * The format an output path asks for, from its extension (a path without one, or an existing
 * directory (`isDirectory`), is a TF.js directory).
 */
export function formatForOutput(path: string, isDirectory = false): FormatModule {
  const ext = /(\.[A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === undefined || isDirectory) return tfjsFormat;
  const f = FORMATS.find((m) => m.extensions.includes(ext));
  if (!f) throw new ConfigError(`lstm-bridge: cannot tell the output format from ${path}; pass --to ${FORMATS.map((m) => m.name).join('|')}`);
  return f;
}
