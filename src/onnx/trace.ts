/**
 * How the `LSTM` nodes of an ONNX graph make `nn.LSTM`s: which nodes are the layers of one
 * stack, how the stack's input and output are laid out, and where its states come from.
 *
 * Legend: T = sequence length, N = batch, F = features, D = directions, H = hidden size.
 *
 * `torch.onnx.export` (and `io.saveOnnx`) writes an `nn.LSTM` as one `LSTM` node per layer,
 * joined by "glue" nodes that only move axes: the layer's `Y` (T, D, N, H) becomes the next
 * layer's `X` (T, N, D·H) through `Squeeze(axis 1)` (D = 1) or `Transpose(0, 2, 1, 3)` +
 * `Reshape(0, 0, -1)` (D = 2); `batch_first` adds `Transpose(1, 0, 2)` before the first layer
 * and after the last; unbatched input adds `Unsqueeze(1)` / `Squeeze(1)`. Other exporters use
 * other glue (`layout = 1`, explicit reshape sizes, `Identity`).
 *
 * Rather than matching node patterns, this module follows what glue does to the axes: every
 * axis is a list of named atoms (T, N, D, H of a layer, or the axes of an input), glue ops
 * permute, split, merge, insert and drop them, and a join is accepted exactly when the next
 * layer's `X` is `[T, N, D·H]` of the layer below, atom for atom (in that order, so a join that
 * interleaves directions and hidden units wrongly is not accepted). Glue ops: `Identity`,
 * `Dropout` (inference), `Cast` (to float), `Transpose`, `Squeeze`, `Unsqueeze`, `Reshape`
 * (with constant axes / shapes).
 *
 * A node's layers stop being one stack, with a note saying why, when the join is anything else,
 * when one layer feeds two LSTMs, or when the layers differ in directions, hidden size or
 * activations (an `nn.LSTM`'s layers cannot).
 */
import { NodeProto } from './types';
import { OnnxFormatError } from './errors';
import { OnnxGraph } from './graph';
import { attrInt, attrInts, attrString, attribute, nodeLabel } from './values';

interface Atom {
  readonly id: string;
  readonly size: number | null;
}
type Axis = readonly Atom[];
type Axes = readonly Axis[];

/** How a stack's input (and output) is laid out: `nn.LSTM`'s three input forms. */
export type SequenceForm = 'time-major' | 'batch-first' | 'unbatched';

/** One stack of LSTM nodes, bottom to top, as the graph connects them. */
export interface StackPlan {
  readonly nodes: readonly NodeProto[];
  /** The value `nn.LSTM`'s input corresponds to, and its form. */
  readonly input: { readonly name: string; readonly isGraphInput: boolean; readonly form: SequenceForm };
  /** Why the LSTM below or above is not part of this stack. */
  readonly notes: readonly string[];
  /** T and N axes of the stack (internal, for output tracing). */
  readonly timeAxis: Axis;
  readonly batchAxis: Axis;
}

/** Most nodes one walk through glue visits. */
const MAX_WALK = 10_000;

/**
 * Do two axes hold the same atoms in the same order? Atoms known to be of size 1 are ignored:
 * they do not change the memory layout (a Reshape drops them: with H = 1 the
 * `Transpose + Reshape` glue between bidirectional layers gives [T, N, D], which is [T, N, D·H]).
 */
function same(a: Axis, b: Axis): boolean {
  const x = a.filter((t) => t.size !== 1);
  const y = b.filter((t) => t.size !== 1);
  return x.length === y.length && x.every((t, k) => t.id === y[k].id);
}

function sameAxes(a: Axes, b: Axes): boolean {
  return a.length === b.length && a.every((x, k) => same(x, b[k]));
}

function size(axis: Axis): number | null {
  return axis.every((a) => a.size !== null) ? axis.reduce((p, a) => p * (a.size as number), 1) : null;
}

/** The number of directions of an LSTM node (2 for 'bidirectional'). */
export function directionsOf(node: NodeProto): 1 | 2 {
  return attrString(node, 'direction') === 'bidirectional' ? 2 : 1;
}

