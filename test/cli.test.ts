/**
 * The `lstm-bridge` CLI run in-process (`main(argv, io)`) on files made here: a state dict written
 * by real PyTorch (`test/fixtures/io`), Keras files in the real layouts (Keras 1, CuDNNLSTM,
 * weights only), models saved by `saveKeras` / `saveTfjs`. `cli-e2e.test.ts` spawns the real
 * command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { bidirectional, lstm } from '../src/layers';
import { loadKeras, loadSafetensors, loadTorch, saveKeras, writeKeras } from '../src/io/node';
import * as verifyModule from '../src/cli/verify';
import { cli } from './helpers/cli-in-process';
import { IO_FIXTURES } from './helpers/io-fixtures';
import { keras1PerGate, keras2Cudnn, keras2WeightsOnly, keras3H5HardSigmoid } from './helpers/keras-model-fixtures';
import { tmpDirs } from './helpers/tmp';
import { tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-cli-');
const TORCH = path.join(IO_FIXTURES, 'lstm_bidir_2layer.pt');


async function written(fx: { file: Parameters<typeof writeKeras>[0]; nameLists?: 'fixed' | 'vlen' }, name: string): Promise<string> {
  const file = path.join(tmp(), name);
  await writeKeras(fx.file, file, { nameLists: fx.nameLists });
  return file;
}

describe('lstm-bridge inspect', () => {
  it('a PyTorch state dict: convention, shapes, gate order, parameters, constructor calls', async () => {
    const { code, out } = await cli('inspect', TORCH);
    expect(code).toBe(0);
    expect(out).toMatch(/PyTorch state dict \(zip archive\), \d+ tensors, saved on cpu/);
    expect(out).toMatch(/LSTM 'lstm\.' \(nn\.LSTM\)/);
    expect(out).toMatch(/gate order: i, f, g, o/);
    expect(out).toMatch(/sizes: input 3, hidden 4, layers 2, bidirectional, bias yes/);
    expect(out).toMatch(/parameters: 736/); // 2 x (4H(3 + 4) + 8H) + 2 x (4H(8 + 4) + 8H), H = 4
    expect(out).toMatch(/other tensors: fc\.weight \[2, 8\], fc\.bias \[2\]/);
    expect(out).toMatch(/torch: nn\.LSTM\(3, 4, num_layers=2, bidirectional=True\)/);
    expect(out).toMatch(/keras: Bidirectional\(LSTM\(4, return_sequences=True\), input_shape=\(None, 3\)\), Bidirectional\(LSTM\(4, return_sequences=True\)\)/);
  });

  it('Keras files say how they stored the weights (Keras 1 arrays, CuDNNLSTM) and their activations', async () => {
    const k1 = await cli('inspect', await written(keras1PerGate(), 'k1.h5'));
    expect(k1.out).toMatch(/Keras 1\.2\.2 \.h5 model \(Sequential, 2 layers\)/);
    expect(k1.out).toMatch(/convention: Keras 1 LSTM: 12 arrays/);
    expect(k1.out).toMatch(/gate order: i, c, f, o/);
    expect(k1.out).toMatch(/recurrent hard_sigmoid \(Keras 1\/2 form/);
    expect(k1.out).toMatch(/torch: nn\.LSTM\(3, 4, batch_first=True\)  # not exact: .*hard_sigmoid \(Keras 2\)/);
    expect(k1.out).toMatch(/keras: LSTM\(4, recurrent_activation='hard_sigmoid', input_shape=\(None, 3\)\)/);
    expect(k1.out).toMatch(/other layers: dense_1 \(Dense\)/);
    const cu = await cli('inspect', await written(keras2Cudnn(), 'cu.h5'));
    expect(cu.out).toMatch(/convention: Keras CuDNNLSTM: .*bias \(8U\)/);
    const k3 = await cli('inspect', await written(keras3H5HardSigmoid(), 'k3.h5'));
    expect(k3.out).toMatch(/recurrent hard_sigmoid \(Keras 3 form: clip\(x \/ 6 \+ 0\.5, 0, 1\)\)/);
  });

  it('a weights-only Keras file needs --config, and loads with it', async () => {
    const fx = keras2WeightsOnly();
    const file = await written(fx, 'weights.h5');
    const without = await cli('inspect', file);
    expect([without.code, without.err]).toEqual([1, expect.stringMatching(/^lstm-bridge: .*weights\.h5: the file holds weights only .*pass its architecture with --config FILE/)]);
    const config = path.join(tmp(), 'model.json');
    fs.writeFileSync(config, fx.config!);
    const withConfig = await cli('inspect', file, '--config', config);
    expect(withConfig.code).toBe(0);
    expect(withConfig.out).toMatch(/LSTM lstm_1 \(LSTM\) -> lstm_2 \(LSTM\)/);
  });

  it('bad files: one line on stderr, exit 1', async () => {
    const junk = path.join(tmp(), 'junk.pt');
    fs.writeFileSync(junk, Buffer.from('PK\x03\x04 not really a zip'));
    for (const file of [junk, path.join(tmp(), 'missing.h5'), __filename]) {
      const { code, err } = await cli('inspect', file);
      expect(code).toBe(1);
      expect(err.split('\n')).toHaveLength(1);
      expect(err).toMatch(/^lstm-bridge: /);
      expect(err).not.toMatch(/internal error/);
    }
  });
});

describe('lstm-bridge convert', () => {
  it('PyTorch -> Keras .h5 -> PyTorch, each with --verify, and the final state dict computes the same', async () => {
    const dir = tmp();
    const h5 = path.join(dir, 'model.h5');
    const pt = path.join(dir, 'back.pt');
    const a = await cli('convert', TORCH, h5, '--verify');
    expect(a.code).toBe(0);
    expect(a.err).toBe('lstm-bridge: note: not converted (not LSTM): fc.weight, fc.bias');
    expect(a.out).toMatch(/verify: nn\.LSTM 'lstm\.' vs model output on input \[2, 5, 3\]: max abs difference .* ok/);
    const model = await loadKeras(h5);
    expect(model.layers.map((l) => l.getClassName())).toEqual(['LstmBridge.Bidirectional', 'LstmBridge.Bidirectional']);
    model.dispose();
    const b = await cli('convert', h5, pt, '--prefix', 'rnn.', '--verify');
    expect(b.code).toBe(0);
    const original = loadTorch(TORCH);
    const back = loadTorch(pt);
    const lstmKeys = Object.keys(original).filter((k) => k.startsWith('lstm.')); // fc.* is not an LSTM: noted, not converted
    expect(Object.keys(back)).toEqual(lstmKeys.map((k) => k.replace(/^lstm\./, 'rnn.')));
    for (const [k, t] of Object.entries(original)) {
      if (k.startsWith('lstm.weight')) expect(Array.from(back[k.replace(/^lstm\./, 'rnn.')].dataSync())).toEqual(Array.from(t.dataSync()));
    }
    tf.dispose([...Object.values(original), ...Object.values(back)]);
  });

  it('PyTorch -> safetensors copies every tensor; Keras -> TF.js directory keeps the whole model', async () => {
    const dir = tmp();
    const st = await cli('convert', TORCH, path.join(dir, 'w.safetensors'), '--verify');
    expect(st.out).toMatch(/verify: \d+ tensors: max abs difference 0\.00e\+0/);
    const sd = loadSafetensors(path.join(dir, 'w.safetensors'));
    expect(Object.keys(sd).length).toBeGreaterThan(0);
    tf.dispose(Object.values(sd));
    const k1 = await written(keras1PerGate(), 'k1.h5');
    const web = await cli('convert', k1, path.join(dir, 'web'), '--verify');
    expect(web.code).toBe(0);
    expect(web.out).toMatch(/-> .*web \(tfjs\)/);
    expect(web.out).toMatch(/verify: model outputs on input \[2, 5, 3\]: max abs difference .* ok/);
    expect(fs.existsSync(path.join(dir, 'web', 'model.json'))).toBe(true);
  });

  it('Keras (CuDNNLSTM) -> PyTorch notes the layers it leaves out', async () => {
    const model = tfl.sequential({ layers: [bidirectional({ layer: lstm({ units: 3, returnSequences: true }), inputShape: [4, 2], name: 'bi' }), lstm({ units: 3, name: 'top' }), tfl.layers.dense({ units: 1, name: 'head' })] });
    const h5 = path.join(tmp(), 'm.h5');
    await saveKeras(model, h5);
    model.dispose();
    const r = await cli('convert', h5, path.join(tmp(), 'm.pt'), '--verify');
    expect(r.code).toBe(0);
    expect(r.err).toBe('lstm-bridge: note: not converted (not LSTM): head (Dense)');
    expect(r.out).toMatch(/verify: layers bi vs nn\.LSTM 'bi\.'/);
    expect(r.out).toMatch(/verify: layers top vs nn\.LSTM 'top\.'/);
    const cu = await cli('convert', await written(keras2Cudnn(), 'cu.h5'), path.join(tmp(), 'cu.pt'), '--verify');
    expect(cu.code).toBe(0);
    expect(cu.out).toMatch(/verify: layers cu_dnnlstm_1 vs nn\.LSTM 'lstm\.' .* ok/);
  });

  it('conversions PyTorch cannot express, and bad output names, fail with one line', async () => {
    const k1 = await written(keras1PerGate(), 'k1.h5');
    const hs = await cli('convert', k1, path.join(tmp(), 'x.pt'));
    expect([hs.code, hs.err]).toEqual([1, expect.stringMatching(/^lstm-bridge: LSTM 'lstm_1' cannot be an nn\.LSTM: .*hard_sigmoid/)]);
    const ext = await cli('convert', TORCH, path.join(tmp(), 'x.keras'));
    expect(ext.err).toMatch(/name the output \*\.h5/);
    const to = await cli('convert', TORCH, path.join(tmp(), 'x.bin'), '--to', 'caffe');
    expect([to.code, to.err]).toEqual([1, expect.stringMatching(/--to expected one of torch, safetensors, keras, tfjs, onnx, got 'caffe'/)]);
  });

  it('exits 3 when --verify finds a difference above the tolerance', async () => {
    const spy = jest.spyOn(verifyModule, 'verifyConversion').mockReturnValue([{ what: 'x', maxDiff: 0.5 }]);
    try {
      const r = await cli('convert', TORCH, path.join(tmp(), 'w.safetensors'), '--verify', '--tolerance', '0.1');
      expect(r.code).toBe(3);
      expect(r.out).toMatch(/verify: x: max abs difference 5\.00e-1 \(tolerance 0\.1\) FAILED/);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('verifyConversion', () => {
  it('measures a real difference between two state dicts', () => {
    const a = { w: tf.tensor([1, 2, 3]) };
    const b = { w: tf.tensor([1, 2.5, 3]) };
    const src = { format: 't', path: 'a', summary: '', stateDict: a, model: null, stored: new Map(), dispose: () => undefined };
    const [c] = verifyModule.verifyConversion(src, { ...src, stateDict: b }, {});
    expect(c.maxDiff).toBeCloseTo(0.5, 6);
    tf.dispose([a.w, b.w]);
  });
});
