/**
 * Reading Keras `.h5` files (Keras 1.2 to 3.x) into the neutral {@link KerasFile}.
 *
 * Layouts (see `../../keras-model/keras-file` for the weight names):
 * - model files (`model.save('m.h5')`): root attrs `keras_version`, `backend`, `model_config`,
 *   `training_config`; group `model_weights` with attr `layer_names`, one group per layer with
 *   attr `weight_names`, each name a path below the layer group.
 * - weights-only files (`save_weights('w.h5')`, Keras 1/2): the same layer groups at the root,
 *   `layer_names` on the root.
 * - Keras 3 weights files (`save_weights('w.weights.h5')`): the `.keras` layout
 *   (`layers/<name>/.../vars/<i>`), read as in `./archive`.
 *
 * Long `layer_names`/`weight_names` lists that Keras splits into `layer_names0`,
 * `layer_names1`, ... are joined back. Names are read from the attributes, never assumed.
 */
import { KerasFormatError } from '../shared/errors';
import { showValue } from '../shared/show';
import { H5AttrValue, H5Group, openHdf5 } from '../hdf5/reader';
import { KerasFile, KerasLayerWeights, KerasWeight } from '../../keras-model';
import { keras3Layers } from './keras3-layout';
import { IoLimits, ReadOptions, checkLimit, resolveLimits } from '../shared/limits';

const WHERE = 'io.readKeras';

/** A string attribute (Keras writes them as str or bytes), or null when absent. */
function strAttr(attrs: Record<string, H5AttrValue>, name: string): string | null {
  const v = attrs[name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  throw new KerasFormatError(`${WHERE}: attribute ${name} expected a string, got ${showValue(v)}`);
}

/** A list-of-strings attribute, joining Keras's chunked `name0`, `name1`, ... form. */
export function listAttr(where: string, attrs: Record<string, H5AttrValue>, name: string): string[] | null {
  let parts: H5AttrValue[];
  if (name in attrs) {
    parts = [attrs[name]];
  } else if (`${name}0` in attrs) {
    parts = [];
    for (let k = 0; `${name}${k}` in attrs; k++) parts.push(attrs[`${name}${k}`]);
  } else {
    return null;
  }
  const out: string[] = [];
  for (const p of parts) {
    const items = Array.isArray(p) ? p : [p];
    for (const item of items) {
      if (typeof item !== 'string') {
        throw new KerasFormatError(`${where}: attribute ${name} expected strings, got ${showValue(item)}`);
      }
      out.push(item);
    }
  }
  return out;
}

/** Parses a JSON attribute/document with a size cap. */
export function parseJson(where: string, what: string, text: string | null, limits: IoLimits): unknown {
  if (text === null) return null;
  checkLimit(where, `${what} size`, text.length, limits, 'maxHeaderBytes');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KerasFormatError(`${where}: ${what} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** `layer name -> class_name` from a model config (Sequential list or `{layers: [...]}`). */
export function classNames(config: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const c = (config as { config?: unknown } | null)?.config;
  const layers = Array.isArray(c) ? c : (c as { layers?: unknown } | undefined)?.layers;
  if (!Array.isArray(layers)) return out;
  for (const l of layers) {
    const className = (l as { class_name?: unknown })?.class_name;
    const name = (l as { config?: { name?: unknown } })?.config?.name;
    if (typeof className === 'string' && typeof name === 'string') out.set(name, className);
  }
  return out;
}

function readLayer(where: string, root: H5Group, name: string, className: string | null): KerasLayerWeights {
  const g = root.get(name);
  if (!g || g.kind !== 'group') throw new KerasFormatError(`${where}: layer ${name} is listed in layer_names but has no group`);
  const names = listAttr(where, g.attrs(), 'weight_names');
  if (names === null) throw new KerasFormatError(`${where}: layer group ${g.path} has no weight_names attribute`);
  const weights: KerasWeight[] = names.map((wn) => {
    const d = g.get(wn);
    if (!d || d.kind !== 'dataset') throw new KerasFormatError(`${where}: weight ${wn} of layer ${name} is listed in weight_names but missing at ${g.path}/${wn}`);
    return { name: wn, tensor: d.read() };
  });
  return { name, group: g.path, className, weights };
}

/**
 * Reads a Keras `.h5` model or weights file.
 * @param bytes the file.
 * @throws Hdf5FormatError for a malformed HDF5 file, KerasFormatError when it is HDF5 but not
 *   laid out as Keras writes it, SizeLimitError above the caps.
 */
export function readKerasH5(bytes: Uint8Array, options: ReadOptions = {}): KerasFile {
  const limits = resolveLimits(options.limits);
  const root = openHdf5(WHERE, bytes, limits);
  const attrs = root.attrs();
  const mw = root.get('model_weights');
  const weightsRoot = mw && mw.kind === 'group' ? mw : root;
  const wAttrs = weightsRoot === root ? attrs : weightsRoot.attrs();
  const layerNames = listAttr(WHERE, wAttrs, 'layer_names');
  const modelConfig = parseJson(WHERE, 'model_config', strAttr(attrs, 'model_config'), limits);
  const trainingConfig = parseJson(WHERE, 'training_config', strAttr(attrs, 'training_config'), limits);
  const kerasVersion = strAttr(attrs, 'keras_version') ?? strAttr(wAttrs, 'keras_version');
  const backend = strAttr(attrs, 'backend') ?? strAttr(wAttrs, 'backend');
  if (layerNames === null) {
    const layers = root.get('layers');
    if (weightsRoot === root && layers && layers.kind === 'group') {
      return {
        format: 'weights-h5',
        kerasVersion,
        backend,
        modelConfig: null,
        trainingConfig: null,
        metadata: null,
        layers: keras3Layers(WHERE, layers, null),
      };
    }
    throw new KerasFormatError(`${WHERE}: no layer_names attribute on ${weightsRoot.path}: not a Keras model or weights file`);
  }
  checkLimit(WHERE, 'number of layers', layerNames.length, limits, 'maxHdf5Nodes');
  const classes = classNames(modelConfig);
  return {
    format: weightsRoot === root ? 'h5-weights' : 'h5',
    kerasVersion,
    backend,
    modelConfig,
    trainingConfig,
    metadata: null,
    layers: layerNames.map((n) => readLayer(WHERE, weightsRoot, n, classes.get(n) ?? null)),
  };
}
