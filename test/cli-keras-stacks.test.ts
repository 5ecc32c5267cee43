/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * The CLI on Keras / TF.js models built here with lstm-bridge's and tfjs-layers' layers:
 * - stacks of LSTMs with Dropout between become one `nn.LSTM(num_layers=k)` under `lstm.`, as
 *   `adapters.toTorch` builds it (the same state dict), also with a Dense head;
 * - to `.onnx` without `--prefix` (one stack), with their activations: Keras 2's
 *   `hard_sigmoid` (HardSigmoid 0.2, 0.5) and Keras 3's (1/6, 0.5), checked by `--verify` in
 *   onnxruntime against the engine and directly here (≤ 1e-5);
 * - `--prefix` only for models that really hold several separate stacks, naming them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tfl from '@tensorflow/tfjs-layers';

import { toTorch } from '../adapters';
import { cli } from './helpers/cli-in-process';
import { lstmStack } from '../src/engine';
import { disposeOnnxStacks, loadTorch, readOnnxLstmStacks, saveKeras, saveTfjs } from '../src/io/node';
import { bidirectional, lstm } from '../src/layers';
import { decodeModel } from '../src/onnx';
import { loadOnnxRuntime } from '../src/runtime/ort-runtime';
import { randomizeWeights as randomize } from './helpers/layers';
import { tmpDirs } from './helpers/tmp';
import { maxAbsDiff, randomTensor, tf } from './helpers/tf';

const tmp = tmpDirs('lstm-bridge-cli-stacks-');



async function h5Of(model: tfl.LayersModel, name: string): Promise<string> {
  const file = path.join(tmp(), name);
  await saveKeras(model, file);
  return file;
}

describe('a Keras stack of LSTMs with Dropout between -> one nn.LSTM(num_layers=k)', () => {
  it.each([
    ['LSTM, Dropout, LSTM', false, false],
    ['Bidirectional, Dropout, Bidirectional', true, false],
    ['LSTM, Dropout, LSTM, Dense head', false, true],
  ])('%s: .pt under lstm.*_l0 / _l1, the state dict adapters.toTorch builds, --verify ok', async (_name, bi, head) => {
    const wrap = (l: ReturnType<typeof lstm>, first: boolean) => (bi ? bidirectional({ layer: l, ...(first ? { inputShape: [5, 3] } : {}) }) : l);
    const model = tfl.sequential({
      layers: [
        wrap(lstm({ units: 4, returnSequences: true, ...(bi ? {} : { inputShape: [5, 3] }) }), true),
        tfl.layers.dropout({ rate: 0.25 }),
        wrap(lstm({ units: 4, returnSequences: !head }), false),
        ...(head ? [tfl.layers.dense({ units: 2 })] : []),
      ],
    });
    randomize(model, 3);
    const file = await h5Of(model, 'stack.h5');
    const pt = path.join(tmp(), 'stack.pt');
    const r = await cli('convert', file, pt, '--verify');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verify: layers .* vs nn\.LSTM 'lstm\.' on input \[2, 5, 3\]: .* ok/);
    const sd = loadTorch(pt);
    const lstmKeys = Object.keys(sd).filter((k) => /weight_ih/.test(k)).sort();
    expect(lstmKeys).toEqual(bi ? ['lstm.weight_ih_l0', 'lstm.weight_ih_l0_reverse', 'lstm.weight_ih_l1', 'lstm.weight_ih_l1_reverse'] : ['lstm.weight_ih_l0', 'lstm.weight_ih_l1']);
    if (head) {
      expect(r.err).toMatch(/not converted \(not LSTM\): dense/);
    } else {
      // The adapters' whole-model conversion gives the same tensors.
      const torch = toTorch(model, { trainingDropout: 'discard' });
      const ref = torch.stateDict();
      for (const [k, t] of Object.entries(ref)) expect(maxAbsDiff(t, sd[`lstm.${k}`])).toBe(0);
      torch.dispose();
    }
    tf.dispose(Object.values(sd));
    model.dispose();
  });

  it('to .onnx without --prefix: one stack of 2 layers, --verify in onnxruntime ok', async () => {
    const model = tfl.sequential({
      layers: [
        bidirectional({ layer: lstm({ units: 4, returnSequences: true }), inputShape: [5, 3] }),
        tfl.layers.dropout({ rate: 0.5 }),
        bidirectional({ layer: lstm({ units: 4, returnSequences: true }) }),
      ],
    });
    randomize(model, 9);
    const out = path.join(tmp(), 'stack.onnx');
    const r = await cli('convert', await h5Of(model, 'bi.h5'), out, '--verify');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/verify: weights and activations of LSTM 'bidirectional.*\+bidirectional.*' vs the ONNX file's stack 'lstm\.': max abs difference 0\.00e\+0 .* ok/);
    expect(r.out).toMatch(/verify: onnxruntime on .*stack\.onnx vs the other side's LSTM .* \(output, h_n, c_n\) on input \[2, 5, 3\].* ok/);
    const stacks = readOnnxLstmStacks(out);
    expect(stacks.map((s) => [s.config.numLayers, s.config.bidirectional, s.form])).toEqual([[2, true, 'batch-first']]);
    disposeOnnxStacks(stacks);
    model.dispose();
  });
});

