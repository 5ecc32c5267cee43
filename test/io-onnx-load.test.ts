/**
 * io.loadOnnx on graphs built here: other exporters' glue between layers (Identity, Dropout,
 * Cast, explicit reshape sizes, `layout = 1`, the engine's own `buildLstmStackModel`), joins
 * that are not how nn.LSTM stacks layers (wrong interleaving of directions, fan-out), initial
 * states nn.LSTM cannot be given, weights given as graph inputs, and every refusal with its
 * typed error. Each accepted model must give back the exported module's state dict exactly.
 */
import { randomTensor, tf } from './helpers/tf';
import { ConfigError, FileParseError, UnsupportedConversionError } from '../src/errors';
import { OnnxFormatError, disposeOnnxStacks, loadOnnx, readOnnxLstmStacks } from '../src/io';
import { onnxModelOf } from '../src/io/onnx/save-onnx';
import { LSTM } from '../src/nn/lstm';
import { buildLstmStackModel, decodeModel, encodeModel, float32Tensor, int64Tensor } from '../src/onnx';
import { Attribute, AttributeType, DataType, ModelProto, NodeProto } from '../src/onnx/types';

const clone = (m: ModelProto): ModelProto => decodeModel(encodeModel(m));
const utf8 = new TextEncoder();
const lstmNodes = (m: ModelProto) => m.graph.node.filter((n) => n.opType === 'LSTM');
const nodeNamed = (m: ModelProto, name: string) => m.graph.node.find((n) => n.name === name)!;

function expectSameStateDict(a: LSTM, b: LSTM): void {
  const x = a.stateDict();
  const y = b.stateDict();
  expect(Object.keys(y)).toEqual(Object.keys(x));
  for (const k of Object.keys(x)) expect(Array.from(y[k].dataSync())).toEqual(Array.from(x[k].dataSync()));
}

function loadsAs(m: ModelProto, lstm: LSTM, batchFirst = lstm.batchFirst): void {
  const back = loadOnnx(encodeModel(m));
  expect(back.toString()).toBe(lstm.toString());
  expect(back.batchFirst).toBe(batchFirst);
  expectSameStateDict(lstm, back);
  back.dispose();
}

function stacksOf(m: ModelProto): { nodes: readonly string[]; notes: readonly string[]; issues: readonly string[] }[] {
  const stacks = readOnnxLstmStacks(encodeModel(m));
  const out = stacks.map((s) => ({ nodes: s.nodes, notes: s.notes, issues: s.issues }));
  disposeOnnxStacks(stacks);
  return out;
}

const withAttr = (n: NodeProto, a: Attribute): NodeProto => ({ ...n, attribute: [...n.attribute.filter((x) => x.name !== a.name), a] });

