#!/usr/bin/env node
/**
 * `lstm-bridge`: inspect and convert LSTM weight files.
 *
 *     lstm-bridge inspect FILE [--config MODEL_JSON] [--unknown-classes skip]
 *     lstm-bridge convert IN OUT [--to torch|safetensors|keras|tfjs|onnx] [--prefix lstm.]
 *                                [--config MODEL_JSON] [--unknown-classes skip] [--verify] [--tolerance 1e-5]
 *                                [--emit auto|tfjs-layers|lstm-bridge] [--nonlinearity tanh|relu]
 *     lstm-bridge doctor
 *
 * Formats are modules under `./formats` (see `./formats/types.ts`). Exit codes: 0 done, 1 a bad
 * file or a failed conversion (one line on stderr), 2 bad usage, 3 `--verify` found a
 * difference above the tolerance. `LSTM_BRIDGE_DEBUG=1` prints stack traces.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

import { registerChainedOps } from '../engine/internal';
import { UsageError, parseArgs, usage } from './args';
import { useCliBackend } from './backend';
import { convertFile, inspectFile, oneLineError } from './commands';
import { doctorLines, doctorReport } from './doctor';
import { FORMATS } from './formats';
import { isDirectory, readConfig, readInput, writeOutput } from './node-files';
import { Progress, progressBar } from './progress';

/** Where the CLI writes, and whether it picks a backend (tests run it in-process on theirs). */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly chooseBackend?: boolean;
  readonly progress?: Progress;
}

/** The version in lstm-bridge's package.json (found upwards from this file: `src/cli` or `dist/src/cli`). */
function packageVersion(): string {
  for (let dir = __dirname, k = 0; k < 5; k++, dir = nodePath.dirname(dir)) {
    const file = nodePath.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lstm-bridge' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = { stdout: (l) => console.log(l), stderr: (l) => console.error(l) }): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`lstm-bridge: ${e.message}`);
    io.stderr(usage(FORMATS));
    return 2;
  }
  if (args.command === 'help') {
    io.stdout(usage(FORMATS));
    return 0;
  }
  if (args.command === 'version') {
    io.stdout(packageVersion());
    return 0;
  }
  try {
    if (args.command === 'doctor') {
      // It tries every backend and leaves the fastest selected, whatever chooseBackend says.
      const report = await doctorReport();
      const lines = doctorLines(report, { lstmBridge: packageVersion(), node: process.version, platform: `${process.platform} ${process.arch}` });
      for (const line of lines) io.stdout(line);
      return 0;
    }
    if (io.chooseBackend !== false) await useCliBackend();
    registerChainedOps();
    if (args.command === 'inspect') {
      await inspectFile(readInput(args.input), { config: readConfig(args.config), unknownClasses: args.unknownClasses }, io);
      return 0;
    }
    const { prefix, unknownClasses, emit, nonlinearity, verify, tolerance } = args;
    const input = readInput(args.input);
    const output = { path: args.output, isDirectory: isDirectory(args.output) };
    const progress = io.progress ?? progressBar();
    const write = (files: Parameters<typeof writeOutput>[1]) => writeOutput(args.output, files);
    return await convertFile(input, output, args.to, { prefix, config: readConfig(args.config), unknownClasses, emit, nonlinearity, verify, tolerance }, { ...io, progress, write });
  } catch (e) {
    io.stderr(oneLineError(e));
    if (process.env.LSTM_BRIDGE_DEBUG && e instanceof Error) io.stderr(e.stack ?? '');
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`lstm-bridge: internal error: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