/** Is `node` an op that only moves axes (see the module documentation)? */
function isGlue(graph: OnnxGraph, node: NodeProto): boolean {
  if (node.domain && node.domain !== 'ai.onnx') return false;
  switch (node.opType) {
    case 'Identity': case 'Transpose': case 'Squeeze': case 'Unsqueeze': case 'Reshape':
      return true;
    case 'Cast':
      return attrInt(node, 'to') === 1;
    case 'Dropout': {
      if (!node.input[2]) return true;
      const training = graph.ints(node.input[2]);
      return training !== null && training.every((v) => v === 0);
    }
    default:
      return false;
  }
}

/** `axes` after the glue node, or why it cannot be followed. */
function applyGlue(graph: OnnxGraph, node: NodeProto, axes: Axes): Axes | string {
  const rank = axes.length;
  const norm = (a: number, r: number) => (a < 0 ? a + r : a);
  switch (node.opType) {
    case 'Identity': case 'Dropout': case 'Cast':
      return axes;
    case 'Transpose': {
      const perm = attrInts(node, 'perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
      if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, k) => p !== k)) return `perm ${JSON.stringify(perm)} does not fit rank ${rank}`;
      return perm.map((p) => axes[p]);
    }
    case 'Squeeze': case 'Unsqueeze': {
      const given = attrInts(node, 'axes') ?? (node.input[1] ? graph.ints(node.input[1]) : []);
      if (given === null) return 'axes that are not constant';
      if (node.opType === 'Squeeze') {
        const drop = given.length ? given.map((a) => norm(a, rank)) : axes.flatMap((x, k) => (size(x) === 1 ? [k] : []));
        if (drop.some((a) => a < 0 || a >= rank || size(axes[a]) !== 1)) return `squeeze of axes ${JSON.stringify(given)} that are not known to be 1`;
        return axes.filter((_, k) => !drop.includes(k));
      }
      const outRank = rank + given.length;
      const at = given.map((a) => norm(a, outRank));
      if (at.some((a) => a < 0 || a >= outRank) || new Set(at).size !== at.length) return `unsqueeze axes ${JSON.stringify(given)} out of range`;
      const out: Axis[] = [];
      let k = 0;
      for (let i = 0; i < outRank; i++) out.push(at.includes(i) ? [] : axes[k++]);
      return out;
    }
    case 'Reshape':
      return reshapeAxes(graph, node, axes);
    default:
      return `op ${node.opType}`;
  }
}

/** Reshape on atoms: each target size takes consecutive atoms in row-major order. */
function reshapeAxes(graph: OnnxGraph, node: NodeProto, axes: Axes): Axes | string {
  const shape = node.input[1] ? graph.ints(node.input[1]) : null;
  if (!shape) return 'a shape that is not constant';
  const allowZero = attrInt(node, 'allowzero') === 1;
  const stream = axes.flat().filter((a) => a.size !== 1);
  const out: Axis[] = new Array(shape.length);
  let front = 0;
  let back = stream.length;
  const free = shape.indexOf(-1);
  if (shape.filter((s) => s === -1).length > 1) return `shape ${JSON.stringify(shape)}`;
  const take = (j: number, fromFront: boolean): boolean => {
    const t = shape[j];
    let want: Atom[] | null = null;
    if (t === 0 && !allowZero) {
      if (j >= axes.length) return false;
      want = axes[j].filter((a) => a.size !== 1);
    } else if (t === 1) {
      want = [];
    } else if (t > 1) {
      const got: Atom[] = [];
      let p = 1;
      while (p < t) {
        const a = fromFront ? stream[front + got.length] : stream[back - got.length - 1];
        if (!a || a.size === null) return false;
        got.push(a);
        p *= a.size;
      }
      if (p !== t) return false;
      want = fromFront ? got : got.reverse();
    } else {
      return false;
    }
    const have = fromFront ? stream.slice(front, front + want.length) : stream.slice(back - want.length, back);
    if (!same(have, want)) return false;
    if (fromFront) front += want.length;
    else back -= want.length;
    out[j] = want;
    return true;
  };
  const last = free === -1 ? shape.length : free;
  for (let j = 0; j < last; j++) if (!take(j, true)) return `shape ${JSON.stringify(shape)}`;
  for (let j = shape.length - 1; j > last; j--) if (!take(j, false)) return `shape ${JSON.stringify(shape)}`;
  if (free === -1) {
    if (front !== back) return `shape ${JSON.stringify(shape)}`;
  } else {
    if (back < front) return `shape ${JSON.stringify(shape)}`;
    out[free] = stream.slice(front, back);
  }
  return out;
}

