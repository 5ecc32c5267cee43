/**
 * `lstm-bridge doctor`: which optional pieces are present or missing here, what each gives and
 * costs — the tfjs backends (and the one `useFastestBackend` picks), onnxruntime-node (or why it
 * does not load), h5wasm (HDF5 writing) — with versions. It loads and tries each piece for real
 * (selecting a backend, loading onnxruntime, writing a small HDF5 file in memory).
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

import { BACKEND_PACKAGES, BackendName, BackendSkip, FASTEST_FIRST, backendSkipMessage, selectBackend, useFastestBackend } from '../backend/internal';
import { writeHdf5 } from '../io/node';
import { loadOnnxRuntime, onnxRuntimeUnavailableReason } from '../runtime/internal';

/** One piece the doctor checks. */
export interface DoctorItem {
  readonly name: string;
  readonly status: 'present' | 'missing' | 'not here';
  /** The package's installed version, when it is installed. */
  readonly version: string | null;
  /** Why it is missing (a load error's first line), or null. */
  readonly detail: string | null;
  /** What it gives, what it costs, what one gets without it: short lines. */
  readonly notes: readonly string[];
}

/** What `lstm-bridge doctor` finds. */
export interface DoctorReport {
  readonly backends: readonly DoctorItem[];
  /** The backend `useFastestBackend()` picks here, or null when none can be used. */
  readonly fastest: BackendName | null;
  readonly optional: readonly DoctorItem[];
}

/**
 * The installed version of a package, seen from this file as Node resolves it (`node_modules`
 * folders upwards), or null. Read from its package.json, so packages whose `exports` hide it
 * (h5wasm) are found too.
 */
export function installedVersion(pkg: string, from = __dirname): string | null {
  for (let dir = from; ; dir = nodePath.dirname(dir)) {
    const file = nodePath.join(dir, 'node_modules', pkg, 'package.json');
    if (fs.existsSync(file)) {
      try {
        return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
      } catch {
        return 'unknown';
      }
    }
    if (nodePath.dirname(dir) === dir) return null;
  }
}

const BACKEND_NOTES: Readonly<Record<BackendName, readonly string[]>> = {
  tensorflow: [
    'gives: native TensorFlow, the fastest tfjs backend in Node',
    'costs: optional; npm install @tensorflow/tfjs-node (its install downloads libtensorflow)',
  ],
  wasm: ['gives: ~20x the cpu backend for LSTMs (npm run bench, S1 forward: 6.7 ms vs 144 ms)', 'costs: nothing more, a dependency of lstm-bridge'],
  webgl: ['browsers only: import @tensorflow/tfjs-backend-webgl or @tensorflow/tfjs there'],
  cpu: ['plain JavaScript, always there, the slowest'],
};

const ORT_NOTES = [
  'gives: forwardAsync / engine.lstmStackAsync on onnxruntime (S1: 0.74 ms vs 6.7 ms tfjs wasm),',
  '  and the onnxruntime run of convert --verify for .onnx files',
  'costs: ~45 MB of native CPU binaries a platform (the package ships every platform\'s);',
  '  on Linux x64 its install script downloads CUDA binaries unless ONNXRUNTIME_NODE_INSTALL=skip',
  '  (or npm install --onnxruntime-node-install=skip); where that download fails npm drops it',
];
const ORT_WITHOUT = "without it: forwardAsync runs on tfjs (lastExecution.reason.kind 'not-installed'), --verify skips onnxruntime";

async function backendItems(): Promise<{ items: DoctorItem[]; fastest: BackendName | null }> {
  // Each backend tried alone (selected, then the next), then the pick of useFastestBackend().
  const reasons = new Map<BackendName, BackendSkip | null>();
  for (const b of FASTEST_FIRST) reasons.set(b, await selectBackend(b));
  let fastest: BackendName | null = null;
  try {
    fastest = (await useFastestBackend()).backend;
  } catch {
    fastest = null; // every backend's reason is listed
  }
  const items = FASTEST_FIRST.map((b): DoctorItem => {
    const reason = reasons.get(b) ?? null;
    const status = !reason ? 'present' : reason.kind === 'wrong-environment' ? 'not here' : 'missing';
    return { name: b, status, version: installedVersion(BACKEND_PACKAGES[b]), detail: reason ? backendSkipMessage(reason) : null, notes: BACKEND_NOTES[b] };
  });
  return { items, fastest };
}

async function h5wasmItem(): Promise<DoctorItem> {
  const version = installedVersion('h5wasm');
  const notes = ['gives: writing Keras .h5 files (io.saveKeras, io.writeKeras, convert ... x.h5)', 'reading .h5 needs only jsfive'];
  try {
    const bytes = await writeHdf5({ attrs: { probe: 'lstm-bridge doctor' } });
    const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
    if (!signature.every((b, k) => bytes[k] === b)) throw new Error('the file it wrote has no HDF5 signature');
    return { name: 'h5wasm', status: 'present', version, detail: null, notes };
  } catch (e) {
    return { name: 'h5wasm', status: 'missing', version, detail: (e as Error).message.split('\n')[0], notes: [...notes, 'without it: writing .h5 fails'] };
  }
}

/** Checks every optional piece (selects the fastest backend as a side effect, as the CLI does). */
export async function doctorReport(): Promise<DoctorReport> {
  const { items, fastest } = await backendItems();
  const ort = loadOnnxRuntime();
  const ortVersion = installedVersion('onnxruntime-node');
  const onnxruntime: DoctorItem = ort
    ? { name: 'onnxruntime-node', status: 'present', version: ortVersion, detail: null, notes: ORT_NOTES }
    : { name: 'onnxruntime-node', status: 'missing', version: ortVersion, detail: onnxRuntimeUnavailableReason(), notes: [ORT_WITHOUT, ...ORT_NOTES] };
  return { backends: items, fastest, optional: [onnxruntime, await h5wasmItem()] };
}

function itemLines(item: DoctorItem): string[] {
  const head = `  ${item.name.padEnd(17)} ${item.status.padEnd(8)} ${item.version ?? '-'}`;
  return [head, ...(item.detail ? [`    why: ${item.detail}`] : []), ...item.notes.map((n) => `    ${n}`)];
}

/** The report as the CLI prints it. */
export function doctorLines(report: DoctorReport, versions: { lstmBridge: string; node: string; platform: string }): string[] {
  return [
    `lstm-bridge ${versions.lstmBridge}, Node ${versions.node}, ${versions.platform}`,
    `tfjs: @tensorflow/tfjs-core ${installedVersion('@tensorflow/tfjs-core') ?? 'missing'}, @tensorflow/tfjs-layers ${installedVersion('@tensorflow/tfjs-layers') ?? 'missing'}`,
    'tfjs backends (fastest first):',
    ...report.backends.flatMap(itemLines),
    `useFastestBackend() picks: ${report.fastest ?? 'none'}`,
    'optional packages:',
    ...report.optional.flatMap(itemLines),
  ];
}
