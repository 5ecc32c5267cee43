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
 * outcome for peepholes. Reading the `.onnx` / `.pb` files for this part needs `/usr/bin/python3`
 * with the `onnx` package (`apt-get install -y python3-onnx`); see `scripts/onnx-node-test-to-json.py`.
 *
 * Then, without Python, each test's `model.onnx` goes through `io.loadOnnx` (our own decoder; the
 * node tests give W, R, B, P as graph inputs, so their values from `test_data_set_*` are passed
 * in `options.inputValues`), and the resulting `nn.LSTM` runs each data set: its output and
 * h_n, put in ONNX's `Y` / `Y_h` layout (`layout = 1` read as `batchFirst`), must match the
 * test's expected outputs; the peephole test must end in `UnsupportedConversionError`.
 * Skips cleanly (exit 0) when the folder is absent.
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
import { OnnxInputValue, loadOnnx } from '../src/io';
import { decodeModel, decodeTensor, tensorToFloat32 } from '../src/onnx';
import { TensorProto } from '../src/onnx/types';

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

const WEIGHT_INPUTS = [1, 2, 3, 7]; // W, R, B, P of the LSTM node

/** Every node test through io.loadOnnx and nn.LSTM.forward; returns the number of failures. */
function checkLoadOnnx(root: string, tests: string[]): number {
  let failures = 0;
  for (const name of tests) {
    const dir = path.join(root, name);
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'model.onnx')));
    const node = decodeModel(bytes).graph.node.find((n) => n.opType === 'LSTM');
    if (!node) continue;
    const layout = Number(node.attribute.find((a) => a.name === 'layout')?.i ?? 0);
    const sets = fs.readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort();
    for (const set of sets) {
      const label = `io.loadOnnx ${name} [${set}]`;
      const read = (prefix: string): TensorProto[] =>
        fs.readdirSync(path.join(dir, set)).filter((f) => f.startsWith(prefix)).sort((a, b) => parseInt(a.slice(prefix.length), 10) - parseInt(b.slice(prefix.length), 10))
          .map((f) => decodeTensor(new Uint8Array(fs.readFileSync(path.join(dir, set, f)))));
      const inputs = new Map(read('input_').map((t) => [t.name, t]));
      const outputs = new Map(read('output_').map((t) => [t.name, t]));
      const inputValues: Record<string, OnnxInputValue> = {};
      for (const k of WEIGHT_INPUTS) if (node.input[k] && inputs.has(node.input[k])) inputValues[node.input[k]] = inputs.get(node.input[k])!;
      let lstm;
      try {
        lstm = loadOnnx(bytes, { inputValues });
      } catch (e) {
        const expected = EXPECTED_REFUSALS[name];
        if (e instanceof LstmBridgeError && e.name === expected) console.log(`${label}: refused as expected — ${e.name}: ${e.message}`);
        else {
          failures++;
          console.log(`${label}: FAIL — ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
        continue;
      }
      if (EXPECTED_REFUSALS[name]) {
        failures++;
        console.log(`${label}: FAIL — expected ${EXPECTED_REFUSALS[name]}, but it loaded`);
      }
      const asTensor = (t: TensorProto) => tf.tensor(tensorToFloat32(t), t.dims);
      const got = tf.tidy(() => {
        const x = asTensor(inputs.get(node.input[0])!);
        const h0 = node.input[5] ? inputs.get(node.input[5]) : undefined;
        const c0 = node.input[6] ? inputs.get(node.input[6]) : undefined;
        const [y, [hN]] = lstm.forward(x, h0 && c0 ? [asTensor(h0), asTensor(c0)] : null);
        const D = lstm.numDirections;
        // nn.LSTM's output (T, N, D·H) or batch first (N, T, D·H) -> ONNX Y (T, D, N, H) or (N, T, D, H)
        const [a, b] = y.shape;
        const Y = layout === 1 ? tf.reshape(y, [a, b, D, lstm.hiddenSize]) : tf.transpose(tf.reshape(y, [a, b, D, lstm.hiddenSize]), [0, 2, 1, 3]);
        const Yh = layout === 1 ? tf.transpose(hN, [1, 0, 2]) : hN;
        return { [node.output[0]]: Y, [node.output[1]]: Yh } as Record<string, tf.Tensor>;
      });
      for (const [outName, expected] of outputs) {
        const t = got[outName];
        if (!t) {
          failures++;
          console.log(`${label}: FAIL — output ${outName} not computed`);
          continue;
        }
        const e = asTensor(expected);
        const diff = t.shape.join() === e.shape.join() ? tf.max(tf.abs(tf.sub(t, e))).dataSync()[0] : Infinity;
        e.dispose();
        const ok = diff <= ATOL;
        if (!ok) failures++;
        console.log(`${label}: ${outName} ${JSON.stringify(expected.dims)} max |diff| ${diff.toExponential(2)} ${ok ? 'ok' : `FAIL (> ${ATOL})`}`);
      }
      tf.dispose(Object.values(got));
      lstm.dispose();
    }
  }
  return failures;
}

function main(): number {
  const root = process.argv[2] ?? path.join(__dirname, '..', '..', 'shared', 'acceptance', 'onnx-backend-node-lstm');
  if (!fs.existsSync(root)) {
    console.log(`skip: ${root} is absent (the acceptance files are not part of the project)`);
    return 0;
  }
  void tf.setBackend('cpu');
  const all = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'model.onnx'))).sort();
  const loadFailures = checkLoadOnnx(root, all);
  console.log(loadFailures === 0 ? `io.loadOnnx: all ${all.length} ONNX LSTM node tests as expected` : `io.loadOnnx: ${loadFailures} failure(s)`);
  if (loadFailures) return 1;
  try {
    execFileSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' });
  } catch {
    console.error(`cannot read the ONNX files: ${PYTHON} with the onnx package is needed (apt-get install -y python3-onnx)`);
    return 2;
  }
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
