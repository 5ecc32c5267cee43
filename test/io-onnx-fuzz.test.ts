/**
 * Fuzzing io.loadOnnx (seeded, bounded in count and time): truncated models, flipped bits,
 * varints and lengths overwritten with huge values, random bytes; and crafted hostile graphs:
 * huge declared dims, missing initializers, cycles (in the layer chain, in glue, in weight
 * expressions), very long chains, huge zero states. Every input either loads (a mutation can
 * leave a valid model) or ends in a typed lstm-bridge error (FileParseError for malformed files
 * and graphs, UnsupportedConversionError for valid models nn.LSTM cannot hold): never a
 * TypeError/RangeError, a hang, or an allocation past the caps.
 */
import * as fs from 'fs';
import * as path from 'path';

import * as fc from 'fast-check';

import { mutate as mutateBytes } from './helpers/mutate';
import { tf } from './helpers/tf';
import { FileParseError, LstmBridgeError, UnsupportedConversionError } from '../src/errors';
import { LoadOnnxOptions, OnnxFormatError, SizeLimitError, loadOnnx } from '../src/io';
import { onnxModelOf } from '../src/io/onnx/save-onnx';
import { LSTM } from '../src/nn/lstm';
import { decodeModel, encodeModel, float32Tensor, int64Tensor } from '../src/onnx';
import { AttributeType, ModelProto, NodeProto } from '../src/onnx/types';

const MUTANTS_PER_FILE = Number(process.env.IO_FUZZ_COUNT ?? 150);
/** Small caps, so an attempt to allocate past them shows up as a SizeLimitError. */
const OPTIONS: LoadOnnxOptions = { limits: { maxTensorBytes: 16 << 20, maxTotalBytes: 64 << 20 } };
const TORCH = path.join(__dirname, 'fixtures', 'onnx', 'torch_exports');

function ours(options: { numLayers: number; bidirectional: boolean; batchFirst: boolean }, initialState: boolean): Uint8Array {
  const lstm = new LSTM(3, 4, options);
  const bytes = encodeModel(onnxModelOf(lstm, { initialState }));
  lstm.dispose();
  return bytes;
}

const FILES: [string, Uint8Array][] = [
  ['ours: 2 layers, bidirectional, batch first, states', ours({ numLayers: 2, bidirectional: true, batchFirst: true }, true)],
  ['torch: 3 layers, batch first, states', new Uint8Array(fs.readFileSync(path.join(TORCH, 'three_layers_batch_first_states.onnx')))],
  ['torch: no constant folding', new Uint8Array(fs.readFileSync(path.join(TORCH, 'no_constant_folding.onnx')))],
];

/** The k-th mutant of `bytes`, deterministic in `seed` (huge fields written as varints). */
const mutate = (bytes: Uint8Array, seed: number) => mutateBytes(bytes, seed, 'varint');

