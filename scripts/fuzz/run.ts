/**
 * `npm run test:fuzz`: mutants of valid files of every format (`./corpus`) through the whole
 * loaders, in a pool of long-lived child processes (`./worker`; loading the package costs about
 * a second and a half, so not one process per mutant), each with a time limit per mutant and a
 * heap limit per process. A worker that hangs is killed and replaced, one that dies is
 * replaced; either is recorded against its mutant.
 *
 * Fails (exit 1) on any untyped error, crash, hang, leaked tensor, a seed that does not load,
 * a hostile pickle that is not refused, or the marker file those pickles would create.
 * Seeded and bounded: the same arguments give the same mutants; the run stops dispatching
 * when its time is up. Failing mutants are written to `fuzz-results/` for reproduction.
 *
 *     npm run test:fuzz                              # about 3 minutes (150 s of loads), 2 workers
 *     npm run test:fuzz -- --seconds 30 --mutants 20 # a quick look
 *     npm run test:fuzz -- --seed 7 --workers 4
 */
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { mutate } from '../../test/helpers/mutate';
import { Seed, buildCorpus } from './corpus';
import type { FuzzAnswer, FuzzJob } from './worker';

interface Args {
  seconds: number;
  mutants: number;
  workers: number;
  seed: number;
  timeoutMs: number;
  heapMb: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 150, mutants: 2000, workers: Math.max(1, Math.min(4, os.cpus().length)), seed: 1, timeoutMs: 10000, heapMb: 1024 };
  const keys: Record<string, keyof Args> = { '--seconds': 'seconds', '--mutants': 'mutants', '--workers': 'workers', '--seed': 'seed', '--timeout-ms': 'timeoutMs', '--heap-mb': 'heapMb' };
  for (let k = 0; k < argv.length; k += 2) {
    const key = keys[argv[k]];
    const value = Number(argv[k + 1]);
    if (!key || !Number.isFinite(value) || value <= 0) {
      throw new Error(`test:fuzz: unknown or bad argument ${argv[k]} ${argv[k + 1] ?? ''} (expected ${Object.keys(keys).join(', ')} with a positive number)`);
    }
    args[key] = value;
  }
  return args;
}

interface Job extends FuzzJob {
  readonly seed: Seed;
  readonly how: string;
}

interface Result {
  readonly job: Job;
  readonly outcome: string;
  readonly detail?: string;
  readonly leaked: number;
}

/**
 * Job `id`: the seeds interleaved (so that a cut-off run still covers every format), each seed
 * itself first, then its mutants; made when dispatched, so the run holds few mutants at once.
 */
function jobAt(id: number, seeds: readonly Seed[], args: Args): Job {
  const s = id % seeds.length;
  const k = Math.floor(id / seeds.length) - 1;
  const seed = seeds[s];
  if (k < 0) return { id, format: seed.format, bytes: seed.bytes, companion: seed.companion, seed, how: 'the seed itself' };
  const m = mutate(seed.bytes, args.seed * 1_000_003 + s * 10_007 + k, seed.format === 'onnx' ? 'varint' : 'uint32');
  return { id, format: seed.format, bytes: m.bytes, companion: seed.companion, seed, how: m.how };
}

/** Why a result fails the run, or null. */
function failure(r: Result): string | null {
  const expected = r.job.seed.expect ?? 'ok';
  if (r.outcome === 'hang' || r.outcome === 'crash' || r.outcome === 'untyped') return `${r.outcome}${r.detail ? `: ${r.detail}` : ''}`;
  if (r.leaked !== 0) return `leaked ${r.leaked} tensors (${r.outcome})`;
  if (r.job.how === 'the seed itself' && r.outcome !== expected) return `the seed gives ${r.outcome}, expected ${expected}`;
  if (r.job.seed.name.startsWith('hostile') && r.outcome === 'ok') return 'a hostile pickle loaded';
  return null;
}

