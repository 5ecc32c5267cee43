/**
 * The systems the benchmark compares. Each runs in a process of its own (`./worker.ts`, or
 * `./torch_bench.py` for PyTorch), so that one system's memory (the wasm heap never shrinks) or
 * abort cannot affect another's numbers.
 */
import { Shape } from './shapes';

export type Backend = 'wasm' | 'cpu' | 'tensorflow';
export type Mode = 'forward' | 'train';
export type Cell = 'lstm' | 'gru';

/** Gate blocks of H in a cell's kernel (the flop count's G). */
export function cellGates(cell: Cell | undefined): number {
  return cell === 'gru' ? 3 : 4;
}

export interface SystemDef {
  /** Stable id, used in the JSON results: `bridge:wasm`, `tfjs-layers:cpu`, `ort`, `torch`. */
  readonly id: string;
  readonly label: string;
  readonly kind: 'bridge' | 'bridge-async' | 'nn' | 'layers' | 'tfjs-layers' | 'ort' | 'torch'
    | 'gru-bridge' | 'gru-bridge-async' | 'gru-nn' | 'gru-nn-async' | 'gru-layers' | 'gru-layers-rb' | 'gru-tfjs-layers' | 'gru-ort' | 'gru-torch';
  /** The recurrent cell the system runs (LSTM unless given). */
  readonly cell?: Cell;
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
  return [...systems, ...gruSystems(backends, torchLabel, ortAvailable)];
}

/**
 * The GRU rows, beside the LSTM ones: the engine and `tf.layers.gru` on every backend (both
 * reset before, `tf.layers.gru`'s only form), the facades and onnxruntime on the default one.
 */
function gruSystems(backends: readonly Backend[], torchLabel: string | null, ortAvailable: boolean): SystemDef[] {
  const both: Mode[] = ['forward', 'train'];
  const fwd: Mode[] = ['forward'];
  const systems: SystemDef[] = [];
  for (const b of backends) {
    systems.push({ id: `gru-bridge:${b}`, label: `GRU: lstm-bridge engine, gruStack reset before (tfjs ${b})`, kind: 'gru-bridge', backend: b, modes: both, stream: true, cell: 'gru' });
    systems.push({ id: `gru-tfjs-layers:${b}`, label: `GRU: tf.layers.gru resetAfter false, sigmoid (tfjs ${b})`, kind: 'gru-tfjs-layers', backend: b, modes: both, stream: true, cell: 'gru' });
  }
  const main = backends.includes('tensorflow') ? 'tensorflow' : 'wasm';
  const ortOr = ortAvailable ? 'onnxruntime' : `tfjs ${main}`;
  systems.push(
    { id: `gru-nn:${main}`, label: `GRU: lstm-bridge nn.GRU (tfjs ${main})`, kind: 'gru-nn', backend: main, modes: both, stream: true, cell: 'gru' },
    { id: `gru-layers:${main}`, label: `GRU: lstm-bridge layers.gru resetAfter true (tfjs ${main})`, kind: 'gru-layers', backend: main, modes: both, stream: true, cell: 'gru' },
    { id: `gru-layers-rb:${main}`, label: `GRU: lstm-bridge layers.gru resetAfter false (tfjs ${main})`, kind: 'gru-layers-rb', backend: main, modes: both, stream: true, cell: 'gru' },
    { id: `gru-bridge-async:${main}`, label: `GRU: lstm-bridge gruStackAsync auto, reset before (${ortOr})`, kind: 'gru-bridge-async', backend: main, modes: fwd, stream: true, cell: 'gru' },
    { id: `gru-nn-async:${main}`, label: `GRU: lstm-bridge nn.GRU.forwardAsync (${ortOr})`, kind: 'gru-nn-async', backend: main, modes: fwd, stream: true, cell: 'gru' },
  );
  if (ortAvailable) systems.push({ id: 'gru-ort', label: 'GRU: onnxruntime-node (direct, same ONNX model, linear_before_reset 0)', kind: 'gru-ort', modes: fwd, stream: true, cell: 'gru' });
  if (torchLabel) systems.push({ id: 'gru-torch', label: `GRU: ${torchLabel.replace('nn.LSTM', 'nn.GRU')}`, kind: 'gru-torch', modes: both, stream: true, cell: 'gru' });
  return systems;
}

/** Shapes a system runs: the cpu backend is capped at S0–S2 (S3 takes a minute a call). */
export function shapesFor(system: SystemDef, shapes: readonly Shape[]): Shape[] {
  if (system.backend === 'cpu') return shapes.filter((s) => ['S0', 'S1', 'S2'].includes(s.id));
  return [...shapes];
}