/** Walks back from `name` through glue nodes: the first non-glue value and the glue in between (in data order). */
export function walkBack(graph: OnnxGraph, name: string, where: string, through: (n: NodeProto) => boolean = (n) => isGlue(graph, n)): { origin: string; path: NodeProto[] } {
  const path: NodeProto[] = [];
  const seen = new Set<string>();
  let cur = name;
  for (;;) {
    if (seen.has(cur)) throw new OnnxFormatError(`${where}: the graph has a cycle through '${cur}'`);
    if (seen.size > MAX_WALK) throw new OnnxFormatError(`${where}: more than ${MAX_WALK} nodes between '${name}' and its source`);
    seen.add(cur);
    const p = graph.producer(cur);
    if (!p) throw new OnnxFormatError(`${where}: value '${cur}' is used but nothing produces it (no initializer, input or node output)`);
    if (p.kind !== 'node' || p.output !== 0 || !p.node.input[0] || !through(p.node)) return { origin: cur, path: path.reverse() };
    path.push(p.node);
    cur = p.node.input[0];
  }
}

function follow(graph: OnnxGraph, path: readonly NodeProto[], axes: Axes): Axes | string {
  let a: Axes = axes;
  for (const n of path) {
    const next = applyGlue(graph, n, a);
    if (typeof next === 'string') return `${n.opType} '${nodeLabel(n)}' (${next})`;
    a = next;
  }
  return a;
}

interface Lstm {
  readonly node: NodeProto;
  readonly id: number;
  readonly D: 1 | 2;
  readonly layout: number;
  readonly H: Atom;
  readonly Dx: Axis;
}

function lstmOf(node: NodeProto, id: number): Lstm {
  const D = directionsOf(node);
  const hs = attrInt(node, 'hidden_size');
  return {
    node, id, D, layout: attrInt(node, 'layout') ?? 0,
    H: { id: `H@${id}`, size: hs !== undefined && hs > 0 ? hs : null },
    Dx: D === 2 ? [{ id: `D@${id}`, size: 2 }] : [],
  };
}

function yAxes(l: Lstm, T: Axis, N: Axis): Axes {
  return l.layout === 1 ? [N, T, l.Dx, [l.H]] : [T, l.Dx, N, [l.H]];
}

function xAxes(layout: number, T: Axis, N: Axis, F: Axis): Axes {
  return layout === 1 ? [N, T, F] : [T, N, F];
}

/** What `nn.LSTM` layers must share, as comparable text. */
function signature(l: Lstm): string {
  const names = attribute(l.node, 'activations')?.strings?.map((s) => new TextDecoder().decode(s)) ?? null;
  const floats = (n: string) => attribute(l.node, n)?.floats ?? null;
  return JSON.stringify([l.D, l.H.size, names, floats('activation_alpha'), floats('activation_beta'), attrInt(l.node, 'linear_before_reset') ?? 0]);
}

