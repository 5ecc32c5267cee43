/**
 * The bytes-in / bytes-out core of `lstm-bridge inspect` and `convert`: files in memory
 * ({@link InputFile}) in, lines and written files ({@link OutputFiles}) out, with no file system
 * (no Node builtins), so that a web page runs the very same code (`examples/web/`). The Node CLI
 * (`./main`) is a thin wrapper: it reads the paths (`./node-files`), calls these, and writes
 * what they return.
 */
import { ConfigError, LstmBridgeError } from '../errors';
import { describeGroup, otherTensors } from './describe';
import { describeStateDictRecurrent, stateDictGruRnns } from './recurrent-kinds';
import { describeKerasGruRnn, kerasGruRnns } from './keras-recurrent';
import { FormatOptions, InputFile, OutputFiles, Source, detectFormat, formatForOutput, formatNamed } from './formats';
import { disposeGroups, kerasGroups, stateDictGroups } from './lstm-groups';
import type { Progress } from './progress';
import { wrapList } from './text-lists';
import { isRecurrentSource, readBackOptions, recurrentNotes } from './recurrent-convert';
import { verifyConversion } from './verify';

/** Where the commands write their lines. */
export interface CommandIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** What a conversion also needs: a progress reporter, and where its result goes. */
export interface ConvertIo extends CommandIo {
  readonly progress: Progress;
  /** Takes the written file(s) (the CLI writes them to disk; a page keeps them to download), before any verification. */
  write(output: OutputFiles): void | Promise<void>;
}

/** Options of {@link convertFile}. */
export interface ConvertOptions extends FormatOptions {
  readonly verify: boolean;
  readonly tolerance: number;
}

/** The output of a conversion: its path, and whether it names an existing directory (a TF.js output). */
export interface OutputTarget {
  readonly path: string;
  readonly isDirectory: boolean;
}

/** The lines of `inspect` for a loaded file. */
export function inspectSource(source: Source, out: (line: string) => void): void {
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
export async function loadInput(input: InputFile, options: FormatOptions, io: CommandIo): Promise<Source> {
  const from = detectFormat(input);
  if (options.unknownClasses !== undefined && from.name !== 'torch') {
    throw new ConfigError(`lstm-bridge: --unknown-classes applies to PyTorch files; ${input.path} is read as ${from.title}`);
  }
  const source = await from.load(input, options);
  for (const note of source.notes ?? []) io.stderr(`lstm-bridge: note: ${note}`);
  return source;
}

/** `lstm-bridge inspect`: the description of `input` on `io.stdout` (notes on `io.stderr`). */
export async function inspectFile(input: InputFile, options: FormatOptions, io: CommandIo): Promise<void> {
  const source = await loadInput(input, options, io);
  try {
    inspectSource(source, io.stdout);
  } finally {
    source.dispose();
  }
}

/** The written files as an input (to load them back for `--verify`). */
export function inputOfOutput(path: string, output: OutputFiles): InputFile {
  const missing = (name: string): never => {
    throw new ConfigError(`lstm-bridge: --verify: ${path} has no file ${name}`);
  };
  if (output.kind === 'file') return { path, bytes: output.bytes, isDirectory: false, sibling: missing };
  return { path, bytes: output.files.get('model.json') ?? new Uint8Array(0), isDirectory: true, sibling: (name) => output.files.get(name) ?? missing(name) };
}

/**
 * `lstm-bridge convert`: converts `input` to `output`'s format (`to`, else from its name), hands
 * the written files to `io.write`, and with `verify` compares both sides on random input.
 * @returns the exit code: 0 done, 3 a difference above the tolerance
 */
export async function convertFile(input: InputFile, output: OutputTarget, to: string | undefined, options: ConvertOptions, io: ConvertIo): Promise<number> {
  const { progress } = io;
  const from = detectFormat(input);
  const target = to ? formatNamed(to) : formatForOutput(output.path, output.isDirectory);
  if (options.emit !== undefined && target.name !== 'tfjs') throw new ConfigError(`lstm-bridge: --emit applies to TF.js output only, got output format ${target.name}`);
  // The phases: reading, converting, writing (the format's save steps to it), verifying.
  progress.total(3 + (options.verify ? 1 : 0));
  progress.step(`reading ${input.path}`);
  const source = await loadInput(input, options, io);
  let result: Source | null = null;
  try {
    const recurrent = isRecurrentSource(source);
    for (const note of recurrentNotes(source, target.name, options)) io.stderr(`lstm-bridge: note: ${note}`);
    progress.step(`converting to ${target.name}`);
    const report = await target.save(source, output.path, options, progress);
    await io.write(report.output);
    progress.done();
    io.stdout(`${input.path} (${from.name}) -> ${output.path} (${target.name})`);
    for (const line of report.written ?? []) io.stdout(line);
    if (report.notConverted.length) io.stderr(`lstm-bridge: note: not converted (not ${recurrent ? 'GRU or RNN' : 'LSTM'}): ${report.notConverted.join(', ')}`);
    if (!options.verify) return 0;
    progress.step('verifying');
    const written = inputOfOutput(output.path, report.output);
    // A relu RNN written to a state dict is read back as relu (the file cannot say it).
    const readBack = readBackOptions(source, target.name, { ...options, config: undefined });
    result = await target.load(written, readBack);
    const comparisons = verifyConversion(source, result, readBack);
    // Formats that can run their own files (ONNX: onnxruntime) check them against the other side.
    for (const [format, file, other, role] of [[from, input, result, 'input'], [target, written, source, 'output']] as const) {
      if (!format.verifyFile) continue;
      const extra = await format.verifyFile(file, other, readBack, role);
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

/** The CLI's one-line message of an error: `lstm-bridge: <first line>`, `internal error: ` when it is not the library's own. */
export function oneLineError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const oneLine = message.split('\n')[0].replace(/^lstm-bridge: /, '');
  return `lstm-bridge: ${e instanceof LstmBridgeError ? '' : 'internal error: '}${oneLine}`;
}
