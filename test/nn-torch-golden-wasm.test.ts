/**
 * The PyTorch golden cases again on the wasm backend (the backend the demo and bench choose),
 * with the same tolerances (test/helpers/torch-case.ts).
 */
import '@tensorflow/tfjs-backend-wasm';
import * as fs from 'fs';
import * as path from 'path';

import { tf } from './helpers/tf';
import { TorchCaseResult, checkTorchCase } from './helpers/torch-case';

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/torch/nn-lstm.json'), 'utf8'));
const results: TorchCaseResult[] = fixture.cases;

describe('nn against PyTorch golden values on the wasm backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  test.each(results.map((r) => [r.case, r] as const))('%s', (_name, r) => {
    expect(tf.getBackend()).toBe('wasm');
    checkTorchCase(r);
  });
});
