/**
 * OnnxGraph: constant evaluation of the copy and shape ops (values worked out by hand from the
 * ONNX operator definitions), zero detection without building tensors, and the structural
 * errors (values produced twice or never, cycles, size caps, nesting depth).
 */
import { graphLimitCheck } from '../io/onnx/graph-limits';
import { OnnxFormatError, SizeLimitError } from '../io/shared/errors';
import { DEFAULT_LIMITS, IoLimits } from '../io/shared/limits';
import { MAX_DEPTH, OnnxGraph } from './graph';
import { float32Tensor, int64Tensor } from './tensor-data';
import { Attribute, AttributeType, DataType, ModelProto, NodeProto, TensorProto } from './types';

const ints = (name: string, v: number[]): Attribute => ({ name, type: AttributeType.INTS, ints: v });
const int = (name: string, v: number): Attribute => ({ name, type: AttributeType.INT, i: v });
const n = (opType: string, input: string[], output: string[], attribute: Attribute[] = []): NodeProto => ({ opType, input, output, attribute, name: output[0], domain: '' });

function graphOf(nodes: NodeProto[], initializer: TensorProto[], options: { inputs?: string[]; opset?: number; limits?: Partial<IoLimits> } = {}): OnnxGraph {
  const model: ModelProto = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: options.opset ?? 14 }],
    graph: {
      name: 'g', node: nodes, initializer, output: [],
      input: (options.inputs ?? []).map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
      valueInfo: [],
    },
    metadataProps: [],
  };
  return new OnnxGraph(model, 'test', graphLimitCheck({ ...DEFAULT_LIMITS, ...options.limits }));
}

const range = (k: number) => Array.from({ length: k }, (_, i) => i);
const values = (g: OnnxGraph, name: string) => {
  const v = g.constant(name);
  if (!v) throw new Error(`${name} is not constant`);
  return { dims: [...v.dims], data: Array.from(v.data) };
};

