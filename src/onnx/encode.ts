/**
 * Encoding the plain objects of `./types` into ONNX protobuf bytes.
 *
 * Writes what protobuf's reference serializer writes for `onnx.proto` (a proto2 file): fields
 * in field-number order; `dims` and attribute `ints`/`floats` unpacked (proto2's default), the
 * tensor data fields packed (`[packed = true]` there); absent optional fields omitted; unknown
 * fields kept by the decoder appended to their message unchanged. So a model saved by PyTorch or
 * the `onnx` package re-encodes byte for byte (tested), and onnxruntime loads the output.
 *
 * Example:
 *
 *     fs.writeFileSync('lstm.onnx', encodeModel(buildLstmModel(spec)));
 */
import {
  Attribute, Dimension, GraphProto, HasUnknownFields, ModelProto, NodeProto, StringStringEntry, TensorProto,
  TypeProto, ValueInfo,
} from './types';
import { ProtoWriter } from './wire';

function unknown(w: ProtoWriter, msg: HasUnknownFields): void {
  for (const raw of msg.unknownFields ?? []) w.raw(raw);
}

function writeEntry(w: ProtoWriter, e: StringStringEntry): void {
  w.string(1, e.key);
  w.string(2, e.value);
  unknown(w, e);
}

/** Writes a TensorProto's fields into `w`. */
export function writeTensor(w: ProtoWriter, t: TensorProto): void {
  w.repeatedInts(1, t.dims);
  w.int(2, t.dataType);
  if (t.floatData) w.packedFloats(4, t.floatData);
  if (t.int32Data) w.packedInts(5, Array.from(t.int32Data));
  for (const s of t.stringData ?? []) w.bytes(6, s);
  if (t.int64Data) w.packedInts(7, t.int64Data);
  if (t.name) w.string(8, t.name);
  if (t.rawData) w.bytes(9, t.rawData);
  if (t.doubleData) w.packedDoubles(10, t.doubleData);
  if (t.uint64Data) w.packedInts(11, t.uint64Data);
  if (t.docString) w.string(12, t.docString);
  for (const e of t.externalData ?? []) w.message(13, (x) => writeEntry(x, e));
  if (t.dataLocation) w.int(14, t.dataLocation);
  unknown(w, t);
}

function writeDimension(w: ProtoWriter, d: Dimension): void {
  if (d.dimValue !== undefined) w.int(1, d.dimValue);
  if (d.dimParam !== undefined) w.string(2, d.dimParam);
  if (d.denotation !== undefined) w.string(3, d.denotation);
  unknown(w, d);
}

function writeType(w: ProtoWriter, tp: TypeProto): void {
  const tt = tp.tensorType;
  if (tt) {
    w.message(1, (x) => {
      x.int(1, tt.elemType);
      if (tt.shape) x.message(2, (s) => tt.shape?.forEach((d) => s.message(1, (y) => writeDimension(y, d))));
      for (const raw of tt.unknownFields ?? []) x.raw(raw);
    });
  }
  if (tp.denotation) w.string(6, tp.denotation);
  unknown(w, tp);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  const type = v.type;
  if (type) w.message(2, (x) => writeType(x, type));
  if (v.docString) w.string(3, v.docString);
  unknown(w, v);
}

function writeAttribute(w: ProtoWriter, a: Attribute): void {
  w.string(1, a.name);
  if (a.f !== undefined) w.float(2, a.f);
  if (a.i !== undefined) w.int(3, a.i);
  if (a.s !== undefined) w.bytes(4, a.s);
  const { t, g, tp } = a;
  if (t) w.message(5, (x) => writeTensor(x, t));
  if (g) w.message(6, (x) => writeGraph(x, g));
  if (a.floats) w.repeatedFloats(7, a.floats);
  if (a.ints) w.repeatedInts(8, a.ints);
  for (const s of a.strings ?? []) w.bytes(9, s);
  for (const x of a.tensors ?? []) w.message(10, (y) => writeTensor(y, x));
  for (const x of a.graphs ?? []) w.message(11, (y) => writeGraph(y, x));
  if (a.docString) w.string(13, a.docString);
  if (tp) w.message(14, (x) => writeType(x, tp));
  w.int(20, a.type);
  if (a.refAttrName) w.string(21, a.refAttrName);
  unknown(w, a);
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const s of n.input) w.string(1, s);
  for (const s of n.output) w.string(2, s);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attribute) w.message(5, (x) => writeAttribute(x, a));
  if (n.docString) w.string(6, n.docString);
  if (n.domain) w.string(7, n.domain);
  unknown(w, n);
}

function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.node) w.message(1, (x) => writeNode(x, n));
  if (g.name) w.string(2, g.name);
  for (const t of g.initializer) w.message(5, (x) => writeTensor(x, t));
  if (g.docString) w.string(10, g.docString);
  for (const v of g.input) w.message(11, (x) => writeValueInfo(x, v));
  for (const v of g.output) w.message(12, (x) => writeValueInfo(x, v));
  for (const v of g.valueInfo) w.message(13, (x) => writeValueInfo(x, v));
  unknown(w, g);
}

/** Serializes a ModelProto. */
export function encodeModel(m: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion);
  if (m.producerName) w.string(2, m.producerName);
  if (m.producerVersion) w.string(3, m.producerVersion);
  if (m.domain) w.string(4, m.domain);
  if (m.modelVersion !== undefined) w.int(5, m.modelVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, (x) => writeGraph(x, m.graph));
  for (const o of m.opsetImport) {
    w.message(8, (x) => {
      if (o.domain !== undefined) x.string(1, o.domain);
      x.int(2, o.version);
      unknown(x, o);
    });
  }
  for (const e of m.metadataProps) w.message(14, (x) => writeEntry(x, e));
  unknown(w, m);
  return w.finish();
}

/** Serializes a TensorProto (the `.pb` form of ONNX's test data). */
export function encodeTensor(t: TensorProto): Uint8Array {
  const w = new ProtoWriter();
  writeTensor(w, t);
  return w.finish();
}
