import { PickleError, PickleSecurityError, SizeLimitError, TorchFormatError } from '../../shared/errors';
import { DEFAULT_LIMITS, resolveLimits } from '../../shared/limits';
import { unpickle } from './reader';
import { PyBytes, PyDict, PyList, PyTuple } from './values';
import { PickleWriter } from './writer';
import { torchGlobals } from '../globals';
import { flattenStateDict } from '../state';
import { thrown } from '../../../../test/helpers/thrown';

const enc = (s: string) => Array.from(new TextEncoder().encode(s));
/** A pickle from raw opcodes. */
const P = (...parts: (number | string)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? enc(p) : [p])));
const read = (bytes: Uint8Array, limits = DEFAULT_LIMITS) =>
  unpickle(bytes, 0, { globals: torchGlobals('t'), where: 't', limits }).value;

describe('unpickle: data', () => {
  it('reads what the writer writes and the protocol-2..5 data opcodes', () => {
    const w = new PickleWriter().proto().mark().str('é').int(300).int(-5).int(2 ** 40).bool(true).none().tuple();
    const v = read(w.stop()) as PyTuple;
    expect(v.items).toEqual(['é', 300, -5, 2 ** 40, true, null]);
    // SHORT_BINUNICODE, SHORT_BINBYTES, BINFLOAT, EMPTY_LIST+APPENDS, EMPTY_DICT+SETITEMS, MEMOIZE/BINGET, FRAME
    const bytes = P(0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0, 0, 0x5d, 0x94, 0x28, 0x8c, 2, 'ab', 0x43, 1, 7, 0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x7d, 0x28, 0x4b, 1, 0x68, 0, 0x75, 0x65, 0x2e);
    const list = read(bytes) as PyList;
    expect(list.items[0]).toBe('ab');
    expect((list.items[1] as PyBytes).bytes).toEqual(Uint8Array.from([7]));
    expect(list.items[2]).toBe(1.5);
    const d = list.items[3] as PyDict;
    expect(d.keys).toEqual([1]);
    expect(d.values[0]).toBe(list); // memo reference to the list itself
  });

  it('reads an OrderedDict built with REDUCE and keeps _metadata from BUILD as data', () => {
    const w = new PickleWriter().proto().global('collections', 'OrderedDict').emptyTuple().reduce();
    w.mark().str('a').int(1).setItems();
    const bytes = new Uint8Array([...w.stop().slice(0, -1), 0x7d, 0x62, 0x2e]); // EMPTY_DICT BUILD STOP
    const d = read(bytes) as PyDict;
    expect(d.ordered).toBe(true);
    expect(d.get('a')).toBe(1);
  });
});

describe('unpickle: refuses, never executes', () => {
  it.each([
    ['os.system', P(0x80, 2, 0x63, 'os\nsystem\n', 0x58, 2, 0, 0, 0, 'id', 0x85, 0x52, 0x2e), 'os.system'],
    ['posix.system', P(0x80, 2, 0x63, 'posix\nsystem\n', 0x29, 0x52, 0x2e), 'posix.system'],
    ['builtins.eval', P(0x80, 2, 0x63, 'builtins\neval\n', 0x2e), 'builtins.eval'],
    ['__builtin__.eval', P(0x80, 2, 0x63, '__builtin__\neval\n', 0x2e), '__builtin__.eval'],
    ['STACK_GLOBAL os.system', P(0x80, 4, 0x8c, 2, 'os', 0x8c, 6, 'system', 0x93, 0x2e), 'os.system'],
    ['subprocess.Popen', P(0x80, 2, 0x63, 'subprocess\nPopen\n', 0x2e), 'subprocess.Popen'],
    ['torch.load itself', P(0x80, 2, 0x63, 'torch\nload\n', 0x2e), 'torch.load'],
    ['INST', P(0x28, 0x69, 'os\nsystem\n', 0x2e), 'INST'],
    ['OBJ', P(0x28, 0x63, 'collections\nOrderedDict\n', 0x6f, 0x2e), 'OBJ'],
    ['EXT1', P(0x80, 2, 0x82, 1, 0x2e), 'EXT1'],
    ['text PERSID', P(0x50, 'x\n', 0x2e), 'PERSID'],
    ['BUILD on a plain dict', P(0x7d, 0x7d, 0x62, 0x2e), 'BUILD'],
    ['NEWOBJ of OrderedDict', P(0x80, 2, 0x63, 'collections\nOrderedDict\n', 0x29, 0x81, 0x2e), 'global collections.OrderedDict'],
    ['REDUCE of a type marker', P(0x80, 2, 0x63, 'torch\nTensor\n', 0x29, 0x52, 0x2e), 'global torch.Tensor'],
    ['persistent id without a loader', P(0x80, 2, 0x4e, 0x51, 0x2e), 'BINPERSID'],
  ])('%s', (_what, bytes, refused) => {
    const err = thrown(() => read(bytes));
    expect(err).toBeInstanceOf(PickleSecurityError);
    expect((err as PickleSecurityError).refused).toBe(refused);
  });
});

