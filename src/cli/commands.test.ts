/**
 * The CLI's bytes core without a file system: `inspectFile` / `convertFile` on files in memory
 * (as the converter page calls them), `pickedInput`'s choice of the main file, and the written
 * files loaded back (state dict -> TF.js directory -> state dict, compared exactly).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

import { loadTorch, saveTorch } from '../io';
import { LSTM } from '../nn';
import { convertFile, inputOfOutput, inspectFile, oneLineError } from './commands';
import { OutputFiles } from './formats';
import { pickedFiles, pickedInput } from './picked-files';
import { NO_PROGRESS } from './progress';

beforeAll(async () => {
  await tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
});

function lines(): { out: string[]; io: { stdout: (l: string) => void; stderr: (l: string) => void } } {
  const out: string[] = [];
  return { out, io: { stdout: (l) => out.push(l), stderr: (l) => out.push(`stderr: ${l}`) } };
}

describe('pickedInput', () => {
  const a = new Uint8Array([1]);
  const b = new Uint8Array([2]);
  it('takes the only file, or the one model.json of several (siblings by base name)', () => {
    const one = pickedInput(new Map([['x.pt', a]]));
    expect([one.path, one.bytes, one.isDirectory]).toEqual(['x.pt', a, false]);
    expect(() => one.sibling('y.bin')).toThrow("lstm-bridge: x.pt names the weights file 'y.bin'; pick it too (got x.pt)");
    const web = pickedInput(new Map([['w.bin', b], ['model.json', a]]));
    expect([web.path, web.sibling('w.bin'), web.sibling('sub/w.bin')]).toEqual(['model.json', b, b]);
  });
  it('pickedFiles: a weights file with a Keras architecture .json gives the --config; a TF.js model.json does not', () => {
    const arch = new TextEncoder().encode('{"class_name": "Sequential", "config": {}}');
    const picked = pickedFiles(new Map([['w.h5', a], ['arch.json', arch]]));
    expect([picked.input.path, picked.config]).toEqual(['w.h5', { path: 'arch.json', text: '{"class_name": "Sequential", "config": {}}' }]);
    const tfjs = new TextEncoder().encode('{"modelTopology": {"class_name": "Sequential"}, "weightsManifest": []}');
    const web = pickedFiles(new Map([['weights.bin', a], ['model.json', tfjs]]));
    expect([web.input.path, web.config]).toEqual(['model.json', undefined]);
  });
  it('refuses no file and several files without exactly one model.json, naming them', () => {
    expect(() => pickedInput(new Map())).toThrow(/^lstm-bridge: no file given/);
    expect(() => pickedInput(new Map([['a.pt', a], ['b.pt', b]]))).toThrow('lstm-bridge: pick one model file, or one model.json with its weight shards; got a.pt, b.pt');
  });
});

describe('the bytes core', () => {
  it('inspects and converts in memory: torch -> tfjs directory -> torch computes the same (1e-6), nothing leaked', async () => {
    const lstm = new LSTM(3, 4, { numLayers: 2 });
    const pt = saveTorch(lstm.stateDict());
    const before = tf.memory().numTensors;
    const input = pickedInput(new Map([['m.pt', pt]]));
    const shown = lines();
    await inspectFile(input, {}, shown.io);
    expect(shown.out[0]).toMatch(/^m\.pt: PyTorch state dict \(zip archive\), 8 tensors/);
    expect(shown.out).toContain('  torch: nn.LSTM(3, 4, num_layers=2)');

    let written: OutputFiles | null = null;
    const run = lines();
    const io = { ...run.io, progress: NO_PROGRESS, write: (o: OutputFiles) => void (written = o) };
    const code = await convertFile(input, { path: 'web', isDirectory: false }, 'tfjs', { verify: true, tolerance: 1e-5 }, io);
    expect(code).toBe(0);
    expect(run.out[0]).toBe('m.pt (torch) -> web (tfjs)');
    expect(run.out.filter((l) => l.startsWith('verify: ')).every((l) => l.endsWith(' ok'))).toBe(true);
    expect(written!.kind).toBe('directory');
    expect([...(written as unknown as { files: Map<string, Uint8Array> }).files.keys()].sort()).toEqual(['model.json', 'weights.bin']);

    let back: OutputFiles | null = null;
    const again = lines();
    const code2 = await convertFile(inputOfOutput('web', written!), { path: 'back.pt', isDirectory: false }, undefined, { verify: false, tolerance: 1e-5 }, { ...again.io, progress: NO_PROGRESS, write: (o) => void (back = o) });
    expect([code2, again.out[0]]).toEqual([0, 'web (tfjs) -> back.pt (torch)']);
    expect(tf.memory().numTensors).toBe(before);
    // Keras keeps one bias (b_ih + b_hh), so compare what the LSTMs compute.
    const sd = loadTorch((back as unknown as { bytes: Uint8Array }).bytes);
    const again2 = LSTM.fromStateDict(sd, { prefix: 'lstm.' });
    tf.dispose(Object.values(sd));
    const x = tf.randomUniform([5, 2, 3], -1, 1, 'float32', 3);
    const [a] = lstm.forward(x);
    const [b] = again2.forward(x);
    const d = tf.max(tf.abs(tf.sub(a as tf.Tensor, b as tf.Tensor))).dataSync()[0];
    expect(d).toBeLessThanOrEqual(1e-6);
    tf.dispose([x]);
    again2.dispose();
    lstm.dispose();
  });

  it('a bad file is a one-line LstmBridgeError message; other errors say internal error', async () => {
    const input = pickedInput(new Map([['bad.onnx', new Uint8Array([8, 7, 0x12, 1, 2])]]));
    const before = tf.memory().numTensors;
    const e = await inspectFile(input, {}, lines().io).then(() => null, (err: unknown) => err);
    expect(oneLineError(e)).toMatch(/^lstm-bridge: onnx: [^\n]+$/);
    expect(oneLineError(new TypeError('x\ny'))).toBe('lstm-bridge: internal error: x');
    expect(tf.memory().numTensors).toBe(before);
  });
});
