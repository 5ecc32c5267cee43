/**
 * The benchmark's workloads. Shapes are (T, B, I, H): time steps, batch, input features,
 * hidden size; `layers` × `directions` LSTM (or GRU) layers (layer k > 0 takes D·H inputs).
 */

export interface Shape {
  readonly id: string;
  readonly T: number;
  readonly B: number;
  readonly I: number;
  readonly H: number;
  readonly layers: number;
  readonly directions: 1 | 2;
}

export const SHAPES: readonly Shape[] = [
  { id: 'S0', T: 17, B: 2, I: 10, H: 7, layers: 1, directions: 1 },
  { id: 'S1', T: 50, B: 16, I: 64, H: 128, layers: 1, directions: 1 },
  { id: 'S2', T: 100, B: 32, I: 128, H: 256, layers: 1, directions: 1 },
  { id: 'S3', T: 200, B: 64, I: 512, H: 512, layers: 1, directions: 1 },
  { id: 'S2bi', T: 100, B: 32, I: 128, H: 256, layers: 2, directions: 2 },
];

/** The streaming workload: stateful, one step per call. */
export const STREAM = { id: 'stream', B: 1, I: 128, H: 128, steps: 200 } as const;

/** Forward flops: 2·T·B·G·H·(I_k + H) summed over layers and directions; G gates (LSTM 4, GRU 3). */
export function forwardFlops(s: Shape, gates = 4): number {
  let flops = 0;
  for (let k = 0; k < s.layers; k++) {
    const inSize = k === 0 ? s.I : s.directions * s.H;
    flops += s.directions * 2 * s.T * s.B * gates * s.H * (inSize + s.H);
  }
  return flops;
}

/** A training step (forward + backward) counted as 3× the forward flops. */
export function trainFlops(s: Shape, gates = 4): number {
  return 3 * forwardFlops(s, gates);
}

export function shapeLabel(s: Shape): string {
  const stack = s.layers > 1 || s.directions > 1 ? `, ${s.layers}L${s.directions === 2 ? ' bi' : ''}` : '';
  return `${s.id} (T${s.T} B${s.B} I${s.I} H${s.H}${stack})`;
}
