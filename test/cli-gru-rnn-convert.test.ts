/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * `lstm-bridge convert --verify` for GRU and RNN, per kind and format pair, in process: sources
 * are the committed Keras / TF.js fixtures of `test/fixtures/keras-gru/` (real Keras layouts),
 * the PyTorch `torch.onnx.export` files of `test/fixtures/onnx/torch_cell_exports/`, and
 * state dicts written here from them. Every conversion's `--verify` lines are checked (max abs
 * difference ≤ 1e-5 between the source and the written file run in its own runtime: nn.GRU /
 * nn.RNN, the Keras layers, tf.loadLayersModel, onnxruntime), and the written files are read
 * back and compared with the source's weights bit for bit where the pair is exact. The inexact
 * pairs give the typed one-line error naming the reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { tf } from './helpers/tf';
import { loadTorch } from '../src/io/node';
import { cli } from './helpers/cli-in-process';
import { tmpDirs } from './helpers/tmp';

const KERAS = path.join(__dirname, 'fixtures', 'keras-gru');
const ONNX = path.join(__dirname, 'fixtures', 'onnx', 'torch_cell_exports');
const tmp = tmpDirs('lstm-bridge-cli-gru-');
jest.setTimeout(120000);

/** The verify lines of a run, each parsed: what, difference, ok. */
function verified(out: string): { what: string; diff: number; ok: boolean }[] {
  return out.split('\n').filter((l) => l.startsWith('verify: ')).map((l) => {
    const m = /^verify: (.*): max abs difference (\S+) \(tolerance 0\.00001\) (ok|FAILED)$/.exec(l)!;
    return { what: m[1], diff: Number(m[2]), ok: m[3] === 'ok' };
  });
}

