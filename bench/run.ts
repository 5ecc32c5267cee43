/**
 * `npm run bench`: lstm-bridge against its peers, one process per system, in one run.
 *
 *     npm run bench                 # every system, shapes S0–S3 and S2bi (a few minutes)
 *     npm run bench -- --quick      # CI smoke run: S0 and S1, few iterations (well under a minute or two)
 *     npm run bench -- --systems bridge:wasm,tfjs-layers:wasm --shapes S1,S2
 *     npm run bench -- --cells gru  # the GRU rows only (--cells lstm: the LSTM rows only)
 *     npm run bench -- --rounds 2   # every system twice, alternating; each cell keeps the
 *                                   # round with the lower median (a shared machine drifts)
 *     npm run bench -- --from bench-results/latest.json   # print a saved run's tables again
 *
 * Systems: lstm-bridge's engine (`lstmStack` on each tfjs backend, `lstmStackAsync` with its
 * automatic executor), its facades (`nn.LSTM`, `layers.LSTM`) on the default backend,
 * `tf.layers.lstm` on the same backends, onnxruntime-node when installed,
 * PyTorch when `/usr/bin/python3 -c "import torch"` works (on OpenBLAS when Debian's
 * libopenblas0-openmp is installed, with OPENBLAS_CORETYPE=SkylakeX on AVX-512 machines; the
 * machine's default BLAS is not changed). tfjs backends: wasm and cpu always (cpu capped at
 * S0–S2), tfjs-node when installed. GRU rows beside them (ids `gru-...`, see `./systems` and
 * `./gru-runners`): `gruStack` and `tf.layers.gru` (reset before) on each backend, `nn.GRU`,
 * `layers.gru` (both `resetAfter`), `gruStackAsync` / `nn.GRU.forwardAsync`, onnxruntime, PyTorch.
 *
 * Prints Markdown tables (ms, GFLOP/s, ratios, peak memory, streaming latency) and writes
 * `bench-results/latest.json` and `bench-results/latest.md` (plus a timestamped copy).
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { Failure, MemoryInfo, Report, Result } from './report';
import { SHAPES, STREAM } from './shapes';
import { Backend, Mode, SystemDef, allSystems, shapesFor } from './systems';

interface Args {
  quick: boolean;
  rounds: number;
  systems: string[] | null;
  shapes: string[] | null;
  cells: string[] | null;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, rounds: 1, systems: null, shapes: null, cells: null, out: path.join(process.cwd(), 'bench-results') };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--quick') args.quick = true;
    else if (a === '--systems') args.systems = argv[++k].split(',');
    else if (a === '--shapes') args.shapes = argv[++k].split(',');
    else if (a === '--cells') args.cells = argv[++k].split(',');
    else if (a === '--out') args.out = argv[++k];
    else if (a === '--rounds') args.rounds = Math.max(1, Number(argv[++k]) || 1);
    else throw new Error(`bench: unknown argument ${a} (expected --quick, --rounds n, --systems a,b, --shapes S0,S1, --cells lstm,gru, --out dir)`);
  }
  return args;
}

const OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

function cpuHasAvx512(): boolean {
  try {
    return /\bavx512f\b/.test(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

/** The environment PyTorch runs in, and its label; null when torch is not importable. */
function torchSetup(): { env: NodeJS.ProcessEnv; label: string; fair: boolean } | null {
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(os.cpus().length) };
  let blas = 'reference BLAS (Debian default, ~8 GFLOP/s: not a speed peer)';
  let fair = false;
  if (fs.existsSync(path.join(OPENBLAS_DIR, 'libblas.so.3'))) {
    env.LD_LIBRARY_PATH = [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    if (cpuHasAvx512()) env.OPENBLAS_CORETYPE = 'SkylakeX';
    blas = `OpenBLAS OpenMP${env.OPENBLAS_CORETYPE ? ', OPENBLAS_CORETYPE=SkylakeX' : ''}`;
    fair = true;
  }
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], { env, encoding: 'utf8' });
  if (probe.status !== 0) return null;
  return { env, label: `PyTorch ${probe.stdout.trim()} nn.LSTM (${blas}, ${os.cpus().length} threads)`, fair };
}

function ortAvailable(): boolean {
  try {
    require.resolve('onnxruntime-node');
    return spawnSync(process.execPath, ['-e', "require('onnxruntime-node')"], { encoding: 'utf8' }).status === 0;
  } catch {
    return false;
  }
}

