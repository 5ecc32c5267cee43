/** `./ort-web` in Node: nothing loads, the settings are checked with typed errors. */
import { ConfigError } from '../errors';
import { configureOnnxRuntimeWeb, isBrowserEnvironment, loadOnnxRuntimeWeb, onnxRuntimePackage, onnxRuntimeWebState, setOnnxRuntimeWasmPaths } from './ort-web';

test('in Node it is not a page: onnxruntime-web is never imported, the runtime is onnxruntime-node', async () => {
  expect(isBrowserEnvironment()).toBe(false);
  expect(onnxRuntimePackage()).toBe('onnxruntime-node');
  await expect(loadOnnxRuntimeWeb()).resolves.toBeNull();
  expect(onnxRuntimeWebState()).toBeNull();
});

test('bad settings are ConfigErrors naming the argument, expected and received', () => {
  expect(() => configureOnnxRuntimeWeb({ numThreads: 0 })).toThrow(ConfigError);
  expect(() => configureOnnxRuntimeWeb({ numThreads: 1.5 })).toThrow('numThreads must be a positive integer, got 1.5');
  expect(() => setOnnxRuntimeWasmPaths('')).toThrow('wasmPaths must be a non-empty URL string, got ""');
  expect(() => configureOnnxRuntimeWeb(null as never)).toThrow('options must be an object, got null');
  expect(() => configureOnnxRuntimeWeb({ wasmPaths: '/ort', numThreads: 2 })).not.toThrow();
});
