/**
 * The checks the browser suite runs, the same code in Node (the reference, cpu backend) and in
 * the page (each backend): every check returns named float arrays, which the runner compares.
 * Deterministic: weights and inputs come from a seeded LCG, not from tf.random.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adapters, io, layers, nn } from '../../src';
import { fitChecks } from './checks-fit';
import { gruChecks } from './checks-gru';
import { nnChecks, seededLstm, seededTensor, values, type CheckResults } from './checks-nn';

export type { CheckResults };

/** The files the io checks read, as bytes (made in Node by the runner). */
export interface CheckFiles {
  pt: Uint8Array;
  safetensors: Uint8Array;
  h5: Uint8Array;
  keras: Uint8Array;
  tfjsModelJson: unknown;
  tfjsShards: Uint8Array[];
  onnx: Uint8Array;
}

async function layersChecks(out: CheckResults): Promise<void> {
  await fitChecks(out, 'layers', tfl.sequential({
    layers: [
      layers.bidirectional({ layer: layers.lstm({ units: 4, returnSequences: true }), inputShape: [5, 3] }),
      layers.lstm({ units: 3 }),
    ],
  }), 200, 10);
}

function forwardOf(lstm: nn.LSTM, seed: number, batchFirst = false): number[] {
  return tf.tidy(() => {
    const x = seededTensor(seed, batchFirst ? [2, 5, lstm.inputSize] : [5, 2, lstm.inputSize]);
    return values(lstm.forward(x)[0]);
  });
}

async function predictOf(model: tfl.LayersModel, seed: number): Promise<number[]> {
  const shape = model.inputs[0]?.shape.map((d) => d ?? 2) ?? [];
  shape[0] = 2;
  const x = seededTensor(seed, shape);
  const y = model.predict(x) as tf.Tensor | tf.Tensor[];
  const first = Array.isArray(y) ? y[0] as tf.Tensor : y;
  const v = values(first);
  tf.dispose([x, y as tf.Tensor]);
  return v;
}

async function ioChecks(files: CheckFiles, out: CheckResults): Promise<void> {
  const ptState = io.loadTorch(files.pt);
  const pt = nn.LSTM.fromStateDict(ptState);
  tf.dispose(Object.values(ptState));
  pt.eval();
  out['io.pt.forward'] = forwardOf(pt, 20);
  pt.dispose();
  const st = io.loadSafetensors(files.safetensors);
  const fromSt = nn.LSTM.fromStateDict(st);
  fromSt.eval();
  out['io.safetensors.forward'] = forwardOf(fromSt, 21);
  fromSt.dispose();
  tf.dispose(Object.values(st));
  for (const [name, bytes] of [['h5', files.h5], ['keras', files.keras]] as const) {
    const model = await io.loadKeras(bytes);
    out[`io.${name}.predict`] = await predictOf(model, 22);
    model.dispose();
  }
  const web = await io.loadTfjsModel(files.tfjsModelJson, files.tfjsShards);
  out['io.tfjs.predict'] = await predictOf(web, 23);
  web.dispose();
  const onnx = io.loadOnnx(files.onnx);
  onnx.eval();
  out['io.onnx.forward'] = forwardOf(onnx, 24, onnx.batchFirst);
  onnx.dispose();
}

async function adapterChecks(out: CheckResults): Promise<void> {
  const lstm = seededLstm();
  const sd = lstm.stateDict();
  const torchW = { weight_ih: sd['weight_ih_l0'] as tf.Tensor, weight_hh: sd['weight_hh_l0'] as tf.Tensor, bias_ih: sd['bias_ih_l0'] as tf.Tensor, bias_hh: sd['bias_hh_l0'] as tf.Tensor };
  const kerasW = adapters.convertLstmWeights(torchW, 'torch', 'keras') as unknown as Record<string, tf.Tensor>;
  const onnxW = adapters.convertLstmWeights(torchW, 'torch', 'onnx') as unknown as Record<string, tf.Tensor>;
  const converted = [...Object.entries(kerasW).map(([k, v]) => [`keras.${k}`, v] as const), ...Object.entries(onnxW).map(([k, v]) => [`onnx.${k}`, v] as const)];
  for (const [k, v] of converted) if (v instanceof tf.Tensor) { out[`adapters.${k}`] = values(v); v.dispose(); }
  const model = adapters.toKeras(lstm);
  out['adapters.toKeras.predict'] = await predictOf(model, 25);
  const back = adapters.toTorch(model);
  back.eval();
  out['adapters.toTorch.forward'] = forwardOf(back, 26, back.batchFirst);
  back.dispose();
  model.dispose();
  lstm.dispose();
}

/**
 * Runs every check on the current backend; `numTensors` is the leak check (the tensor count
 * after minus before; 0 expected).
 */
export async function runChecks(files: CheckFiles): Promise<{ results: CheckResults; leaked: number }> {
  const before = tf.memory().numTensors;
  const results: CheckResults = {};
  nnChecks(results);
  await layersChecks(results);
  await ioChecks(files, results);
  await adapterChecks(results);
  await gruChecks(results);
  return { results, leaked: tf.memory().numTensors - before };
}
