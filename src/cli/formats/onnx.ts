/**
 * ONNX models (`.onnx`), read with `io.readOnnxLstmStacks`, written with `io.saveOnnx`.
 *
 * Reading: every stack of LSTM nodes (what one `nn.LSTM` holds, see `onnx/trace`) becomes a
 * PyTorch state dict under a prefix: `--prefix`, else the one the file records (`metadata_props`
 * `lstm_bridge.state_dict_prefix`, written by this module), else `lstm.`; several stacks get
 * `lstm0.`, `lstm1.`, ... (the recorded prefix or `lstm` without its dot, then the index). A
 * single stack with activations other than sigmoid / tanh (which a state dict cannot say)
 * becomes a Keras model instead, so that it converts to Keras / TF.js.
 *
 * Writing: a state dict's LSTM under `--prefix` (or its only one) as `nn.LSTM` ->
 * `io.saveOnnx`, time-major (as `torch.onnx.export` of an `nn.LSTM` default) or as read for ONNX
 * sources. A Keras / TF.js model's LSTM group (`../lstm-groups`: the whole model when
 * `adapters.toTorch` converts it, else its chains of LSTM layers; `--prefix <first layer>.`
 * chooses among several separate stacks) -> `io.saveOnnxStack` with its activations (Keras 2 and
 * 3 `hard_sigmoid` become `HardSigmoid` with their alpha / beta), batch-first (the model's input
 * is (N, L, F)). The prefix is recorded in the file.
 *
 * `--verify` also runs the ONNX file in onnxruntime-node when it is installed (`../onnx-verify`).
 */
import { stackToTorchStateDict } from '../../../adapters';
import * as tfl from '@tensorflow/tfjs-layers';

import { UnsupportedConversionError } from '../../errors';
import { OnnxLstmStack, disposeOnnxStacks, readOnnxLstmStacks, saveOnnx, saveOnnxStack } from '../../io';
import { LSTM as TorchLSTM } from '../../nn';
import { decodeModel } from '../../onnx';
import type { ModelProto } from '../../onnx';
import { Progress } from '../progress';
import { disposeGroups, groupChoiceName, groupToKerasModel, halves, kerasGroups, lstmPrefixes, pickGroup, stackIncompatibility } from '../lstm-groups';
import { isRecurrentSource } from '../recurrent-convert';
import { recurrentOnnxSource, saveRecurrentOnnx } from '../recurrent-onnx';
import { verifyAnyOnnxFile } from '../recurrent-onnx-verify';
import { modelSource } from './keras';
import { PREFIX_METADATA, onnxPrefixes } from './onnx-prefixes';
import { DEFAULT_PREFIX, chosenPrefix, stateDictOf } from './state-dict';
import { stateDictSource } from './torch';
import { FormatModule, FormatOptions, OutputFiles, SaveReport } from './types';

export { PREFIX_METADATA, onnxPrefixes };

/** Does `head` look like a serialized ModelProto (field 1 `ir_version` first, as every exporter writes it)? */
function looksLikeOnnx(head: Uint8Array): boolean {
  return head.length > 3 && head[0] === 0x08 && head[1] >= 1 && head[1] <= 15 && [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42].includes(head[2]);
}

/**
 * LSTM weights (W, R, B, P) that are graph inputs with no value in the file (ONNX node tests,
 * exports with export_params=False). The library takes them in `options.inputValues`; the CLI
 * has no way to pass them, so it says so before the library's API-worded refusal.
 */
function weightsWithoutValues(model: ModelProto, path: string): void {
  const graph = model.graph;
  const stored = new Set(graph.initializer.map((t) => t.name));
  const inputs = new Set(graph.input.map((v) => v.name).filter((n) => !stored.has(n)));
  const missing = graph.node
    .filter((n) => n.opType === 'LSTM' && (!n.domain || n.domain === 'ai.onnx'))
    .map((n, k) => {
      const names = ([[1, 'W'], [2, 'R'], [3, 'B'], [7, 'P']] as const).filter(([at]) => n.input[at] && inputs.has(n.input[at]));
      return names.length ? `LSTM ${n.name ? `'${n.name}'` : `node #${k}`}: ${names.map(([at, what]) => `${what} '${n.input[at]}'`).join(', ')}` : '';
    })
    .filter(Boolean);
  if (missing.length) {
    throw new UnsupportedConversionError(
      `lstm-bridge: ${path}: weights that are graph inputs without a value in the file (${missing.join('; ')}); the CLI has no option to supply graph inputs (not supported): export the model with its weights stored (torch.onnx.export's default export_params=True)`,
    );
  }
}

function describeStack(s: OnnxLstmStack, prefix: string): string[] {
  const form = s.form === 'batch-first' ? 'batch first' : s.form;
  const outputs = [s.output, s.hN, s.cN].filter(Boolean).join(', ');
  const states = s.initialState.kind === 'inputs' ? `from inputs ${s.initialState.h0}, ${s.initialState.c0}` : 'zeros';
  return [
    `stack '${prefix}': LSTM nodes ${s.nodes.join(' -> ')}; input '${s.input}'${s.inputIsGraphInput ? '' : ' (computed by the graph)'} ${form}; ` +
      `outputs ${outputs || '(not graph outputs)'}; initial states ${states}${s.sequenceLens ? `; sequence_lens '${s.sequenceLens}'` : ''}`,
    ...s.notes.map((n) => `  note: ${n}`),
    ...s.issues.map((n) => `  note: nn.LSTM.forward alone does not reproduce this: ${n}`),
  ];
}

