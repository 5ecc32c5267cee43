/**
 * A long-lived fuzz worker (a child process of `./run.ts`): loads the package once, then runs
 * each mutant it is sent through the whole loader of its format (`io.loadTorch`,
 * `io.loadSafetensors`, `io.loadKeras`, `io.loadTfjsModel`, `io.loadOnnx`), disposes what it
 * built, and answers with the outcome: `ok`, a typed error's class name, or `untyped` with the
 * error, plus the tensors it leaked. Hangs and crashes are the parent's to see.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

import { LstmBridgeError } from '../../src/errors';
import { loadKeras, loadOnnx, loadSafetensors, loadTfjsModel, loadTorch } from '../../src/io';
import type { FuzzFormat } from './corpus';

export interface FuzzJob {
  readonly id: number;
  readonly format: FuzzFormat;
  readonly bytes: Uint8Array;
  readonly companion?: Uint8Array;
}

export interface FuzzAnswer {
  readonly id: number;
  /** `ok`, the typed error's class name, or `untyped`. */
  readonly outcome: string;
  /** For `untyped`: the error's name and message. */
  readonly detail?: string;
  /** Tensors left over after the load and its disposal (0 expected). */
  readonly leaked: number;
}

/** The limits of a fuzz load: small, so an allocation past them is a SizeLimitError, not an OOM. */
const OPTIONS = { limits: { maxTensorBytes: 16 << 20, maxTotalBytes: 64 << 20, maxZipEntryBytes: 64 << 20, maxHeaderBytes: 1 << 20 } };
const utf8 = new TextDecoder();

async function load(job: FuzzJob): Promise<void> {
  switch (job.format) {
    case 'torch':
      tf.dispose(Object.values(loadTorch(job.bytes, OPTIONS)));
      return;
    case 'safetensors':
      tf.dispose(Object.values(loadSafetensors(job.bytes, OPTIONS)));
      return;
    case 'keras':
      (await loadKeras(job.bytes, OPTIONS)).dispose();
      return;
    case 'tfjs-json':
      (await loadTfjsModel(utf8.decode(job.bytes), [job.companion as Uint8Array], OPTIONS)).dispose();
      return;
    case 'tfjs-shard':
      (await loadTfjsModel(utf8.decode(job.companion as Uint8Array), [job.bytes], OPTIONS)).dispose();
      return;
    case 'onnx':
      loadOnnx(job.bytes, OPTIONS).dispose();
      return;
  }
}

async function run(job: FuzzJob): Promise<FuzzAnswer> {
  const before = tf.memory().numTensors;
  let outcome = 'ok';
  let detail: string | undefined;
  try {
    await load(job);
  } catch (e) {
    if (e instanceof LstmBridgeError) outcome = e.name;
    else {
      outcome = 'untyped';
      detail = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : `thrown ${typeof e}: ${String(e).slice(0, 200)}`;
    }
  }
  return { id: job.id, outcome, detail, leaked: tf.memory().numTensors - before };
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  process.on('message', (job: FuzzJob) => {
    void run(job).then((answer) => process.send?.(answer));
  });
  process.send?.({ ready: true });
}

void main();
