/**
 * The one way every weight conversion runs (`convertLstmWeights`, `convertGruWeights`,
 * `convertRnnWeights`): the source form to the engine's canonical form, the canonical form to the
 * target, the intermediate disposed (the input is untouched, the result is new tensors).
 */
import * as tf from '@tensorflow/tfjs-core';

import { CellWeights } from '../src/engine';
import { ShapeError } from '../src/errors';
import { disposeWeights } from './checks';

/** A copy of canonical weights (the `canonical` target): every tensor cloned. */
export function cloneCanonical<W extends CellWeights>(w: W): W {
  return tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(w)) if (v instanceof tf.Tensor) out[k] = tf.clone(v);
    return out;
  }) as unknown as W;
}

/**
 * `fromCanonical(toCanonical())`, disposing the intermediate canonical weights; when the source
 * is already canonical (`isCanonical`), `fromCanonical(weights)` and nothing is disposed.
 */
export function throughCanonical<C extends CellWeights, W>(weights: unknown, isCanonical: boolean, toCanonical: () => C, fromCanonical: (c: C) => W): W {
  const canonical = isCanonical ? (weights as C) : toCanonical();
  try {
    return fromCanonical(canonical);
  } finally {
    if (!isCanonical) disposeWeights(canonical);
  }
}

/**
 * The one direction of an ONNX node's weights (`directions` as the ONNX reader returns them), or,
 * for a node with another count, a ShapeError naming it (`rows`: W's rows, e.g. `'4H'`; `reader`:
 * the function that takes a bidirectional node); the directions are then disposed.
 */
export function oneDirection<W extends CellWeights>(directions: W[], rows: string, reader: string, where: string): W {
  if (directions.length !== 1) {
    disposeWeights(directions);
    throw new ShapeError(
      `${where}: one direction expected (W [1, ${rows}, I]); for a bidirectional node use ${reader}, got W with ` +
        `${directions.length} directions`,
    );
  }
  return directions[0];
}
