/**
 * Decoding ONNX protobuf bytes (`.onnx` files) into the plain objects of `./types`.
 *
 * Hostile or malformed input gets a {@link OnnxFormatError} naming the message path and byte
 * offset, never a crash or an unbounded allocation: every length is checked against the bytes
 * that remain, nesting depth and tensor sizes are capped ({@link DecodeLimits}), strings must
 * be valid UTF-8, and a raw tensor's byte length must match its dims and data type. Nothing in
 * a model is executed. Unknown fields are kept (see `./types`).
 *
 * Example:
 *
 *     const model = decodeModel(fs.readFileSync('lstm.onnx'));
 *     const lstm = model.graph.node.find((n) => n.opType === 'LSTM');
 */
import { OnnxFormatError } from './errors';
import {
  Attribute, DataType, Dimension, GraphProto, HasUnknownFields, ModelProto, NodeProto, OperatorSetId,
  StringStringEntry, TensorProto, TypeProto, ValueInfo,
} from './types';
import { Int64, ProtoReader, WireType } from './wire';

/** Caps applied while decoding. */
export interface DecodeLimits {
  /** Largest accepted input, in bytes. Default 2 GiB − 1 (protobuf's own limit). */
  readonly maxBytes?: number;
  /** Deepest message nesting (graphs inside attributes inside nodes ...). Default 64. */
  readonly maxDepth?: number;
  /** Most elements one tensor may declare (product of dims). Default 2^31. */
  readonly maxTensorElements?: number;
}

interface Ctx {
  readonly maxDepth: number;
  readonly maxTensorElements: number;
}

/** Byte size of one element of a fixed-size data type, or 0 for STRING/UNDEFINED. */
export function dataTypeSize(dataType: number): number {
  switch (dataType) {
    case DataType.FLOAT: case DataType.INT32: case DataType.UINT32: return 4;
    case DataType.UINT8: case DataType.INT8: case DataType.BOOL: return 1;
    case DataType.UINT16: case DataType.INT16: case DataType.FLOAT16: case DataType.BFLOAT16: return 2;
    case DataType.INT64: case DataType.UINT64: case DataType.DOUBLE: case DataType.COMPLEX64: return 8;
    case DataType.COMPLEX128: return 16;
    default: return 0;
  }
}

function safeNumber(r: ProtoReader, v: Int64, what: string): number {
  if (typeof v !== 'number') r.fail(`${what} ${v} is not a safe integer`);
  return v as number;
}

function keep(msg: HasUnknownFields, raw: Uint8Array): void {
  (msg.unknownFields ??= []).push(raw);
}

/** Reads a repeated varint field that may be packed or not. */
function repeatedInts(r: ProtoReader, wire: number, read: (x: ProtoReader) => Int64, out: Int64[], path: string): void {
  if (wire === WireType.LengthDelimited) {
    const inner = r.message(path);
    while (inner.more()) out.push(read(inner));
  } else {
    r.expectWire(path, wire, WireType.Varint);
    out.push(read(r));
  }
}

/** Reads a repeated fixed32/fixed64 field that may be packed or not. */
function repeatedFixed(r: ProtoReader, wire: number, width: 4 | 8, out: number[], path: string): void {
  if (wire === WireType.LengthDelimited) {
    const inner = r.message(path);
    while (inner.more()) out.push(width === 4 ? inner.float() : inner.double());
  } else {
    r.expectWire(path, wire, width === 4 ? WireType.Fixed32 : WireType.Fixed64);
    out.push(width === 4 ? r.float() : r.double());
  }
}

/** Runs `onField` for every field of a message; unknown fields are kept on `msg`. */
function fields(r: ProtoReader, msg: HasUnknownFields, onField: (field: number, wire: number) => boolean): void {
  while (r.more()) {
    const start = r.offset();
    const [field, wire] = r.tag();
    if (!onField(field, wire)) keep(msg, r.skip(start, wire));
  }
}

function nested<T>(r: ProtoReader, wire: number, path: string, depth: number, ctx: Ctx, read: (m: ProtoReader, depth: number) => T): T {
  r.expectWire(path, wire, WireType.LengthDelimited);
  if (depth + 1 > ctx.maxDepth) r.fail(`nesting deeper than ${ctx.maxDepth}`);
  return read(r.message(path), depth + 1);
}

function readEntry(r: ProtoReader): StringStringEntry {
  const e: StringStringEntry = { key: '', value: '' };
  fields(r, e, (f, w) => {
    if (f === 1 && w === WireType.LengthDelimited) e.key = r.string();
    else if (f === 2 && w === WireType.LengthDelimited) e.value = r.string();
    else return false;
    return true;
  });
  return e;
}