/** How the input of a stack's first layer comes from a value nn.LSTM's input can be. */
function inputOf(graph: OnnxGraph, l: Lstm, where: string): { name: string; form: SequenceForm; T: Axis; N: Axis } {
  const x = l.node.input[0];
  let { origin, path } = walkBack(graph, x, where);
  // The origin's rank is needed to name its axes: cut the path at a Reshape (the rank of its
  // input is not known) or an unknown squeeze.
  const cut = path.map((n) => n.opType).lastIndexOf('Reshape');
  if (cut >= 0) {
    origin = path[cut].output[0];
    path = path.slice(cut + 1);
  }
  // Iterating from X backwards, `rank` is the rank of the input of node k+1: cutting at k keeps it right.
  let rank = 3;
  for (let k = path.length - 1; k >= 0; k--) {
    const n = path[k];
    if (n.opType !== 'Squeeze' && n.opType !== 'Unsqueeze') continue;
    const given = attrInts(n, 'axes') ?? (n.input[1] ? graph.ints(n.input[1]) : []);
    if (!given || (n.opType === 'Squeeze' && given.length === 0)) {
      origin = n.output[0];
      path = path.slice(k + 1);
      break;
    }
    rank += n.opType === 'Squeeze' ? given.length : -given.length;
  }
  const declared = graph.declaredShape(origin);
  const atoms: Axis[] = Array.from({ length: Math.max(rank, 0) }, (_, k) => [{ id: `in:${origin}:${k}`, size: declared && declared.length === rank ? declared[k] : null }]);
  const X = rank === 2 || rank === 3 ? follow(graph, path, atoms) : 'rank';
  if (typeof X !== 'string' && X.length === 3) {
    const [a, b, c] = X;
    const at = (k: number) => atoms[k];
    const [T, N] = l.layout === 1 ? [b, a] : [a, b];
    if (rank === 3 && same(c, at(2))) {
      if (same(T, at(0)) && same(N, at(1))) return { name: origin, form: 'time-major', T, N };
      if (same(T, at(1)) && same(N, at(0))) return { name: origin, form: 'batch-first', T, N };
    }
    if (rank === 2 && same(c, at(1)) && same(T, at(0)) && N.length === 0) return { name: origin, form: 'unbatched', T, N };
  }
  // Anything else: the stack starts at the node's own X.
  const own: Axis[] = [0, 1, 2].map((k) => [{ id: `in:${x}:${k}`, size: null }]);
  const [T, N] = l.layout === 1 ? [own[1], own[0]] : [own[0], own[1]];
  return { name: x, form: l.layout === 1 ? 'batch-first' : 'time-major', T, N };
}

/**
 * The stacks of a graph's top-level `op` nodes (`LSTM` by default, or `GRU` / `RNN`: the same
 * layout, inputs 0-5 alike, one state fewer; domain ai.onnx), in graph order. GRU layers must
 * also agree in `linear_before_reset`.
 * @throws OnnxFormatError for cycles, values nothing produces, or LSTM nodes out of topological order.
 */