describe('other glue between layers is followed', () => {
  test('Identity, inference Dropout and Cast(float) inside the join', () => {
    const lstm = new LSTM(3, 2, { numLayers: 2, bidirectional: true });
    const m = clone(onnxModelOf(lstm));
    const reshape = nodeNamed(m, 'Y_l0_reshape');
    reshape.output = ['joined'];
    m.graph.node.push(
      { opType: 'Identity', name: 'id', input: ['joined'], output: ['j1'], attribute: [], domain: '' },
      { opType: 'Dropout', name: 'drop', input: ['j1'], output: ['j2'], attribute: [], domain: '' },
      { opType: 'Cast', name: 'cast', input: ['j2'], output: ['input_l1'], attribute: [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }], domain: '' },
    );
    loadsAs(m, lstm);
    lstm.dispose();
  });

  test("the onnxruntime executor's graph (buildLstmStackModel), one direction and two", () => {
    for (const bidirectional of [false, true]) {
      const lstm = new LSTM(4, 3, { numLayers: 3, bidirectional });
      const layers = [0, 1, 2].map((k) => ({ forward: lstm.canonicalWeights(k), backward: bidirectional ? lstm.canonicalWeights(k, true) : null }));
      const m = buildLstmStackModel(layers);
      // canonicalWeights: kernels are new (transposed) tensors, biases are the module's own variables.
      layers.forEach((l) => tf.dispose([l.forward, l.backward].flatMap((w) => (w ? [w.kernel, w.recurrentKernel] : []))));
      loadsAs(m, lstm);
      const [s] = readOnnxLstmStacks(encodeModel(m));
      expect([s.input, s.output, s.hN, s.cN]).toEqual(['X', 'output', 'h_n', 'c_n']);
      disposeOnnxStacks([s]);
      lstm.dispose();
    }
  });

  test('Reshape(0, -1, H) joins between one-direction layers instead of Squeeze', () => {
    const lstm = new LSTM(4, 3, { numLayers: 3 });
    const m = clone(onnxModelOf(lstm));
    m.graph.initializer.push(int64Tensor('to_time_batch_hidden', [3], [0, -1, 3]));
    for (const k of [0, 1, 2]) {
      const join = nodeNamed(m, `Y_l${k}_squeeze`);
      join.opType = 'Reshape';
      join.input = [join.input[0], 'to_time_batch_hidden'];
    }
    expect(m.graph.node.filter((n) => n.opType === 'Squeeze')).toEqual([]);
    loadsAs(m, lstm);
    lstm.dispose();
  });

  test('an explicit reshape size (0, 0, D·H) instead of -1', () => {
    const lstm = new LSTM(3, 2, { numLayers: 2, bidirectional: true });
    const m = clone(onnxModelOf(lstm));
    m.graph.initializer.push(int64Tensor('explicit', [3], [0, 0, 4]));
    nodeNamed(m, 'Y_l0_reshape').input[1] = 'explicit';
    loadsAs(m, lstm);
    lstm.dispose();
  });

  test('layout = 1 nodes (batch-major X and Y, no Transposes) read as batchFirst', () => {
    const lstm = new LSTM(3, 2, { numLayers: 2, bidirectional: true, batchFirst: true });
    const m = clone(onnxModelOf(lstm));
    m.graph.node = m.graph.node.filter((n) => n.opType !== 'Transpose');
    for (const n of lstmNodes(m)) n.attribute.push({ name: 'layout', type: AttributeType.INT, i: 1 });
    nodeNamed(m, 'lstm_l0').input[0] = 'input';
    nodeNamed(m, 'Y_l0_reshape').input[0] = 'Y_l0';
    const last = nodeNamed(m, 'Y_l1_reshape');
    last.input[0] = 'Y_l1';
    last.output = ['output'];
    loadsAs(m, lstm, true);
    const [s] = readOnnxLstmStacks(encodeModel(m));
    expect([s.form, s.output]).toEqual(['batch-first', 'output']);
    disposeOnnxStacks([s]);
    lstm.dispose();
  });
});

