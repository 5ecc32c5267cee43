/**
 * Whole-model conversion against real PyTorch (`npm run test:torch`; needs python3-torch).
 *
 * - PyTorch -> Keras: random `torch.nn.LSTM`s (layers 1-4, bidirectional, batch_first, bias,
 *   random h0/c0), initialised and run by PyTorch (scripts/torch/lstm_reference.py); their state
 *   dicts become `nn.LSTM.fromStateDict` -> `toKeras` (both emit modes), whose predictions
 *   equal PyTorch's `output`, `h_n`, `c_n`.
 * - Keras -> PyTorch: random Keras stacks (lstm-bridge's and tfjs-layers' layers, initial states,
 *   heads) -> `toTorch` -> the state dict is loaded into a real `torch.nn.LSTM`, run on the same
 *   input and states; PyTorch's results, through the stack's head, equal `model.predict`.
 *
 * Tolerance 1e-5 (float32). The seed is LSTM_BRIDGE_SEED or the current time, printed in the
 * suite's name so that a failure can be replayed.
 */
import fc from 'fast-check';
import * as tfl from '@tensorflow/tfjs-layers';

import { KerasEmit, kerasOutputHead, kerasOutputsToTorch, kerasStatesToTorch, toKeras, toTorch, torchStatesToKerasInputs, torchToKerasOutput } from '../adapters';
import { LSTM } from '../src/nn';
import { BuiltStack, KerasStackSpec, buildKerasStack, kerasStackSpec } from './helpers/keras-stacks';
import { asList } from './helpers/models';
import { runPythonJson } from './helpers/python';
import { expectClose, rng, tf } from './helpers/tf';
import { JsonTensor, TorchCaseResult, fromJson } from './helpers/torch-case';

const seed = Number(process.env.LSTM_BRIDGE_SEED ?? Date.now() % 1_000_000);
const COUNT = Number(process.env.LSTM_BRIDGE_CASES ?? 24);
const ATOL = 1e-5;
const SCRIPT = 'scripts/torch/lstm_reference.py';

const toJson = (t: tf.Tensor): JsonTensor => ({ shape: t.shape, data: Array.from(t.dataSync()) });

function torchCases(count: number, s: number) {
  const r = rng(s);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  return Array.from({ length: count }, (_, k) => {
    const cfg = {
      input_size: int(1, 6),
      hidden_size: int(1, 6),
      num_layers: int(1, 4),
      bias: r() < 0.8,
      batch_first: r() < 0.5,
      bidirectional: r() < 0.5,
    };
    const [T, N] = [int(1, 6), int(1, 3)];
    return {
      name: `#${k} ${JSON.stringify(cfg)}`,
      kind: 'lstm',
      seed: s * 1000 + k,
      config: cfg,
      input_shape: cfg.batch_first ? [N, T, cfg.input_size] : [T, N, cfg.input_size],
      hx_random: r() < 0.6,
    };
  });
}

