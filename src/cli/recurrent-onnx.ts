/**
 * ONNX files of `GRU` / `RNN` nodes in the CLI (the branch `./formats/onnx` takes for files and
 * sources without an LSTM; see `./recurrent-convert` for the table):
 *
 * - reading: `io.readOnnxRecurrentStacks`; the stacks become a state dict under their prefixes
 *   (`--prefix`, the recorded one, else `gru.` / `rnn.`; as `./formats/onnx-prefixes` names
 *   several) when PyTorch computes every one (GRU `linear_before_reset=1` with sigmoid / tanh,
 *   RNN tanh), else the one stack is read as a Keras model (a reset-before GRU, a relu RNN whose
 *   nonlinearity a state dict would lose);
 * - writing: one stack -> `io.saveOnnxStack` with `cell: 'gru' | 'rnn'`, its reset and activations,
 *   batch first for models, time-major for state dicts (as `torch.onnx.export` writes nn.GRU).
 */
import { UnsupportedConversionError } from '../errors';
import { OnnxRecurrentStack, readOnnxRecurrentStacks, saveOnnxStack } from '../io';
import type { ModelProto } from '../onnx';
import { modelSource } from './formats/keras';
import { PREFIX_METADATA, onnxPrefixes } from './formats/onnx-prefixes';
import { stateDictSource } from './formats/torch';
import { FormatOptions, OutputFiles, SaveReport, Source } from './formats/types';
import { chainIncompatibility } from './layer-chains';
import { Progress } from './progress';
import { otherKeys, sourceStacks } from './recurrent-convert';
import { RECURRENT_KEY } from './recurrent-kinds';
import {
  RecurrentStack, choiceName, defaultPrefix, disposeRecurrentStacks, fromOnnxStack, pickStack, stackToKerasModel, stackToStateDict, torchIncompatibility,
} from './recurrent-stacks';

/** The prefixes of a file's GRU / RNN stacks. */
export function recurrentOnnxPrefixes(model: ModelProto, stacks: readonly { kind: 'gru' | 'rnn' }[], options: FormatOptions): string[] {
  const recorded = model.metadataProps.find((e) => e.key === PREFIX_METADATA)?.value;
  if (stacks.length === 1 && options.prefix === undefined && recorded === undefined) return [defaultPrefix(stacks[0].kind === 'gru' ? 'GRU' : 'RNN')];
  return onnxPrefixes(model, stacks.length, options);
}

function describeStack(s: OnnxRecurrentStack, prefix: string): string[] {
  const op = s.kind === 'gru' ? 'GRU' : 'RNN';
  const form = s.form === 'batch-first' ? 'batch first' : s.form;
  const outputs = [s.output, s.hN].filter(Boolean).join(', ');
  const cell = s.kind === 'gru' ? `linear_before_reset=${s.resetAfter ? 1 : 0}, activations ${s.recurrentActivation} / ${s.activation}` : `activation ${s.activation}`;
  return [
    `stack '${prefix}': ${op} nodes ${s.nodes.join(' -> ')}; ${cell}; input '${s.input}'${s.inputIsGraphInput ? '' : ' (computed by the graph)'} ${form}; ` +
      `outputs ${outputs || '(not graph outputs)'}; initial state ${s.initialState.kind === 'input' ? `from input ${s.initialState.h0}` : 'zeros'}`,
    ...s.notes.map((n) => `  note: ${n}`),
    ...s.issues.map((n) => `  note: the stack alone does not reproduce this: ${n}`),
  ];
}

/** Does the PyTorch state dict hold the stack exactly, nonlinearity included? */
const stateDictHolds = (s: RecurrentStack) => torchIncompatibility(s) === null && (s.kind === 'GRU' || s.activation === 'tanh');