function readTensor(r: ProtoReader, _depth: number, ctx: Ctx): TensorProto {
  const t: TensorProto = { name: '', dims: [], dataType: DataType.UNDEFINED };
  const dims: Int64[] = [];
  const floats: number[] = [], doubles: number[] = [], int32: Int64[] = [], int64: Int64[] = [], uint64: Int64[] = [];
  fields(r, t, (f, w) => {
    switch (f) {
      case 1: repeatedInts(r, w, (x) => x.int64(), dims, `${r.path}.dims`); return true;
      case 2: r.expectWire('data_type', w, WireType.Varint); t.dataType = r.int32(); return true;
      case 4: repeatedFixed(r, w, 4, floats, `${r.path}.float_data`); return true;
      case 5: repeatedInts(r, w, (x) => x.int32(), int32, `${r.path}.int32_data`); return true;
      case 6: r.expectWire('string_data', w, WireType.LengthDelimited); (t.stringData ??= []).push(r.bytes()); return true;
      case 7: repeatedInts(r, w, (x) => x.int64(), int64, `${r.path}.int64_data`); return true;
      case 8: r.expectWire('name', w, WireType.LengthDelimited); t.name = r.string(); return true;
      case 9: r.expectWire('raw_data', w, WireType.LengthDelimited); t.rawData = r.bytes(); return true;
      case 10: repeatedFixed(r, w, 8, doubles, `${r.path}.double_data`); return true;
      case 11: repeatedInts(r, w, (x) => x.uint64(), uint64, `${r.path}.uint64_data`); return true;
      case 12: r.expectWire('doc_string', w, WireType.LengthDelimited); t.docString = r.string(); return true;
      case 13: r.expectWire('external_data', w, WireType.LengthDelimited); (t.externalData ??= []).push(readEntry(r.message(`${r.path}.external_data`))); return true;
      case 14: r.expectWire('data_location', w, WireType.Varint); t.dataLocation = r.int32(); return true;
      default: return false;
    }
  });
  let elements = 1;
  for (const d of dims) {
    const n = safeNumber(r, d, 'dim');
    if (n < 0) r.fail(`negative dim ${n} in tensor '${t.name}'`);
    t.dims.push(n);
    elements *= n;
  }
  if (elements > ctx.maxTensorElements) r.fail(`tensor '${t.name}' declares ${elements} elements, more than the cap ${ctx.maxTensorElements}`);
  if (floats.length) t.floatData = Float32Array.from(floats);
  if (doubles.length) t.doubleData = Float64Array.from(doubles);
  if (int32.length) t.int32Data = Int32Array.from(int32 as number[]);
  if (int64.length) t.int64Data = int64;
  if (uint64.length) t.uint64Data = uint64;
  const size = dataTypeSize(t.dataType);
  if (t.rawData && size > 0 && t.rawData.length !== elements * size) {
    r.fail(`tensor '${t.name}' raw_data holds ${t.rawData.length} bytes, dims ${JSON.stringify(t.dims)} of data type ${t.dataType} need ${elements * size}`);
  }
  return t;
}

function readDimension(r: ProtoReader): Dimension {
  const d: Dimension = {};
  fields(r, d, (f, w) => {
    if (f === 1 && w === WireType.Varint) d.dimValue = safeNumber(r, r.int64(), 'dim_value');
    else if (f === 2 && w === WireType.LengthDelimited) d.dimParam = r.string();
    else if (f === 3 && w === WireType.LengthDelimited) d.denotation = r.string();
    else return false;
    return true;
  });
  return d;
}

function readType(r: ProtoReader, depth: number, ctx: Ctx): TypeProto {
  const tp: TypeProto = {};
  fields(r, tp, (f, w) => {
    if (f === 1 && w === WireType.LengthDelimited) {
      const tr = r.message(`${r.path}.tensor_type`);
      const tensorType: NonNullable<TypeProto['tensorType']> = { elemType: 0 };
      fields(tr, tensorType, (tf, tw) => {
        if (tf === 1 && tw === WireType.Varint) tensorType.elemType = tr.int32();
        else if (tf === 2 && tw === WireType.LengthDelimited) {
          const sr = tr.message(`${tr.path}.shape`);
          const dims: Dimension[] = [];
          fields(sr, {}, (sf, sw) => {
            if (sf !== 1) return false; // TensorShapeProto has only dim
            dims.push(nested(sr, sw, `${sr.path}.dim[${dims.length}]`, depth, ctx, (m) => readDimension(m)));
            return true;
          });
          tensorType.shape = dims;
        } else return false;
        return true;
      });
      tp.tensorType = tensorType;
    } else if (f === 6 && w === WireType.LengthDelimited) tp.denotation = r.string();
    else return false;
    return true;
  });
  return tp;
}

