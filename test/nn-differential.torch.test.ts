/**
 * Differential test against real PyTorch (`npm run test:torch`; needs python3-torch).
 *
 * Draws random configurations (layers 1-3, bidirectional, batchFirst, projSize, bias, h0,
 * unbatched, packed with sorted or unsorted lengths) and random sizes, has PyTorch initialise
 * the weights and inputs and compute outputs and gradients (scripts/torch/lstm_reference.py),
 * and checks lstm-bridge against them (tolerances in test/helpers/torch-case.ts: 1e-5).
 * The seed is LSTM_BRIDGE_SEED or the current time; it is printed so a failure can be replayed.
 */
import { runPythonJson } from './helpers/python';
import { rng } from './helpers/tf';
import { TorchCaseResult, checkTorchCase } from './helpers/torch-case';

const seed = Number(process.env.LSTM_BRIDGE_SEED ?? Date.now() % 1_000_000);
const COUNT = Number(process.env.LSTM_BRIDGE_CASES ?? 40);

function randomCases(count: number, s: number) {
  const r = rng(s);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases = [];
  for (let k = 0; k < count; k++) {
    const hidden = int(1, 9);
    const cfg = {
      input_size: int(1, 8),
      hidden_size: hidden,
      num_layers: int(1, 3),
      bias: r() < 0.8,
      batch_first: r() < 0.5,
      bidirectional: r() < 0.5,
      proj_size: hidden > 1 && r() < 0.3 ? int(1, hidden - 1) : 0,
    };
    const T = int(1, 7);
    const N = int(1, 4);
    const mode = r();
    const unbatched = mode < 0.2;
    const packed = !unbatched && mode > 0.6;
    const lengths = Array.from({ length: N }, () => int(1, T));
    lengths[int(0, N - 1)] = T; // the padded length is the longest
    const enforceSorted = packed && r() < 0.3;
    if (enforceSorted) lengths.sort((a, b) => b - a);
    const shape = unbatched ? [T, cfg.input_size] : cfg.batch_first ? [N, T, cfg.input_size] : [T, N, cfg.input_size];
    cases.push({
      name: `#${k} ${JSON.stringify(cfg)} input ${JSON.stringify(shape)}${packed ? ` packed ${JSON.stringify(lengths)}${enforceSorted ? ' sorted' : ''}` : ''}`,
      kind: 'lstm',
      seed: s * 1000 + k,
      config: cfg,
      input_shape: shape,
      hx_random: r() < 0.5,
      packed: packed ? { lengths, enforce_sorted: enforceSorted } : null,
    });
  }
  return cases;
}

describe(`nn.LSTM vs real PyTorch on random configurations (seed ${seed})`, () => {
  const cases = randomCases(COUNT, seed);
  const cellCases = Array.from({ length: 5 }, (_, k) => ({
    name: `cell #${k}`,
    kind: 'cell',
    seed: seed * 1000 + 900 + k,
    config: { input_size: 1 + k, hidden_size: 2 + k, bias: k % 2 === 0 },
    input_shape: k === 4 ? [1 + k] : [k + 1, 1 + k],
    hx_random: k % 3 !== 0,
  }));
  let results: TorchCaseResult[] = [];
  beforeAll(() => {
    results = runPythonJson<TorchCaseResult[]>('scripts/torch/lstm_reference.py', [...cases, ...cellCases]);
  });

  test.each([...cases, ...cellCases].map((c, k) => [c.name, k] as const))('%s', (_name, k) => {
    checkTorchCase(results[k]);
  });
});