describe('joins nn.LSTM does not make split the stack, with a note', () => {
  test('directions and hidden units interleaved the wrong way (Transpose 0, 2, 3, 1; D = H = 2)', () => {
    const lstm = new LSTM(3, 2, { numLayers: 2, bidirectional: true });
    const m = clone(onnxModelOf(lstm));
    nodeNamed(m, 'Y_l0_transpose').attribute = [{ name: 'perm', type: AttributeType.INTS, ints: [0, 2, 3, 1] }];
    const stacks = stacksOf(m);
    expect(stacks.map((s) => s.nodes)).toEqual([['lstm_l0'], ['lstm_l1']]);
    expect(stacks[1].notes[0]).toMatch(/reads LSTM 'lstm_l0''s Y through Transpose \+ Reshape, which does not give \[T, N, D·H\]/);
    expect(() => loadOnnx(encodeModel(m))).toThrow(/not chained into one nn\.LSTM but form 2 stacks/);
    lstm.dispose();
  });

  test('directions not moved next to the hidden units (no Transpose before Reshape)', () => {
    const lstm = new LSTM(3, 2, { numLayers: 2, bidirectional: true });
    const m = clone(onnxModelOf(lstm));
    m.graph.node = m.graph.node.filter((n) => n.name !== 'Y_l0_transpose');
    nodeNamed(m, 'Y_l0_reshape').input[0] = 'Y_l0';
    expect(stacksOf(m).map((s) => s.nodes)).toEqual([['lstm_l0'], ['lstm_l1']]);
    lstm.dispose();
  });

  test('one layer feeding two LSTMs', () => {
    const lstm = new LSTM(3, 2, { numLayers: 2 });
    const m = clone(onnxModelOf(lstm));
    const second = lstmNodes(m)[1];
    m.graph.node.push({ ...second, name: 'twin', output: ['tY', 'tH', 'tC'] });
    const stacks = stacksOf(m);
    expect(stacks.map((s) => s.nodes)).toEqual([['lstm_l0'], ['lstm_l1'], ['twin']]);
    expect(stacks[0].notes[0]).toMatch(/LSTM 'lstm_l0' feeds 2 LSTM nodes/);
    lstm.dispose();
  });

  test("layers whose states are not one h0's rows, or a nonzero constant: issues, refused by loadOnnx", () => {
    const lstm = new LSTM(3, 2, { numLayers: 2 });
    const swapped = clone(onnxModelOf(lstm, { initialState: true }));
    for (const n of swapped.graph.node.filter((x) => x.opType === 'Slice')) n.input[1] = n.input[1].replace(/l(\d)/, (_, k) => `l${1 - Number(k)}`);
    for (const n of swapped.graph.node.filter((x) => x.opType === 'Slice')) n.input[2] = n.input[2].replace(/l(\d)/, (_, k) => `l${1 - Number(k)}`);
    expect(stacksOf(swapped)[0].issues[0]).toMatch(/initial_h inputs of the layers are not rows \[k·D, \(k\+1\)·D\) of one \(D·numLayers, N, H\) graph input/);
    expect(() => loadOnnx(encodeModel(swapped))).toThrow(UnsupportedConversionError);

    const constant = clone(onnxModelOf(new LSTM(3, 2)));
    constant.graph.initializer.push(float32Tensor('h_const', [1, 1, 2], [0.5, 0]), float32Tensor('c_const', [1, 1, 2], [0, 0]));
    lstmNodes(constant)[0].input.push('', 'h_const', 'c_const');
    expect(stacksOf(constant)[0].issues).toEqual(["initial_h 'h_const' is a nonzero constant"]);
    expect(() => loadOnnx(encodeModel(constant))).toThrow(/nn\.LSTM\.forward cannot reproduce the model: initial_h 'h_const' is a nonzero constant/);
    lstm.dispose();
  });
});

describe('what nn.LSTM cannot express is refused with a typed error naming the node', () => {
  const base = () => {
    const lstm = new LSTM(3, 2);
    const m = clone(onnxModelOf(lstm));
    lstm.dispose();
    return m;
  };
  const refuse = (m: ModelProto, re: RegExp, cls: new (...a: never[]) => Error = UnsupportedConversionError) => {
    expect(() => loadOnnx(encodeModel(m))).toThrow(cls);
    expect(() => loadOnnx(encodeModel(m))).toThrow(re);
  };

  test('nonzero peepholes (all-zero ones are accepted: they change nothing)', () => {
    const m = base();
    lstmNodes(m)[0].input.push('', '', '', 'P');
    m.graph.initializer.push(float32Tensor('P', [1, 6], [0, 0, 0.1, 0, 0, 0]));
    refuse(m, /io\.loadOnnx: LSTM 'lstm_l0': P \(peephole weights \[1, 6\]\) has nonzero values/);
    m.graph.initializer[m.graph.initializer.length - 1] = float32Tensor('P', [1, 6], [0, 0, 0, 0, 0, 0]);
    loadOnnx(encodeModel(m)).dispose();
  });

  test('clip, input_forget, a reverse-only node', () => {
    const clip = base();
    clip.graph.node[0] = withAttr(clip.graph.node[0], { name: 'clip', type: AttributeType.FLOAT, f: 3 });
    refuse(clip, /LSTM 'lstm_l0': clip 3 is not supported/);
    const forget = base();
    forget.graph.node[0] = withAttr(forget.graph.node[0], { name: 'input_forget', type: AttributeType.INT, i: 1 });
    refuse(forget, /input_forget 1 \(coupled input and forget gates\) is not supported/);
    const reverse = base();
    reverse.graph.node[0] = withAttr(reverse.graph.node[0], { name: 'direction', type: AttributeType.STRING, s: utf8.encode('reverse') });
    refuse(reverse, /direction 'reverse' \(one backward pass only\) has no nn\.LSTM form/);
  });

  test('activations other than sigmoid / tanh: readOnnxLstmStacks returns them, loadOnnx refuses', () => {
    const m = base();
    m.graph.node[0] = withAttr(m.graph.node[0], { name: 'activations', type: AttributeType.STRINGS, strings: ['HardSigmoid', 'Relu', 'Relu'].map((s) => utf8.encode(s)) });
    const [s] = readOnnxLstmStacks(encodeModel(m));
    expect([s.recurrentActivation, s.activation]).toEqual(['hardSigmoid', 'relu']);
    disposeOnnxStacks([s]);
    refuse(m, /activations hardSigmoid \/ relu; nn\.LSTM computes sigmoid \/ tanh only/);
    const leaky = base();
    leaky.graph.node[0] = withAttr(leaky.graph.node[0], { name: 'activations', type: AttributeType.STRINGS, strings: ['LeakyRelu', 'Tanh', 'Tanh'].map((x) => utf8.encode(x)) });
    refuse(leaky, /activations\[0\] LeakyRelu/);
  });

  test('weights given as graph inputs: refused without a value, read from options.inputValues (tf.Tensor, plain data, TensorProto)', () => {
    const lstm = new LSTM(3, 2);
    const m = clone(onnxModelOf(lstm));
    const W = m.graph.initializer.find((t) => t.name === 'W_l0')!;
    m.graph.initializer = m.graph.initializer.filter((t) => t !== W);
    m.graph.input.push({ name: 'W_l0', type: { tensorType: { elemType: DataType.FLOAT } } });
    const bytes = encodeModel(m);
    refuse(m, /W 'W_l0' is a graph input without a value: pass its value in options\.inputValues/);
    const values = Float32Array.from(W.rawData ? new Float32Array(W.rawData.slice().buffer) : []);
    const asTensor = tf.tensor(values, W.dims);
    for (const v of [asTensor, { dtype: 'float32' as const, shape: W.dims, values }, W]) {
      const back = loadOnnx(bytes, { inputValues: { W_l0: v } });
      expectSameStateDict(lstm, back);
      back.dispose();
    }
    expect(() => loadOnnx(bytes, { inputValues: { W_l0: 'x' as never } })).toThrow(ConfigError);
    asTensor.dispose();
    lstm.dispose();
  });

  test('weights computed when the model runs, integer weights, a hidden_size that does not fit W', () => {
    const computed = base();
    computed.graph.node.unshift({ opType: 'Add', name: 'add', input: ['W_l0', 'W_l0'], output: ['W2'], attribute: [], domain: '' });
    lstmNodes(computed)[0].input[1] = 'W2';
    refuse(computed, /W 'W2' is computed when the model runs, not stored in the file/);
    const ints = base();
    ints.graph.initializer = ints.graph.initializer.map((t) => (t.name === 'W_l0' ? int64Tensor('W_l0', t.dims, Array(24).fill(1)) : t));
    refuse(ints, /W 'W_l0' holds integers/, OnnxFormatError);
    const hidden = base();
    hidden.graph.node[0] = withAttr(hidden.graph.node[0], { name: 'hidden_size', type: AttributeType.INT, i: 5 });
    refuse(hidden, /hidden_size 5 does not match W \[1,8,3\]/, OnnxFormatError);
  });

  test('no LSTM at all, bad arguments', () => {
    const m = base();
    m.graph.node = [{ opType: 'Identity', name: 'i', input: ['input'], output: ['output'], attribute: [], domain: '' }];
    refuse(m, /the model has no LSTM node \(ops: Identity\)/);
    expect(readOnnxLstmStacks(encodeModel(m))).toEqual([]);
    expect(() => loadOnnx(encodeModel(base()), { prefix: 'x' } as never)).toThrow(/unknown option "prefix"/);
    expect(() => loadOnnx('model.onnx' as never)).toThrow(/source expected the bytes of an \.onnx file/);
    expect(() => loadOnnx(new Uint8Array([1, 2, 3]))).toThrow(FileParseError);
  });

  test('loading does not leak tensors, also when it fails', () => {
    const lstm = new LSTM(3, 2, { numLayers: 2, bidirectional: true });
    const good = encodeModel(onnxModelOf(lstm));
    const bad = clone(onnxModelOf(lstm));
    bad.graph.node = bad.graph.node.map((n) => (n.name === 'lstm_l1' ? withAttr(n, { name: 'clip', type: AttributeType.FLOAT, f: 1 }) : n));
    const x = randomTensor([4, 2, 3], 1);
    const before = tf.memory().numTensors;
    const back = loadOnnx(good);
    back.dispose();
    expect(() => loadOnnx(encodeModel(bad))).toThrow(/clip/);
    expect(() => readOnnxLstmStacks(encodeModel(bad))).toThrow(/clip/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    lstm.dispose();
  });
});