describe(`PyTorch -> toKeras against real PyTorch (seed ${seed})`, () => {
  const cases = torchCases(COUNT, seed);
  let results: TorchCaseResult[] = [];
  beforeAll(() => {
    results = runPythonJson<TorchCaseResult[]>(SCRIPT, cases);
  });

  test.each(cases.map((c, k) => [c.name, k] as const))('%s', (_name, k) => {
    const c = results[k];
    const cfg = c.config as { batch_first: boolean };
    const before = tf.memory().numTensors;
    const stateDict = Object.fromEntries(Object.entries(c.state_dict).map(([key, v]) => [key, fromJson(v)]));
    const lstm = LSTM.fromStateDict(stateDict, { batchFirst: cfg.batch_first });
    tf.dispose(Object.values(stateDict));
    for (const emit of ['lstm-bridge', 'tfjs-layers'] as KerasEmit[]) {
      const model = toKeras(lstm, { emit, returnState: true, initialStateInputs: Boolean(c.hx) });
      tf.tidy(() => {
        const input = fromJson(c.input);
        const x = cfg.batch_first ? input : tf.transpose(input, [1, 0, 2]);
        const inputs = c.hx ? [x, ...torchStatesToKerasInputs(fromJson(c.hx[0]), fromJson(c.hx[1]))] : x;
        const got = kerasOutputsToTorch(model.predict(inputs) as tf.Tensor[], { batchFirst: cfg.batch_first });
        expectClose(got.output, fromJson(c.output as JsonTensor), ATOL, 0, `${emit}: output`);
        expectClose(got.h_n, fromJson(c.h_n), ATOL, 0, `${emit}: h_n`);
        expectClose(got.c_n, fromJson(c.c_n), ATOL, 0, `${emit}: c_n`);
      });
      model.dispose();
    }
    lstm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe(`Keras stacks -> toTorch against real PyTorch (seed ${seed})`, () => {
  const specs: KerasStackSpec[] = fc.sample(kerasStackSpec(), { seed, numRuns: COUNT });
  const built: BuiltStack[] = [];
  const torchInputs: { x: tf.Tensor; h0: tf.Tensor; c0: tf.Tensor; batchFirst: boolean }[] = [];
  let results: TorchCaseResult[] = [];

  beforeAll(() => {
    const cases = specs.map((spec, k) => {
      const b = buildKerasStack(spec);
      built.push(b);
      const lstm = toTorch(b.model);
      const D = spec.bidirectional ? 2 : 1;
      const { h_n: h0, c_n: c0 } = tf.tidy(() => {
        const zeros = tf.zeros([spec.N, spec.units]);
        return kerasStatesToTorch(b.initialStates.map((given) => given ?? new Array(2 * D).fill(zeros)));
      });
      torchInputs.push({ x: b.inputs[0], h0, c0, batchFirst: lstm.batchFirst });
      const config = {
        input_size: lstm.inputSize, hidden_size: lstm.hiddenSize, num_layers: lstm.numLayers,
        bias: lstm.bias, batch_first: lstm.batchFirst, bidirectional: lstm.bidirectional,
      };
      const state_dict = Object.fromEntries(Object.entries(lstm.stateDict()).map(([key, v]) => [key, toJson(v)]));
      lstm.dispose();
      return { name: `keras #${k}`, kind: 'lstm', seed: k, config, state_dict, input: toJson(b.inputs[0]), hx: [toJson(h0), toJson(c0)] };
    });
    results = runPythonJson<TorchCaseResult[]>(SCRIPT, cases);
  });

  afterAll(() => {
    for (const b of built) {
      tf.dispose(b.inputs);
      b.model.dispose();
    }
    tf.dispose(torchInputs.flatMap((t) => [t.h0, t.c0]));
  });

  test.each(specs.map((s, k) => [`#${k} ${JSON.stringify(s)}`, k] as const))('%s', (_name, k) => {
    const { model, inputs, headOutputs } = built[k];
    const r = results[k];
    tf.tidy(() => {
      const expected = asList(model.predict(inputs.length === 1 ? inputs[0] : inputs, { batchSize: 64 }) as tf.Tensor | tf.Tensor[]);
      const [output, h_n, c_n] = [fromJson(r.output as JsonTensor), fromJson(r.h_n), fromJson(r.c_n)];
      const heads = asList(torchToKerasOutput(output, h_n, kerasOutputHead(model as tfl.LayersModel), { batchFirst: torchInputs[k].batchFirst }));
      heads.forEach((h, j) => expectClose(h, expected[j], ATOL, 0, `head output ${j}`));
      if (expected.length > headOutputs) {
        for (let j = 0; j < h_n.shape[0]; j++) {
          expectClose(expected[headOutputs + 2 * j], tf.gather(h_n, j), ATOL, 0, `h_n[${j}]`);
          expectClose(expected[headOutputs + 2 * j + 1], tf.gather(c_n, j), ATOL, 0, `c_n[${j}]`);
        }
      }
    });
  });
});