describe('OnnxGraph.constant', () => {
  const a23 = float32Tensor('a', [2, 3], [0, 1, 2, 3, 4, 5]);

  test('Transpose, Concat, Reshape (0 copies, -1 infers), Squeeze and Unsqueeze (attribute or input)', () => {
    const g = graphOf(
      [
        n('Transpose', ['a'], ['t']),
        n('Concat', ['a', 'a'], ['c'], [int('axis', 1)]),
        n('Reshape', ['c', 'shape'], ['r']),
        n('Unsqueeze', ['a', 'axes0'], ['u']),
        n('Squeeze', ['u', 'axes0'], ['s']),
        n('Unsqueeze', ['a'], ['u1'], [ints('axes', [-1])]),
      ],
      [a23, int64Tensor('shape', [3], [0, -1, 2]), int64Tensor('axes0', [1], [0])],
    );
    expect(values(g, 't')).toEqual({ dims: [3, 2], data: [0, 3, 1, 4, 2, 5] });
    expect(values(g, 'c')).toEqual({ dims: [2, 6], data: [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5] });
    expect(values(g, 'r').dims).toEqual([2, 3, 2]);
    expect(values(g, 'u').dims).toEqual([1, 2, 3]);
    expect(values(g, 's').dims).toEqual([2, 3]);
    expect(values(g, 'u1').dims).toEqual([2, 3, 1]);
  });

  test('Slice: inputs (opset 10+) with negative steps and clamped ends, and attributes (opset 1-9)', () => {
    const g = graphOf(
      [
        n('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['s1']),
        n('Slice', ['a', 'st2', 'en2', 'ax2'], ['s2']),
        n('Slice', ['a'], ['s3'], [ints('starts', [1]), ints('ends', [2]), ints('axes', [0])]),
      ],
      [
        float32Tensor('x', [10], range(10)), a23,
        int64Tensor('st', [1], [-1]), int64Tensor('en', [1], [-100]), int64Tensor('ax', [1], [0]), int64Tensor('sp', [1], [-3]),
        int64Tensor('st2', [1], [1]), int64Tensor('en2', [1], [9223372036854775807n]), int64Tensor('ax2', [1], [-1]),
      ],
    );
    expect(values(g, 's1')).toEqual({ dims: [4], data: [9, 6, 3, 0] });
    expect(values(g, 's2')).toEqual({ dims: [2, 2], data: [1, 2, 4, 5] });
    expect(values(g, 's3')).toEqual({ dims: [1, 3], data: [3, 4, 5] });
  });

  test('Gather (negative index), Cast (float -> int truncates), Constant forms, Identity and inference Dropout', () => {
    const g = graphOf(
      [
        n('Gather', ['a', 'idx'], ['g'], [int('axis', 1)]),
        n('Cast', ['f'], ['i'], [int('to', DataType.INT64)]),
        n('Constant', [], ['k1'], [{ name: 'value_ints', type: AttributeType.INTS, ints: [3, -4] }]),
        n('Constant', [], ['k2'], [{ name: 'value_float', type: AttributeType.FLOAT, f: 0.5 }]),
        n('Constant', [], ['k3'], [{ name: 'value', type: AttributeType.TENSOR, t: a23 }]),
        n('Identity', ['k3'], ['id']),
        n('Dropout', ['a'], ['d']),
        n('Dropout', ['a', '', 'train'], ['dt']),
      ],
      [a23, int64Tensor('idx', [2], [-1, 0]), float32Tensor('f', [3], [1.7, -1.7, 2]), { name: 'train', dims: [], dataType: DataType.BOOL, int32Data: Int32Array.of(1) }],
    );
    expect(values(g, 'g')).toEqual({ dims: [2, 2], data: [2, 0, 5, 3] });
    expect(values(g, 'i')).toEqual({ dims: [3], data: [1, -1, 2] });
    expect(g.constant('i')?.isFloat).toBe(false);
    expect(values(g, 'k1')).toEqual({ dims: [2], data: [3, -4] });
    expect(values(g, 'k2')).toEqual({ dims: [], data: [0.5] });
    expect(values(g, 'id')).toEqual({ dims: [2, 3], data: range(6) });
    expect(values(g, 'd')).toEqual({ dims: [2, 3], data: range(6) });
    expect(g.constant('dt')).toBeNull();
  });

  test('values that depend on a graph input, or come from other ops, are not constant', () => {
    const g = graphOf([n('Add', ['a', 'a'], ['sum']), n('Concat', ['a', 'x'], ['mixed'], [int('axis', 0)])], [a23], { inputs: ['x'] });
    expect(g.constant('sum')).toBeNull();
    expect(g.constant('mixed')).toBeNull();
    expect(g.constant('x')).toBeNull();
    expect(g.isRuntimeInput('x')).toBe(true);
  });

  test('isZero sees ConstantOfShape / Expand / Concat of zeros without building them', () => {
    const huge = int64Tensor('huge', [2], [1e6, 1e6]);
    const g = graphOf(
      [
        n('ConstantOfShape', ['huge'], ['zeros']),
        n('ConstantOfShape', ['huge'], ['ones'], [{ name: 'value', type: AttributeType.TENSOR, t: float32Tensor('v', [1], [1]) }]),
        n('Expand', ['z1', 'huge'], ['ex']),
        n('Concat', ['zeros', 'ex'], ['cat'], [int('axis', 0)]),
        n('Concat', ['zeros', 'ones'], ['notzero'], [int('axis', 0)]),
      ],
      [huge, float32Tensor('z1', [1], [0])],
      { limits: { maxTensorBytes: 1024 } },
    );
    expect(g.isZero('zeros')).toBe(true);
    expect(g.isZero('ones')).toBe(false);
    expect(g.isZero('ex')).toBe(true);
    expect(g.isZero('cat')).toBe(true);
    expect(g.isZero('notzero')).toBe(false);
  });
});

describe('OnnxGraph errors', () => {
  test('a value produced twice, or used but never produced', () => {
    expect(() => graphOf([n('Identity', ['a'], ['b']), n('Identity', ['a'], ['b'])], [float32Tensor('a', [1], [0])])).toThrow(OnnxFormatError);
    expect(() => graphOf([n('Identity', ['a'], ['a'])], [float32Tensor('a', [1], [0])])).toThrow(/value 'a' is produced by node 'a' and by an initializer/);
    const g = graphOf([n('Identity', ['nowhere'], ['b'])], []);
    expect(() => g.constant('b')).toThrow(/value 'nowhere' is used but nothing produces it/);
  });

  test('a cycle is found, not followed forever', () => {
    const g = graphOf([n('Identity', ['c'], ['b']), n('Identity', ['b'], ['c'])], []);
    expect(() => g.constant('b')).toThrow(/the graph has a cycle through/);
    expect(() => g.isZero('b')).toThrow(/the graph has a cycle through/);
  });

  test(`an expression nested deeper than ${MAX_DEPTH} nodes`, () => {
    const nodes = range(MAX_DEPTH + 10).map((k) => n('Identity', [k === 0 ? 'a' : `v${k - 1}`], [`v${k}`]));
    const g = graphOf(nodes, [float32Tensor('a', [1], [1])]);
    expect(() => g.constant(`v${MAX_DEPTH + 9}`)).toThrow(/nested deeper than 512 nodes/);
  });

  test('tensors beyond the size caps are refused before they are built', () => {
    const a = float32Tensor('a', [64], range(64));
    const g = graphOf([n('Concat', ['a', 'a', 'a'], ['big'], [int('axis', 0)])], [a], { limits: { maxTensorBytes: 512 } });
    expect(() => g.constant('big')).toThrow(SizeLimitError);
    const t = graphOf([n('Concat', ['a', 'a'], ['c1'], [int('axis', 0)]), n('Concat', ['a', 'a'], ['c2'], [int('axis', 0)])], [a], { limits: { maxTotalBytes: 1100 } });
    expect(() => [t.constant('c1'), t.constant('c2')]).toThrow(/total size of the constants read/);
  });

  test('ops with inconsistent shapes or attributes', () => {
    const a = float32Tensor('a', [2, 3], range(6));
    const g = graphOf(
      [
        n('Reshape', ['a', 's'], ['r']),
        n('Transpose', ['a'], ['t'], [ints('perm', [0, 0])]),
        n('Concat', ['a', 'b'], ['c'], [int('axis', 0)]),
        n('Squeeze', ['a'], ['q'], [ints('axes', [0])]),
        n('Gather', ['a', 'i'], ['gi']),
      ],
      [a, float32Tensor('b', [3], range(3)), int64Tensor('s', [2], [4, -1]), int64Tensor('i', [1], [5])],
    );
    expect(() => g.constant('r')).toThrow(/cannot reshape \[2,3\] to \[4,-1\]/);
    expect(() => g.constant('t')).toThrow(/perm \[0,0\] does not fit rank 2/);
    expect(() => g.constant('c')).toThrow(/do not concatenate on axis 0/);
    expect(() => g.constant('q')).toThrow(/cannot squeeze axis 0 of size 2/);
    expect(() => g.constant('gi')).toThrow(/indices out of range \[0, 2\)/);
  });
});
