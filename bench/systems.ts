/**
 * The systems the benchmark compares. Each runs in a process of its own (`./worker.ts`, or
 * `./torch_bench.py` for PyTorch), so that one system's memory (the wasm heap never shrinks) or
 * abort cannot affect another's numbers.
 */
import { Shape } from './shapes';

export type Backend = 'wasm' | 'cpu' | 'tensorflow';
export type Mode = 'forward' | 'train';

export interface SystemDef {
  /** Stable id, used in the JSON results: `bridge:wasm`, `tfjs-layers:cpu`, `ort`, `torch`. */
  readonly id: string;
  readonly label: string;
  readonly kind: 'bridge' | 'bridge-async' | 'nn' | 'layers' | 'tfjs-layers' | 'ort' | 'torch';
  readonly backend?: Backend;
  readonly modes: readonly Mode[];
  /** Whether it runs the streaming workload. */
  readonly stream: boolean;
}

/** Every system for the tfjs backends present (tfjs-node only when it is installed). */
export function allSystems(backends: readonly Backend[], torchLabel: string | null, ortAvailable: boolean): SystemDef[] {
  const systems: SystemDef[] = [];
  for (const b of backends) {
    systems.push({ id: `bridge:${b}`, label: `lstm-bridge engine, lstmStack (tfjs ${b})`, kind: 'bridge', backend: b, modes: ['forward', 'train'], stream: true });
    systems.push({ id: `tfjs-layers:${b}`, label: `tf.layers.lstm (tfjs ${b})`, kind: 'tfjs-layers', backend: b, modes: ['forward', 'train'], stream: true });
  }
  // The facades, on the default backend.
  const facadeBackend = backends.includes('tensorflow') ? 'tensorflow' : 'wasm';
  systems.push({ id: `nn:${facadeBackend}`, label: `lstm-bridge nn.LSTM (tfjs ${facadeBackend})`, kind: 'nn', backend: facadeBackend, modes: ['forward', 'train'], stream: true });
  systems.push({ id: `layers:${facadeBackend}`, label: `lstm-bridge layers.LSTM (tfjs ${facadeBackend})`, kind: 'layers', backend: facadeBackend, modes: ['forward', 'train'], stream: true });
  const main = backends.includes('tensorflow') ? 'tensorflow' : 'wasm';
  systems.push({
    id: `bridge-async:${main}`,
    label: `lstm-bridge engine, lstmStackAsync auto (${ortAvailable ? 'onnxruntime' : `tfjs ${main}`})`,
    kind: 'bridge-async', backend: main, modes: ['forward'], stream: true,
  });
  if (ortAvailable) systems.push({ id: 'ort', label: 'onnxruntime-node (direct, same ONNX model)', kind: 'ort', modes: ['forward'], stream: true });
  if (torchLabel) systems.push({ id: 'torch', label: torchLabel, kind: 'torch', modes: ['forward', 'train'], stream: true });
  return systems;
}

/** Shapes a system runs: the cpu backend is capped at S0–S2 (S3 takes a minute a call). */
export function shapesFor(system: SystemDef, shapes: readonly Shape[]): Shape[] {
  if (system.backend === 'cpu') return shapes.filter((s) => ['S0', 'S1', 'S2'].includes(s.id));
  return [...shapes];
}
