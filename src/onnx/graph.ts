/**
 * An ONNX graph indexed for reading, and the values in it that are known without running it.
 *
 * {@link OnnxGraph} maps every value name to what produces it (an initializer, a graph input, or
 * output k of a node) and to the nodes that consume it, and checks the graph's structure on the
 * way: a value produced twice is an {@link OnnxFormatError}.
 *
 * {@link OnnxGraph.constant} evaluates a value when it is a constant: an initializer, a
 * `Constant` node, a value the caller supplies for a graph input (`inputValues`), or what these
 * ops compute from constants:
 *
 * | op | inputs / attributes read |
 * |---|---|
 * | `Identity`, `Dropout` (inference) | data |
 * | `Cast` | `to` (float or integer types) |
 * | `Slice` | `starts`, `ends`, `axes`, `steps` (inputs, or attributes before opset 10) |
 * | `Concat` | `axis` |
 * | `Squeeze`, `Unsqueeze` | `axes` (input from opset 13, else attribute) |
 * | `Reshape` | `shape` (with 0 = copy, -1 = infer; `allowzero`) |
 * | `Transpose` | `perm` |
 * | `Gather` | `indices`, `axis` |
 *
 * This is how `torch.onnx.export(..., do_constant_folding=False)` writes an LSTM's `W`, `R`, `B`:
 * `Slice`s of `weight_ih_l0` reordered by `Concat` and `Unsqueeze`d. Anything else (a value that
 * depends on a graph input, an op outside the table) is not a constant (`null`). Values are
 * float32 for floating types and exact integers (as float64) for integer types.
 *
 * Hostile graphs: every evaluated tensor is checked against `maxTensorBytes` before it is
 * allocated and their total against `maxTotalBytes`; a cycle or an expression nested deeper
 * than {@link MAX_DEPTH} nodes is an {@link OnnxFormatError}; nothing is executed but the
 * copies above.
 */
import { FileParseError } from '../errors';
import { OnnxFormatError } from './errors';
import { tensorToFloat32, tensorToNumbers } from './tensor-data';
import { AttributeType, DataType, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfo } from './types';
import {
  ConstValue, FLOAT_TYPES, INT_TYPES, attrInt, attrInts, attribute, concatInto, gatherInto, int64Values, nodeLabel, numel,
  onnxOpset, stridedCopy, stridesOf,
} from './values';

export type { ConstValue };

/** What produces a value. */
export type Producer =
  | { readonly kind: 'initializer'; readonly tensor: TensorProto }
  | { readonly kind: 'input'; readonly info: ValueInfo }
  | { readonly kind: 'node'; readonly node: NodeProto; readonly nodeIndex: number; readonly output: number };

/** A node reading a value, and at which input. */
export interface Consumer {
  readonly node: NodeProto;
  readonly nodeIndex: number;
  readonly input: number;
}

/** The caps the graph reader enforces (named as in `io`'s `IoLimits`). */
export type GraphLimit = 'maxTensors' | 'maxTensorBytes' | 'maxTotalBytes';

/**
 * Throws when `requested` exceeds the cap named `limit` (`io` passes one that throws its
 * `SizeLimitError`).
 */
export type LimitCheck = (where: string, what: string, requested: number, limit: GraphLimit) => void;

/** Deepest chain of nodes evaluated for one constant. */
export const MAX_DEPTH = 512;

/** An indexed graph. See the module documentation. */
export class OnnxGraph {
  readonly graph: GraphProto;
  readonly opset: number;
  private readonly producers = new Map<string, Producer>();
  private readonly consumerMap = new Map<string, Consumer[]>();
  private readonly outputs: Set<string>;
  private readonly memo = new Map<string, ConstValue | null>();
  private readonly zeroMemo = new Map<string, boolean>();
  private readonly busy = new Set<string>();
  private totalElements = 0;