describe('Keras hard_sigmoid models to .onnx, with their activations', () => {
  it.each([
    ['Keras 2 hard_sigmoid (.h5)', 'hardSigmoid', 0.2],
    ['Keras 3 hard_sigmoid (TF.js directory)', 'hardSigmoidKeras3', 1 / 6],
  ] as const)('%s: HardSigmoid(alpha, 0.5) nodes; onnxruntime = the Keras model within 1e-5', async (_name, recurrentActivation, alpha) => {
    const model = tfl.sequential({
      layers: [
        lstm({ units: 4, recurrentActivation, returnSequences: true, inputShape: [6, 3] }),
        lstm({ units: 4, recurrentActivation, returnSequences: true }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    randomize(model, 21);
    let file: string;
    if (recurrentActivation === 'hardSigmoid') {
      file = await h5Of(model, 'hs.h5');
    } else {
      file = path.join(tmp(), 'hs3');
      await saveTfjs(model, file); // auto: these layers stay lstm-bridge's (tfjs has no Keras 3 hard sigmoid)
    }
    const out = path.join(tmp(), 'hs.onnx');
    const r = await cli('convert', file, out, '--verify');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/not converted \(not LSTM\): dense/);
    expect(r.out).toMatch(/verify: weights and activations .* ok/);
    expect(r.out).toMatch(/verify: onnxruntime on .*hs\.onnx .* \(output, h_n, c_n\) .* ok/);

    const bytes = new Uint8Array(fs.readFileSync(out));
    const node = decodeModel(bytes).graph.node.find((n) => n.opType === 'LSTM')!;
    expect(node.attribute.find((a) => a.name === 'activations')!.strings!.map((s) => new TextDecoder().decode(s))).toEqual(['HardSigmoid', 'Tanh', 'Tanh']);
    expect(node.attribute.find((a) => a.name === 'activation_alpha')!.floats![0]).toBeCloseTo(alpha, 6);
    // onnxruntime against the Keras model's own two LSTM layers (the model up to the Dense head).
    const rt = loadOnnxRuntime()!;
    const x = randomTensor([2, 6, 3], 4, 2);
    const session = await rt.InferenceSession.create(bytes);
    const y = await session.run({ input: new rt.Tensor('float32', x.dataSync() as Float32Array, [2, 6, 3]) });
    await session.release();
    const keras = tf.tidy(() => model.layers[1].apply(model.layers[0].apply(x)) as tf.Tensor);
    expect(maxAbsDiff(y.output.data as Float32Array, keras)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, keras]);
    // ... and the engine check of the same file agrees.
    const [s] = readOnnxLstmStacks(bytes);
    expect(s.recurrentActivation).toBe(recurrentActivation);
    const e = tf.tidy(() => tf.transpose(lstmStack(tf.transpose(randomTensor([2, 6, 3], 4, 2), [1, 0, 2]), s.layers, { recurrentActivation }).output, [1, 0, 2]));
    expect(maxAbsDiff(y.output.data as Float32Array, e)).toBeLessThanOrEqual(1e-5);
    tf.dispose(e);
    disposeOnnxStacks([s]);
    model.dispose();
  });
});

describe('--prefix only for models with several separate stacks', () => {
  it('two branches: .onnx names the stacks and takes --prefix <first layer>.; .pt writes both under their names', async () => {
    const x = tfl.input({ shape: [5, 3] });
    const a = lstm({ units: 4, name: 'enc_a' }).apply(x) as tfl.SymbolicTensor;
    const b = lstm({ units: 3, recurrentActivation: 'hardSigmoid', name: 'enc_b' }).apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: tfl.layers.concatenate().apply([a, b]) as tfl.SymbolicTensor });
    randomize(model, 33);
    const file = await h5Of(model, 'two.h5');
    const none = await cli('convert', file, path.join(tmp(), 'x.onnx'));
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/several separate LSTM stacks: 'enc_a\.' \(layers enc_a\), 'enc_b\.' \(layers enc_b\); choose one with --prefix/);
    const wrong = await cli('convert', file, path.join(tmp(), 'x.onnx'), '--prefix', 'bidirectional.');
    expect(wrong.err).toMatch(/--prefix 'bidirectional\.' names none of the LSTM stacks: 'enc_a\.'/);
    const out = path.join(tmp(), 'b.onnx');
    const ok = await cli('convert', file, out, '--prefix', 'enc_b.', '--verify');
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/not converted \(not LSTM\): enc_a \(another LSTM; choose it with --prefix enc_a\.\)/);
    expect(ok.out).toMatch(/verify: weights and activations of LSTM 'enc_b' .* ok/);
    expect(ok.out).toMatch(/verify: onnxruntime on .*b\.onnx vs the other side's LSTM 'enc_b' .* ok/);
    expect(decodeModel(new Uint8Array(fs.readFileSync(out))).metadataProps).toEqual([{ key: 'lstm_bridge.state_dict_prefix', value: 'enc_b.' }]);
    const sdFile = path.join(tmp(), 'a.pt');
    const pt = await cli('convert', file, sdFile, '--prefix', 'enc_a.');
    // The state dict formats write every LSTM PyTorch can compute; enc_b's hard sigmoid it cannot.
    expect([pt.code, pt.err]).toEqual([1, expect.stringMatching(/LSTM 'enc_b' cannot be an nn\.LSTM: .*hard_sigmoid \(Keras 2\)/)]);
    model.dispose();
  });
});