/** Writes one LSTM group of a Keras / TF.js model with its activations (see the module documentation). */
function saveModelGroup(model: tfl.LayersModel, path: string, options: FormatOptions, progress: Progress): SaveReport & { output: OutputFiles } {
  const groups = kerasGroups(model);
  try {
    const k = pickGroup(groups, options.prefix);
    const g = groups[k];
    progress.detail(`converting ${g.name}`);
    const why = stackIncompatibility(g);
    if (why) throw new UnsupportedConversionError(`lstm-bridge: LSTM '${g.name}' cannot be an ONNX LSTM stack: ${why}`);
    const prefix = groups.length === 1 ? options.prefix ?? DEFAULT_PREFIX : groupChoiceName(g);
    const batchFirst = !halves(g.kerasLayers[0])[0].timeMajor;
    progress.step(`writing ${path}`);
    const bytes = saveOnnxStack(g.layers, { activation: g.activation, recurrentActivation: g.recurrentActivation, batchFirst, metadata: { [PREFIX_METADATA]: prefix } });
    const inGroups = new Set(groups.flatMap((x) => x.kerasLayers.map((l) => l.name)));
    const others = groups.filter((x) => x !== g).map((x) => `${x.name} (another LSTM; choose it with --prefix ${groupChoiceName(x)})`);
    const rest = model.layers.filter((l) => !inGroups.has(l.name) && l.weights.length > 0).map((l) => `${l.name} (${l.getClassName()})`);
    return { notConverted: [...others, ...rest], output: { kind: 'file', bytes, writer: 'io.saveOnnxStack' } };
  } finally {
    disposeGroups(groups);
  }
}

export const onnxFormat: FormatModule = {
  name: 'onnx',
  title: 'ONNX model with LSTM, GRU or RNN nodes (.onnx; writes one stack, opset 14)',
  extensions: ['.onnx'],
  detect(path, head, isDirectory) {
    return !isDirectory && (/\.onnx$/i.test(path) || looksLikeOnnx(head));
  },
  async load(input, options) {
    const path = input.path;
    const model = decodeModel(input.bytes);
    weightsWithoutValues(model, path);
    const stacks = readOnnxLstmStacks(model);
    const recurrent = stacks.length === 0 ? recurrentOnnxSource(model, path, options) : null;
    if (recurrent) return recurrent;
    try {
      const prefixes = onnxPrefixes(model, stacks.length, options);
      const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 1;
      const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown producer';
      const nodes = stacks.reduce((n, s) => n + s.nodes.length, 0);
      const summary = `ONNX model (${producer}, IR ${model.irVersion}, opset ${opset}), ${nodes} LSTM node${nodes === 1 ? '' : 's'} in ${stacks.length} stack${stacks.length === 1 ? '' : 's'}`;
      const details = stacks.flatMap((s, k) => describeStack(s, prefixes[k]));
      const storedTensors = new Map(stacks.map((s, k) => [prefixes[k], s.weights.flatMap((w) => [w.W, w.R, ...(w.B ? [w.B] : [])])] as const));
      const odd = stacks.filter((s) => s.activation !== 'tanh' || s.recurrentActivation !== 'sigmoid');
      if (odd.length && stacks.length === 1) {
        const s = stacks[0];
        const model = groupToKerasModel({ name: prefixes[0], config: s.config, layers: s.layers, activation: s.activation, recurrentActivation: s.recurrentActivation, kerasLayers: [] });
        const stored = new Map(model.layers.map((l) => [l.name, 'onnx'] as const));
        return { ...modelSource('onnx', path, `${summary}; activations ${s.recurrentActivation} / ${s.activation}, read as a Keras model`, model, stored), details };
      }
      if (odd.length) {
        throw new UnsupportedConversionError(`lstm-bridge: ${path}: stacks ${odd.map((s) => s.nodes.join(' -> ')).join('; ')} use activations other than sigmoid / tanh, which a state dict cannot hold`);
      }
      const stateDict = Object.assign({}, ...stacks.map((s, k) => stackToTorchStateDict(s.layers, { prefix: prefixes[k] })));
      const batchFirst = new Map(stacks.map((s, k) => [prefixes[k], s.form === 'batch-first'] as const));
      return { ...stateDictSource('onnx', path, summary, stateDict), stored: new Map(prefixes.map((p) => [p, 'onnx'] as const)), storedTensors, details, batchFirst };
    } finally {
      disposeOnnxStacks(stacks);
    }
  },
  async save(source, path, options, progress) {
    if (isRecurrentSource(source)) return saveRecurrentOnnx(source, path, options, progress);
    if (source.model) return saveModelGroup(source.model, path, options, progress);
    const result = stateDictOf(source, options, progress);
    try {
      const prefix = chosenPrefix(result.tensors, options);
      progress.detail(`converting '${prefix}' to nn.LSTM`);
      const batchFirst = source.batchFirst?.get(prefix) ?? false;
      const lstm = TorchLSTM.fromStateDict(result.tensors, { prefix, batchFirst });
      let bytes: Uint8Array;
      try {
        progress.step(`writing ${path}`);
        bytes = saveOnnx(lstm, { metadata: { [PREFIX_METADATA]: prefix } });
      } finally {
        lstm.dispose();
      }
      const others = lstmPrefixes(result.tensors).filter((p) => p !== prefix).map((p) => `${p}* (another LSTM; choose it with --prefix)`);
      const lstmKey = /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l\d+(_reverse)?$/;
      const rest = Object.keys(result.tensors).filter((k) => !lstmPrefixes(result.tensors).some((p) => k.startsWith(p) && lstmKey.test(k.slice(p.length))));
      return { notConverted: [...result.notConverted, ...others, ...rest], output: { kind: 'file', bytes, writer: 'io.saveOnnx' } };
    } finally {
      result.dispose();
    }
  },
  verifyFile: verifyAnyOnnxFile,
};