function readValueInfo(r: ProtoReader, depth: number, ctx: Ctx): ValueInfo {
  const v: ValueInfo = { name: '' };
  fields(r, v, (f, w) => {
    if (f === 1 && w === WireType.LengthDelimited) v.name = r.string();
    else if (f === 2) v.type = nested(r, w, `${r.path}.type`, depth, ctx, (m, d) => readType(m, d, ctx));
    else if (f === 3 && w === WireType.LengthDelimited) v.docString = r.string();
    else return false;
    return true;
  });
  return v;
}

function readAttribute(r: ProtoReader, depth: number, ctx: Ctx): Attribute {
  const a: Attribute = { name: '', type: 0 };
  const floats: number[] = [], ints: Int64[] = [];
  fields(r, a, (f, w) => {
    const p = `${r.path}`;
    switch (f) {
      case 1: r.expectWire('name', w, WireType.LengthDelimited); a.name = r.string(); return true;
      case 20: r.expectWire('type', w, WireType.Varint); a.type = r.int32(); return true;
      case 21: r.expectWire('ref_attr_name', w, WireType.LengthDelimited); a.refAttrName = r.string(); return true;
      case 13: r.expectWire('doc_string', w, WireType.LengthDelimited); a.docString = r.string(); return true;
      case 2: r.expectWire('f', w, WireType.Fixed32); a.f = r.float(); return true;
      case 3: r.expectWire('i', w, WireType.Varint); a.i = r.int64(); return true;
      case 4: r.expectWire('s', w, WireType.LengthDelimited); a.s = r.bytes(); return true;
      case 5: a.t = nested(r, w, `${p}.t`, depth, ctx, (m, d) => readTensor(m, d, ctx)); return true;
      case 6: a.g = nested(r, w, `${p}.g`, depth, ctx, (m, d) => readGraph(m, d, ctx)); return true;
      case 14: a.tp = nested(r, w, `${p}.tp`, depth, ctx, (m, d) => readType(m, d, ctx)); return true;
      case 7: repeatedFixed(r, w, 4, floats, `${p}.floats`); return true;
      case 8: repeatedInts(r, w, (x) => x.int64(), ints, `${p}.ints`); return true;
      case 9: r.expectWire('strings', w, WireType.LengthDelimited); (a.strings ??= []).push(r.bytes()); return true;
      case 10: (a.tensors ??= []).push(nested(r, w, `${p}.tensors[${a.tensors?.length ?? 0}]`, depth, ctx, (m, d) => readTensor(m, d, ctx))); return true;
      case 11: (a.graphs ??= []).push(nested(r, w, `${p}.graphs[${a.graphs?.length ?? 0}]`, depth, ctx, (m, d) => readGraph(m, d, ctx))); return true;
      default: return false;
    }
  });
  if (floats.length) a.floats = floats;
  if (ints.length) a.ints = ints;
  return a;
}

function readNode(r: ProtoReader, depth: number, ctx: Ctx): NodeProto {
  const n: NodeProto = { input: [], output: [], name: '', opType: '', domain: '', attribute: [] };
  fields(r, n, (f, w) => {
    switch (f) {
      case 1: r.expectWire('input', w, WireType.LengthDelimited); n.input.push(r.string()); return true;
      case 2: r.expectWire('output', w, WireType.LengthDelimited); n.output.push(r.string()); return true;
      case 3: r.expectWire('name', w, WireType.LengthDelimited); n.name = r.string(); return true;
      case 4: r.expectWire('op_type', w, WireType.LengthDelimited); n.opType = r.string(); return true;
      case 7: r.expectWire('domain', w, WireType.LengthDelimited); n.domain = r.string(); return true;
      case 5: n.attribute.push(nested(r, w, `${r.path}.attribute[${n.attribute.length}]`, depth, ctx, (m, d) => readAttribute(m, d, ctx))); return true;
      case 6: r.expectWire('doc_string', w, WireType.LengthDelimited); n.docString = r.string(); return true;
      default: return false;
    }
  });
  return n;
}

