/**
 * The CLI in a user's words, in-process (`main(argv, io)`): whole-model pickles with
 * `--unknown-classes skip` (fixtures from real PyTorch, `test/fixtures/io/make_whole_model_fixtures.py`),
 * errors that name CLI options rather than API options (weights-only Keras files, ONNX weights
 * given as graph inputs), a progress bar whose total never changes, and an `inspect` of a
 * 32-layer LSTM that stays readable.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { cliWith } from './helpers/cli-in-process';
import { progressBar } from '../src/cli/progress';
import { loadTorch, saveTorch, writeKeras } from '../src/io/node';
import { onnxModelOf } from '../src/io/onnx/save-onnx';
import { LSTM } from '../src/nn/lstm';
import { decodeModel, encodeModel } from '../src/onnx';
import { DataType } from '../src/onnx/types';
import { IO_FIXTURES } from './helpers/io-fixtures';
import { keras2WeightsOnly } from './helpers/keras-model-fixtures';
import { tmpDirs } from './helpers/tmp';
import { tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-cli-messages-');
const fixture = (name: string) => path.join(IO_FIXTURES, name);
const EXPECTED = JSON.parse(fs.readFileSync(fixture('whole-model-expected.json'), 'utf8')) as {
  files: Record<string, { tensors: { name: string; shape: number[]; values: number[] }[] }>;
};

const cli = cliWith;

describe('--unknown-classes skip: whole-model pickles', () => {
  it('by default a whole-model pickle is refused, and the message names the CLI option', async () => {
    const r = await cli(['inspect', fixture('cnn_lstm.pt')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^lstm-bridge: io\.loadTorch: .*refused global model\.CNN_LSTM: .*pass --unknown-classes skip to read its tensors as data/);
    expect(r.err).not.toMatch(/unknownClasses/);
    expect(r.err.split('\n')).toHaveLength(1);
  });

  it('inspect reads model.CNN_LSTM as data, lists the skipped classes on stderr and describes its LSTM', async () => {
    const r = await cli(['inspect', fixture('cnn_lstm.pt'), '--unknown-classes', 'skip']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('lstm-bridge: note: read as data, nothing run: skipped 4 unknown classes: model.CNN_LSTM, torch.nn.modules.conv.Conv1d, torch.nn.modules.rnn.LSTM, torch.nn.modules.linear.Linear');
    expect(r.out).toMatch(/LSTM 'lstm\.' \(nn\.LSTM\)/);
    expect(r.out).toMatch(/sizes: input 4, hidden 5, layers 1, bidirectional, bias yes/);
    expect(r.out).toMatch(/other tensors: conv\.weight \[4, 3, 2\], conv\.bias \[4\], fc\.weight \[1, 10\], fc\.bias \[1\]/);
  });

  it('convert of a whole-model pickle writes the state_dict() tensors, values exactly as torch saved them', async () => {
    const out = path.join(tmp(), 'net.pt');
    const r = await cli(['convert', fixture('whole_model.pt'), out, '--unknown-classes=skip', '--verify']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^lstm-bridge: note: read as data, nothing run: skipped 6 unknown classes: __main__\.Net, torch\.nn\.modules\.rnn\.LSTM, /);
    expect(r.out).toMatch(/verify: .* ok/);
    const sd = loadTorch(out); // a plain state dict now: loads without the option
    const expected = EXPECTED.files['whole_model.pt'].tensors;
    expect(Object.keys(sd)).toEqual(expected.map((t) => t.name));
    for (const t of expected) expect(Array.from(sd[t.name].dataSync())).toEqual(t.values);
    tf.dispose(Object.values(sd));
  });

  it('a checkpoint with a scikit-learn scaler: the scaler is skipped, the state dict read under its key', async () => {
    const r = await cli(['inspect', fixture('checkpoint_scaler.pt'), '--unknown-classes', 'skip']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/skipped 5 unknown classes: sklearn\.preprocessing\._data\.StandardScaler, /);
    expect(r.out).toMatch(/LSTM 'model_state_dict\.lstm\.' \(nn\.LSTM\)/);
  });

  it('a pickle that reduces to os.system: a placeholder named on stderr, never run', async () => {
    const cwd = process.cwd();
    const dir = tmp();
    try {
      process.chdir(dir);
      const r = await cli(['inspect', fixture('evil_reduce.pt'), '--unknown-classes', 'skip']);
      expect(r.code).toBe(0);
      expect(r.err).toBe('lstm-bridge: note: read as data, nothing run: skipped 1 unknown class: posix.system');
      expect(r.out).toMatch(/no LSTM in this file/);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a bad value is a usage error; the option on a file of another format is refused, not ignored', async () => {
    const bad = await cli(['inspect', fixture('whole_model.pt'), '--unknown-classes', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^lstm-bridge: --unknown-classes expects skip or refuse, got maybe/);
    const other = await cli(['inspect', fixture('tensors.safetensors'), '--unknown-classes', 'skip']);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/^lstm-bridge: --unknown-classes applies to PyTorch files; .*tensors\.safetensors is read as safetensors/);
  });
});

describe('errors speak CLI', () => {
  it('a weights-only Keras .h5 asks for --config FILE, and --config FILE loads it', async () => {
    const fx = keras2WeightsOnly();
    const dir = tmp();
    const file = path.join(dir, 'weights.h5');
    await writeKeras(fx.file, file, { nameLists: fx.nameLists });
    const r = await cli(['convert', file, path.join(dir, 'out.h5')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the file holds weights only .*pass its architecture with --config FILE, a JSON file of the model's model\.to_json\(\)$/);
    expect(r.err).not.toMatch(/\{config:/);
    const config = path.join(dir, 'model.json');
    fs.writeFileSync(config, fx.config!);
    const ok = await cli(['convert', file, path.join(dir, 'out.h5'), '--config', config, '--verify']);
    expect([ok.code, ok.err]).toEqual([0, '']);
    expect(ok.out).toMatch(/verify: .* ok/);
  });

  it('an ONNX LSTM whose weights are graph inputs: the CLI says it cannot supply them, not options.inputValues', async () => {
    const lstm = new LSTM(3, 2);
    const m = decodeModel(encodeModel(onnxModelOf(lstm)));
    lstm.dispose();
    for (const name of ['W_l0', 'R_l0']) {
      m.graph.initializer = m.graph.initializer.filter((t) => t.name !== name);
      m.graph.input.push({ name, type: { tensorType: { elemType: DataType.FLOAT } } });
    }
    const file = path.join(tmp(), 'inputs.onnx');
    fs.writeFileSync(file, encodeModel(m));
    for (const argv of [['inspect', file], ['convert', file, path.join(tmp(), 'x.pt')]]) {
      const r = await cli(argv);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/weights that are graph inputs without a value in the file \(LSTM '.*': W 'W_l0', R 'R_l0'\); the CLI has no option to supply graph inputs \(not supported\)/);
      expect(r.err).not.toMatch(/inputValues/);
    }
  });
});

describe('the progress bar', () => {
  /** A terminal that records what the bar draws. */
  function terminal(): { draws: string[]; stream: NodeJS.WriteStream } {
    const draws: string[] = [];
    return { draws, stream: { isTTY: true, columns: 200, write: (t: string) => draws.push(t) } as unknown as NodeJS.WriteStream };
  }
  const counts = (draws: string[]) => draws.map((d) => /\] (\d+)\/(\d+) /.exec(d)).filter((m): m is RegExpExecArray => m !== null).map((m) => [Number(m[1]), Number(m[2])]);

  it.each([
    ['a state dict to Keras, with --verify', (dir: string) => ['convert', fixture('lstm_bidir_2layer.pt'), path.join(dir, 'm.h5'), '--verify'], 4],
    ['a state dict to ONNX', (dir: string) => ['convert', fixture('lstm_bidir_2layer.pt'), path.join(dir, 'm.onnx')], 3],
    ['a state dict to safetensors', (dir: string) => ['convert', fixture('lstm_bidir_2layer.pt'), path.join(dir, 'm.safetensors')], 3],
  ])('%s: one total from the first step to the last, and the last step is the total', async (_what, argv, total) => {
    const { draws, stream } = terminal();
    const r = await cli(argv(tmp()), progressBar(stream, 10));
    expect(r.code).toBe(0);
    const seen = counts(draws);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map(([, n]) => n))).toEqual(new Set([total]));
    expect(seen.map(([k]) => k)).toEqual([...seen.map(([k]) => k)].sort((a, b) => a - b));
    expect(seen[seen.length - 1][0]).toBe(total);
  });

  it('a Keras model with two LSTM groups to PyTorch: each group is a detail of the converting step', async () => {
    const dir = tmp();
    const h5 = path.join(dir, 'two.h5');
    expect((await cli(['convert', fixture('lstm_bidir_2layer.pt'), h5])).code).toBe(0);
    const { draws, stream } = terminal();
    const r = await cli(['convert', h5, path.join(dir, 'back.pt'), '--verify'], progressBar(stream, 10));
    expect(r.code).toBe(0);
    const seen = counts(draws);
    expect(new Set(seen.map(([, n]) => n))).toEqual(new Set([4]));
    expect(draws.some((d) => / 2\/4 converting /.test(d))).toBe(true);
  });

  it('total() never shrinks the bar', () => {
    const { draws, stream } = terminal();
    const p = progressBar(stream, 10);
    p.total(5);
    p.step('a');
    p.total(3);
    p.step('b');
    p.detail('b, part 2');
    expect(counts(draws)).toEqual([[1, 5], [2, 5], [2, 5]]);
  });
});

