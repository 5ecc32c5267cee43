/**
 * Picks the fastest tfjs backend installed, for the CLI, the demo and the benchmark (the library
 * itself never changes the backend: that stays the application's choice): tfjs-node when
 * installed, else wasm (its .wasm ships inside @tensorflow/tfjs-backend-wasm), else cpu.
 * `LSTM_BRIDGE_BACKEND=cpu|wasm|tensorflow` forces one.
 */
import * as tf from '@tensorflow/tfjs-core';

async function tryBackend(name: string, load: () => void): Promise<boolean> {
  try {
    load();
    return await tf.setBackend(name);
  } catch {
    return false; // not installed (tfjs-node cannot install offline: its install script downloads libtensorflow)
  }
}

/** Selects the fastest available backend and returns its name. */
export async function useFastestBackend(): Promise<string> {
  const forced = process.env.LSTM_BRIDGE_BACKEND;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const candidates: [string, () => void][] = [
    ['tensorflow', () => require('@tensorflow/tfjs-node')],
    ['wasm', () => require('@tensorflow/tfjs-backend-wasm')],
    ['cpu', () => require('@tensorflow/tfjs-backend-cpu')],
  ];
  /* eslint-enable @typescript-eslint/no-require-imports */
  for (const [name, load] of candidates) {
    if (forced && forced !== name) continue;
    if (await tryBackend(name, load)) {
      // The cpu backend greets its first tensor in Node with a banner suggesting tfjs-node.
      if (name === 'cpu') (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
      return tf.getBackend();
    }
  }
  throw new Error(forced ? `backend ${forced} (LSTM_BRIDGE_BACKEND) is not available` : 'no tfjs backend is available');
}
