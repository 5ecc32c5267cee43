/**
 * The CLI's backend: the library's `useFastestBackend` (tfjs-node when installed, else wasm —
 * its .wasm ships inside @tensorflow/tfjs-backend-wasm — else cpu), which the CLI, unlike the
 * library, calls by itself. `LSTM_BRIDGE_BACKEND=cpu|wasm|tensorflow` forces one.
 */
import * as tf from '@tensorflow/tfjs-core';

import { BackendChoice, BackendName, FASTEST_FIRST, useFastestBackend } from '../backend';
import { ConfigError } from '../errors';

/** The backend `LSTM_BRIDGE_BACKEND` forces, or null. @throws ConfigError for an unknown name */
export function forcedBackend(value = process.env.LSTM_BRIDGE_BACKEND): BackendName | null {
  if (!value) return null;
  if (!(FASTEST_FIRST as readonly string[]).includes(value)) {
    throw new ConfigError(`LSTM_BRIDGE_BACKEND expected one of ${FASTEST_FIRST.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as BackendName;
}

/** Selects the fastest available backend (or the forced one) and says which and why. */
export async function useCliBackend(): Promise<BackendChoice> {
  const forced = forcedBackend();
  const choice = await useFastestBackend(forced ? { backends: [forced] } : {});
  // The cpu backend greets its first tensor in Node with a banner suggesting tfjs-node.
  if (choice.backend === 'cpu') (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return choice;
}
