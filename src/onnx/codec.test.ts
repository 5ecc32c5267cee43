/**
 * The ONNX codec: wire-level values, lossless round trips of every modelled field, unknown
 * fields, and rejection of malformed or hostile bytes with FileParseError.
 */
import { FileParseError } from '../errors';
import { decodeModel, decodeTensor } from './decode';
import { encodeModel, encodeTensor } from './encode';
import { float32Tensor, int32Tensor, int64Tensor, tensorToFloat32, tensorToNumbers } from './tensor-data';
import { AttributeType, DataType, ModelProto, TensorProto } from './types';
import { ProtoReader, ProtoWriter, WireType } from './wire';

const utf8 = new TextEncoder();

function sampleModel(): ModelProto {
  const t = float32Tensor('W', [2, 3], [1.5, -2, 0, 3.25, 1e-8, -7]);
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'com.example', version: 1 }],
    producerName: 'test',
    producerVersion: '1.0',
    domain: 'org.example',
    modelVersion: 3,
    docString: 'doc ü',
    metadataProps: [{ key: 'k', value: 'v' }],
    graph: {
      name: 'g',
      docString: 'graph doc',
      node: [
        {
          input: ['X', '', 'W'], output: ['Y'], name: 'n0', opType: 'Custom', domain: 'com.example', docString: 'node doc',
          attribute: [
            { name: 'f', type: AttributeType.FLOAT, f: 0.25 },
            { name: 'i', type: AttributeType.INT, i: -5 },
            { name: 'big', type: AttributeType.INT, i: 9223372036854775807n },
            { name: 's', type: AttributeType.STRING, s: utf8.encode('tanh') },
            { name: 't', type: AttributeType.TENSOR, t: int32Tensor('c', [2], [7, -8]) },
            { name: 'floats', type: AttributeType.FLOATS, floats: [0.5, -1.5] },
            { name: 'ints', type: AttributeType.INTS, ints: [1, -1, 0, -9223372036854775808n] },
            { name: 'strings', type: AttributeType.STRINGS, strings: [utf8.encode('a'), utf8.encode('bc')] },
            { name: 'tensors', type: AttributeType.TENSORS, tensors: [int64Tensor('z', [1], [-3])] },
            {
              name: 'body', type: AttributeType.GRAPH,
              g: { name: 'sub', node: [{ input: ['a'], output: ['b'], name: '', opType: 'Identity', domain: '', attribute: [] }], initializer: [], input: [], output: [], valueInfo: [] },
            },
          ],
        },
      ],
      initializer: [t],
      input: [{ name: 'X', type: { tensorType: { elemType: DataType.FLOAT, shape: [{ dimParam: 'N' }, { dimValue: 3 }] } }, docString: 'x' }],
      output: [{ name: 'Y', type: { tensorType: { elemType: DataType.FLOAT } } }],
      valueInfo: [{ name: 'mid', type: { tensorType: { elemType: DataType.INT64, shape: [] } } }],
    },
  };
}

describe('onnx wire format', () => {
  test('varints of every width and sign round-trip', () => {
    const values = [0, 1, 127, 128, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, -1, -(2 ** 31), -(2 ** 53) + 1,
      9223372036854775807n, -9223372036854775808n, 2n ** 53n];
    const w = new ProtoWriter();
    for (const v of values) w.int(1, v);
    const r = new ProtoReader(w.finish(), 'test');
    for (const v of values) {
      expect(r.tag()).toEqual([1, WireType.Varint]);
      const got = r.int64();
      expect(typeof got === 'bigint' ? got : BigInt(got)).toBe(BigInt(v));
      // Safe values come back as numbers, others as bigints.
      expect(typeof got).toBe(typeof v === 'bigint' && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) ? 'bigint' : 'number');
    }
    expect(r.more()).toBe(false);
  });

  test('floats, strings and bytes', () => {
    const w = new ProtoWriter();
    w.float(2, -0.1);
    w.string(3, 'héllo ✓');
    w.bytes(4, new Uint8Array([0, 255]));
    const r = new ProtoReader(w.finish(), 'test');
    r.tag();
    expect(r.float()).toBeCloseTo(-0.1, 7);
    r.tag();
    expect(r.string()).toBe('héllo ✓');
    r.tag();
    expect(Array.from(r.bytes())).toEqual([0, 255]);
  });
});

