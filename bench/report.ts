/**
 * Tables of the benchmark results: milliseconds and GFLOP/s per system and shape, the ratios of
 * each peer's time to lstm-bridge's (> 1: lstm-bridge is faster), peak memory, and streaming
 * latency. Markdown, so that the README can show it as it is.
 */
import { SHAPES, STREAM, forwardFlops, shapeLabel, trainFlops } from './shapes';
import { Cell, Mode, SystemDef, cellGates } from './systems';

export interface Result {
  readonly system: string;
  readonly shape: string;
  readonly mode: Mode;
  readonly ms: number;
  readonly samples: number[] | number;
  readonly peakBytes?: number | null;
}

export interface Failure {
  readonly system: string;
  readonly shape: string;
  readonly mode: string;
  readonly message: string;
}

export interface MemoryInfo {
  readonly system: string;
  readonly maxRssBytes: number;
  readonly wasmHeapBytes: number | null;
}

function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export class Report {
  constructor(
    readonly systems: readonly SystemDef[],
    readonly results: readonly Result[],
    readonly failures: readonly Failure[],
    readonly memory: readonly MemoryInfo[],
  ) {}

  /** The measurement of a cell; with several rounds, the round with the lowest median. */
  get(system: string, shape: string, mode: Mode): Result | undefined {
    const all = this.results.filter((r) => r.system === system && r.shape === shape && r.mode === mode);
    return all.reduce<Result | undefined>((best, r) => (!best || r.ms < best.ms ? r : best), undefined);
  }

  private cell(system: string, shape: string, mode: Mode, flops: number | null): string {
    const r = this.get(system, shape, mode);
    if (r) return flops ? `${fmtMs(r.ms)} (${(flops / r.ms / 1e6).toFixed(1)})` : fmtMs(r.ms);
    const f = this.failures.find((x) => x.system === system && x.shape === shape && x.mode === mode);
    return f ? 'failed' : '–';
  }

  private shapesRun(): typeof SHAPES[number][] {
    return SHAPES.filter((s) => this.results.some((r) => r.shape === s.id));
  }

  /** The systems running `cell` (LSTM when a system names none). */
  private systemsOf(cell: Cell): SystemDef[] {
    return this.systems.filter((s) => (s.cell ?? 'lstm') === cell);
  }

  timeTable(mode: Mode, cell: Cell = 'lstm'): string {
    const shapes = this.shapesRun();
    const g = cellGates(cell);
    const lines = [row(['system', ...shapes.map((s) => s.id)]), row(['---', ...shapes.map(() => '---:')])];
    for (const sys of this.systemsOf(cell).filter((s) => s.modes.includes(mode))) {
      lines.push(row([sys.label, ...shapes.map((s) => this.cell(sys.id, s.id, mode, mode === 'forward' ? forwardFlops(s, g) : trainFlops(s, g)))]));
    }
    return lines.join('\n');
  }

  /** peer time / subject time for each shape. */
  ratioTable(pairs: readonly [string, string, Mode][]): string {
    const shapes = this.shapesRun();
    const lines = [row(['lstm-bridge vs peer (peer ms / lstm-bridge ms)', 'mode', ...shapes.map((s) => s.id), `${STREAM.id} (per step)`]),
      row(['---', '---', ...shapes.map(() => '---:'), '---:'])];
    const label = (id: string) => this.systems.find((s) => s.id === id)?.label ?? id;
    for (const [subject, peer, mode] of pairs) {
      if (!this.systems.some((s) => s.id === subject) || !this.systems.some((s) => s.id === peer)) continue;
      const cells = [...shapes.map((s) => s.id), STREAM.id].map((shape) => {
        const a = this.get(subject, shape, mode);
        const b = this.get(peer, shape, mode);
        if (!a || !b) return b ? '–' : this.failures.some((f) => f.system === peer && f.shape === shape && f.mode === mode) ? 'peer failed' : '–';
        return `${(b.ms / a.ms).toFixed(2)}×`;
      });
      lines.push(row([`${label(subject)} vs ${label(peer)}`, mode, ...cells]));
    }
    return lines.join('\n');
  }

  memoryTable(): string {
    const shapes = this.shapesRun();
    const lines = [row(['system', 'mode', ...shapes.map((s) => s.id)]), row(['---', '---', ...shapes.map(() => '---:')])];
    const tfjsKinds = ['bridge', 'nn', 'layers', 'tfjs-layers', 'gru-bridge', 'gru-nn', 'gru-layers', 'gru-layers-rb', 'gru-tfjs-layers'];
    for (const sys of this.systems.filter((s) => tfjsKinds.includes(s.kind))) {
      for (const mode of sys.modes) {
        lines.push(row([sys.label, mode, ...shapes.map((s) => {
          const r = this.get(sys.id, s.id, mode);
          if (!r || !r.peakBytes) return '–';
          const mb = r.peakBytes / 2 ** 20;
          return mb >= 1 ? mb.toFixed(1) : mb.toFixed(3);
        })]));
      }
    }
    // One entry per system (the largest over rounds).
    const bySystem = new Map<string, MemoryInfo>();
    for (const m of this.memory) {
      const prev = bySystem.get(m.system);
      if (!prev || m.maxRssBytes > prev.maxRssBytes) bySystem.set(m.system, m);
    }
    const procs = [...bySystem.values()].map((m) => `${m.system}: max RSS ${(m.maxRssBytes / 2 ** 20).toFixed(0)} MB` +
      (m.wasmHeapBytes ? `, wasm heap ${(m.wasmHeapBytes / 2 ** 20).toFixed(0)} MB` : ''));
    return `${lines.join('\n')}\n\nPer process (all shapes): ${procs.join('; ')}`;
  }

  streamTable(): string {
    const lines = [row(['system', 'per-step latency (ms, median)']), row(['---', '---:'])];
    for (const sys of this.systems.filter((s) => s.stream)) {
      const r = this.get(sys.id, STREAM.id, 'forward');
      const name = sys.kind === 'bridge' ? `${sys.label.replace('lstmStack', 'LstmStepper')}`
        : sys.kind.startsWith('gru-bridge') ? `${sys.label}, one call per step` : sys.label;
      lines.push(row([name, r ? fmtMs(r.ms) : this.failures.some((f) => f.system === sys.id && f.shape === STREAM.id) ? 'failed' : '–']));
      const perCall = this.get(sys.id, `${STREAM.id}-lstmStack`, 'forward');
      if (perCall) lines.push(row([`${sys.label}, one call per step`, fmtMs(perCall.ms)]));
    }
    return lines.join('\n');
  }

  failureList(): string {
    return [...new Set(this.failures.map((f) => `- ${f.system} ${f.shape} ${f.mode}: ${f.message}`))].join('\n');
  }

  markdown(machine: string, pairs: readonly [string, string, Mode][]): string {
    const shapes = this.shapesRun();
    const parts = [
      `Machine: ${machine}`,
      `Shapes: ${shapes.map(shapeLabel).join('; ')}. Streaming: stateful, B=${STREAM.B}, T=1 per call, I=${STREAM.I}, H=${STREAM.H}.`,
      '### Forward (inference): ms, median (GFLOP/s)',
      this.timeTable('forward'),
      '### Training step (forward + backward of sum(output) w.r.t. all weights): ms, median (GFLOP/s, counted as 3× forward)',
      this.timeTable('train'),
      ...(this.systemsOf('gru').length ? [
        '### GRU forward (inference): ms, median (GFLOP/s, 2·T·B·3H·(I_k + H))',
        this.timeTable('forward', 'gru'),
        '### GRU training step: ms, median (GFLOP/s, counted as 3× forward)',
        this.timeTable('train', 'gru'),
      ] : []),
      '### Ratios (LSTM rows, then GRU rows)',
      this.ratioTable(pairs),
      '### Streaming (stateful, one step per call)',
      this.streamTable(),
      '### Peak tfjs tensor memory (MB, `tf.profile` peakBytes, weights and input included)',
      this.memoryTable(),
    ];
    if (this.failures.length) parts.push('### Failures', this.failureList());
    return parts.join('\n\n');
  }
}
