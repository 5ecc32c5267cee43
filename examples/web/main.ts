/**
 * The converter page (`npm run build:web`, then serve `examples/web/dist/` statically): the CLI's
 * bytes core (`src/cli/commands`) on the files picked or dropped, in the page. Shows what
 * `lstm-bridge inspect` prints, converts with `convert --verify` (random input, tolerance 1e-5)
 * and offers the result as a download: one file, or for TF.js a zip of `<name>_tfjs/model.json`
 * and `<name>_tfjs/weights.bin`. Errors are the CLI's one-line messages. Nothing leaves the page.
 * Two files, a weights-only Keras `.h5` and its `model.to_json()` `.json`, are read as
 * `--config` would; the prefix field is `--prefix`.
 *
 * `body[data-state]` says where it is (`loading`, `empty`, `busy`, `ready`, `done`, `error`);
 * `window.__leaked` the tensors the last action left behind (0), for the browser test.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { zipSync } from 'fflate';

import { convertFile, inspectFile, oneLineError } from '../../src/cli/commands';
import { ConfigFile, FORMATS, FormatModule, InputFile, OutputFiles, detectFormat, formatNamed } from '../../src/cli/formats';
import { pickedFiles } from '../../src/cli/picked-files';
import type { Progress } from '../../src/cli/progress';
import { registerChainedOps } from '../../src/engine/internal';
import { configureOnnxRuntimeWeb, loadOnnxRuntimeAsync } from '../../src/runtime';

const TOLERANCE = 1e-5;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string, on = true) => {
  $(id).hidden = !on;
};

let input: InputFile | null = null;
let config: ConfigFile | undefined;
let from: FormatModule | null = null;
let downloadUrl: string | null = null;

function setState(state: string): void {
  document.body.dataset.state = state;
  $<HTMLButtonElement>('convert-button').disabled = state === 'busy';
}

function showError(e: unknown): void {
  $('error').textContent = oneLineError(e);
  show('error');
  setState('error');
}

/** Runs `fn` and records the tensors it left (the library frees everything it makes). */
async function counted<T>(fn: () => Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  try {
    return await fn();
  } finally {
    (window as unknown as { __leaked: number }).__leaked = tf.memory().numTensors - before;
  }
}

function stem(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.[A-Za-z0-9]+$/, '') || 'model';
}

/** The output's name for a target format: its first extension, or `<stem>_tfjs` for a TF.js directory. */
function outputName(target: FormatModule, path: string): string {
  const ext = target.extensions[0];
  return ext === '/' ? `${stem(path)}_tfjs` : `${stem(path)}${ext}`;
}

/** The written files as one download: the file, or a zip of the directory. */
function download(name: string, output: OutputFiles): { file: string; blob: Blob } {
  if (output.kind === 'file') return { file: name, blob: new Blob([output.bytes as BlobPart], { type: 'application/octet-stream' }) };
  const entries: Record<string, Uint8Array> = {};
  for (const [n, bytes] of output.files) entries[`${name}/${n}`] = bytes;
  return { file: `${name}.zip`, blob: new Blob([zipSync(entries) as BlobPart], { type: 'application/zip' }) };
}

function progressLine(): Progress {
  let total = 1;
  let current = 0;
  const draw = (label: string) => {
    $('progress').textContent = `${current}/${total} ${label}`;
  };
  return {
    total: (n) => void (total = Math.max(n, total, current)),
    step: (label) => {
      current = Math.min(current + 1, total);
      draw(label);
    },
    detail: draw,
    done: () => void ($('progress').textContent = ''),
  };
}

async function readPicked(list: FileList | readonly File[]): Promise<void> {
  const picked = Array.from(list as ArrayLike<File>);
  if (picked.length === 0) return;
  setState('busy');
  show('error', false);
  show('inspect-box', false);
  show('convert-box', false);
  show('convert', false);
  show('download-row', false);
  $('picked').textContent = picked.map((f) => `${f.name} (${f.size.toLocaleString('en-US')} bytes)`).join(', ');
  try {
    const files = new Map(await Promise.all(picked.map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())] as const)));
    ({ input, config } = pickedFiles(files));
    from = detectFormat(input);
    const lines: string[] = [];
    const file = input;
    await counted(() => inspectFile(file, { config }, { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) }));
    $('inspect').textContent = lines.join('\n');
    show('inspect-box');
    const select = $<HTMLSelectElement>('to');
    select.replaceChildren(...FORMATS.map((f) => new Option(`${f.name} — ${f.title}`, f.name)));
    select.value = FORMATS.find((f) => f !== from)!.name;
    show('convert-box');
    setState('ready');
  } catch (e) {
    input = null;
    showError(e);
  }
}

async function convert(): Promise<void> {
  if (!input || !from) return;
  setState('busy');
  show('error', false);
  show('download-row', false);
  const target = formatNamed($<HTMLSelectElement>('to').value);
  const name = outputName(target, input.path);
  const lines: string[] = [];
  let written: OutputFiles | null = null;
  try {
    // ONNX files are also run in onnxruntime-web, as the CLI runs them in onnxruntime-node.
    if (from.name === 'onnx' || target.name === 'onnx') await loadOnnxRuntimeAsync();
    const file = input;
    const io = { stdout: (l: string) => lines.push(l), stderr: (l: string) => lines.push(l), progress: progressLine(), write: (o: OutputFiles) => void (written = o) };
    const prefix = $<HTMLInputElement>('prefix').value.trim() || undefined;
    const options = { prefix, config, verify: true, tolerance: TOLERANCE };
    const code = await counted(() => convertFile(file, { path: name, isDirectory: false }, target.name, options, io));
    $('convert').textContent = lines.join('\n');
    show('convert');
    if (written) {
      const { file: fileName, blob } = download(name, written);
      if (downloadUrl) URL.revokeObjectURL(downloadUrl);
      downloadUrl = URL.createObjectURL(blob);
      const a = $<HTMLAnchorElement>('download');
      a.href = downloadUrl;
      a.download = fileName;
      a.textContent = `Download ${fileName}`;
      $('download-note').textContent = `${blob.size.toLocaleString('en-US')} bytes${code === 3 ? ' — verification FAILED' : ', verified'}`;
      show('download-row');
    }
    setState(code === 0 ? 'done' : 'error');
  } catch (e) {
    if (lines.length) {
      $('convert').textContent = lines.join('\n');
      show('convert');
    }
    showError(e);
  }
}

async function start(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  registerChainedOps();
  configureOnnxRuntimeWeb({ wasmPaths: new URL('./ort/', location.href).href });
  const drop = $('drop');
  $<HTMLInputElement>('files').addEventListener('change', (ev) => void readPicked((ev.target as HTMLInputElement).files ?? []));
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    void readPicked(ev.dataTransfer?.files ?? []);
  });
  $('convert-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void convert();
  });
  setState('empty');
}

start().catch(showError);