describe('onnx model round trip', () => {
  test('decode(encode(model)) equals the model, and re-encoding is byte-identical', () => {
    const m = sampleModel();
    const bytes = encodeModel(m);
    const back = decodeModel(bytes);
    expect(back).toEqual(m);
    expect(Buffer.from(encodeModel(back)).equals(Buffer.from(bytes))).toBe(true);
  });

  test('unknown fields are kept and written back', () => {
    const m = sampleModel();
    // training_info (ModelProto field 20) and a future GraphProto field 99, as raw records.
    const w = new ProtoWriter();
    w.bytes(20, new Uint8Array([1, 2, 3]));
    const extraModel = w.finish().slice();
    const g = new ProtoWriter();
    g.int(99, 42);
    const extraGraph = g.finish().slice();
    m.unknownFields = [extraModel];
    m.graph.unknownFields = [extraGraph];
    const back = decodeModel(encodeModel(m));
    expect(back.unknownFields?.map((b) => Array.from(b))).toEqual([Array.from(extraModel)]);
    expect(back.graph.unknownFields?.map((b) => Array.from(b))).toEqual([Array.from(extraGraph)]);
  });

  test('tensors: raw float32, float_data, int32/int64 values, non-packed repeated fields', () => {
    const t = float32Tensor('w', [3], [1, -2.5, 3e-7]);
    expect(Array.from(tensorToFloat32(decodeTensor(encodeTensor(t))))).toEqual(Array.from(new Float32Array([1, -2.5, 3e-7])));
    const f: TensorProto = { name: 'f', dims: [2], dataType: DataType.FLOAT, floatData: new Float32Array([4, 5]) };
    expect(Array.from(tensorToFloat32(decodeTensor(encodeTensor(f))))).toEqual([4, 5]);
    expect(tensorToNumbers(decodeTensor(encodeTensor(int64Tensor('i', [3], [-1, 0, 2 ** 40]))))).toEqual([-1, 0, 2 ** 40]);
    expect(tensorToNumbers(decodeTensor(encodeTensor(int32Tensor('j', [2], [-7, 9]))))).toEqual([-7, 9]);
    // dims written unpacked (as older writers do) decode the same.
    const w = new ProtoWriter();
    w.int(1, 2);
    w.int(1, 2);
    w.int(2, DataType.INT32);
    w.int(5, 1);
    w.int(5, -2);
    w.int(5, 3);
    w.int(5, 4);
    const u = decodeTensor(w.finish());
    expect(u.dims).toEqual([2, 2]);
    expect(tensorToNumbers(u)).toEqual([1, -2, 3, 4]);
  });

  test('float16 and bfloat16 tensors convert to float32', () => {
    const half: TensorProto = { name: 'h', dims: [3], dataType: DataType.FLOAT16, int32Data: new Int32Array([0x3c00, 0xc000, 0x3555]) };
    expect(Array.from(tensorToFloat32(half))).toEqual([1, -2, 0.333251953125]);
    const bf: TensorProto = { name: 'b', dims: [1], dataType: DataType.BFLOAT16, rawData: new Uint8Array([0x80, 0x3f]) };
    expect(Array.from(tensorToFloat32(bf))).toEqual([1]);
  });
});

describe('onnx decoder rejects malformed and hostile input', () => {
  const good = encodeModel(sampleModel());

  test('every truncation is a FileParseError or a shorter valid model, never another error', () => {
    for (let n = 0; n < good.length; n++) {
      try {
        decodeModel(good.subarray(0, n));
      } catch (e) {
        expect(e).toBeInstanceOf(FileParseError);
      }
    }
  });

  test('random byte corruption never escapes as anything but FileParseError', () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let rejected = 0;
    for (let k = 0; k < 2000; k++) {
      const bad = good.slice();
      for (let j = 0; j < 3; j++) bad[Math.floor(next() * bad.length)] = Math.floor(next() * 256);
      try {
        decodeModel(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(FileParseError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  test('lengths past the end, bad wire types, group fields, invalid UTF-8', () => {
    expect(() => decodeModel(new Uint8Array([0x3a, 0x7f, 0x01]))).toThrow(/ModelProto: length 127 runs past the end/);
    expect(() => decodeModel(new Uint8Array([0x7b]))).toThrow(/unsupported wire type 3/);
    expect(() => decodeModel(new Uint8Array([0x0b]))).toThrow(/field ir_version has wire type 3, expected 0/);
    expect(() => decodeModel(new Uint8Array([0x12, 0x02, 0xff, 0xfe]))).toThrow(/invalid UTF-8/);
    expect(() => decodeModel(new Uint8Array([0x08, 0x80, 0x80]))).toThrow(/truncated varint/);
    expect(() => decodeModel(new Uint8Array([0x08, 0x01]))).toThrow(/has no graph/);
    expect(() => decodeModel(new Uint8Array([0x0a, 0x00]))).toThrow(FileParseError);
  });

  test('caps: total size, nesting depth, tensor elements, raw size mismatch', () => {
    expect(() => decodeModel(good, { maxBytes: 10 })).toThrow(/more than the cap 10/);
    // A graph nested in attributes 100 levels deep.
    let g = { name: 'g', node: [], initializer: [], input: [], output: [], valueInfo: [] } as ModelProto['graph'];
    for (let k = 0; k < 100; k++) {
      g = {
        name: '', initializer: [], input: [], output: [], valueInfo: [],
        node: [{ input: [], output: [], name: '', opType: 'If', domain: '', attribute: [{ name: 'g', type: AttributeType.GRAPH, g }] }],
      };
    }
    const deep = encodeModel({ irVersion: 8, opsetImport: [], metadataProps: [], graph: g });
    expect(() => decodeModel(deep)).toThrow(/nesting deeper than 64/);
    expect(decodeModel(deep, { maxDepth: 1000 }).graph.node).toHaveLength(1);
    const huge: TensorProto = { name: 'huge', dims: [1 << 20, 1 << 20], dataType: DataType.FLOAT };
    expect(() => decodeTensor(encodeTensor(huge))).toThrow(/declares 1099511627776 elements, more than the cap/);
    const short: TensorProto = { name: 'short', dims: [4], dataType: DataType.FLOAT, rawData: new Uint8Array(12) };
    expect(() => decodeTensor(encodeTensor(short))).toThrow(/raw_data holds 12 bytes, dims \[4\] of data type 1 need 16/);
    const external: TensorProto = {
      name: 'ext', dims: [1], dataType: DataType.FLOAT, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }],
    };
    expect(() => tensorToFloat32(decodeTensor(encodeTensor(external)))).toThrow(/external file \('w.bin'\)/);
    const count: TensorProto = { name: 'count', dims: [3], dataType: DataType.FLOAT, floatData: new Float32Array(2) };
    expect(() => tensorToFloat32(count)).toThrow(/float_data holds 2 values, dims \[3\] need 3/);
  });
});