function tfjsNodeAvailable(): boolean {
  return spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { encoding: 'utf8' }).status === 0;
}

interface Collected {
  results: Result[];
  failures: Failure[];
  memory: MemoryInfo[];
}

function runProcess(cmd: string, argv: string[], env: NodeJS.ProcessEnv, system: string, timeoutMs: number, into: Collected): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const msg = JSON.parse(line) as { type: string } & Record<string, unknown>;
        if (msg.type === 'result') {
          into.results.push(msg as unknown as Result);
          process.stderr.write(`  ${system} ${msg.shape} ${msg.mode}: ${(msg.ms as number).toFixed(3)} ms\n`);
        } else if (msg.type === 'error') {
          into.failures.push(msg as unknown as Failure);
          process.stderr.write(`  ${system} ${msg.shape} ${msg.mode}: FAILED ${msg.message}\n`);
        } else if (msg.type === 'memory') into.memory.push(msg as unknown as MemoryInfo);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ' (timeout)' : ''}` : `exit code ${code}`;
        into.failures.push({ system, shape: '-', mode: 'process', message: `${why}: ${err.trim().split('\n').slice(-3).join(' / ')}` });
      }
      resolve();
    });
  });
}

/** `--from saved.json`: print the tables of a saved run again (no measuring). */
function renderSaved(file: string): void {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    machine: string; systems: SystemDef[]; results: Result[]; failures: Failure[]; memory: MemoryInfo[]; pairs?: [string, string, Mode][];
  };
  const report = new Report(saved.systems, saved.results, saved.failures, saved.memory);
  process.stdout.write(`${report.markdown(saved.machine, saved.pairs ?? [])}\n`);
}

/** The GRU ratios: lstm-bridge's GRU rows against `tf.layers.gru` (reset before), onnxruntime and PyTorch. */
function gruPairs(backends: readonly Backend[], torchFair: boolean): [string, string, Mode][] {
  const main = backends[0];
  const tfl = (b: string) => `gru-tfjs-layers:${b}`;
  const pairs: [string, string, Mode][] = [];
  for (const b of backends) pairs.push([`gru-bridge:${b}`, tfl(b), 'forward'], [`gru-bridge:${b}`, tfl(b), 'train']);
  for (const facade of ['gru-nn', 'gru-layers', 'gru-layers-rb']) {
    pairs.push([`${facade}:${main}`, tfl(main), 'forward'], [`${facade}:${main}`, tfl(main), 'train']);
  }
  for (const async of ['gru-bridge-async', 'gru-nn-async']) pairs.push([`${async}:${main}`, tfl(main), 'forward'], [`${async}:${main}`, 'gru-ort', 'forward']);
  if (torchFair) {
    pairs.push([`gru-bridge:${main}`, 'gru-torch', 'forward'], [`gru-bridge:${main}`, 'gru-torch', 'train'],
      [`gru-nn:${main}`, 'gru-torch', 'forward'], [`gru-nn:${main}`, 'gru-torch', 'train'], [`gru-nn-async:${main}`, 'gru-torch', 'forward']);
  }
  return pairs;
}

async function main(): Promise<void> {
  const fromIndex = process.argv.indexOf('--from');
  if (fromIndex > 0) return renderSaved(process.argv[fromIndex + 1]);
  const args = parseArgs(process.argv.slice(2));
  const backends: Backend[] = ['wasm', 'cpu'];
  if (tfjsNodeAvailable()) backends.unshift('tensorflow');
  const torch = torchSetup();
  const ort = ortAvailable();
  let systems = allSystems(backends, torch?.label ?? null, ort);
  if (args.systems) systems = systems.filter((s) => args.systems?.includes(s.id));
  if (args.cells) systems = systems.filter((s) => args.cells?.includes(s.cell ?? 'lstm'));
  // Quick (CI smoke): the GRU rows skip the cpu backend (its per-step calls take ~0.25 s) and run S0 only.
  if (args.quick) systems = systems.filter((s) => s.cell !== 'gru' || s.backend !== 'cpu');
  let shapes = SHAPES.filter((s) => (args.quick ? ['S0', 'S1'] : SHAPES.map((x) => x.id)).includes(s.id));
  if (args.shapes) shapes = SHAPES.filter((s) => args.shapes?.includes(s.id));
  const cpu = os.cpus();
  const machine = `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores${cpuHasAvx512() ? ' (AVX-512)' : ''}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; ` +
    `tfjs 4.22 (wasm: SIMD, single thread)${ort ? ', onnxruntime-node 1.30' : ''}`;
  process.stderr.write(`bench: ${machine}\nbench: systems ${systems.map((s) => s.id).join(', ')}; shapes ${shapes.map((s) => s.id).join(', ')}${args.quick ? ' (quick)' : ''}\n`);

  const collected: Collected = { results: [], failures: [], memory: [] };
  const timeout = args.quick ? 120_000 : 1_800_000;
  for (let round = 0; round < args.rounds; round++) for (const sys of systems) {
    if (args.rounds > 1) process.stderr.write(`bench: round ${round + 1} of ${args.rounds}\n`);
    const ids = shapesFor(sys, shapes).filter((s) => !(args.quick && (sys.backend === 'cpu' || sys.cell === 'gru') && s.id !== 'S0')).map((s) => s.id);
    process.stderr.write(`bench: ${sys.id} (${sys.label})\n`);
    if (sys.kind === 'torch' && torch) {
      const q = args.quick;
      const settings = {
        shapes: SHAPES.filter((s) => ids.includes(s.id)), stream: STREAM, threads: os.cpus().length,
        warmup: q ? 1 : 2, minIters: q ? 3 : 5, maxIters: q ? 5 : 30, budgetMs: q ? 300 : 4000, streamSteps: q ? 50 : STREAM.steps,
      };
      await runProcess('/usr/bin/python3', [path.join(__dirname, 'torch_bench.py'), JSON.stringify(settings)], torch.env, sys.id, timeout, collected);
    } else if (sys.kind === 'gru-torch' && torch) {
      const q = args.quick;
      const settings = {
        cell: 'gru', system: sys.id, shapes: SHAPES.filter((s) => ids.includes(s.id)), stream: STREAM, threads: os.cpus().length,
        warmup: q ? 1 : 2, minIters: q ? 3 : 5, maxIters: q ? 5 : 30, budgetMs: q ? 300 : 4000, streamSteps: q ? 50 : STREAM.steps,
      };
      await runProcess('/usr/bin/python3', [path.join(__dirname, 'torch_bench.py'), JSON.stringify(settings)], torch.env, sys.id, timeout, collected);
    } else {
      const argv = ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'worker.ts'), sys.id, ids.join(','), ...(args.quick ? ['--quick'] : [])];
      await runProcess(process.execPath, argv, { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, sys.id, timeout, collected);
    }
  }

  const main = backends[0];
  const pairs: [string, string, Mode][] = [];
  for (const b of backends) {
    pairs.push([`bridge:${b}`, `tfjs-layers:${b}`, 'forward'], [`bridge:${b}`, `tfjs-layers:${b}`, 'train']);
  }
  for (const facade of ['nn', 'layers']) {
    pairs.push([`${facade}:${main}`, `tfjs-layers:${main}`, 'forward'], [`${facade}:${main}`, `tfjs-layers:${main}`, 'train']);
  }
  pairs.push([`bridge-async:${main}`, `tfjs-layers:${main}`, 'forward'], [`bridge-async:${main}`, 'ort', 'forward']);
  if (torch?.fair) {
    pairs.push([`bridge:${main}`, 'torch', 'forward'], [`bridge:${main}`, 'torch', 'train'], [`bridge-async:${main}`, 'torch', 'forward']);
  }
  pairs.push(...gruPairs(backends, torch?.fair ?? false));
  const report = new Report(systems, collected.results, collected.failures, collected.memory);
  const md = report.markdown(machine, pairs);
  process.stdout.write(`\n${md}\n`);
  fs.mkdirSync(args.out, { recursive: true });
  const json = JSON.stringify({ date: new Date().toISOString(), machine, quick: args.quick, rounds: args.rounds, pairs, systems, shapes, stream: STREAM, ...collected }, null, 1);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(args.out, 'latest.json'), json);
  fs.writeFileSync(path.join(args.out, `bench-${stamp}.json`), json);
  fs.writeFileSync(path.join(args.out, 'latest.md'), `${md}\n`);
  process.stderr.write(`bench: wrote ${path.join(args.out, 'latest.json')} and latest.md\n`);
  if (collected.results.length === 0) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
