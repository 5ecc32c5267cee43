/**
 * Size checks on HDF5 object headers, made from the file's own bytes before jsfive reads (and
 * allocates for) anything they declare.
 *
 * jsfive trusts what it reads: an attribute whose dataspace claims 2^40 elements makes it build
 * a 2^40-slot array (the process dies of out-of-memory after a minute), and dataset dimensions
 * are read as 32-bit halves, so a dimension of 2^32 + 16 silently becomes 16. Here the
 * dataspace of every attribute and dataset is decoded with full 64-bit dimensions, the element
 * count is checked against {@link IoLimits} and the bytes the values need against the bytes the
 * file holds after them; only then is jsfive asked for the values.
 */
import { Hdf5FormatError } from '../shared/errors';
import { IoLimits, checkLimit } from '../shared/limits';

const DATASPACE_MSG = 0x0001;
const ATTRIBUTE_MSG = 0x000c;
/** HDF5 datatype classes: 7 reference, 9 variable-length. */
const CLASS_REFERENCE = 7;
const CLASS_VLEN = 9;

/** The part of jsfive's DataObjects this module reads. */
export interface JsfiveDataObjects {
  readonly fh: ArrayBuffer;
  readonly msgs: ReadonlyArray<Map<string, number>>;
  unpack_attribute(offset: number): [string, unknown];
}

function need(where: string, view: DataView, at: number, n: number, what: string): void {
  if (!(at >= 0 && at + n <= view.byteLength)) {
    throw new Hdf5FormatError(`${where}: ${what} at byte ${at} runs past the end of the ${view.byteLength}-byte file`);
  }
}

function u64(where: string, view: DataView, at: number, what: string): number {
  need(where, view, at, 8, what);
  const hi = view.getUint32(at + 4, true);
  const lo = view.getUint32(at, true);
  if (hi >= 2 ** 21) throw new Hdf5FormatError(`${where}: ${what} is ${hi} * 2^32 + ${lo}, beyond 2^53`);
  return hi * 2 ** 32 + lo;
}

/** The dimensions of the dataspace message at `at`, all 64 bits of each. */
export function readDataspace(where: string, view: DataView, at: number, limits: IoLimits): number[] {
  need(where, view, at, 4, 'dataspace message');
  const version = view.getUint8(at);
  const ndims = view.getUint8(at + 1);
  if (version !== 1 && version !== 2) throw new Hdf5FormatError(`${where}: dataspace message version ${version}, expected 1 or 2`);
  checkLimit(where, 'dataspace rank', ndims, limits, 'maxRank');
  const first = at + (version === 1 ? 8 : 4);
  const dims: number[] = [];
  for (let k = 0; k < ndims; k++) dims.push(u64(where, view, first + 8 * k, `dimension ${k}`));
  return dims;
}

function product(where: string, dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (!Number.isSafeInteger(n)) throw new Hdf5FormatError(`${where}: element count of shape [${dims.join(', ')}] is beyond 2^53`);
  }
  return n;
}

function messages(d: JsfiveDataObjects, type: number): number[] {
  return d.msgs.filter((m) => m.get('type') === type).map((m) => Number(m.get('offset_to_message')));
}

const padded = (n: number, multiple: number) => Math.ceil(n / multiple) * multiple;

/** The shape of a dataset, decoded with 64-bit dimensions and its element count checked. */
export function datasetShape(where: string, d: JsfiveDataObjects, limits: IoLimits): number[] {
  const view = new DataView(d.fh);
  const at = messages(d, DATASPACE_MSG)[0];
  if (at === undefined) throw new Hdf5FormatError(`${where}: no dataspace message`);
  const dims = readDataspace(where, view, at, limits);
  product(where, dims);
  return dims;
}

/**
 * The attributes of an object, each checked before jsfive decodes it: its element count within
 * `limits.maxHdf5AttributeItems`, its values within the file.
 */
export function checkedAttributes(where: string, d: JsfiveDataObjects, limits: IoLimits): Array<[string, unknown]> {
  const view = new DataView(d.fh);
  const out: Array<[string, unknown]> = [];
  for (const at of messages(d, ATTRIBUTE_MSG)) {
    need(where, view, at, 8, 'attribute message');
    const version = view.getUint8(at);
    if (version !== 1 && version !== 3) throw new Hdf5FormatError(`${where}: attribute message version ${version} is not supported (1 or 3)`);
    const pad = version === 1 ? 8 : 1;
    const nameSize = view.getUint16(at + 2, true);
    const typeSize = view.getUint16(at + 4, true);
    const spaceSize = view.getUint16(at + 6, true);
    const typeAt = at + (version === 1 ? 8 : 9) + padded(nameSize, pad);
    const spaceAt = typeAt + padded(typeSize, pad);
    const dataAt = spaceAt + padded(spaceSize, pad);
    need(where, view, typeAt, 8, 'attribute datatype');
    const cls = view.getUint8(typeAt) & 0x0f;
    const elementSize = view.getUint32(typeAt + 4, true);
    const dims = readDataspace(where, view, spaceAt, limits);
    const items = product(where, dims);
    checkLimit(where, 'number of values in one attribute', items, limits, 'maxHdf5AttributeItems');
    // In the attribute message a variable-length value is a 16-byte heap reference, a reference 8.
    const stored = cls === CLASS_VLEN ? 16 : cls === CLASS_REFERENCE ? 8 : elementSize;
    if (cls === CLASS_VLEN && (view.getUint8(typeAt + 1) & 0x0f) !== 1) {
      // A variable-length sequence (not a string) nests counts read from the heap: no Keras file
      // has one, so it is not decoded.
      out.push([nameOf(view, at, version, nameSize), null]);
      continue;
    }
    need(where, view, dataAt, items * stored, `${items} attribute values of ${stored} bytes`);
    out.push(d.unpack_attribute(at));
  }
  return out;
}

function nameOf(view: DataView, at: number, version: number, size: number): string {
  const start = at + (version === 1 ? 8 : 9);
  const bytes = new Uint8Array(view.buffer, view.byteOffset + start, Math.min(size, view.byteLength - start));
  return new TextDecoder().decode(bytes).replace(/\0+$/, '');
}
