/** The wasm backend for the enclosing jest suite (`describe` or file): set before, cpu after. */
import * as path from 'path';

import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { tf } from './tf';

/** Registers the beforeAll / afterAll hooks that switch the suite to the wasm backend and back. */
export function useWasmBackend(): void {
  beforeAll(async () => {
    setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}