async function convertOk(input: string, output: string, ...flags: string[]) {
  const r = await cli('convert', input, output, '--verify', ...flags);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.err}\n${r.out}`);
  const v = verified(r.out);
  expect(v.length).toBeGreaterThan(0);
  for (const c of v) {
    expect(c.ok).toBe(true);
    expect(c.diff).toBeLessThanOrEqual(1e-5);
  }
  return { ...r, verify: v };
}

describe.each([
  ['GRU reset_after=True (Keras .h5)', path.join(KERAS, 'keras2_gru_reset_after.h5'), 'nn.GRU', true],
  ['Bidirectional GRU (Keras .h5)', path.join(KERAS, 'keras2_bidirectional_gru.h5'), 'nn.GRU', true],
  ['SimpleRNN (Keras .h5)', path.join(KERAS, 'keras2_simple_rnn.h5'), 'nn.RNN', true],
  ['GRU reset_after=True (TF.js)', path.join(KERAS, 'tfjs_gru_reset_after'), 'nn.GRU', true],
  ['SimpleRNN (TF.js)', path.join(KERAS, 'tfjs_simple_rnn'), 'nn.RNN', true],
  ['GRU reset_after=False (Keras 2.1 .h5)', path.join(KERAS, 'keras2_gru_reset_before.h5'), 'nn.GRU', false],
])('%s', (_, file, module, torchExact) => {
  const targets: [string, string][] = [['torch', 'm.pt'], ['safetensors', 'm.safetensors'], ['keras', 'm.h5'], ['tfjs', 'tfjs'], ['onnx', 'm.onnx']];
  test.each(targets)('-> %s --verify', async (format, name) => {
    const out = path.join(tmp(), name);
    if (format === 'torch' || format === 'safetensors') {
      if (!torchExact) {
        const r = await cli('convert', file, out, '--verify');
        expect(r.code).toBe(1);
        expect(r.err.split('\n')).toHaveLength(1);
        expect(r.err).toMatch(/^lstm-bridge: GRU 'gru_1' cannot be an nn\.GRU: reset_after=False .* applies the reset gate before the recurrent product, nn\.GRU after it/);
        expect(fs.existsSync(out)).toBe(false);
        return;
      }
      const r = await convertOk(file, out);
      expect(r.verify[0].what).toMatch(new RegExp(`vs ${module.replace('.', '\\.')} '(gru|rnn)\\.' on input \\[2, 5, 3\\]`));
      return;
    }
    const r = await convertOk(file, out);
    if (format === 'onnx') {
      expect(r.verify.map((v) => v.what)).toEqual([
        expect.stringMatching(/^weights, reset and activations of (GRU|RNN) '\w+' vs the ONNX file's stack/),
        expect.stringMatching(/^onnxruntime on .*m\.onnx vs the other side's (GRU|RNN) .*\(output, h_n\) on input \[2, 5, 3\]/),
      ]);
    }
    if (format === 'tfjs') {
      expect(r.verify.some((v) => v.what.startsWith('tf.loadLayersModel (as a page loads it)'))).toBe(true);
      if (/reset_after=True/.test(_)) expect(r.out).toMatch(/needs lstm-bridge to load: GRU reset_after=True: tfjs-layers' GRU resets before only/);
    }
  });
});

describe('ONNX files from torch.onnx.export', () => {
  test.each([
    ['gru_two_layers_bidirectional', 'm.pt'], ['gru_batch_first_h0', 'm.safetensors'], ['gru_one_layer', 'm.h5'], ['gru_no_constant_folding_bi', 'tfjs'],
    ['rnn_tanh_two_layers_bidirectional', 'm.pt'], ['rnn_relu_batch_first_h0', 'm.h5'], ['gru_batch_first_h0', 'm.onnx'],
  ])('%s -> %s --verify: onnxruntime runs the source file against the result', async (name, out) => {
    const r = await convertOk(path.join(ONNX, `${name}.onnx`), path.join(tmp(), out));
    expect(r.verify.some((v) => /^onnxruntime on .*torch_cell_exports.* \(output, h_n\)/.test(v.what))).toBe(true);
  });

  test('the written state dict is PyTorch\'s own (keys and values bit for bit)', async () => {
    const cases = JSON.parse(fs.readFileSync(path.join(ONNX, 'cases.json'), 'utf8')) as { cases: Record<string, { state_dict: Record<string, { shape: number[]; values: number[] }> }> };
    const out = path.join(tmp(), 'g.pt');
    await convertOk(path.join(ONNX, 'gru_two_layers_bidirectional.onnx'), out);
    const sd = loadTorch(out);
    const want = cases.cases.gru_two_layers_bidirectional.state_dict;
    expect(Object.keys(sd).sort()).toEqual(Object.keys(want).map((k) => `gru.${k}`).sort());
    for (const [k, v] of Object.entries(want)) expect(Array.from(sd[`gru.${k}`].dataSync())).toEqual(Array.from(Float32Array.from(v.values)));
    tf.dispose(Object.values(sd));
  });

  test('a relu nn.RNN: the note says a state dict cannot record it; --nonlinearity relu converts the file further', async () => {
    const pt = path.join(tmp(), 'r.pt');
    const a = await convertOk(path.join(ONNX, 'rnn_relu_batch_first_h0.onnx'), pt);
    expect(a.err).toMatch(/note: nn\.RNN 'rnn\.' computes relu, which a state dict does not record/);
    const b = await convertOk(pt, path.join(tmp(), 'r.onnx'), '--nonlinearity', 'relu');
    expect(b.err).toBe('');
    const c = await cli('convert', pt, path.join(tmp(), 'r.h5'));
    expect(c.code).toBe(0);
    expect(c.err).toMatch(/a state dict does not record nn\.RNN's nonlinearity \('rnn\.'\): converted as tanh; pass --nonlinearity relu/);
  });
});

describe('state dicts of nn.GRU / nn.RNN', () => {
  test.each([['m.h5'], ['tfjs'], ['m.onnx'], ['m.safetensors']])('.pt -> %s --verify', async (out) => {
    const pt = path.join(tmp(), 'g.pt');
    await convertOk(path.join(ONNX, 'gru_two_layers_bidirectional.onnx'), pt);
    const r = await convertOk(pt, path.join(tmp(), out));
    if (out === 'm.onnx') expect(r.verify[1].what).toMatch(/onnxruntime on .*m\.onnx vs the other side's GRU 'gru\.' \(output, h_n\) on input \[5, 2, 3\]/);
  });
});

describe('inexact pairs and choices', () => {
  test('ONNX linear_before_reset=0 -> torch: one typed line naming the reason; -> Keras / TF.js is exact', async () => {
    const onnx = path.join(tmp(), 'before.onnx');
    await convertOk(path.join(KERAS, 'keras2_gru_reset_before.h5'), onnx);
    const r = await cli('convert', onnx, path.join(tmp(), 'x.pt'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^lstm-bridge: GRU 'gru' cannot be an nn\.GRU: reset_after=False \(ONNX linear_before_reset=0\) applies the reset gate before/);
    expect(r.err.split('\n')).toHaveLength(1);
    await convertOk(onnx, path.join(tmp(), 'back.h5'));
  });

  test('a model with a GRU and a SimpleRNN: both in the state dict; ONNX writes the one --prefix names', async () => {
    const file = path.join(KERAS, 'keras3_gru_simple_rnn.keras');
    const pt = await convertOk(file, path.join(tmp(), 'both.pt'));
    expect(pt.verify.map((v) => v.what)).toEqual([expect.stringMatching(/^layers gru vs nn\.GRU 'gru\.'/), expect.stringMatching(/^layers simple_rnn vs nn\.RNN 'simple_rnn\.'/)]);
    const r = await cli('convert', file, path.join(tmp(), 'x.onnx'));
    expect(r.code).toBe(1);
    expect(r.err).toBe("lstm-bridge: several separate GRU / RNN stacks: 'gru.' (GRU), 'simple_rnn.' (RNN); choose one with --prefix");
    const o = await convertOk(file, path.join(tmp(), 'rnn.onnx'), '--prefix', 'simple_rnn.');
    expect(o.err).toMatch(/not converted \(not GRU or RNN\): gru \(another GRU; choose it with --prefix gru\.\), dense \(Dense\)/);
  });

  test("--emit tfjs-layers of a reset_after=True GRU is refused (tfjs-layers cannot compute it); a bad --nonlinearity is a usage error", async () => {
    const r = await cli('convert', path.join(KERAS, 'keras2_gru_reset_after.h5'), path.join(tmp(), 'plain'), '--emit', 'tfjs-layers');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^lstm-bridge: .*tfjs-layers cannot compute .*GRU reset_after=True/);
    const u = await cli('convert', 'a.pt', 'b.h5', '--nonlinearity', 'sigmoid');
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/--nonlinearity expects tanh or relu, got sigmoid/);
  });

  test('no tensor leaks over conversions with --verify, and over refused ones', async () => {
    const before = tf.memory().numTensors;
    await convertOk(path.join(KERAS, 'keras2_bidirectional_gru.h5'), path.join(tmp(), 'l.onnx'));
    await convertOk(path.join(ONNX, 'rnn_relu_batch_first_h0.onnx'), path.join(tmp(), 'l.pt'));
    expect(tf.memory().numTensors).toBe(before);
    // and on the refusals
    expect((await cli('convert', path.join(KERAS, 'keras2_gru_reset_before.h5'), path.join(tmp(), 'x.pt'), '--verify')).code).toBe(1);
    expect((await cli('convert', path.join(KERAS, 'keras3_gru_simple_rnn.keras'), path.join(tmp(), 'x.onnx'))).code).toBe(1);
    expect((await cli('convert', path.join(ONNX, 'gru_one_layer.onnx'), path.join(tmp(), 'x.h5'), '--prefix', 'nope.')).code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('inspect of ONNX GRU / RNN files', () => {
  test('a torch export: its stack as nn.GRU under gru.; a reset-before file: read as a Keras GRU, no nn.GRU', async () => {
    const a = await cli('inspect', path.join(ONNX, 'gru_batch_first_h0.onnx'));
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/ONNX model \(pytorch 1\.13\.0, IR 7, opset 14\), 2 GRU nodes in 1 stack/);
    expect(a.out).toMatch(/stack 'gru\.': GRU nodes \/rnn\/GRU -> \/rnn\/GRU_1; linear_before_reset=1, activations sigmoid \/ tanh; input 'input' batch first; outputs output, h_n; initial state from input h0/);
    expect(a.out).toContain('torch: nn.GRU(2, 3, num_layers=2)');
    const onnx = path.join(tmp(), 'before.onnx');
    await convertOk(path.join(KERAS, 'keras2_gru_reset_before.h5'), onnx);
    const b = await cli('inspect', onnx);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/1 GRU node in 1 stack; linear_before_reset=0, activations hardSigmoid \/ tanh, read as a Keras model/);
    expect(b.out).toContain('onnx: GRU operator, linear_before_reset=0  # exact');
  });
});
