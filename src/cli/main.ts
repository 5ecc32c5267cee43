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
import { ConfigError, LstmBridgeError } from '../errors';
import { UsageError, parseArgs, usage } from './args';
import { useCliBackend } from './backend';
import { describeGroup, otherTensors } from './describe';
import { describeStateDictRecurrent, stateDictGruRnns } from './recurrent-kinds';
import { describeKerasGruRnn, kerasGruRnns } from './keras-recurrent';
import { isRecurrentSource, readBackOptions, recurrentNotes } from './recurrent-convert';
import { doctorLines, doctorReport } from './doctor';
import { FORMATS, FormatOptions, Source, detectFormat, formatForOutput, formatNamed } from './formats';
import { disposeGroups, kerasGroups, stateDictGroups } from './lstm-groups';
import { Progress, progressBar } from './progress';
import { wrapList } from './text-lists';
import { verifyConversion } from './verify';

/** Where the CLI writes, and whether it picks a backend (tests run it in-process on theirs). */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly chooseBackend?: boolean;
  readonly progress?: Progress;
}

function inspectSource(source: Source, out: (line: string) => void): void {
  out(`${source.path}: ${source.summary}`);
  for (const line of source.details ?? []) out(line);
  const groups = source.stateDict ? stateDictGroups(source.stateDict) : kerasGroups(source.model!);
  try {
    const gruRnns = source.stateDict ? stateDictGruRnns(source.stateDict) : [];
    const kerasGru = source.model ? kerasGruRnns(source.model) : [];
    if (groups.length === 0 && gruRnns.length === 0 && kerasGru.length === 0) out('no LSTM in this file (nor a GRU or RNN)');
    for (const r of gruRnns) for (const line of describeStateDictRecurrent(r)) out(line);
    for (const l of kerasGru) for (const line of describeKerasGruRnn(l)) out(line);
    for (const g of groups) {
      const tensors = source.storedTensors?.get(g.name) ?? (source.stateDict
        ? Object.entries(source.stateDict).filter(([k]) => k.startsWith(g.name) && /^(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?$/.test(k.slice(g.name.length))).map(([name, t]) => ({ name, shape: t.shape }))
        : g.kerasLayers.flatMap((l) => l.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }))));
      const stored = source.stateDict ? source.stored.get(g.name) ?? 'torch' : source.stored.get(g.kerasLayers[0].name) ?? 'keras';
      for (const line of describeGroup(g, stored, tensors, source.batchFirst?.get(g.name))) out(line);
    }
    if (source.stateDict) {
      const rest = otherTensors(source.stateDict);
      if (rest.length) wrapList('other tensors:', rest, '  ').forEach((l) => out(l));
    } else {
      const inGroups = new Set([...groups.flatMap((g) => g.kerasLayers.map((l) => l.name)), ...kerasGru.map((l) => l.name)]);
      const rest = source.model!.layers.filter((l) => !inGroups.has(l.name) && l.getClassName() !== 'InputLayer');
      if (rest.length) wrapList('other layers:', rest.map((l) => `${l.name} (${l.getClassName()})`), '  ').forEach((l) => out(l));
      out(`model input: ${source.model!.inputs.map((i) => `[${i.shape.map((d) => d ?? 'None').join(', ')}] ${i.dtype}`).join(', ')}`);
    }
  } finally {
    disposeGroups(groups);
  }
}

/** Detects and reads the input file, printing what its reader noted (skipped classes) on stderr. */
async function loadInput(input: string, options: FormatOptions, io: CliIo): Promise<Source> {
  const from = detectFormat(input);
  if (options.unknownClasses !== undefined && from.name !== 'torch') {
    throw new ConfigError(`lstm-bridge: --unknown-classes applies to PyTorch files; ${input} is read as ${from.title}`);
  }
  const source = await from.load(input, options);
  for (const note of source.notes ?? []) io.stderr(`lstm-bridge: note: ${note}`);
  return source;
}

async function convert(input: string, output: string, to: string | undefined, options: FormatOptions & { verify: boolean; tolerance: number }, io: CliIo): Promise<number> {
  const progress = io.progress ?? progressBar();
  const from = detectFormat(input);
  const target = to ? formatNamed(to) : formatForOutput(output);
  if (options.emit !== undefined && target.name !== 'tfjs') throw new ConfigError(`lstm-bridge: --emit applies to TF.js output only, got output format ${target.name}`);
  // The phases: reading, converting, writing (the format's save steps to it), verifying.
  progress.total(3 + (options.verify ? 1 : 0));
  progress.step(`reading ${input}`);
  const source = await loadInput(input, options, io);
  let result: Source | null = null;
  try {
    const recurrent = isRecurrentSource(source);
    for (const note of recurrentNotes(source, target.name, options)) io.stderr(`lstm-bridge: note: ${note}`);
    progress.step(`converting to ${target.name}`);
    const report = await target.save(source, output, options, progress);
    progress.done();
    io.stdout(`${input} (${from.name}) -> ${output} (${target.name})`);
    for (const line of report.written ?? []) io.stdout(line);
    if (report.notConverted.length) io.stderr(`lstm-bridge: note: not converted (not ${recurrent ? 'GRU or RNN' : 'LSTM'}): ${report.notConverted.join(', ')}`);
    if (!options.verify) return 0;
    progress.step('verifying');
    const readBack = readBackOptions(source, target.name, { ...options, config: undefined });
    result = await target.load(output, readBack);
    const comparisons = verifyConversion(source, result, readBack);
    // Formats that can run their own files (ONNX: onnxruntime) check them against the other side.
    for (const [format, path, other, role] of [[from, input, result, 'input'], [target, output, source, 'output']] as const) {
      if (!format.verifyFile) continue;
      const extra = await format.verifyFile(path, other, readBack, role);
      comparisons.push(...extra.comparisons);
      for (const note of extra.notes) io.stderr(`lstm-bridge: note: ${note}`);
    }
    progress.done();
    let ok = true;
    for (const c of comparisons) {
      const pass = c.maxDiff <= options.tolerance;
      ok &&= pass;
      io.stdout(`verify: ${c.what}: max abs difference ${c.maxDiff.toExponential(2)} (tolerance ${options.tolerance}) ${pass ? 'ok' : 'FAILED'}`);
    }
    return ok ? 0 : 3;
  } finally {
    progress.done();
    source.dispose();
    result?.dispose();
  }
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
      const source = await loadInput(args.input, { config: args.config, unknownClasses: args.unknownClasses }, io);
      try {
        inspectSource(source, io.stdout);
      } finally {
        source.dispose();
      }
      return 0;
    }
    const { prefix, config, unknownClasses, emit, nonlinearity, verify, tolerance } = args;
    return await convert(args.input, args.output, args.to, { prefix, config, unknownClasses, emit, nonlinearity, verify, tolerance }, io);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const oneLine = message.split('\n')[0].replace(/^lstm-bridge: /, '');
    io.stderr(`lstm-bridge: ${e instanceof LstmBridgeError ? '' : 'internal error: '}${oneLine}`);
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
