/**
 * lstm-bridge prints nothing by itself: no warnings, stack traces or banners (tfjs's own cpu
 * banner aside, which is tfjs's). A plain `node` process imports the package (the sources) and
 * runs forward passes on both facades, the onnxruntime path, every file format both ways, the
 * whole-model adapters and an error path; what it printed is captured from the process's own
 * stdout and stderr (so native libraries' and Node's warnings would show too). The ESLint rules
 * `no-console` / `no-restricted-properties` keep console and process.stdout/stderr/emitWarning
 * in the CLI.
 */
import * as fs from 'fs';
import * as path from 'path';

import { withoutTfjsBanner } from '../scripts/library-output';
import { runNodeOnSources } from './helpers/plain-node';
import { tmpDirs } from './helpers/tmp';

const tmp = tmpDirs('lstm-bridge-quiet-');

const SCRIPT = `
const tf = require('@tensorflow/tfjs-core');
const tfl = require('@tensorflow/tfjs-layers');
const { adapters, io, layers, nn, LstmBridgeError } = require('lstm-bridge');
const node = require('lstm-bridge/node');

async function main() {
  const lstm = new nn.LSTM(4, 5, { numLayers: 2, bidirectional: true, batchFirst: true });
  const x = tf.randomNormal([2, 3, 4]);
  const [y] = lstm.forward(x);
  const [ya] = await lstm.eval().forwardAsync(x);
  const diff = tf.max(tf.abs(tf.sub(y, ya))).dataSync()[0];
  if (!(diff < 1e-5)) throw new Error('forwardAsync differs from forward by ' + diff);

  node.saveTorch(lstm.stateDict(), 'lstm.pt');
  const fromPt = nn.LSTM.fromStateDict(node.loadTorch('lstm.pt'));
  node.saveSafetensors(lstm.stateDict(), 'lstm.safetensors');
  node.loadSafetensors('lstm.safetensors');
  node.saveOnnx(lstm, 'lstm.onnx');
  node.loadOnnx('lstm.onnx');

  const model = adapters.toKeras(fromPt);
  await node.saveKeras(model, 'model.h5');
  const keras = await node.loadKeras('model.h5');
  await node.saveTfjs(keras, 'web');
  const web = await node.loadTfjs('web/model.json');
  adapters.toTorch(web);
  const seq = tfl.sequential({ layers: [layers.lstm({ units: 3, inputShape: [3, 4] })] });
  seq.predict(x);

  try {
    io.loadTorch(new Uint8Array([1, 2, 3]));
    throw new Error('a 3-byte .pt was accepted');
  } catch (e) {
    if (!(e instanceof LstmBridgeError)) throw e;
  }
  process.stdout.write('done\\n');
}
main().catch((e) => { process.stdout.write('failed: ' + (e && e.stack) + '\\n'); process.exitCode = 1; });
`;

test('importing lstm-bridge and using it prints nothing (tfjs banner aside)', () => {
  const dir = tmp();
  const file = path.join(dir, 'use-everything.js');
  fs.writeFileSync(file, SCRIPT);
  const run = runNodeOnSources(file, dir);
  expect(run.stdout).toBe('done\n');
  expect(run.status).toBe(0);
  expect(withoutTfjsBanner(run.stderr)).toBe('');
  expect(fs.existsSync(path.join(dir, 'web', 'model.json'))).toBe(true);
});

test('the banner filter removes only tfjs-backend-cpu\'s banner', () => {
  const banner =
    '\n============================\nHi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, ' +
    'install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. \n============================\n';
  expect(withoutTfjsBanner(banner)).toBe('');
  expect(withoutTfjsBanner(`${banner}lstm-bridge: something\n`)).toBe('lstm-bridge: something\n');
  expect(withoutTfjsBanner('(node:1) Warning: x\n')).toBe('(node:1) Warning: x\n');
});
