import { tf } from '../../test/helpers/tf';
import { ConfigError } from '../errors';
import { forcedBackend, useCliBackend } from './backend';

afterEach(async () => {
  delete process.env.LSTM_BRIDGE_BACKEND;
  await tf.setBackend('cpu');
});

test('LSTM_BRIDGE_BACKEND names one backend, or is a ConfigError naming the value', () => {
  expect(forcedBackend(undefined)).toBeNull();
  expect(forcedBackend('')).toBeNull();
  expect(forcedBackend('wasm')).toBe('wasm');
  expect(() => forcedBackend('gpu')).toThrow(ConfigError);
  expect(() => forcedBackend('gpu')).toThrow('LSTM_BRIDGE_BACKEND expected one of tensorflow, wasm, webgl, cpu, got "gpu"');
});

test('the CLI uses useFastestBackend, or the forced backend alone', async () => {
  await tf.setBackend('cpu');
  expect((await useCliBackend()).backend).not.toBe('cpu'); // wasm is a dependency: something faster than cpu is here
  process.env.LSTM_BRIDGE_BACKEND = 'cpu';
  await expect(useCliBackend()).resolves.toEqual({ backend: 'cpu', skipped: [] });
  expect(tf.getBackend()).toBe('cpu');
});
