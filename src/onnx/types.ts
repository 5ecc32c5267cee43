/**
 * The ONNX messages lstm-bridge reads and writes, as plain TypeScript objects.
 *
 * Field names are the camelCase forms of `onnx.proto`'s (`ir_version` -> `irVersion`); the
 * comment on each names the proto field and its number. Fields this codec does not model
 * (`training_info`, `functions`, `sparse_initializer`, `quantization_annotation`, tensor
 * `segment`, sparse/sequence/map types, ...) are kept byte for byte in `unknownFields` and
 * written back by the encoder, so decode -> encode is lossless.
 *
 * 64-bit integers are {@link Int64}: a `number` when safe, else a `bigint`.
 */
import { Int64 } from './wire';

export type { Int64 };

/** `TensorProto.DataType`. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

/** `AttributeProto.AttributeType`. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** Raw field records (tag included) of fields the codec does not model. */
export interface HasUnknownFields {
  unknownFields?: Uint8Array[];
}

/** `StringStringEntryProto`: 1 key, 2 value. */
export interface StringStringEntry extends HasUnknownFields {
  key: string;
  value: string;
}

/** `OperatorSetIdProto`: 1 domain (absent or '' = ai.onnx; kept as written), 2 version. */
export interface OperatorSetId extends HasUnknownFields {
  domain?: string;
  version: number;
}

/** `TensorProto`. Exactly one of the data fields normally holds the values. */
export interface TensorProto extends HasUnknownFields {
  /** 8 name */
  name: string;
  /** 1 dims (row-major) */
  dims: number[];
  /** 2 data_type, a {@link DataType} value */
  dataType: number;
  /** 9 raw_data: little-endian bytes of the whole tensor */
  rawData?: Uint8Array;
  /** 4 float_data (FLOAT, COMPLEX64; FLOAT16/BFLOAT16 bit patterns go to int32Data) */
  floatData?: Float32Array;
  /** 5 int32_data (INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16) */
  int32Data?: Int32Array;
  /** 7 int64_data */
  int64Data?: Int64[];
  /** 10 double_data (DOUBLE, COMPLEX128) */
  doubleData?: Float64Array;
  /** 11 uint64_data (UINT32, UINT64) */
  uint64Data?: Int64[];
  /** 6 string_data */
  stringData?: Uint8Array[];
  /** 12 doc_string */
  docString?: string;
  /** 13 external_data (location, offset, length, checksum) */
  externalData?: StringStringEntry[];
  /** 14 data_location: 0 DEFAULT, 1 EXTERNAL */
  dataLocation?: number;
}

/** `TensorShapeProto.Dimension`: 1 dim_value or 2 dim_param (a symbolic name). */
export interface Dimension extends HasUnknownFields {
  dimValue?: number;
  dimParam?: string;
  /** 3 denotation */
  denotation?: string;
}

/** `TypeProto` with its `tensor_type` (1: elem_type, shape) modelled; other kinds stay unknown fields. */
export interface TypeProto extends HasUnknownFields {
  tensorType?: {
    /** {@link DataType} */
    elemType: number;
    /** absent = unknown rank */
    shape?: Dimension[];
    unknownFields?: Uint8Array[];
  };
  /** 6 denotation */
  denotation?: string;
}

/** `ValueInfoProto`: 1 name, 2 type, 3 doc_string. */
export interface ValueInfo extends HasUnknownFields {
  name: string;
  type?: TypeProto;
  docString?: string;
}

/** `AttributeProto`. `type` says which value field is set. */
export interface Attribute extends HasUnknownFields {
  /** 1 name */
  name: string;
  /** 20 type, an {@link AttributeType} value */
  type: number;
  /** 21 ref_attr_name (inside functions) */
  refAttrName?: string;
  /** 13 doc_string */
  docString?: string;
  /** 2 f */
  f?: number;
  /** 3 i */
  i?: Int64;
  /** 4 s (bytes; UTF-8 text for names such as activations) */
  s?: Uint8Array;
  /** 5 t */
  t?: TensorProto;
  /** 6 g */
  g?: GraphProto;
  /** 14 tp */
  tp?: TypeProto;
  /** 7 floats */
  floats?: number[];
  /** 8 ints */
  ints?: Int64[];
  /** 9 strings */
  strings?: Uint8Array[];
  /** 10 tensors */
  tensors?: TensorProto[];
  /** 11 graphs */
  graphs?: GraphProto[];
}

/** `NodeProto`. */
export interface NodeProto extends HasUnknownFields {
  /** 1 input ('' = an omitted optional input) */
  input: string[];
  /** 2 output */
  output: string[];
  /** 3 name */
  name: string;
  /** 4 op_type */
  opType: string;
  /** 7 domain ('' = ai.onnx) */
  domain: string;
  /** 5 attribute */
  attribute: Attribute[];
  /** 6 doc_string */
  docString?: string;
}

/** `GraphProto`. */
export interface GraphProto extends HasUnknownFields {
  /** 1 node, in topological order */
  node: NodeProto[];
  /** 2 name */
  name: string;
  /** 5 initializer */
  initializer: TensorProto[];
  /** 10 doc_string */
  docString?: string;
  /** 11 input */
  input: ValueInfo[];
  /** 12 output */
  output: ValueInfo[];
  /** 13 value_info */
  valueInfo: ValueInfo[];
}

/** `ModelProto`. */
export interface ModelProto extends HasUnknownFields {
  /** 1 ir_version */
  irVersion: number;
  /** 8 opset_import */
  opsetImport: OperatorSetId[];
  /** 2 producer_name */
  producerName?: string;
  /** 3 producer_version */
  producerVersion?: string;
  /** 4 domain */
  domain?: string;
  /** 5 model_version */
  modelVersion?: number;
  /** 6 doc_string */
  docString?: string;
  /** 7 graph */
  graph: GraphProto;
  /** 14 metadata_props */
  metadataProps: StringStringEntry[];
}