class Pool {
  private readonly idle: ChildProcess[] = [];
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly args: Args) {}

  async start(n: number): Promise<void> {
    await Promise.all(Array.from({ length: n }, () => this.spawn()));
  }

  private spawn(): Promise<void> {
    const child = fork(path.join(__dirname, 'worker.ts'), [], {
      execArgv: ['-r', 'ts-node/register/transpile-only', `--max-old-space-size=${this.args.heapMb}`],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.resume();
    return new Promise((resolve, reject) => {
      child.once('message', () => {
        this.release(child);
        resolve();
      });
      child.once('error', reject);
    });
  }

  private release(child: ChildProcess): void {
    this.idle.push(child);
    this.waiting.shift()?.();
  }

  private async acquire(): Promise<ChildProcess> {
    while (this.idle.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    return this.idle.pop() as ChildProcess;
  }

  /** Runs one job on a free worker; a hang or a death replaces the worker. */
  async run(job: Job): Promise<Result> {
    const child = await this.acquire();
    return new Promise<Result>((resolve) => {
      let settled = false;
      const done = (r: Result, replace: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.removeListener('message', onMessage);
        child.removeListener('exit', onExit);
        if (replace) {
          child.kill('SIGKILL');
          void this.spawn();
        } else this.release(child);
        resolve(r);
      };
      const onMessage = (a: FuzzAnswer) => {
        if (a.id === job.id) done({ job, outcome: a.outcome, detail: a.detail, leaked: a.leaked }, false);
      };
      const onExit = (code: number | null, signal: string | null) => done({ job, outcome: 'crash', detail: `worker exited (code ${code}, signal ${signal})`, leaked: 0 }, true);
      const timer = setTimeout(() => done({ job, outcome: 'hang', detail: `no answer in ${this.args.timeoutMs} ms`, leaked: 0 }, true), this.args.timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      const { id, format, bytes, companion } = job;
      child.send({ id, format, bytes, companion });
    });
  }

  stop(): void {
    for (const c of this.idle) c.kill();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  await tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  const markerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lstm-bridge-fuzz-'));
  const marker = path.join(markerDir, 'executed');
  const seeds = await buildCorpus(marker);
  const total = seeds.length * (args.mutants + 1);
  const pool = new Pool(args);
  await pool.start(args.workers);
  const deadline = started + args.seconds * 1000;
  const results: Result[] = [];
  const stalls: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: args.workers }, async () => {
    while (next < total && Date.now() < deadline) {
      const job = jobAt(next++, seeds, args);
      let r = await pool.run(job);
      // A hang is run again once on a fresh worker: one that hangs twice fails the run; one that
      // answers the second time (a stall of a loaded machine) is listed with its answer.
      if (r.outcome === 'hang') {
        const again = await pool.run(job);
        if (again.outcome !== 'hang') {
          stalls.push(`[${job.format}] ${job.seed.name}, ${job.how}: no answer in ${args.timeoutMs} ms once, then ${again.outcome}`);
          r = again;
        }
      }
      results.push(r);
    }
  }));
  pool.stop();

  const byFormat = new Map<string, Map<string, number>>();
  for (const r of results) {
    const m = byFormat.get(r.job.format) ?? new Map<string, number>();
    m.set(r.outcome, (m.get(r.outcome) ?? 0) + 1);
    byFormat.set(r.job.format, m);
  }
  const failures = results.flatMap((r) => {
    const why = failure(r);
    return why ? [{ r, why }] : [];
  });
  if (fs.existsSync(marker)) failures.push({ r: results[0], why: `a payload executed: ${marker} exists` });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`test:fuzz: ${results.length} of ${total} loads (${seeds.length} seeds, up to ${args.mutants} mutants each, seed ${args.seed}) in ${seconds} s on ${args.workers} workers`);
  for (const [format, outcomes] of byFormat) {
    console.log(`  ${format.padEnd(12)} ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${o} ${n}`).join(', ')}`);
  }
  for (const s of stalls) console.log(`test:fuzz: stalled, not failed: ${s}`);
  if (failures.length > 0) {
    const out = path.resolve('fuzz-results');
    fs.mkdirSync(out, { recursive: true });
    const index = failures.map(({ r, why }) => {
      const file = path.join(out, `mutant-${r.job.id}.bin`);
      fs.writeFileSync(file, r.job.bytes);
      return { id: r.job.id, seed: r.job.seed.name, format: r.job.format, how: r.job.how, why, file };
    });
    fs.writeFileSync(path.join(out, 'failures.json'), JSON.stringify(index, null, 2));
    console.log(`test:fuzz: ${failures.length} failures (mutants and index in ${out}):`);
    for (const f of index.slice(0, 30)) console.log(`  [${f.format}] ${f.seed}, ${f.how}: ${f.why}`);
    process.exitCode = 1;
  } else console.log('test:fuzz: no untyped error, crash, hang, leak or executed payload');
  fs.rmSync(markerDir, { recursive: true, force: true });
}

void main();
