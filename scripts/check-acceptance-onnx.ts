/**
 * Optional acceptance check (never part of `npm test`): the ONNX operator's own `LSTM` node
 * tests in `../shared/acceptance/onnx-backend-node-lstm/` (W, R, B, ... given as inputs), run
 * through the adapters and the engine and compared with the tests' expected outputs.
 *
 *     npm run acceptance:onnx            # or: npx ts-node --transpile-only scripts/check-acceptance-onnx.ts [folder]
 *
 * For each test: the node's attributes go through `onnxLstmAttributes`, W / R / B / P through
 * `onnxToCanonical`, X / initial states / outputs through the ONNX layout helpers; each direction
 * runs in `lstmLayer` (with `sequence_lens` as lengths). A test whose node the adapters refuse
 * with a typed error (the peephole test: nonzero P) is reported as such; that is the expected
 * outcome for peepholes. Skips cleanly (exit 0) when the folder is absent. Reading the `.onnx` /
 * `.pb` files needs `/usr/bin/python3` with the `onnx` package (`apt-get install -y python3-onnx`);
 * see `scripts/onnx-node-test-to-json.py`.
 */
import '@tensorflow/tfjs-backend-cpu';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs-core';

import {
  directionsToOnnxY,
  disposeWeights,
  onnxLstmAttributes,
  onnxStateToTorch,
  onnxToCanonical,
  onnxXToTimeMajor,
  torchStateToOnnx,
} from '../adapters';
import { lstmLayer } from '../src/engine';
import { LstmBridgeError } from '../src/errors';

interface JsonTensor {
  dtype: string;
  shape: number[];
  data: number[];
}
interface NodeTest {
  test: string;
  op_type: string;
  attributes: Record<string, unknown>;
  node_inputs: string[];
  node_outputs: string[];
  initializers: Record<string, JsonTensor>;
  data_sets: { inputs: Record<string, JsonTensor>; outputs: Record<string, JsonTensor> }[];
}

const ATOL = 1e-5;
const PYTHON = '/usr/bin/python3';
const DUMP = path.join(__dirname, 'onnx-node-test-to-json.py');
const EXPECTED_REFUSALS: Record<string, string> = { test_lstm_with_peepholes: 'UnsupportedConversionError' };

function readTest(folder: string): NodeTest {
  const out = execFileSync(PYTHON, [DUMP, folder], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as NodeTest;
}

const toTensor = (t: JsonTensor) => tf.tensor(t.data, t.shape);

/** Runs one data set; returns the node's outputs by name. */
function runNode(node: NodeTest, inputs: Record<string, JsonTensor>): Record<string, tf.Tensor> {
  const named = (k: number): JsonTensor | null => {
    const name = node.node_inputs[k];
    if (!name) return null;
    return inputs[name] ?? node.initializers[name] ?? null;
  };
  const options = onnxLstmAttributes(node.attributes as never);
  const [X, W, R, B, seqLens, initialH, initialC, P] = Array.from({ length: 8 }, (_, k) => named(k));
  if (!X || !W || !R) throw new Error('X, W and R are required inputs');
  const weights = {
    W: toTensor(W) as tf.Tensor3D,
    R: toTensor(R) as tf.Tensor3D,
    B: B ? (toTensor(B) as tf.Tensor2D) : null,
    P: P ? (toTensor(P) as tf.Tensor2D) : null,
  };
  try {
    const directions = onnxToCanonical(weights, `${node.test}: adapters.onnxToCanonical`);
    if (options.hiddenSize !== null && directions[0].recurrentKernel.shape[0] !== options.hiddenSize) {
      throw new Error(`hidden_size ${options.hiddenSize} does not match R`);
    }
    return tf.tidy(() => {
      const x = onnxXToTimeMajor(toTensor(X), options.layout);
      const h0 = initialH ? tf.unstack(onnxStateToTorch(toTensor(initialH), options.layout)) : null;
      const c0 = initialC ? tf.unstack(onnxStateToTorch(toTensor(initialC), options.layout)) : null;
      const lengths = seqLens ? seqLens.data : null;
      const runs = directions.map((w, d) =>
        lstmLayer(x, w, {
          ...options.activations[d],
          reverse: options.direction === 'reverse' || d === 1,
          lengths,
          initialState: h0 && c0 ? [h0[d], c0[d]] : null,
        }),
      );
      const result: Record<string, tf.Tensor> = {};
      const [yName, yhName, ycName] = node.node_outputs;
      if (yName) result[yName] = directionsToOnnxY(runs.map((r) => r.output), options.layout);
      if (yhName) result[yhName] = torchStateToOnnx(tf.stack(runs.map((r) => r.h)), options.layout);
      if (ycName) result[ycName] = torchStateToOnnx(tf.stack(runs.map((r) => r.c)), options.layout);
      disposeWeights(directions);
      return result;
    });
  } finally {
    disposeWeights(weights);
  }
}

function maxAbsDiff(a: tf.Tensor, b: JsonTensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shape [${a.shape}] vs expected [${b.shape}]`);
  const x = a.dataSync();
  return b.data.reduce((m, v, k) => Math.max(m, Math.abs(x[k] - v)), 0);
}

function main(): number {
  const root = process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'acceptance', 'onnx-backend-node-lstm');
  if (!fs.existsSync(root)) {
    console.log(`skip: ${root} is absent (the acceptance files are not part of the project)`);
    return 0;
  }
  try {
    execFileSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' });
  } catch {
    console.error(`cannot read the ONNX files: ${PYTHON} with the onnx package is needed (apt-get install -y python3-onnx)`);
    return 2;
  }
  void tf.setBackend('cpu');
  let failures = 0;
  const tests = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'model.onnx'))).sort();
  for (const name of tests) {
    const node = readTest(path.join(root, name));
    if (node.op_type !== 'LSTM') {
      console.log(`${name}: not an LSTM node (${node.op_type}), skipped`);
      continue;
    }
    node.data_sets.forEach((ds, k) => {
      const label = `${name} [data set ${k}]`;
      let outputs: Record<string, tf.Tensor>;
      try {
        outputs = runNode(node, ds.inputs);
      } catch (e) {
        const expected = EXPECTED_REFUSALS[name];
        if (e instanceof LstmBridgeError && e.name === expected) {
          console.log(`${label}: refused as expected — ${e.name}: ${e.message}`);
        } else {
          failures++;
          console.log(`${label}: FAIL — ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
        return;
      }
      if (EXPECTED_REFUSALS[name]) {
        failures++;
        console.log(`${label}: FAIL — expected ${EXPECTED_REFUSALS[name]}, but it ran`);
      }
      for (const [outName, expected] of Object.entries(ds.outputs)) {
        const got = outputs[outName];
        if (!got) {
          failures++;
          console.log(`${label}: FAIL — output ${outName} not produced`);
          continue;
        }
        const diff = maxAbsDiff(got, expected);
        const ok = diff <= ATOL;
        if (!ok) failures++;
        console.log(`${label}: ${outName} ${JSON.stringify(expected.shape)} max |diff| ${diff.toExponential(2)} ${ok ? 'ok' : `FAIL (> ${ATOL})`}`);
      }
      tf.dispose(Object.values(outputs));
    });
  }
  console.log(failures === 0 ? `all ${tests.length} ONNX LSTM node tests pass` : `${failures} failure(s)`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = main();