export function planStacks(graph: OnnxGraph, where: string, op: 'LSTM' | 'GRU' | 'RNN' = 'LSTM'): StackPlan[] {
  const nodes = graph.graph.node.filter((n) => n.opType === op && (!n.domain || n.domain === 'ai.onnx'));
  const lstms = new Map<NodeProto, Lstm>(nodes.map((n, k) => [n, lstmOf(n, k)]));
  const feeders = new Map<NodeProto, { m: NodeProto; path: NodeProto[] }>();
  const fanOut = new Map<NodeProto, number>();
  for (const n of nodes) {
    if (!n.input[0]) throw new OnnxFormatError(`${where}: ${op} '${nodeLabel(n)}' has no input X`);
    const { origin, path } = walkBack(graph, n.input[0], where);
    const p = graph.producer(origin);
    if (p?.kind === 'node' && p.output === 0 && lstms.has(p.node)) {
      feeders.set(n, { m: p.node, path });
      fanOut.set(p.node, (fanOut.get(p.node) ?? 0) + 1);
    }
  }
  const stacks: { plan: Omit<StackPlan, 'nodes' | 'notes'>; nodes: NodeProto[]; notes: string[] }[] = [];
  const stackOf = new Map<NodeProto, (typeof stacks)[number]>();
  for (const n of nodes) {
    const l = lstms.get(n)!;
    const feed = feeders.get(n);
    let note: string | null = null;
    if (feed) {
      const s = stackOf.get(feed.m);
      if (!s) throw new OnnxFormatError(`${where}: ${op} '${nodeLabel(n)}' reads the output of ${op} '${nodeLabel(feed.m)}', which comes after it (the graph is not in topological order, or has a cycle)`);
      const m = lstms.get(feed.m)!;
      const top = s.nodes[s.nodes.length - 1] === feed.m;
      const axes = follow(graph, feed.path, yAxes(m, s.plan.timeAxis, s.plan.batchAxis));
      const want = xAxes(l.layout, s.plan.timeAxis, s.plan.batchAxis, [...m.Dx, m.H]);
      const glue = feed.path.length ? feed.path.map((g) => g.opType).join(' + ') : 'no glue';
      if (!top || (fanOut.get(feed.m) ?? 0) > 1) note = `${op} '${nodeLabel(feed.m)}' feeds ${fanOut.get(feed.m)} ${op} nodes`;
      else if (typeof axes === 'string') note = `${op} '${nodeLabel(n)}' reads ${op} '${nodeLabel(feed.m)}''s Y through ${axes}, which is not a pure layout change`;
      else if (!sameAxes(axes, want)) note = `${op} '${nodeLabel(n)}' reads ${op} '${nodeLabel(feed.m)}''s Y through ${glue}, which does not give [T, N, D·H] as nn.LSTM passes it between layers`;
      else if (signature(m) !== signature(l)) note = `${op} '${nodeLabel(n)}' and '${nodeLabel(feed.m)}' differ in directions, hidden size or activations`;
      else if (stateKey(graph, n, where) !== stateKey(graph, s.nodes[0], where) || stateKey(graph, n, where).includes('other')) {
        note = `${op} '${nodeLabel(n)}' starts from other states than ${op} '${nodeLabel(s.nodes[0])}' (${stateKey(graph, n, where)} vs ${stateKey(graph, s.nodes[0], where)})`;
      } else if ((n.input[4] ?? '') !== (s.nodes[0].input[4] ?? '')) note = `${op} '${nodeLabel(n)}' and '${nodeLabel(s.nodes[0])}' have different sequence_lens`;
      else {
        s.nodes.push(n);
        stackOf.set(n, s);
        continue;
      }
      s.notes.push(`not followed by ${op} '${nodeLabel(n)}': ${note}`);
    }
    const input = inputOf(graph, l, where);
    const s = {
      plan: { input: { name: input.name, isGraphInput: graph.isRuntimeInput(input.name), form: input.form }, timeAxis: input.T, batchAxis: input.N },
      nodes: [n],
      notes: note ? [`not joined to ${op} '${nodeLabel(feeders.get(n)!.m)}' below: ${note}`] : [],
    };
    stacks.push(s);
    stackOf.set(n, s);
  }
  return stacks.map((s) => ({ ...s.plan, nodes: s.nodes, notes: s.notes }));
}

