/**
 * The sizes check shared by the cells without extra weights (GRU, vanilla RNN): `kernel (I, G·H)`,
 * `recurrentKernel (H, G·H)`, optional `bias` and `recurrentBias (G·H)`.
 */
import { ShapeError, formatShape } from '../../errors';
import { checkRecordArg, checkTensorArg } from '../args';
import type { CellSizes, CellWeights } from '../cell';

/**
 * Checks G-gate weights against each other and returns their sizes (H_out = H).
 * @throws ShapeError naming the weight, the expected and the received shape.
 */
export function gateCellSizes(w: CellWeights, gates: number, where: string): CellSizes {
  checkRecordArg(w, 'weights', where);
  checkTensorArg(w.kernel, 'kernel', where);
  checkTensorArg(w.recurrentKernel, 'recurrentKernel', where);
  for (const name of ['bias', 'recurrentBias'] as const) if (w[name]) checkTensorArg(w[name], name, where);
  const gh = gates === 1 ? 'H' : `${gates}H`;
  if (w.kernel.rank !== 2 || w.kernel.shape[1] % gates !== 0) {
    throw new ShapeError(`${where}: kernel expected (I, ${gh}), got ${formatShape(w.kernel.shape)}`);
  }
  const inputSize = w.kernel.shape[0];
  const hiddenSize = w.kernel.shape[1] / gates;
  const expectRk = [hiddenSize, gates * hiddenSize];
  if (w.recurrentKernel.rank !== 2 || w.recurrentKernel.shape.some((d, k) => d !== expectRk[k])) {
    throw new ShapeError(`${where}: recurrentKernel expected ${formatShape(expectRk)}, got ${formatShape(w.recurrentKernel.shape)}`);
  }
  for (const name of ['bias', 'recurrentBias'] as const) {
    const b = w[name];
    if (b && (b.rank !== 1 || b.shape[0] !== gates * hiddenSize)) {
      throw new ShapeError(`${where}: ${name} expected [${gates * hiddenSize}], got ${formatShape(b.shape)}`);
    }
  }
  return { inputSize, hiddenSize, outputSize: hiddenSize };
}
