/**
 * Picks the fastest tfjs backend installed, for the demo (the library itself never changes the
 * backend: that stays the application's choice): tfjs-node when installed, else wasm (its .wasm
 * ships inside @tensorflow/tfjs-backend-wasm), else cpu.
 */
import * as tf from '@tensorflow/tfjs-core';

export async function useFastestBackend(): Promise<string> {
  try {
    require('@tensorflow/tfjs-node');
    if (await tf.setBackend('tensorflow')) return tf.getBackend();
  } catch {
    // not installed (it cannot install offline: its install script downloads libtensorflow)
  }
  try {
    require('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return tf.getBackend();
  } catch {
    // fall through to cpu
  }
  require('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  return tf.getBackend();
}
