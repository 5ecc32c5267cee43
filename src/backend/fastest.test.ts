/**
 * `useFastestBackend`: what it picks, with typed reasons for the faster backends it did not
 * pick. Each test restores the cpu backend of the test setup.
 */
import { tf, tfjsNodeLoads } from '../../test/helpers/tf';
import { ConfigError } from '../errors';
import { backendSkipMessage, useFastestBackend } from './fastest';


afterEach(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

test('default order: tfjs-node when it loads, else wasm, naming why not tfjs-node', async () => {
  const choice = await useFastestBackend();
  expect(tf.getBackend()).toBe(choice.backend);
  if (tfjsNodeLoads()) {
    expect(choice).toEqual({ backend: 'tensorflow', skipped: [] });
  } else {
    expect(choice.backend).toBe('wasm');
    expect(choice.skipped).toEqual([
      { backend: 'tensorflow', reason: { kind: 'not-installed', package: '@tensorflow/tfjs-node', detail: expect.stringContaining('@tensorflow/tfjs-node') } },
    ]);
    expect(backendSkipMessage(choice.skipped[0].reason)).toMatch(/^@tensorflow\/tfjs-node is not installed or does not load \(/);
  }
  // The backend is ready: ops run on it.
  const x = tf.tensor([1, 2, 3]);
  expect(Array.from(tf.mul(x, 2).dataSync())).toEqual([2, 4, 6]);
  tf.dispose(x);
});

test('with wasm available and tfjs-node left out: wasm, nothing skipped', async () => {
  await expect(useFastestBackend({ backends: ['wasm', 'cpu'] })).resolves.toEqual({ backend: 'wasm', skipped: [] });
  expect(tf.getBackend()).toBe('wasm');
});

test('webgl outside a browser is skipped as the wrong environment', async () => {
  const choice = await useFastestBackend({ backends: ['webgl', 'cpu'] });
  expect(choice).toEqual({ backend: 'cpu', skipped: [{ backend: 'webgl', reason: { kind: 'wrong-environment', needs: 'browser' } }] });
  expect(backendSkipMessage(choice.skipped[0].reason)).toBe('runs in a browser only (WebGL)');
});

test('a registered backend that fails to initialize is skipped as init-failed; the backend before stays when none works', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // tfjs's own warning of the failed init
  const hadTensorflow = !!tf.findBackendFactory('tensorflow');
  if (!hadTensorflow) tf.registerBackend('tensorflow', () => { throw new Error('no libtensorflow here'); });
  try {
    if (hadTensorflow) return; // tfjs-node is installed: its real backend initializes; nothing to simulate
    const choice = await useFastestBackend({ backends: ['tensorflow', 'wasm'] });
    expect(choice.backend).toBe('wasm');
    expect(choice.skipped).toEqual([{ backend: 'tensorflow', reason: { kind: 'init-failed', detail: 'it returned false' } }]);
    await tf.setBackend('cpu');
    await expect(useFastestBackend({ backends: ['tensorflow'] })).rejects.toThrow(
      new ConfigError('useFastestBackend: no tfjs backend among tensorflow can be used (tensorflow: tf.setBackend failed to initialize it (it returned false))'),
    );
    expect(tf.getBackend()).toBe('cpu');
  } finally {
    if (!hadTensorflow) tf.removeBackend('tensorflow');
    warn.mockRestore();
  }
});

test('bad options are a ConfigError naming the argument and the value', async () => {
  await expect(useFastestBackend({ backends: [] })).rejects.toThrow(
    'useFastestBackend: backends expected a non-empty list of tensorflow, wasm, webgl, cpu, got []',
  );
  await expect(useFastestBackend({ backends: ['gpu' as 'cpu'] })).rejects.toThrow(ConfigError);
  expect(tf.getBackend()).toBe('cpu');
});
