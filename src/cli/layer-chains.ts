/**
 * Chains of a Keras / TF.js model's recurrent layers (any kind: LSTM, GRU, SimpleRNN, or a
 * `Bidirectional` of one) that one PyTorch-style stack (`nn.LSTM` / `nn.GRU` / `nn.RNN` with
 * `num_layers=k`) computes: consecutive layers of one class, each fed by the previous one's full
 * sequence (through `Dropout` layers, the identity at inference), with the same units,
 * activations, bias and reset; `Bidirectional`s with `merge_mode='concat'`. Used by
 * `./lstm-groups` (LSTMs) and `./recurrent-stacks` (GRU / RNN).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import { Bidirectional, RecurrentLayer } from '../layers';

/** A recurrent layer, or a `Bidirectional` around one. */
export type ChainLayer<L extends RecurrentLayer = RecurrentLayer> = L | Bidirectional<L>;

/** The directions of a layer: itself, or a Bidirectional's forward and backward layers. */
export function halvesOf<L extends RecurrentLayer>(l: ChainLayer<L>): L[] {
  return l instanceof Bidirectional ? [l.forwardLayer, l.backwardLayer] : [l];
}

/** The one layer feeding `layer`, or null. */
function inboundLayer(layer: tfl.layers.Layer): tfl.layers.Layer | null {
  const nodes = layer.inboundNodes;
  if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1) return null;
  return nodes[0].inboundLayers[0];
}

/** The layer feeding `layer`, through `Dropout` layers (the identity at inference), or null. */
function feedingLayer(layer: tfl.layers.Layer): tfl.layers.Layer | null {
  let l = inboundLayer(layer);
  while (l && l.getClassName() === 'Dropout') l = inboundLayer(l);
  return l;
}

function signature(l: ChainLayer): string {
  const h = halvesOf(l)[0];
  const c = h.cell.config as { activation?: string; recurrentActivation?: string; useBias?: boolean; resetAfter?: boolean };
  return JSON.stringify([l instanceof Bidirectional ? (l.mergeMode ?? 'none') : 'one', h.getClassName(), h.units, c.activation, c.recurrentActivation ?? null, c.useBias, c.resetAfter ?? null]);
}

/** Can `next` be the layer above `prev` in one PyTorch-style stack? */
function continues(prev: ChainLayer, next: ChainLayer): boolean {
  return (
    feedingLayer(next) === prev &&
    prev.returnSequences &&
    !prev.returnState &&
    signature(prev) === signature(next) &&
    (prev instanceof Bidirectional ? prev.mergeMode === 'concat' : !prev.goBackwards) &&
    !halvesOf(prev).some((h) => h.timeMajor)
  );
}

/** `layers` (in model order) split into chains, each one PyTorch-style stack. */
export function chainsOf<T extends ChainLayer>(layers: readonly T[]): T[][] {
  const chains: T[][] = [];
  for (const l of layers) {
    const last = chains[chains.length - 1];
    if (last && continues(last[last.length - 1], l)) last.push(l);
    else chains.push([l]);
  }
  return chains;
}

/**
 * Why a chain's layers are not one engine stack (forward, or forward and backward, each layer
 * reading the whole concatenated sequence below), whatever its activations, or null. `module`
 * names the PyTorch module in the message (`nn.LSTM`).
 */
export function chainIncompatibility(chain: readonly ChainLayer[], module: string): string | null {
  for (const l of chain) {
    if (!(l instanceof Bidirectional) && l.goBackwards) return `layer '${l.name}' runs backwards only (go_backwards); ${module} has no such direction`;
    if (l instanceof Bidirectional && l.mergeMode !== 'concat' && l !== chain[chain.length - 1]) {
      return `layer '${l.name}' merges its directions with '${l.mergeMode}' before the next layer; ${module} concatenates them`;
    }
    if (l instanceof Bidirectional && (l.forwardLayer.goBackwards || !l.backwardLayer.goBackwards)) {
      return `layer '${l.name}' has halves that do not run forward then backward`;
    }
  }
  return null;
}

/**
 * Runs a chain's own layers on `x` (N, L, I) and returns what the last one returns (the output
 * only, without states). The caller disposes the result.
 */
export function runChain(chain: readonly tfl.layers.Layer[], x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let y = x;
    for (const l of chain) {
      const out = l.apply(y) as tf.Tensor | tf.Tensor[];
      y = Array.isArray(out) ? out[0] : out;
    }
    return y;
  });
}