describe('inspect of a 32-layer LSTM', () => {
  it('summarises the weights by runs of identical layers: no line of thousands of characters', async () => {
    const sd: Record<string, { dtype: 'float32'; shape: number[]; values: Float32Array }> = {};
    const t = (shape: number[]) => ({ dtype: 'float32' as const, shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    for (let k = 0; k < 32; k++) {
      sd[`lstm.weight_ih_l${k}`] = t([128, k === 0 ? 8 : 32]);
      sd[`lstm.weight_hh_l${k}`] = t([128, 32]);
      sd[`lstm.bias_ih_l${k}`] = t([128]);
      sd[`lstm.bias_hh_l${k}`] = t([128]);
    }
    const file = path.join(tmp(), 'deep.pt');
    saveTorch(sd, file);
    const r = await cli(['inspect', file]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(160);
    expect(r.out).toMatch(/weights: 128 tensors in 32 layers/);
    expect(r.out).toMatch(/l0: lstm\.weight_ih_l0 \[128, 8\], lstm\.weight_hh_l0 \[128, 32\], lstm\.bias_ih_l0 \[128\],\n\s+lstm\.bias_hh_l0 \[128\]/);
    expect(r.out).toMatch(/l1 to l31 \(31 layers, each\): lstm\.weight_ih_l\{k\} \[128, 32\], lstm\.weight_hh_l\{k\} \[128, 32\],\n\s+lstm\.bias_ih_l\{k\} \[128\], lstm\.bias_hh_l\{k\} \[128\]/);
    expect(r.out).toMatch(/torch: nn\.LSTM\(8, 32, num_layers=32\)/);
    expect(lines.length).toBeLessThan(20);
  });
});