/** A file's GRU / RNN stacks as a {@link Source} (see the module documentation), or null when it has none. */
export function recurrentOnnxSource(model: ModelProto, path: string, options: FormatOptions): Source | null {
  const read = readOnnxRecurrentStacks(model);
  if (read.length === 0) return null;
  const prefixes = recurrentOnnxPrefixes(model, read, options);
  const details = read.flatMap((s, k) => describeStack(s, prefixes[k]));
  const storedTensors = new Map(read.map((s, k) => [prefixes[k], s.weights.flatMap((w) => [w.W, w.R, ...(w.B ? [w.B] : [])])] as const));
  const batchFirst = new Map(read.map((s, k) => [prefixes[k], s.batchFirst] as const));
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 1;
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown producer';
  const count = (kind: 'gru' | 'rnn', op: string) => {
    const n = read.filter((s) => s.kind === kind).reduce((a, s) => a + s.nodes.length, 0);
    return n ? [`${n} ${op} node${n === 1 ? '' : 's'}`] : [];
  };
  const summary = `ONNX model (${producer}, IR ${model.irVersion}, opset ${opset}), ${[...count('gru', 'GRU'), ...count('rnn', 'RNN')].join(', ')} in ${read.length} stack${read.length === 1 ? '' : 's'}`;
  const stacks = read.map((s, k) => fromOnnxStack(s, prefixes[k]));
  try {
    if (stacks.every(stateDictHolds)) {
      const sd = Object.assign({}, ...stacks.map((s) => stackToStateDict(s, s.name)));
      return { ...stateDictSource('onnx', path, summary, sd), stored: new Map(prefixes.map((p) => [p, 'onnx'] as const)), storedTensors, details, batchFirst };
    }
    if (stacks.length > 1) {
      const odd = stacks.filter((s) => !stateDictHolds(s)).map((s) => `'${s.name}' (${torchIncompatibility(s) ?? `nonlinearity ${s.activation}`})`);
      throw new UnsupportedConversionError(`lstm-bridge: ${path}: stacks ${odd.join(', ')} are not PyTorch modules a state dict holds, and the file has ${stacks.length} stacks (a model is read from one stack only)`);
    }
    const m = stackToKerasModel(stacks[0]);
    const s = stacks[0];
    const why = s.kind === 'GRU' ? `linear_before_reset=${s.resetAfter ? 1 : 0}, activations ${s.recurrentActivation} / ${s.activation}` : `activation ${s.activation}`;
    return { ...modelSource('onnx', path, `${summary}; ${why}, read as a Keras model`, m, new Map(m.layers.map((l) => [l.name, 'onnx'] as const))), details };
  } finally {
    disposeRecurrentStacks(stacks);
  }
}

/** One GRU / RNN stack of `source` as the ONNX file named `path` (see the module documentation; nothing is written to disk here). */
export function saveRecurrentOnnx(source: Source, path: string, options: FormatOptions, progress: Progress): SaveReport & { output: OutputFiles } {
  const stacks = sourceStacks(source, options);
  try {
    const s = stacks[pickStack(stacks, options.prefix)];
    progress.detail(`converting ${s.name}`);
    const why = chainIncompatibility(s.kerasLayers, `an ONNX ${s.kind} stack`);
    if (why) throw new UnsupportedConversionError(`lstm-bridge: ${s.kind} '${s.name}' cannot be an ONNX ${s.kind} stack: ${why}`);
    const prefix = source.stateDict ? s.name : stacks.length === 1 ? options.prefix ?? defaultPrefix(s.kind) : choiceName(s);
    const batchFirst = source.stateDict ? source.batchFirst?.get(s.name) ?? false : !s.kerasLayers.some((l) => ('forwardLayer' in l ? l.forwardLayer : l).timeMajor);
    progress.step(`writing ${path}`);
    const bytes = saveOnnxStack(s.layers, {
      cell: s.kind === 'GRU' ? 'gru' : 'rnn', resetAfter: s.resetAfter, activation: s.activation, recurrentActivation: s.recurrentActivation, batchFirst, metadata: { [PREFIX_METADATA]: prefix },
    });
    const others = stacks.filter((x) => x !== s).map((x) => `${x.name} (another ${x.kind}; choose it with --prefix ${choiceName(x)})`);
    const inAny = (key: string) => stacks.some((x) => key.startsWith(x.name) && RECURRENT_KEY.test(key.slice(x.name.length)));
    const rest = source.stateDict
      ? otherKeys(source.stateDict, s.name).filter((key) => !inAny(key))
      : source.model!.layers.filter((l) => !stacks.some((x) => x.kerasLayers.some((kl) => kl.name === l.name)) && l.weights.length > 0).map((l) => `${l.name} (${l.getClassName()})`);
    return { notConverted: [...others, ...rest], output: { kind: 'file', bytes, writer: 'io.saveOnnxStack' } };
  } finally {
    disposeRecurrentStacks(stacks);
  }
}