  /**
   * @param where prefix of messages (`io.loadOnnx`).
   * @param checkLimit the size caps (see {@link LimitCheck}).
   * @param supplied values for graph inputs (or overriding initializers), by name.
   */
  constructor(
    model: ModelProto,
    private readonly where: string,
    private readonly checkLimit: LimitCheck,
    private readonly supplied: ReadonlyMap<string, ConstValue> = new Map(),
  ) {
    this.graph = model.graph;
    this.opset = onnxOpset(model);
    const g = model.graph;
    checkLimit(where, 'number of initializers', g.initializer.length, 'maxTensors');
    for (const info of g.input) {
      if (info.name) this.producers.set(info.name, { kind: 'input', info });
    }
    const seen = new Set<string>();
    for (const tensor of g.initializer) {
      if (seen.has(tensor.name)) throw new OnnxFormatError(`${where}: initializer '${tensor.name}' is defined twice`);
      seen.add(tensor.name);
      // An initializer with a graph input of the same name is a default the input may override.
      this.producers.set(tensor.name, { kind: 'initializer', tensor });
    }
    g.node.forEach((node, nodeIndex) => {
      node.output.forEach((name, output) => {
        if (!name) return;
        if (this.producers.has(name)) {
          const other = this.producers.get(name)!;
          const what = other.kind === 'node' ? `node '${nodeLabel(other.node)}'` : `an ${other.kind}`;
          throw new OnnxFormatError(`${where}: value '${name}' is produced by node '${nodeLabel(node)}' and by ${what}`);
        }
        this.producers.set(name, { kind: 'node', node, nodeIndex, output });
      });
      node.input.forEach((name, input) => {
        if (!name) return;
        const list = this.consumerMap.get(name);
        if (list) list.push({ node, nodeIndex, input });
        else this.consumerMap.set(name, [{ node, nodeIndex, input }]);
      });
    });
    this.outputs = new Set(g.output.map((o) => o.name));
  }

  /** What produces `name` (undefined for a value nothing produces). */
  producer(name: string): Producer | undefined {
    return this.producers.get(name);
  }

  /** The nodes reading `name`. */
  consumers(name: string): readonly Consumer[] {
    return this.consumerMap.get(name) ?? [];
  }

  /** Is `name` a graph output? */
  isGraphOutput(name: string): boolean {
    return this.outputs.has(name);
  }

  /** Is `name` a graph input that has no initializer and no supplied value (a run-time input)? */
  isRuntimeInput(name: string): boolean {
    return this.producers.get(name)?.kind === 'input' && !this.supplied.has(name);
  }

  /** Declared dims of a graph input or value_info (null for a symbolic or unknown dim). */
  declaredShape(name: string): (number | null)[] | null {
    const info = this.graph.input.find((v) => v.name === name) ?? this.graph.valueInfo.find((v) => v.name === name);
    const shape = info?.type?.tensorType?.shape;
    return shape ? shape.map((d) => (d.dimValue !== undefined && d.dimValue > 0 ? d.dimValue : null)) : null;
  }

  /** The value of `name` when it is a constant (see the module documentation), else null. */
  constant(name: string, depth = 0): ConstValue | null {
    const given = this.supplied.get(name);
    if (given) return given;
    if (this.memo.has(name)) return this.memo.get(name)!;
    const p = this.producers.get(name);
    if (!p) throw new OnnxFormatError(`${this.where}: value '${name}' is used but nothing produces it (no initializer, input or node output)`);
    if (p.kind === 'input') return null;
    if (depth > MAX_DEPTH) throw new OnnxFormatError(`${this.where}: the expression of '${name}' is nested deeper than ${MAX_DEPTH} nodes`);
    if (this.busy.has(name)) throw new OnnxFormatError(`${this.where}: the graph has a cycle through '${name}'`);
    this.busy.add(name);
    try {
      const value = p.kind === 'initializer' ? this.fromTensor(p.tensor, `initializer '${name}'`) : this.evaluate(p.node, p.output, depth);
      this.memo.set(name, value);
      return value;
    } finally {
      this.busy.delete(name);
    }
  }

  /** The integer values of a constant input (for axes, shapes, ...), or null when not constant. */
  ints(name: string, depth = 0): number[] | null {
    const v = this.constant(name, depth);
    return v ? Array.from(v.data, (x) => (v.isFloat ? Math.trunc(x) : x)) : null;
  }

