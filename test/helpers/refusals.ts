/**
 * The refusal of a conversion (`adapters.toTorch` and the like): the error's class, the fragments
 * its message must contain (and those it must not), no tensor left behind, the source disposed.
 */
import * as tfl from '@tensorflow/tfjs-layers';

import { tf } from './tf';

/**
 * Expects `convert(source)` to throw a `type` whose message contains every `fragments` entry and
 * none of `absent`; checks the tensor count and disposes `source` (when built).
 * @returns the message.
 */
export function expectConversionRefused(
  convert: (source: tfl.layers.Layer) => { dispose(): void },
  source: tfl.layers.Layer,
  type: abstract new (...args: never[]) => Error,
  fragments: readonly string[],
  absent: readonly string[] = [],
): string {
  const before = tf.memory().numTensors;
  let error: unknown = null;
  try {
    convert(source).dispose();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  const message = (error as Error).message;
  for (const f of fragments) expect(message).toContain(f);
  for (const f of absent) expect(message).not.toContain(f);
  expect(tf.memory().numTensors).toBe(before);
  if (source.built) source.dispose();
  return message;
}
