/**
 * `lstm-bridge doctor` where onnxruntime-node does not load (npm dropped the optional
 * dependency when its install script failed): simulated by a loader that finds nothing. The
 * doctor names it missing, with the load error and what one gets without it.
 */
import { main } from '../src/cli/main';
import { NO_PROGRESS } from '../src/cli/progress';
import { tf } from './helpers/tf';

jest.mock('../src/runtime/ort-runtime', () => ({
  loadOnnxRuntime: () => null,
  onnxRuntimeAvailable: () => false,
  onnxRuntimeUnavailableReason: () => "onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'",
}));

afterEach(async () => {
  await tf.setBackend('cpu');
});

test('onnxruntime-node missing: the load error, the fallback, the install cost', async () => {
  const out: string[] = [];
  const code = await main(['doctor'], { stdout: (l) => out.push(l), stderr: () => undefined, chooseBackend: false, progress: NO_PROGRESS });
  expect(code).toBe(0);
  const k = out.findIndex((l) => l.startsWith('  onnxruntime-node '));
  expect(out[k]).toMatch(/^ {2}onnxruntime-node +missing /);
  expect(out[k + 1]).toBe("    why: onnxruntime-node could not be loaded: Cannot find module 'onnxruntime-node'");
  expect(out[k + 2]).toBe("    without it: forwardAsync runs on tfjs (lastExecution.reason.kind 'not-installed'), --verify skips onnxruntime");
  expect(out.slice(k).join('\n')).toContain('ONNXRUNTIME_NODE_INSTALL=skip');
});
