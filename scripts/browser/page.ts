/**
 * The browser suite's page entry: imports the backends and exposes `window.runChecksOn(backend,
 * files)`; the runner (`./run.ts`) calls it once per backend. Sets `window.__ready` when loaded.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { runChecks, type CheckFiles } from './checks';

interface PageFiles extends Omit<CheckFiles, 'pt' | 'safetensors' | 'h5' | 'keras' | 'tfjsShards' | 'onnx'> {
  pt: string; safetensors: string; h5: string; keras: string; tfjsShards: string[]; onnx: string;
}

function bytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

setWasmPaths('/tfjs-wasm/');

async function runChecksOn(backend: string, files: PageFiles): Promise<unknown> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialize`);
  await tf.ready();
  const decoded: CheckFiles = {
    pt: bytes(files.pt), safetensors: bytes(files.safetensors), h5: bytes(files.h5), keras: bytes(files.keras),
    tfjsModelJson: files.tfjsModelJson, tfjsShards: files.tfjsShards.map(bytes), onnx: bytes(files.onnx),
  };
  const { results, leaked } = await runChecks(decoded);
  return { backend: tf.getBackend(), results, leaked, webglVersion: backend === 'webgl' ? tf.env().getNumber('WEBGL_VERSION') : undefined };
}

function webgpuExposed(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator;
}

Object.assign(globalThis, { runChecksOn, webgpuExposed, __ready: true });
