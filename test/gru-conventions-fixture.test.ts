/**
 * The GRU / RNN adapters against the forms other frameworks' own code writes
 * (test/fixtures/gru-conventions.json, from generate-gru-conventions.py: PyTorch's state dict and
 * outputs, the initializers torch.onnx.export writes, numpy transcriptions of tf-keras' layouts
 * and of Keras 2's CuDNNGRU conversion, and of Keras's reset_after=True step):
 * - converting the PyTorch weights gives each other form bit for bit (toEqual on the arrays);
 * - converting each form to canonical and running the engine gives PyTorch's output within 1e-5
 *   (float32; the Keras numpy step is float64 and matches PyTorch within 1e-5 in the generator).
 */
import * as fs from 'fs';
import * as path from 'path';

import { convertGruWeights, convertRnnWeights, disposeWeights } from '../adapters';
import { gruLayer, rnnLayer } from '../src/engine';
import { expectClose, tf } from './helpers/tf';

interface Arr { shape: number[]; data: number[] }
type Form = Record<string, Arr>;
interface Case { kind: 'GRU' | 'RNN' | 'TF1GRU'; tf1?: Form; activation?: 'relu'; x: Arr; output: Arr; keras_output?: Arr; torch: Form; keras: Form; cudnn?: Form; onnx: Form; onnx_attributes: Record<string, unknown> }

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'gru-conventions.json'), 'utf8')) as { cases: Case[] };
const tensors = (form: Form) => Object.fromEntries(Object.entries(form).map(([k, v]) => [k, tf.tensor(v.data, v.shape)]));
const arrays = (w: object) => Object.fromEntries(Object.entries(w).filter(([, v]) => v instanceof tf.Tensor).map(([k, v]) => [k, { shape: (v as tf.Tensor).shape, data: Array.from((v as tf.Tensor).dataSync()) }]));

describe('GRU conventions against the frameworks (fixture)', () => {
  const c = FIXTURE.cases.find((k) => k.kind === 'GRU') as Case;
  it('the ONNX node is linear_before_reset=1 (the reset PyTorch has)', () => {
    expect(c.onnx_attributes.linear_before_reset).toBe(1);
  });
  for (const to of ['keras', 'cudnn', 'onnx'] as const) {
    it(`torch -> ${to} gives the framework's arrays bit for bit, and ${to} runs to PyTorch's output`, () => {
      const torch = tensors(c.torch);
      const before = tf.memory().numTensors;
      const converted = convertGruWeights(torch as never, 'torch', to);
      expect(arrays(converted)).toEqual(Object.fromEntries(Object.entries(c[to] as Form).map(([k, v]) => [k, { shape: v.shape, data: v.data }])));
      disposeWeights(converted);
      expect(tf.memory().numTensors).toBe(before);
      const native = tensors(c[to] as Form);
      const canonical = convertGruWeights(native as never, to, 'canonical');
      const x = tf.tensor(c.x.data, c.x.shape);
      const { output, h } = gruLayer(x, canonical);
      expectClose(output, c.output.data, 1e-5);
      expectClose(output, (c.keras_output as Arr).data, 1e-5);
      tf.dispose([x, output, h]);
      disposeWeights([torch, native, canonical]);
    });
  }
});

describe('TF1 GRUCell against a numpy transcription of its step (fixture)', () => {
  const c = FIXTURE.cases.find((k) => k.kind === 'TF1GRU') as Case;
  it('tf1 -> canonical runs (reset before) to the cell\'s output, u taken as z', () => {
    const native = tensors(c.tf1 as Form);
    const canonical = convertGruWeights(native as never, 'tf1', 'canonical');
    const x = tf.tensor(c.x.data, c.x.shape);
    const { output, h } = gruLayer(x, canonical, { resetAfter: false });
    expectClose(output, c.output.data, 1e-5);
    tf.dispose([x, output, h]);
    disposeWeights([native, canonical]);
  });
});

describe('RNN conventions against the frameworks (fixture)', () => {
  const c = FIXTURE.cases.find((k) => k.kind === 'RNN') as Case;
  it('the ONNX node carries the relu activation', () => {
    expect(c.onnx_attributes.activations).toEqual(['Relu']);
  });
  for (const to of ['keras', 'onnx'] as const) {
    it(`torch -> ${to} gives the framework's arrays bit for bit, and ${to} runs to PyTorch's output`, () => {
      const torch = tensors(c.torch);
      const converted = convertRnnWeights(torch as never, 'torch', to);
      expect(arrays(converted)).toEqual(Object.fromEntries(Object.entries(c[to] as Form).map(([k, v]) => [k, { shape: v.shape, data: v.data }])));
      const native = tensors(c[to] as Form);
      const canonical = convertRnnWeights(native as never, to, 'canonical');
      const x = tf.tensor(c.x.data, c.x.shape);
      const { output, h } = rnnLayer(x, canonical, { activation: 'relu' });
      expectClose(output, c.output.data, 1e-5);
      tf.dispose([x, output, h]);
      disposeWeights([torch, converted, native, canonical]);
    });
  }
});
