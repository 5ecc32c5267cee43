/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * The `lstm-bridge` CLI with ONNX files, in-process (`main(argv, io)`): `inspect` on models from
 * real `torch.onnx.export` and from `io.saveOnnx`; `convert` PyTorch -> ONNX -> PyTorch, Keras
 * -> ONNX and ONNX -> Keras with `--verify` (which also runs the ONNX file in onnxruntime and
 * compares it with the engine on the other side's weights); several stacks and `--prefix`;
 * activations a state dict cannot hold; a verify failure (exit 3) and a bad file (exit 1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { loadOnnx, loadTorch, saveOnnx } from '../src/io/node';
import { cli } from './helpers/cli-in-process';
import { onnxFormat } from '../src/cli/formats/onnx';
import { detectFormatAt as detectFormat } from '../src/cli/node-files';
import { LSTM } from '../src/nn/lstm';
import { buildLstmStackModel, decodeModel, encodeModel, int64Tensor } from '../src/onnx';
import { AttributeType } from '../src/onnx/types';
import { onnxModelOf } from '../src/io/onnx/save-onnx';
import { IO_FIXTURES } from './helpers/io-fixtures';
import { tmpDirs } from './helpers/tmp';
import { tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-cli-onnx-');
const TORCH = path.join(IO_FIXTURES, 'lstm_bidir_2layer.pt');
const EXPORTS = path.join(__dirname, 'fixtures', 'onnx', 'torch_exports');


describe('lstm-bridge inspect FILE.onnx', () => {
  it('a torch.onnx.export model: producer, stack, layout, states, the ONNX weights and the constructor calls', async () => {
    const { code, out } = await cli('inspect', path.join(EXPORTS, 'three_layers_batch_first_states.onnx'));
    expect(code).toBe(0);
    expect(out).toMatch(/ONNX model \(pytorch 1\.13\.0, IR 7, opset 14\), 3 LSTM nodes in 1 stack/);
    expect(out).toMatch(/stack 'lstm\.': LSTM nodes \/lstm\/LSTM -> \/lstm\/LSTM_1 -> \/lstm\/LSTM_2; input 'input' batch first; outputs output, h_n, c_n; initial states from inputs h0, c0/);
    expect(out).toMatch(/convention: ONNX LSTM operator/);
    expect(out).toMatch(/gate order: i, o, f, c/);
    expect(out).toMatch(/sizes: input 3, hidden 4, layers 3, one direction, bias yes/);
    expect(out).toMatch(/parameters: 464/); // 3 x 4H(I + H + 2), H = 4, I = 3 then 4
    expect(out).toMatch(/weights: onnx::LSTM_\d+ \[1, 16, 3\]/);
    expect(out).toMatch(/torch: nn\.LSTM\(3, 4, num_layers=3, batch_first=True\)/);
  });

  it('two LSTMs that are not one nn.LSTM: two stacks with the reason', async () => {
    const { code, out } = await cli('inspect', path.join(EXPORTS, 'two_stacks.onnx'));
    expect(code).toBe(0);
    expect(out).toMatch(/2 LSTM nodes in 2 stacks/);
    expect(out).toMatch(/stack 'lstm0\.'.*\n.*note: not followed by LSTM '\/dec\/LSTM': .* differ in directions/);
    expect(out).toMatch(/LSTM 'lstm1\.' \(nn\.LSTM\)/);
  });

  it('content detection: an ONNX file without the .onnx extension', () => {
    const file = path.join(tmp(), 'model.bin');
    fs.copyFileSync(path.join(EXPORTS, 'one_layer.onnx'), file);
    expect(detectFormat(file)).toBe(onnxFormat);
  });
});

describe('lstm-bridge convert with ONNX', () => {
  it('PyTorch -> ONNX -> PyTorch with --verify: tensors identical, onnxruntime agrees with the engine', async () => {
    const dir = tmp();
    const a = await cli('convert', TORCH, path.join(dir, 'm.onnx'), '--verify');
    expect(a.code).toBe(0);
    expect(a.err).toMatch(/not converted \(not LSTM\): fc\.weight, fc\.bias/);
    expect(a.out).toMatch(/verify: 16 tensors: max abs difference 0\.00e\+0 .* ok/);
    expect(a.out).toMatch(/verify: onnxruntime on .*m\.onnx vs the other side's LSTM 'lstm\.' \(output, h_n, c_n\) on input \[5, 2, 3\]: max abs difference \d\.\d\de-\d .* ok/);
    const b = await cli('convert', path.join(dir, 'm.onnx'), path.join(dir, 'back.pt'), '--verify');
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/verify: onnxruntime on .*m\.onnx .* ok/);
    const original = loadTorch(TORCH);
    const back = loadTorch(path.join(dir, 'back.pt'));
    expect(Object.keys(back).sort()).toEqual(Object.keys(original).filter((k) => k.startsWith('lstm.')).sort());
    for (const k of Object.keys(back)) expect(Array.from(back[k].dataSync())).toEqual(Array.from(original[k].dataSync()));
    tf.dispose([...Object.values(original), ...Object.values(back)]);
  });

  it('--prefix names the LSTM in the state dict and is recorded in the ONNX file', async () => {
    const dir = tmp();
    expect((await cli('convert', TORCH, path.join(dir, 'm.onnx'), '--prefix', 'lstm.')).code).toBe(0);
    const r = await cli('convert', path.join(dir, 'm.onnx'), path.join(dir, 'r.safetensors'), '--prefix', 'rnn.', '--verify');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/vs the other side's LSTM 'rnn\.'/);
    const meta = decodeModel(new Uint8Array(fs.readFileSync(path.join(dir, 'm.onnx')))).metadataProps;
    expect(meta).toEqual([{ key: 'lstm_bridge.state_dict_prefix', value: 'lstm.' }]);
  });

  it('Keras .h5 -> ONNX (batch first, as the Keras model) and ONNX -> Keras, with --verify', async () => {
    const dir = tmp();
    expect((await cli('convert', TORCH, path.join(dir, 'm.h5'))).code).toBe(0);
    const k = await cli('convert', path.join(dir, 'm.h5'), path.join(dir, 'k.onnx'), '--verify');
    expect(k.code).toBe(0);
    expect(k.out).toMatch(/onnxruntime on .*k\.onnx vs the other side's LSTM 'bidirectional\+bidirectional_1' \(output, h_n, c_n\) on input \[2, 5, 3\].* ok/);
    const lstm = loadOnnx(path.join(dir, 'k.onnx'));
    expect(lstm.batchFirst).toBe(true);
    lstm.dispose();
    const back = await cli('convert', path.join(dir, 'k.onnx'), path.join(dir, 'back.h5'), '--verify');
    expect(back.code).toBe(0);
    expect(back.out).toMatch(/verify: nn\.LSTM 'lstm\.' vs model output on input \[2, 5, 3\].* ok/);
  });

  it('an ONNX model with several stacks: each under its own prefix; writing ONNX needs --prefix', async () => {
    const dir = tmp();
    const pt = await cli('convert', path.join(EXPORTS, 'two_stacks.onnx'), path.join(dir, 's.pt'), '--verify');
    expect(pt.code).toBe(0);
    expect(pt.err).toMatch(/LSTM 'lstm0\.' of .* was not run in onnxruntime: its input or output is not an input or output of the model/);
    const sd = loadTorch(path.join(dir, 's.pt'));
    expect(Object.keys(sd).filter((k) => k.endsWith('weight_ih_l0'))).toEqual(['lstm0.weight_ih_l0', 'lstm1.weight_ih_l0']);
    tf.dispose(Object.values(sd));
    const none = await cli('convert', path.join(EXPORTS, 'two_stacks.onnx'), path.join(dir, 's.onnx'));
    expect([none.code, none.err]).toEqual([1, expect.stringMatching(/several LSTMs in the state dict \(prefixes 'lstm0\.', 'lstm1\.'\); choose one with --prefix/)]);
    const one = await cli('convert', path.join(EXPORTS, 'two_stacks.onnx'), path.join(dir, 's.onnx'), '--prefix', 'lstm1.', '--verify');
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/onnxruntime on .*s\.onnx vs the other side's LSTM 'lstm1\.' .* on input \[5, 2, 8\].* ok/);
  });

  it('activations a state dict cannot hold: read as a Keras model, converted to Keras, refused as PyTorch', async () => {
    const dir = tmp();
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    const layers = [0, 1].map((k) => ({ forward: lstm.canonicalWeights(k), backward: null }));
    const file = path.join(dir, 'hs.onnx');
    fs.writeFileSync(file, encodeModel(buildLstmStackModel(layers, { recurrentActivation: 'hardSigmoid', activation: 'relu' })));
    layers.forEach((l) => tf.dispose([l.forward.kernel, l.forward.recurrentKernel]));
    lstm.dispose();
    const i = await cli('inspect', file);
    expect(i.code).toBe(0);
    expect(i.out).toMatch(/activations hardSigmoid \/ relu, read as a Keras model/);
    expect(i.out).toMatch(/activations: relu, recurrent hard_sigmoid/);
    const h5 = await cli('convert', file, path.join(dir, 'hs.h5'), '--verify');
    expect(h5.code).toBe(0);
    expect(h5.out).toMatch(/onnxruntime on .*hs\.onnx vs the other side's LSTM 'lstm\+lstm_1' \(output, h_n, c_n\).* ok/);
    const pt = await cli('convert', file, path.join(dir, 'hs.pt'));
    expect([pt.code, pt.err]).toEqual([1, expect.stringMatching(/cannot be an nn\.LSTM: activation relu, recurrent activation hard_sigmoid/)]);
  });

  it('a model onnxruntime cannot load (layout = 1 LSTM nodes): converted, the onnxruntime run skipped with a note', async () => {
    const dir = tmp();
    const lstm = new LSTM(3, 2, { batchFirst: true });
    const m = onnxModelOf(lstm);
    m.graph.node = m.graph.node.filter((n) => n.opType !== 'Transpose');
    const node = m.graph.node.find((n) => n.opType === 'LSTM')!;
    node.input[0] = 'input';
    node.attribute.push({ name: 'layout', type: AttributeType.INT, i: 1 });
    const squeeze = m.graph.node.find((n) => n.opType === 'Squeeze')!;
    squeeze.input[1] = 'axes_2';
    squeeze.output = ['output'];
    m.graph.initializer.push(int64Tensor('axes_2', [1], [2]));
    const file = path.join(dir, 'batchwise.onnx');
    fs.writeFileSync(file, encodeModel(m));
    const r = await cli('convert', file, path.join(dir, 'b.pt'), '--verify');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/note: .*batchwise\.onnx was not run: onnxruntime cannot load it \(.*layout == 1/);
    const back = loadOnnx(file);
    expect(back.batchFirst).toBe(true);
    back.dispose();
    lstm.dispose();
  });

  it('a difference found by onnxruntime fails --verify with exit 3', async () => {
    const dir = tmp();
    const spy = jest.spyOn(onnxFormat as Required<typeof onnxFormat>, 'verifyFile').mockResolvedValue({ comparisons: [{ what: 'onnxruntime', maxDiff: 0.25 }], notes: [] });
    try {
      const r = await cli('convert', TORCH, path.join(dir, 'x.onnx'), '--verify');
      expect(r.code).toBe(3);
      expect(r.out).toMatch(/verify: onnxruntime: max abs difference 2\.50e-1 \(tolerance 0\.00001\) FAILED/);
    } finally {
      spy.mockRestore();
    }
  });

  it('a corrupt ONNX file and projections: one line, exit 1', async () => {
    const dir = tmp();
    const bad = path.join(dir, 'bad.onnx');
    fs.writeFileSync(bad, fs.readFileSync(path.join(EXPORTS, 'one_layer.onnx')).subarray(0, 300));
    const r = await cli('inspect', bad);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^lstm-bridge: onnx: ModelProto/);
    const proj = new LSTM(3, 5, { projSize: 2 });
    expect(() => saveOnnx(proj, path.join(dir, 'p.onnx'))).toThrow(/no projection/);
    proj.dispose();
  });
});