  /**
   * Is `name` known to be all zeros? True for zero constants and for `ConstantOfShape` with a
   * zero value, and what `Expand`, `Identity`, `Cast`, `Reshape`, `Squeeze`, `Unsqueeze`,
   * `Transpose`, `Slice`, `Tile` or `Concat` make of zeros, without building the tensor.
   */
  isZero(name: string, depth = 0): boolean {
    if (this.zeroMemo.has(name)) return this.zeroMemo.get(name)!;
    if (depth > MAX_DEPTH) throw new OnnxFormatError(`${this.where}: the expression of '${name}' is nested deeper than ${MAX_DEPTH} nodes`);
    const p = this.producers.get(name);
    let zero = false;
    if (this.supplied.has(name) || p?.kind === 'initializer' || (p?.kind === 'node' && p.node.opType === 'Constant')) {
      const v = this.constant(name, depth);
      zero = v !== null && v.data.every((x) => x === 0);
    } else if (p?.kind === 'node') {
      const n = p.node;
      if (n.opType === 'ConstantOfShape') {
        const t = attribute(n, 'value')?.t;
        zero = !t || this.fromTensor(t, `ConstantOfShape '${nodeLabel(n)}' value`).data.every((x) => x === 0);
      } else if (['Expand', 'Identity', 'Cast', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose', 'Slice', 'Tile'].includes(n.opType)) {
        zero = !!n.input[0] && p.output === 0 && this.guard(name, () => this.isZero(n.input[0], depth + 1));
      } else if (n.opType === 'Concat') {
        zero = n.input.length > 0 && this.guard(name, () => n.input.every((x) => !!x && this.isZero(x, depth + 1)));
      }
    } else if (!p) {
      throw new OnnxFormatError(`${this.where}: value '${name}' is used but nothing produces it (no initializer, input or node output)`);
    }
    this.zeroMemo.set(name, zero);
    return zero;
  }

  private guard<T>(name: string, fn: () => T): T {
    if (this.busy.has(name)) throw new OnnxFormatError(`${this.where}: the graph has a cycle through '${name}'`);
    this.busy.add(name);
    try {
      return fn();
    } finally {
      this.busy.delete(name);
    }
  }

  private account(what: string, dims: readonly number[]): number {
    for (const d of dims) {
      if (!Number.isSafeInteger(d) || d < 0) throw new OnnxFormatError(`${this.where}: ${what} has a bad dimension ${d} in ${JSON.stringify(dims)}`);
    }
    const n = numel(dims);
    this.checkLimit(this.where, `${what} size in bytes`, n * 4, 'maxTensorBytes');
    this.totalElements += n;
    this.checkLimit(this.where, 'total size of the constants read, in bytes', this.totalElements * 4, 'maxTotalBytes');
    return n;
  }

  private fromTensor(t: TensorProto, what: string): ConstValue {
    this.account(what, t.dims);
    try {
      if (FLOAT_TYPES.includes(t.dataType)) return { dims: [...t.dims], data: tensorToFloat32(t), isFloat: true };
      if (t.dataType === DataType.INT64 || t.dataType === DataType.UINT64) return { dims: [...t.dims], data: int64Values(t, what, this.where), isFloat: false };
      if (INT_TYPES.includes(t.dataType)) return { dims: [...t.dims], data: Float64Array.from(tensorToNumbers(t)), isFloat: false };
    } catch (e) {
      if (e instanceof FileParseError) throw new OnnxFormatError(`${this.where}: ${what}: ${e.message.replace(/^onnx: /, '')}`);
      throw e;
    }
    throw new OnnxFormatError(`${this.where}: ${what} has data type ${t.dataType}, expected a numeric type`);
  }

  private make(what: string, dims: number[], isFloat: boolean): { dims: number[]; data: Float32Array | Float64Array; isFloat: boolean } {
    const n = this.account(what, dims);
    return { dims, data: isFloat ? new Float32Array(n) : new Float64Array(n), isFloat };
  }

  private bad(node: NodeProto, what: string): never {
    throw new OnnxFormatError(`${this.where}: ${node.opType} node '${nodeLabel(node)}': ${what}`);
  }

  private axis(node: NodeProto, a: number, rank: number): number {
    const ax = a < 0 ? a + rank : a;
    if (!Number.isInteger(ax) || ax < 0 || ax >= rank) this.bad(node, `axis ${a} is out of range for rank ${rank}`);
    return ax;
  }

  /** The axes of Squeeze/Unsqueeze: the attribute, else input 1. Null when not constant. */
  private axesOf(node: NodeProto, depth: number): number[] | null {
    const fromAttr = attrInts(node, 'axes');
    if (fromAttr) return fromAttr;
    return node.input[1] ? this.ints(node.input[1], depth + 1) : [];
  }

  private evaluate(node: NodeProto, output: number, depth: number): ConstValue | null {
    const what = `${node.opType} '${nodeLabel(node)}'`;
    const input = (k: number): ConstValue | null => (node.input[k] ? this.constant(node.input[k], depth + 1) : null);
    if (output !== 0) return null;
    switch (node.opType) {
      case 'Constant': {
        const a = node.attribute.find((x) => x.name.startsWith('value') || x.name === 'sparse_value');
        if (!a) this.bad(node, 'has no value attribute');
        if (a.name === 'value' && a.t) return this.fromTensor(a.t, what);
        if (a.name === 'value_float' && a.type === AttributeType.FLOAT) return { dims: [], data: Float32Array.of(a.f ?? 0), isFloat: true };
        if (a.name === 'value_floats') return { dims: [a.floats?.length ?? 0], data: Float32Array.from(a.floats ?? []), isFloat: true };
        if (a.name === 'value_int') return { dims: [], data: Float64Array.of(Number(a.i ?? 0)), isFloat: false };
        if (a.name === 'value_ints') return { dims: [a.ints?.length ?? 0], data: Float64Array.from((a.ints ?? []).map(Number)), isFloat: false };
        return null;
      }
      case 'Identity':
        return input(0);
      case 'Dropout': {
        const training = node.input[2] ? this.ints(node.input[2], depth + 1) : [0];
        return training && training.every((v) => v === 0) ? input(0) : null;
      }
      case 'Cast': {
        const x = input(0);
        const to = attrInt(node, 'to');
        if (!x || to === undefined) return null;
        if (FLOAT_TYPES.includes(to)) return { dims: x.dims, data: Float32Array.from(x.data), isFloat: true };
        if (INT_TYPES.includes(to)) return { dims: x.dims, data: Float64Array.from(x.data, (v) => (to === DataType.BOOL ? Number(v !== 0) : Math.trunc(v))), isFloat: false };
        return null;
      }
      case 'Transpose': {
        const x = input(0);
        if (!x) return null;
        const rank = x.dims.length;
        const perm = attrInts(node, 'perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
        if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, k) => p !== k)) this.bad(node, `perm ${JSON.stringify(perm)} does not fit rank ${rank}`);
        const inStrides = stridesOf(x.dims);
        return stridedCopy(x, this.make(what, perm.map((p) => x.dims[p]), x.isFloat), 0, perm.map((p) => inStrides[p]));
      }
      case 'Squeeze': case 'Unsqueeze': case 'Reshape': {
        const x = input(0);
        if (!x) return null;
        const dims = node.opType === 'Reshape' ? this.reshapeDims(node, x.dims, depth) : this.squeezeDims(node, x.dims, depth);
        if (!dims) return null;
        return { dims, data: x.data, isFloat: x.isFloat };
      }
      case 'Concat': {
        const parts = node.input.map((_, k) => input(k));
        if (parts.length === 0 || parts.some((p) => !p)) return null;
        const xs = parts as ConstValue[];
        const rank = xs[0].dims.length;
        const axis = this.axis(node, attrInt(node, 'axis') ?? 0, rank);
        for (const p of xs) {
          if (p.dims.length !== rank || p.dims.some((d, k) => k !== axis && d !== xs[0].dims[k])) {
            this.bad(node, `inputs ${xs.map((q) => JSON.stringify(q.dims)).join(', ')} do not concatenate on axis ${axis}`);
          }
        }
        const dims = [...xs[0].dims];
        dims[axis] = xs.reduce((a, p) => a + p.dims[axis], 0);
        return concatInto(xs, axis, this.make(what, dims, xs[0].isFloat));
      }
      case 'Slice':
        return this.slice(node, depth);
      case 'Gather': {
        const x = input(0);
        const idx = input(1);
        if (!x || !idx) return null;
        const axis = this.axis(node, attrInt(node, 'axis') ?? 0, x.dims.length);
        const n = x.dims[axis];
        const indices = Array.from(idx.data, (v) => (v < 0 ? v + n : v));
        if (indices.some((v) => !Number.isInteger(v) || v < 0 || v >= n)) this.bad(node, `indices out of range [0, ${n})`);
        const dims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
        return gatherInto(x, axis, indices, this.make(what, dims, x.isFloat));
      }
      default:
        return null;
    }
  }

  /** Output dims of Squeeze / Unsqueeze on `dims`, or null when the axes are not constant. */
  squeezeDims(node: NodeProto, dims: readonly number[], depth = 0): number[] | null {
    const axes = this.axesOf(node, depth);
    if (!axes) return null;
    if (node.opType === 'Squeeze') {
      const rank = dims.length;
      const drop = axes.length ? axes.map((a) => this.axis(node, a, rank)) : dims.flatMap((d, k) => (d === 1 ? [k] : []));
      for (const a of drop) if (dims[a] !== 1) this.bad(node, `cannot squeeze axis ${a} of size ${dims[a]}`);
      return dims.filter((_, k) => !drop.includes(k));
    }
    const rank = dims.length + axes.length;
    const at = axes.map((a) => this.axis(node, a, rank)).sort((a, b) => a - b);
    if (new Set(at).size !== at.length) this.bad(node, `repeated axes ${JSON.stringify(axes)}`);
    const out: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) out.push(at.includes(i) ? 1 : dims[k++]);
    return out;
  }

  /** Output dims of a Reshape of `dims`, or null when the shape is not constant. */
  reshapeDims(node: NodeProto, dims: readonly number[], depth = 0): number[] | null {
    const shape = node.input[1] ? this.ints(node.input[1], depth + 1) : attrInts(node, 'shape') ?? null;
    if (!shape) return null;
    const allowZero = attrInt(node, 'allowzero') === 1;
    const out = shape.map((s, k) => {
      if (s === 0 && !allowZero) {
        if (k >= dims.length) this.bad(node, `shape ${JSON.stringify(shape)} copies dim ${k} of a rank-${dims.length} input`);
        return dims[k];
      }
      return s;
    });
    const free = out.filter((s) => s === -1).length;
    if (free > 1 || out.some((s) => s < -1 || !Number.isInteger(s))) this.bad(node, `shape ${JSON.stringify(shape)} is invalid`);
    const known = out.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const total = numel(dims);
    if (free) {
      if (known === 0 || total % known !== 0) this.bad(node, `cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(shape)}`);
      out[out.indexOf(-1)] = total / known;
    } else if (known !== total) {
      this.bad(node, `cannot reshape ${JSON.stringify(dims)} to ${JSON.stringify(shape)}`);
    }
    return out;
  }

  private slice(node: NodeProto, depth: number): ConstValue | null {
    const x = node.input[0] ? this.constant(node.input[0], depth + 1) : null;
    if (!x) return null;
    const rank = x.dims.length;
    const get = (k: number, attr: string): number[] | null | undefined => {
      const fromAttr = attrInts(node, attr);
      if (fromAttr) return fromAttr;
      return node.input[k] ? this.ints(node.input[k], depth + 1) : undefined;
    };
    const starts = get(1, 'starts');
    const ends = get(2, 'ends');
    const axes = get(3, 'axes');
    const steps = get(4, 'steps');
    if (starts === null || ends === null || axes === null || steps === null) return null;
    if (!starts || !ends || starts.length !== ends.length) this.bad(node, 'starts and ends must be given with the same length');
    const ax = (axes ?? starts.map((_, k) => k)).map((a) => this.axis(node, a, rank));
    const st = steps ?? starts.map(() => 1);
    if (ax.length !== starts.length || st.length !== starts.length) this.bad(node, 'axes and steps must have the length of starts');
    const begin = x.dims.map(() => 0);
    const step = x.dims.map(() => 1);
    const size = [...x.dims];
    ax.forEach((a, k) => {
      const n = x.dims[a];
      const s = st[k];
      if (s === 0) this.bad(node, 'a step is 0');
      const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
      let b = starts[k] < 0 ? starts[k] + n : starts[k];
      let e = ends[k] < 0 ? ends[k] + n : ends[k];
      if (s > 0) {
        b = clamp(b, 0, n);
        e = clamp(e, 0, n);
      } else {
        b = clamp(b, -1, n - 1);
        e = clamp(e, -1, n - 1);
      }
      begin[a] = b;
      step[a] = s;
      size[a] = Math.max(0, Math.ceil((e - b) / s));
    });
    const inStrides = stridesOf(x.dims);
    const base = begin.reduce((a, b, k) => a + b * inStrides[k], 0);
    return stridedCopy(x, this.make(`${node.opType} '${nodeLabel(node)}'`, size, x.isFloat), base, inStrides.map((st, k) => st * step[k]));
  }
}