function readGraph(r: ProtoReader, depth: number, ctx: Ctx): GraphProto {
  const g: GraphProto = { node: [], name: '', initializer: [], input: [], output: [], valueInfo: [] };
  fields(r, g, (f, w) => {
    const p = r.path;
    switch (f) {
      case 1: g.node.push(nested(r, w, `${p}.node[${g.node.length}]`, depth, ctx, (m, d) => readNode(m, d, ctx))); return true;
      case 2: r.expectWire('name', w, WireType.LengthDelimited); g.name = r.string(); return true;
      case 5: g.initializer.push(nested(r, w, `${p}.initializer[${g.initializer.length}]`, depth, ctx, (m, d) => readTensor(m, d, ctx))); return true;
      case 10: r.expectWire('doc_string', w, WireType.LengthDelimited); g.docString = r.string(); return true;
      case 11: g.input.push(nested(r, w, `${p}.input[${g.input.length}]`, depth, ctx, (m, d) => readValueInfo(m, d, ctx))); return true;
      case 12: g.output.push(nested(r, w, `${p}.output[${g.output.length}]`, depth, ctx, (m, d) => readValueInfo(m, d, ctx))); return true;
      case 13: g.valueInfo.push(nested(r, w, `${p}.value_info[${g.valueInfo.length}]`, depth, ctx, (m, d) => readValueInfo(m, d, ctx))); return true;
      default: return false;
    }
  });
  return g;
}

/**
 * Decodes a serialized `ModelProto`.
 * @throws OnnxFormatError for malformed, truncated or over-limit input, or a model without a graph.
 */
export function decodeModel(bytes: Uint8Array, limits: DecodeLimits = {}): ModelProto {
  const maxBytes = limits.maxBytes ?? 2 ** 31 - 1;
  if (bytes.length > maxBytes) {
    throw new OnnxFormatError(`onnx: the model has ${bytes.length} bytes, more than the cap ${maxBytes}`);
  }
  const ctx: Ctx = { maxDepth: limits.maxDepth ?? 64, maxTensorElements: limits.maxTensorElements ?? 2 ** 31 };
  const r = new ProtoReader(bytes, 'ModelProto');
  const m: Partial<ModelProto> & { opsetImport: OperatorSetId[]; metadataProps: StringStringEntry[] } = {
    irVersion: 0, opsetImport: [], metadataProps: [],
  };
  fields(r, m, (f, w) => {
    switch (f) {
      case 1: r.expectWire('ir_version', w, WireType.Varint); m.irVersion = safeNumber(r, r.int64(), 'ir_version'); return true;
      case 8: m.opsetImport.push(nested(r, w, `ModelProto.opset_import[${m.opsetImport.length}]`, 0, ctx, (x) => {
        const o: OperatorSetId = { version: 0 };
        fields(x, o, (of, ow) => {
          if (of === 1 && ow === WireType.LengthDelimited) o.domain = x.string();
          else if (of === 2 && ow === WireType.Varint) o.version = safeNumber(x, x.int64(), 'opset version');
          else return false;
          return true;
        });
        return o;
      })); return true;
      case 2: r.expectWire('producer_name', w, WireType.LengthDelimited); m.producerName = r.string(); return true;
      case 3: r.expectWire('producer_version', w, WireType.LengthDelimited); m.producerVersion = r.string(); return true;
      case 4: r.expectWire('domain', w, WireType.LengthDelimited); m.domain = r.string(); return true;
      case 5: r.expectWire('model_version', w, WireType.Varint); m.modelVersion = safeNumber(r, r.int64(), 'model_version'); return true;
      case 6: r.expectWire('doc_string', w, WireType.LengthDelimited); m.docString = r.string(); return true;
      case 7: m.graph = nested(r, w, 'ModelProto.graph', 0, ctx, (x, d) => readGraph(x, d, ctx)); return true;
      case 14: m.metadataProps.push(nested(r, w, 'ModelProto.metadata_props', 0, ctx, (x) => readEntry(x))); return true;
      default: return false;
    }
  });
  if (!m.graph) throw new OnnxFormatError('onnx: ModelProto has no graph (not an ONNX model?)');
  return m as ModelProto;
}

/** Decodes a serialized `TensorProto` (the `.pb` files of ONNX's node tests). */
export function decodeTensor(bytes: Uint8Array, limits: DecodeLimits = {}): TensorProto {
  const ctx: Ctx = { maxDepth: limits.maxDepth ?? 64, maxTensorElements: limits.maxTensorElements ?? 2 ** 31 };
  const maxBytes = limits.maxBytes ?? 2 ** 31 - 1;
  if (bytes.length > maxBytes) throw new OnnxFormatError(`onnx: the tensor has ${bytes.length} bytes, more than the cap ${maxBytes}`);
  return readTensor(new ProtoReader(bytes, 'TensorProto'), 0, ctx);
}
