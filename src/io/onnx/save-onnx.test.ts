/**
 * io.saveOnnx: the graph it writes (torch.onnx.export's layout), its weights in ONNX's
 * convention (checked against the state dict with the gate blocks moved by hand), its options,
 * typed errors, and no tensor leaks. onnxruntime parity is in `test/io-onnx-ort.test.ts`.
 */
import { tf } from '../../../test/helpers/tf';
import { ConfigError, UnsupportedConversionError } from '../../errors';
import { LSTM } from '../../nn/lstm';
import { decodeModel } from '../../onnx/decode';
import { tensorToFloat32 } from '../../onnx/tensor-data';
import { onnxModelOf, saveOnnx } from './save-onnx';

const ops = (lstm: LSTM, options = {}) => onnxModelOf(lstm, options).graph.node.map((n) => n.opType);

describe('io.saveOnnx graph', () => {
  test('one layer, time-major: a single LSTM node writing h_n and c_n, Y squeezed to output', () => {
    const lstm = new LSTM(3, 4);
    const m = onnxModelOf(lstm);
    expect(m.opsetImport).toEqual([{ domain: '', version: 14 }]);
    expect(m.graph.node.map((n) => [n.opType, n.input, n.output])).toEqual([
      ['LSTM', ['input', 'W_l0', 'R_l0', 'B_l0'], ['Y_l0', 'h_n', 'c_n']],
      ['Squeeze', ['Y_l0', 'axes_1'], ['output']],
    ]);
    expect(m.graph.input.map((i) => i.name)).toEqual(['input']);
    expect(m.graph.output.map((o) => [o.name, o.type?.tensorType?.shape?.map((d) => d.dimValue ?? d.dimParam)])).toEqual([
      ['output', ['L', 'N', 4]], ['h_n', [1, 'N', 4]], ['c_n', [1, 'N', 4]],
    ]);
    expect(m.graph.docString).toBe('LSTM(3, 4), exported by lstm-bridge io.saveOnnx');
    lstm.dispose();
  });

  test('batch first, bidirectional, 2 layers, states: Transposes, Slices of h0/c0, Transpose+Reshape joins, Concat of states', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    expect(ops(lstm, { initialState: true })).toEqual([
      'Transpose',
      'Slice', 'Slice', 'LSTM', 'Transpose', 'Reshape',
      'Slice', 'Slice', 'LSTM', 'Transpose', 'Reshape',
      'Transpose', 'Concat', 'Concat',
    ]);
    const m = onnxModelOf(lstm, { initialState: true });
    expect(m.graph.input.map((i) => [i.name, i.type?.tensorType?.shape?.map((d) => d.dimValue ?? d.dimParam)])).toEqual([
      ['input', ['N', 'L', 3]], ['h0', [4, 'N', 4]], ['c0', [4, 'N', 4]],
    ]);
    const lstmNodes = m.graph.node.filter((n) => n.opType === 'LSTM');
    expect(lstmNodes.map((n) => n.input)).toEqual([
      ['input_time_major', 'W_l0', 'R_l0', 'B_l0', '', 'h0_l0', 'c0_l0'],
      ['input_l1', 'W_l1', 'R_l1', 'B_l1', '', 'h0_l1', 'c0_l1'],
    ]);
    const rows = (k: number) => ['start', 'end'].map((s) => Number(m.graph.initializer.find((t) => t.name === `rows_l${k}_${s}`)!.int64Data![0]));
    expect([rows(0), rows(1)]).toEqual([[0, 2], [2, 4]]);
    lstm.dispose();
  });

  test('unbatched: Unsqueeze in, Squeeze out; no bias: no B input', () => {
    const lstm = new LSTM(2, 3, { numLayers: 2, bias: false });
    expect(ops(lstm, { unbatched: true, initialState: true })).toEqual([
      'Unsqueeze', 'Unsqueeze', 'Unsqueeze', 'Slice', 'Slice', 'LSTM', 'Squeeze', 'Slice', 'Slice', 'LSTM', 'Squeeze',
      'Squeeze', 'Concat', 'Squeeze', 'Concat', 'Squeeze',
    ]);
    const m = onnxModelOf(lstm, { unbatched: true });
    expect(m.graph.node.find((n) => n.opType === 'LSTM')!.input).toEqual(['input_batched', 'W_l0', 'R_l0']);
    expect(m.graph.initializer.some((t) => t.name.startsWith('B_'))).toBe(false);
    lstm.dispose();
  });

  test("W, R, B are the state dict's blocks in gate order i, o, f, c (B = b_ih ‖ b_hh)", () => {
    const lstm = new LSTM(2, 3, { bidirectional: true });
    const m = decodeModel(saveOnnx(lstm));
    const init = (name: string) => m.graph.initializer.find((t) => t.name === name)!;
    const H = 3;
    const iofc = (rows: number[], width: number) => [0, 3, 1, 2].flatMap((g) => rows.slice(g * H * width, (g + 1) * H * width));
    const sd = lstm.stateDict();
    const get = (k: string) => Array.from(sd[k].dataSync());
    expect(init('W_l0').dims).toEqual([2, 12, 2]);
    expect(Array.from(tensorToFloat32(init('W_l0')))).toEqual([...iofc(get('weight_ih_l0'), 2), ...iofc(get('weight_ih_l0_reverse'), 2)]);
    expect(Array.from(tensorToFloat32(init('R_l0')))).toEqual([...iofc(get('weight_hh_l0'), 3), ...iofc(get('weight_hh_l0_reverse'), 3)]);
    expect(Array.from(tensorToFloat32(init('B_l0')))).toEqual([
      ...iofc(get('bias_ih_l0'), 1), ...iofc(get('bias_hh_l0'), 1), ...iofc(get('bias_ih_l0_reverse'), 1), ...iofc(get('bias_hh_l0_reverse'), 1),
    ]);
    lstm.dispose();
  });

  test('metadata and producer name are written; nothing leaks', () => {
    const lstm = new LSTM(2, 3, { numLayers: 3 });
    const before = tf.memory().numTensors;
    const m = decodeModel(saveOnnx(lstm, { metadata: { 'lstm_bridge.prefix': 'rnn.' }, producerName: 'me' }));
    expect(tf.memory().numTensors).toBe(before);
    expect(m.metadataProps).toEqual([{ key: 'lstm_bridge.prefix', value: 'rnn.' }]);
    expect(m.producerName).toBe('me');
    lstm.dispose();
  });
});

