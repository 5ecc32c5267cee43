/**
 * nn.GRU / nn.RNN / cells against real PyTorch (`npm run test:torch`; needs python3-torch):
 * random configurations (layers 1-3, bidirectional, batchFirst, bias, h0, unbatched, packed
 * sorted or unsorted, tanh/relu), PyTorch computing outputs and gradients
 * (scripts/torch/rnn_reference.py); tolerances of test/helpers/torch-case.ts (1e-5). Also
 * regenerates the committed golden fixture's cases and checks they match it (within 1e-6).
 * The seed is LSTM_BRIDGE_SEED or the current time, printed in the suite's name.
 */
import * as fs from 'fs';
import * as path from 'path';

import { runPythonJson } from './helpers/python';
import { RnnTorchCaseResult, checkRnnTorchCase } from './helpers/rnn-torch-case';
import { rng } from './helpers/tf';

const seed = Number(process.env.LSTM_BRIDGE_SEED ?? Date.now() % 1_000_000);
const COUNT = Number(process.env.LSTM_BRIDGE_CASES ?? 30);

function randomCases(count: number, s: number) {
  const r = rng(s);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases = [];
  for (let k = 0; k < count; k++) {
    const kind = (['gru', 'rnn', 'gru_cell', 'rnn_cell'] as const)[k % 4];
    const cell = kind.endsWith('cell');
    const cfg: Record<string, unknown> = { input_size: int(1, 8), hidden_size: int(1, 9), bias: r() < 0.8 };
    if (kind.startsWith('rnn')) cfg.nonlinearity = r() < 0.5 ? 'relu' : 'tanh';
    if (!cell) Object.assign(cfg, { num_layers: int(1, 3), batch_first: r() < 0.5, bidirectional: r() < 0.5 });
    const T = int(1, 7);
    const N = int(1, 4);
    const mode = r();
    const unbatched = mode < 0.2;
    const packed = !cell && !unbatched && mode > 0.6;
    const lengths = Array.from({ length: N }, () => int(1, T));
    lengths[int(0, N - 1)] = T;
    const enforceSorted = packed && r() < 0.3;
    if (enforceSorted) lengths.sort((a, b) => b - a);
    const I = cfg.input_size as number;
    const shape = cell ? (unbatched ? [I] : [N, I]) : unbatched ? [T, I] : cfg.batch_first ? [N, T, I] : [T, N, I];
    cases.push({
      name: `#${k} ${kind} ${JSON.stringify(cfg)} input ${JSON.stringify(shape)}${packed ? ` packed ${JSON.stringify(lengths)}${enforceSorted ? ' sorted' : ''}` : ''}`,
      kind, seed: s * 1000 + k, config: cfg, input_shape: shape, hx_random: r() < 0.5,
      packed: packed ? { lengths, enforce_sorted: enforceSorted } : null,
    });
  }
  return cases;
}

describe(`nn.GRU / nn.RNN / cells vs real PyTorch on random configurations (seed ${seed})`, () => {
  const cases = randomCases(COUNT, seed);
  let results: RnnTorchCaseResult[] = [];
  beforeAll(() => {
    results = runPythonJson<RnnTorchCaseResult[]>('scripts/torch/rnn_reference.py', cases);
  });
  test.each(cases.map((c, k) => [c.name, k] as const))('%s', (_name, k) => {
    checkRnnTorchCase(results[k]);
  });
});

describe('the committed GRU/RNN golden fixture regenerates', () => {
  test('scripts/torch/gen_nn_gru_fixtures.py cases give the committed numbers (within 1e-6)', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/torch/nn-gru-rnn.json'), 'utf8'));
    const fresh = runPythonJson<{ cases: RnnTorchCaseResult[] }>('scripts/torch/gen_nn_gru_fixtures.py', null, ['--stdout']);
    expect(fresh.cases.map((c) => c.case)).toEqual(committed.cases.map((c: RnnTorchCaseResult) => c.case));
    let worst = 0;
    const walk = (a: unknown, b: unknown, where: string): void => {
      if (typeof a === 'number' && typeof b === 'number') {
        worst = Math.max(worst, Math.abs(a - b));
        return;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        expect([where, a.length]).toEqual([where, b.length]);
        a.forEach((x, k) => walk(x, b[k], where));
        return;
      }
      if (a && b && typeof a === 'object' && typeof b === 'object') {
        expect([where, Object.keys(a).sort()]).toEqual([where, Object.keys(b).sort()]);
        for (const k of Object.keys(a)) walk((a as any)[k], (b as any)[k], `${where}.${k}`);
        return;
      }
      expect([where, a]).toEqual([where, b]);
    };
    fresh.cases.forEach((c, k) => walk(c, committed.cases[k], c.case));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
});