describe('unpickle: malformed and hostile streams end in typed errors', () => {
  it.each([
    ['empty', P()],
    ['truncated string', P(0x80, 2, 0x58, 10, 0, 0, 0, 'ab')],
    ['huge string length', P(0x58, 0xff, 0xff, 0xff, 0x7f, 0x2e)],
    ['huge BINUNICODE8 length', P(0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x2e)],
    ['huge LONG4', P(0x8b, 0xff, 0xff, 0xff, 0x7f, 0x2e)],
    ['no STOP', P(0x80, 2, 0x4e)],
    ['stack underflow', P(0x30, 0x2e)],
    ['APPEND to a dict', P(0x7d, 0x4e, 0x61, 0x2e)],
    ['unknown memo', P(0x68, 5, 0x2e)],
    ['unclosed MARK', P(0x28, 0x4e, 0x2e)],
    ['two values at STOP', P(0x4e, 0x4e, 0x2e)],
    ['unknown opcode', P(0xff, 0x2e)],
    ['text opcode', P(0x49, '1\n', 0x2e)],
    ['invalid UTF-8', P(0x8c, 1, 0xff, 0x2e)],
    ['protocol 9', P(0x80, 9, 0x2e)],
  ])('%s', (_what, bytes) => {
    expect(() => read(bytes)).toThrow(PickleError);
  });

  it('caps MARK nesting, memo and value counts', () => {
    expect(() => read(Uint8Array.from([...new Array(1000).fill(0x28), 0x2e]))).toThrow(SizeLimitError);
    const memo = P(0x4e, ...new Array(20).fill(0).flatMap((_, k) => [0x71, k]), 0x2e);
    expect(() => read(memo, resolveLimits({ maxPickleMemo: 10 }))).toThrow(/maxPickleMemo/);
    expect(() => read(Uint8Array.from([...new Array(200).fill(0x4e), 0x2e]), resolveLimits({ maxPickleItems: 100 }))).toThrow(/maxPickleItems/);
  });

  it('a state dict that contains itself, or a deeply nested one, is refused by the walk, not followed', () => {
    // d = {}; d['x'] = d
    const cyclic = read(P(0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 'x', 0x68, 0, 0x73, 0x2e));
    expect(() => flattenStateDict('t', cyclic, DEFAULT_LIMITS)).toThrow(TorchFormatError);
    // {'a': [[[[...]]]]} 10 000 deep, built with LIST/TUPLE1
    const deep = P(0x7d, 0x58, 1, 0, 0, 0, 'a', 0x5d, ...new Array(10000).fill(0x85), 0x73, 0x2e);
    expect(() => flattenStateDict('t', read(deep), DEFAULT_LIMITS)).toThrow(SizeLimitError);
    // shared sub-lists: an exponential DAG is refused at the first repeat
    const dag = P(0x7d, 0x58, 1, 0, 0, 0, 'a', 0x5d, ...new Array(60).fill(0).flatMap(() => [0x32, 0x86]), 0x73, 0x2e);
    expect(() => flattenStateDict('t', read(dag), DEFAULT_LIMITS)).toThrow(/cycle/);
  });
});