/** Loads `bytes`; returns 'ok' or the typed error's class name; anything else fails the test. */
function attempt(bytes: Uint8Array, how: string): string {
  const started = Date.now();
  try {
    loadOnnx(bytes, OPTIONS).dispose();
    return 'ok';
  } catch (e) {
    if (!(e instanceof LstmBridgeError)) throw new Error(`${how}: not a typed error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return e.name;
  } finally {
    const ms = Date.now() - started;
    if (ms > 2000) throw new Error(`${how}: took ${ms} ms`);
  }
}

describe.each(FILES)('mutants of %s', (_name, bytes) => {
  test(`${MUTANTS_PER_FILE} mutants end in a load or a typed error, in bounded time, without leaking`, () => {
    expect(attempt(bytes, 'the original')).toBe('ok');
    const before = tf.memory().numTensors;
    const seen = new Map<string, number>();
    for (let k = 0; k < MUTANTS_PER_FILE; k++) {
      const m = mutate(bytes, 1000 + k);
      const r = attempt(m.bytes, m.how);
      seen.set(r, (seen.get(r) ?? 0) + 1);
    }
    if (process.env.IO_FUZZ_REPORT) console.log(_name, Object.fromEntries(seen));
    expect(tf.memory().numTensors).toBe(before);
    // Most mutants break the file; the typed errors are the parser's and the graph reader's.
    expect([...seen.keys()].filter((k) => !['ok', 'OnnxFormatError', 'SizeLimitError', 'UnsupportedConversionError'].includes(k))).toEqual([]);
    expect(seen.get('OnnxFormatError') ?? 0).toBeGreaterThan(0);
  });
});

test('random bytes end in a typed error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
      expect(attempt(bytes, `random ${bytes.length} bytes`)).not.toBe('ok');
    }),
    { numRuns: 300, seed: 42 },
  );
});

describe('crafted hostile graphs', () => {
  const base = (): ModelProto => decodeModel(ours({ numLayers: 2, bidirectional: false, batchFirst: false }, false));
  const load = (m: ModelProto, options: LoadOnnxOptions = OPTIONS) => () => loadOnnx(encodeModel(m), options);
  const identity = (input: string, output: string): NodeProto => ({ opType: 'Identity', name: output, input: [input], output: [output], attribute: [], domain: '' });

  test('huge declared dims: refused by the decoder or the caps before anything is allocated', () => {
    const m = base();
    m.graph.initializer.push({ name: 'huge', dims: [1 << 30, 1 << 30], dataType: 1 });
    expect(load(m)).toThrow(FileParseError);
    expect(load(m)).toThrow(/declares \d+ elements, more than the cap/);
    const w = base();
    w.graph.initializer = w.graph.initializer.map((t) => (t.name === 'W_l0' ? { name: 'W_l0', dims: [1, 4 << 20, 1], dataType: 1 } : t));
    expect(load(w, { limits: { maxTensorBytes: 1 << 20 } })).toThrow(FileParseError);
    const hidden = base();
    for (const n of hidden.graph.node.filter((x) => x.opType === 'LSTM')) n.attribute = [{ name: 'hidden_size', type: AttributeType.INT, i: 2 ** 40 }];
    expect(load(hidden)).toThrow(OnnxFormatError);
  });

  test('a missing initializer', () => {
    const m = base();
    m.graph.initializer = m.graph.initializer.filter((t) => t.name !== 'R_l1');
    expect(load(m)).toThrow(OnnxFormatError);
    expect(load(m)).toThrow(/value 'R_l1' is used but nothing produces it/);
  });

  test('cycles: a layer reading its own output, two layers reading each other, glue in a loop, weights defined by themselves', () => {
    const self = base();
    self.graph.node.find((n) => n.name === 'lstm_l1')!.input[0] = 'Y_l1';
    expect(load(self)).toThrow(/reads the output of LSTM 'lstm_l1', which comes after it/);
    const mutual = base();
    mutual.graph.node.find((n) => n.name === 'lstm_l0')!.input[0] = 'output';
    expect(load(mutual)).toThrow(OnnxFormatError);
    const loop = base();
    loop.graph.node.find((n) => n.name === 'lstm_l0')!.input[0] = 'a';
    loop.graph.node.push(identity('b', 'a'), identity('a', 'b'));
    expect(load(loop)).toThrow(/the graph has a cycle through/);
    const weights = base();
    weights.graph.initializer = weights.graph.initializer.filter((t) => t.name !== 'W_l0');
    weights.graph.node.push({ opType: 'Concat', name: 'w', input: ['W_l0', 'W_l0'], output: ['W_l0'], attribute: [{ name: 'axis', type: AttributeType.INT, i: 0 }], domain: '' });
    expect(load(weights)).toThrow(/the graph has a cycle through 'W_l0'/);
  });

  test('very long chains: glue before the input, an expression for a weight', () => {
    const glue = base();
    const n = 12_000;
    glue.graph.node.find((x) => x.name === 'lstm_l0')!.input[0] = `g${n - 1}`;
    glue.graph.node.unshift(...Array.from({ length: n }, (_, k) => identity(k === 0 ? 'input' : `g${k - 1}`, `g${k}`)));
    expect(load(glue)).toThrow(/more than 10000 nodes between/);
    const weight = base();
    weight.graph.node.find((x) => x.name === 'lstm_l0')!.input[1] = 'w999';
    weight.graph.node.unshift(...Array.from({ length: 1000 }, (_, k) => identity(k === 0 ? 'W_l0' : `w${k - 1}`, `w${k}`)));
    expect(load(weight)).toThrow(/nested deeper than 512 nodes/);
  });

  test('a huge zero state (ConstantOfShape) is recognised without being built; a huge constant weight is refused by the caps', () => {
    const zero = base();
    zero.graph.initializer.push(int64Tensor('big', [3], [1, 1 << 20, 1 << 20]));
    zero.graph.node.unshift({ opType: 'ConstantOfShape', name: 'z', input: ['big'], output: ['zeros'], attribute: [], domain: '' });
    for (const n of zero.graph.node.filter((x) => x.opType === 'LSTM')) n.input.push('', 'zeros', 'zeros');
    loadOnnx(encodeModel(zero), OPTIONS).dispose();
    const tiled = base();
    tiled.graph.initializer.push(float32Tensor('one', [1], [1]), int64Tensor('reps', [1], [1 << 24]), int64Tensor('st', [1], [0]), int64Tensor('en', [1], [1 << 24]));
    tiled.graph.node.unshift(
      { opType: 'Concat', name: 'c', input: Array(64).fill('W_l0'), output: ['W64'], attribute: [{ name: 'axis', type: AttributeType.INT, i: 0 }], domain: '' },
      { opType: 'Concat', name: 'c2', input: Array(64).fill('W64'), output: ['W4096'], attribute: [{ name: 'axis', type: AttributeType.INT, i: 0 }], domain: '' },
      { opType: 'Concat', name: 'c3', input: Array(64).fill('W4096'), output: ['W262144'], attribute: [{ name: 'axis', type: AttributeType.INT, i: 0 }], domain: '' },
    );
    tiled.graph.node.find((x) => x.name === 'lstm_l0')!.input[1] = 'W262144';
    expect(load(tiled)).toThrow(SizeLimitError);
  });

  test('deeply nested subgraphs in attributes', () => {
    let g = { name: 'g', node: [] as NodeProto[], initializer: [], input: [], output: [], valueInfo: [] };
    for (let k = 0; k < 100; k++) {
      g = { name: 'g', node: [{ opType: 'If', name: `if${k}`, input: [], output: [], attribute: [{ name: 'then_branch', type: AttributeType.GRAPH, g }], domain: '' }], initializer: [], input: [], output: [], valueInfo: [] };
    }
    const m = base();
    m.graph.node.push(...g.node);
    expect(load(m)).toThrow(/nesting deeper than 64/);
  });

  test('typed errors are the families users catch', () => {
    const m = base();
    m.graph.node[0].attribute.push({ name: 'clip', type: AttributeType.FLOAT, f: 1 });
    expect(load(m)).toThrow(UnsupportedConversionError);
    expect(new OnnxFormatError('x')).toBeInstanceOf(FileParseError);
  });
});
