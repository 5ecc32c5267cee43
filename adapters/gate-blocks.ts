/**
 * Gate blocks by name: split a 4H-stacked weight into its i, f, g, o blocks in any gate order,
 * and join blocks back in any order.
 *
 * The engine's `permuteGates` (`src/engine/gates.ts`) reorders whole stacked weights; the
 * conventions that store one array per gate (Keras 1) or transform each gate block on its own
 * (cuDNN) need the blocks themselves. Letters follow `GateOrder`: the candidate is `g`, `c` or
 * `j` depending on the framework; all three mean the same gate, called `g` here.
 *
 * Splitting and joining copy blocks only (no arithmetic), so they are exact.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ConfigError, ShapeError, formatShape } from '../src/errors';
import { describeValue } from '../src/engine/internal';
import { checkNumberArg, checkTensorArg, expectRecord } from './checks';
import { GateOrder, gatePermutation } from '../src/engine';

/** The four gate blocks of one weight, by canonical gate name (g = cell candidate). */
export interface GateBlocks<T extends tf.Tensor = tf.Tensor> {
  readonly i: T;
  readonly f: T;
  readonly g: T;
  readonly o: T;
}

const CANONICAL: readonly (keyof GateBlocks)[] = ['i', 'f', 'g', 'o'];

/** Position of each canonical gate (i, f, g, o) in `order`. */
function positions(order: GateOrder): [number, number, number, number] {
  // gatePermutation(order, 'ifgo')[k] = index in `order` of the canonical gate k.
  return gatePermutation(order, 'ifgo');
}

/**
 * Splits `x` along `axis` into its four gate blocks, stacked in `order`.
 * The blocks are new tensors; `x` is not disposed.
 *
 * Example: `splitGates(weightIh, 'ifgo', 0).f` is PyTorch's `W_if` (H, I).
 * @throws ShapeError when the axis does not hold 4 equal blocks.
 */
export function splitGates<T extends tf.Tensor>(x: T, order: GateOrder, axis: number, where = 'adapters.splitGates'): GateBlocks<T> {
  checkTensorArg(x, 'x', where);
  checkNumberArg(axis, 'axis', where, { integer: true });
  const ax = axis < 0 ? x.rank + axis : axis;
  if (ax < 0 || ax >= x.rank || x.shape[ax] % 4 !== 0 || x.shape[ax] === 0) {
    throw new ShapeError(`${where}: axis ${axis} of a tensor shaped ${formatShape(x.shape)} must hold 4 gate blocks`);
  }
  const pos = positions(order);
  const parts = tf.split(x, 4, ax) as T[];
  return { i: parts[pos[0]], f: parts[pos[1]], g: parts[pos[2]], o: parts[pos[3]] };
}

function expectGateBlocks(blocks: unknown, where: string): void {
  const record = expectRecord<Record<string, unknown>>(blocks, 'blocks', where);
  for (const gate of CANONICAL) checkTensorArg(record[gate], `blocks.${gate}`, where);
}

/**
 * Stacks four gate blocks along `axis` in `order`. The blocks are not disposed.
 *
 * Example: `joinGates({i, f, g, o}, 'iofc', 0)` stacks ONNX-style.
 */
export function joinGates<T extends tf.Tensor>(blocks: GateBlocks<T>, order: GateOrder, axis: number): T {
  expectGateBlocks(blocks, 'adapters.joinGates');
  checkNumberArg(axis, 'axis', 'adapters.joinGates', { integer: true });
  const pos = positions(order);
  const ordered: T[] = new Array(4);
  CANONICAL.forEach((gate, k) => {
    ordered[pos[k]] = blocks[gate];
  });
  return tf.concat(ordered, axis) as T;
}

/** Applies `fn` to each block of `blocks` (in canonical order) and returns the results. */
export function mapGates<T extends tf.Tensor, U extends tf.Tensor>(blocks: GateBlocks<T>, fn: (block: T) => U): GateBlocks<U> {
  expectGateBlocks(blocks, 'adapters.mapGates');
  if (typeof fn !== 'function') throw new ConfigError(`adapters.mapGates: fn expected a function, got ${describeValue(fn)}`);
  return { i: fn(blocks.i), f: fn(blocks.f), g: fn(blocks.g), o: fn(blocks.o) };
}

/** Disposes the four blocks. */
export function disposeGates(blocks: GateBlocks): void {
  expectGateBlocks(blocks, 'adapters.disposeGates');
  for (const gate of CANONICAL) blocks[gate].dispose();
}

/**
 * Splits `x` along `axis` into `count` equal blocks, applies `fn` to each (with its index) and
 * joins the results along `axis` in the same order: the per-block transforms of any cell kind
 * (a GRU's 3 blocks, an LSTM's 4). Intermediate tensors are the caller's to tidy.
 * @throws ShapeError when the axis does not hold `count` equal blocks.
 */
export function mapBlocks(x: tf.Tensor, count: number, axis: number, fn: (block: tf.Tensor, k: number) => tf.Tensor, where = 'adapters.mapBlocks'): tf.Tensor {
  checkTensorArg(x, 'x', where);
  checkNumberArg(count, 'count', where, { integer: true, min: 1 });
  checkNumberArg(axis, 'axis', where, { integer: true });
  if (typeof fn !== 'function') throw new ConfigError(`${where}: fn expected a function, got ${describeValue(fn)}`);
  const ax = axis < 0 ? x.rank + axis : axis;
  if (ax < 0 || ax >= x.rank || x.shape[ax] % count !== 0 || x.shape[ax] === 0) {
    throw new ShapeError(`${where}: axis ${axis} of a tensor shaped ${formatShape(x.shape)} must hold ${count} equal blocks`);
  }
  return tf.concat(tf.split(x, count, ax).map(fn), ax);
}
