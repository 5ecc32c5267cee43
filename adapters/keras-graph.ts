/**
 * The path through a tfjs-layers model (`tf.sequential` or `tf.model`) that a PyTorch `nn.LSTM`
 * (`nn.GRU`, `nn.RNN`; messages name the one, {@link ChainLabel}) can stand for: one chain of layers from the sequence input to the model's first output, each
 * layer taking the sequence output of the one below, with nothing else on the side.
 *
 * Accepted around the chain: `InputLayer`s (the sequence input, and inputs fed straight into a
 * layer's `initialState`), and model outputs that are the last layer's output(s) and any chain
 * layer's states (`returnState`). Anything else — a branch, a layer whose initial state is
 * computed, a skip connection, a shared layer, an intermediate layer's sequence as a model
 * output — has no `nn.LSTM` equivalent and gets an {@link UnsupportedConversionError} naming the
 * layer. Which layers may sit on the chain is decided by `./keras-stack`.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Node } from '@tensorflow/tfjs-layers/dist/engine/topology';

import { UnsupportedConversionError } from '../src/errors';

type Layer = tfl.layers.Layer;

/** How messages name the PyTorch module a chain stands for: `nn.LSTM` / `nn.GRU` / `nn.RNN`. */
export interface ChainLabel {
  /** `'nn.LSTM'`, `'nn.GRU'`, `'nn.RNN'`. */
  readonly module: string;
  /** The Keras class of its layers: `'LSTM'`, `'GRU'`, `'SimpleRNN'`. */
  readonly layers: string;
  /** Its initial states: `'h0/c0'` (LSTM) or `'h0'`. */
  readonly states: string;
}

/** The LSTM's {@link ChainLabel} (the default). */
export const LSTM_LABEL: ChainLabel = { module: 'nn.LSTM', layers: 'LSTM', states: 'h0/c0' };

/** One layer of the chain, with the model inputs wired into its initial state (if any). */
export interface ChainLink {
  readonly layer: Layer;
  /** Model inputs fed to the layer's `initialState`, in order (empty when none). */
  readonly stateInputs: readonly tfl.SymbolicTensor[];
}

/** Which of a layer's outputs are its sequence (or merged) outputs, before the states. */
export function sequenceOutputCount(layer: Layer): number {
  const mergeMode = (layer as unknown as { mergeMode?: unknown }).mergeMode;
  return isBidirectional(layer) && mergeMode === null ? 2 : 1;
}

function isBidirectional(layer: Layer): boolean {
  const name = layer.getClassName();
  return name === 'Bidirectional' || name === 'LstmBridge.Bidirectional';
}

const describe = (layer: Layer) => `'${layer.name}' (${layer.getClassName()})`;

/**
 * The chain of `model`, bottom to top, without `InputLayer`s. `admit` is called on every layer
 * met on the way down, before its inputs are looked at, and throws for layers that cannot be on
 * the chain.
 * @throws UnsupportedConversionError naming the layer that leaves the chain, and why.
 */
export function modelChain(model: tfl.LayersModel, where: string, admit: (layer: Layer) => void, label: ChainLabel = LSTM_LABEL): ChainLink[] {
  const m = label.module;
  const outputs = model.outputs;
  if (!outputs || outputs.length === 0) {
    throw new UnsupportedConversionError(`${where}: model '${model.name}' has no outputs (is it built?)`);
  }
  const inputs = new Set(model.inputs);
  const chain: ChainLink[] = [];
  let t = outputs[0];
  if (t.tensorIndex !== 0) {
    throw new UnsupportedConversionError(
      `${where}: the model's first output is output ${t.tensorIndex} of layer ${describe(t.sourceLayer)}, ` +
        `expected its sequence output (output 0): ${m} returns the last layer's output first`,
    );
  }
  const seen = new Set<Layer>();
  while (t.sourceLayer.getClassName() !== 'InputLayer') {
    const layer = t.sourceLayer;
    if (seen.has(layer)) throw new UnsupportedConversionError(`${where}: layer ${describe(layer)} is applied more than once`);
    seen.add(layer);
    admit(layer);
    const node: Node | undefined = layer.inboundNodes[t.nodeIndex];
    if (!node || node.inputTensors.length === 0) {
      throw new UnsupportedConversionError(`${where}: layer ${describe(layer)} has no input in this model`);
    }
    const [sequence, ...states] = node.inputTensors;
    for (const s of states) {
      if (s.sourceLayer.getClassName() !== 'InputLayer' || !inputs.has(s)) {
        throw new UnsupportedConversionError(
          `${where}: the initial state of layer ${describe(layer)} is computed by layer ${describe(s.sourceLayer)}; ` +
            `${m} takes ${label.states} as given tensors: only model inputs can feed an initial state`,
        );
      }
    }
    chain.unshift({ layer, stateInputs: states });
    if (sequence.tensorIndex !== 0) {
      throw new UnsupportedConversionError(
        `${where}: layer ${describe(layer)} takes output ${sequence.tensorIndex} of layer ${describe(sequence.sourceLayer)}, ` +
          `expected its sequence output (output 0): in ${m} each layer reads the sequence of the layer below`,
      );
    }
    t = sequence;
  }
  if (!inputs.has(t)) {
    throw new UnsupportedConversionError(`${where}: the chain starts at input layer '${t.sourceLayer.name}', which is not a model input`);
  }
  if (chain.length === 0) throw new UnsupportedConversionError(`${where}: model '${model.name}' has no layers between its input and output`);

  const onChain = new Set(chain.map((l) => l.layer));
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'InputLayer' && !onChain.has(layer)) {
      throw new UnsupportedConversionError(
        `${where}: layer ${describe(layer)} is not on the path from the input to the model's first output ` +
          `(a branch or a side computation): ${m} is one chain of ${label.layers} layers`,
      );
    }
  }
  const last = chain[chain.length - 1].layer;
  outputs.forEach((o, k) => {
    if (k === 0) return;
    const layer = o.sourceLayer; // on the chain: every layer is, checked above
    if (o.tensorIndex < sequenceOutputCount(layer) && !(layer === last && o.tensorIndex === 1)) {
      throw new UnsupportedConversionError(
        `${where}: model output ${k} is sequence output ${o.tensorIndex} of layer ${describe(layer)}: ${m} returns ` +
          "one sequence (the last layer's, the model's first output) and every layer's final states",
      );
    }
  });
  return chain;
}