/** Graph outputs that are the stack's `output`, `h_n`, `c_n` as nn.LSTM returns them (null when there is none). */
export function stackOutputs(graph: OnnxGraph, plan: StackPlan, where: string): { output: string | null; hN: string | null; cN: string | null } {
  const nodes = plan.nodes;
  const top = lstmOf(nodes[nodes.length - 1], -1);
  const y = top.node.output[0];
  let output: string | null = null;
  const F: Axis = [...top.Dx, top.H];
  const want: Axes = plan.input.form === 'batch-first' ? [plan.batchAxis, plan.timeAxis, F] : plan.input.form === 'unbatched' ? [plan.timeAxis, F] : [plan.timeAxis, plan.batchAxis, F];
  if (y) {
    const queue: { name: string; axes: Axes }[] = [{ name: y, axes: yAxes(top, plan.timeAxis, plan.batchAxis) }];
    for (let visited = 0; queue.length && visited < 256 && output === null; visited++) {
      const { name, axes } = queue.shift()!;
      if (graph.isGraphOutput(name) && sameAxes(axes, want)) output = name;
      for (const c of graph.consumers(name)) {
        if (c.input !== 0 || !isGlue(graph, c.node) || !c.node.output[0]) continue;
        const next = applyGlue(graph, c.node, axes);
        if (typeof next !== 'string') queue.push({ name: c.node.output[0], axes: next });
      }
    }
  }
  const state = (k: 1 | 2): string | null => {
    if (nodes.some((n) => (attrInt(n, 'layout') ?? 0) !== 0)) return null;
    const parts = nodes.map((n) => n.output[k]);
    if (parts.some((p) => !p)) return null;
    for (const out of graph.graph.output) {
      const squeezeOk = (n: NodeProto) => n.opType === 'Identity' || (plan.input.form === 'unbatched' && n.opType === 'Squeeze' && JSON.stringify(attrInts(n, 'axes') ?? (n.input[1] ? graph.ints(n.input[1]) : null)) === '[1]');
      const { origin } = walkBack(graph, out.name, where, squeezeOk);
      if (parts.length === 1 && origin === parts[0]) return out.name;
      const p = graph.producer(origin);
      if (parts.length > 1 && p?.kind === 'node' && p.node.opType === 'Concat' && (attrInt(p.node, 'axis') ?? 0) === 0) {
        const ins = p.node.input.map((i) => walkBack(graph, i, where, (n) => n.opType === 'Identity').origin);
        if (ins.length === parts.length && ins.every((i, j) => i === parts[j])) return out.name;
      }
    }
    return null;
  };
  return { output, hN: state(1), cN: state(2) };
}

/** A node's state sources as comparable text: `zeros`, `input:<name>` or `other`, for h and c. */
function stateKey(graph: OnnxGraph, node: NodeProto, where: string): string {
  const one = (s: StateSource) => (s.kind === 'input' ? `input:${s.name}` : s.kind);
  return `h ${one(stateSource(graph, node, 5, where))}, c ${one(stateSource(graph, node, 6, where))}`;
}

/** Where one layer's initial state comes from. */
export type StateSource =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'input'; readonly name: string; readonly rows: readonly [number, number] | null; readonly unsqueezed: boolean }
  | { readonly kind: 'other'; readonly what: string };

/** The source of an LSTM node's `initial_h` / `initial_c` (input 5 / 6). */
export function stateSource(graph: OnnxGraph, node: NodeProto, k: 5 | 6, where: string): StateSource {
  const name = node.input[k];
  if (!name || graph.isZero(name)) return { kind: 'zeros' };
  const what = k === 5 ? 'initial_h' : 'initial_c';
  if ((attrInt(node, 'layout') ?? 0) !== 0) return { kind: 'other', what: `${what} '${name}' of a layout-1 node` };
  let rows: [number, number] | null = null;
  let unsqueezed = false;
  const through = (n: NodeProto): boolean => {
    if (n.opType === 'Identity') return true;
    if (n.opType === 'Unsqueeze' && !unsqueezed) {
      const ax = attrInts(n, 'axes') ?? (n.input[1] ? graph.ints(n.input[1]) : null);
      if (JSON.stringify(ax) !== '[1]') return false;
      unsqueezed = true;
      return true;
    }
    if (n.opType === 'Slice' && rows === null && !attrInts(n, 'starts')) {
      const [s, e] = [graph.ints(n.input[1]), graph.ints(n.input[2])];
      const axes = n.input[3] ? graph.ints(n.input[3]) : [0];
      const steps = n.input[4] ? graph.ints(n.input[4]) : [1];
      if (!s || !e || s.length !== 1 || e.length !== 1 || JSON.stringify(axes) !== '[0]' || JSON.stringify(steps) !== '[1]') return false;
      rows = [s[0], e[0]];
      return true;
    }
    return false;
  };
  const { origin } = walkBack(graph, name, where, through);
  if (graph.isRuntimeInput(origin)) return { kind: 'input', name: origin, rows, unsqueezed };
  const constant = graph.constant(origin) !== null;
  return { kind: 'other', what: `${what} '${name}' is ${constant ? 'a nonzero constant' : 'computed by the graph'}` };
}