describe('io.saveOnnx errors', () => {
  test('a projection cannot be expressed: UnsupportedConversionError', () => {
    const lstm = new LSTM(3, 5, { projSize: 2 });
    expect(() => saveOnnx(lstm)).toThrow(UnsupportedConversionError);
    expect(() => saveOnnx(lstm)).toThrow(/LSTM\(3, 5, proj_size=2\) has projSize 2: the ONNX LSTM operator has no projection/);
    lstm.dispose();
  });

  test('bad arguments: ConfigError naming them', () => {
    const lstm = new LSTM(3, 5);
    expect(() => saveOnnx({} as LSTM)).toThrow(/lstm expected an nn\.LSTM, got object/);
    expect(() => saveOnnx(lstm, { batchFirst: true } as never)).toThrow(ConfigError);
    expect(() => saveOnnx(lstm, { batchFirst: true } as never)).toThrow(/unknown option "batchFirst"/);
    expect(() => saveOnnx(lstm, { unbatched: 'yes' } as never)).toThrow(/unbatched expected a boolean, got "yes"/);
    expect(() => saveOnnx(lstm, { metadata: { a: 1 } } as never)).toThrow(/metadata expected an object of strings/);
    lstm.dispose();
    expect(() => saveOnnx(lstm)).toThrow(/disposed/);
  });
});
