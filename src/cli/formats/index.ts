/**
 * The formats the CLI reads and writes, in detection order. To add one, write a module
 * implementing {@link FormatModule} and add it here.
 */
import * as fs from 'node:fs';

import { ConfigError, FileParseError } from '../../errors';
import { kerasFormat } from './keras';
import { onnxFormat } from './onnx';
import { safetensorsFormat } from './safetensors';
import { tfjsFormat } from './tfjs';
import { torchFormat } from './torch';
import { FormatModule } from './types';

export type { FormatModule, FormatOptions, SaveReport, Source } from './types';

export const FORMATS: readonly FormatModule[] = [torchFormat, safetensorsFormat, kerasFormat, tfjsFormat, onnxFormat];

/** The format named `name` (`--to`). */
export function formatNamed(name: string): FormatModule {
  const f = FORMATS.find((m) => m.name === name);
  if (!f) throw new ConfigError(`lstm-bridge: --to expected one of ${FORMATS.map((m) => m.name).join(', ')}, got '${name}'`);
  return f;
}

/** The format of an existing file, by content. */
export function detectFormat(path: string): FormatModule {
  if (!fs.existsSync(path)) throw new ConfigError(`lstm-bridge: ${path}: no such file or directory`);
  const isDirectory = fs.statSync(path).isDirectory();
  let head = new Uint8Array(0);
  if (!isDirectory) {
    const fd = fs.openSync(path, 'r');
    try {
      head = new Uint8Array(4096);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  }
  const f = FORMATS.find((m) => m.detect(path, head, isDirectory));
  if (!f) throw new FileParseError(`lstm-bridge: ${path}: not a file lstm-bridge reads (${FORMATS.map((m) => m.title).join('; ')})`);
  return f;
}

/** The format an output path asks for, from its extension (a path without one is a TF.js directory). */
export function formatForOutput(path: string): FormatModule {
  const ext = /(\.[A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === undefined || (fs.existsSync(path) && fs.statSync(path).isDirectory())) return tfjsFormat;
  const f = FORMATS.find((m) => m.extensions.includes(ext));
  if (!f) throw new ConfigError(`lstm-bridge: cannot tell the output format from ${path}; pass --to ${FORMATS.map((m) => m.name).join('|')}`);
  return f;
}
