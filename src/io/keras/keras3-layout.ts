/**
 * The Keras 3 weights layout (`model.weights.h5` inside `.keras`, and `.weights.h5` files):
 * `layers/<group>/.../vars/<i>`, where `<group>` is the snake_case class name of the layer,
 * numbered in `model.layers` order (`lstm`, `lstm_1`, `dense`), as Keras's
 * `saving_lib._save_container_state` names them. The config's own layer names (`lstm_3`,
 * `dense_4`) appear nowhere in the weights, so the layers are matched back to the config by
 * that rule: class name, then occurrence.
 */
import { KerasFormatError } from '../shared/errors';
import { H5Group } from '../hdf5/reader';
import { KerasLayerWeights, KerasWeight, toSnakeCase } from '../../keras-model';

/** Deepest path below a layer group (Bidirectional -> forward_layer -> cell -> vars -> i is 4). */
const MAX_DEPTH = 12;

export interface ConfigLayer {
  readonly name: string;
  readonly className: string;
}

/** The top-level layers of a Keras 3 config, as `model.layers` lists them. */
function modelLayers(config: unknown): ConfigLayer[] | null {
  const c = config as { class_name?: unknown; config?: { layers?: unknown } } | null;
  const layers = c?.config?.layers;
  if (!Array.isArray(layers)) return null;
  const out: ConfigLayer[] = [];
  for (const l of layers) {
    const className = (l as { class_name?: unknown })?.class_name;
    const name = (l as { config?: { name?: unknown } })?.config?.name;
    if (typeof className !== 'string' || typeof name !== 'string') return null;
    out.push({ name, className });
  }
  // Sequential.layers leaves out its InputLayer; Functional.layers keeps it.
  if (c?.class_name === 'Sequential' && out.length > 0 && out[0].className === 'InputLayer') out.shift();
  return out;
}

/**
 * The weights group Keras 3 gives each layer of `config` (`lstm`, `lstm_1`, ... by class and
 * occurrence), as `group name -> {name, className}`; null when `config` lists no layers.
 */
export function keras3GroupNames(config: unknown): Map<string, ConfigLayer> | null {
  const layers = modelLayers(config);
  if (layers === null) return null;
  const out = new Map<string, ConfigLayer>();
  const counts = new Map<string, number>();
  for (const layer of layers) {
    const base = toSnakeCase(layer.className);
    const n = counts.get(base);
    counts.set(base, n === undefined ? 0 : n + 1);
    out.set(n === undefined ? base : `${base}_${n + 1}`, layer);
  }
  return out;
}

/** Compares path segments, numbers numerically (`vars/2` before `vars/10`). */
function compareKeys(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every dataset below `g`, named by its path relative to `g`, depth-first in key order. */
function datasetsBelow(where: string, g: H5Group): KerasWeight[] {
  const out: KerasWeight[] = [];
  const walk = (group: H5Group, prefix: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new KerasFormatError(`${where}: ${group.path} is nested deeper than ${MAX_DEPTH} groups`);
    for (const key of group.keys().sort(compareKeys)) {
      const child = group.get(key);
      const name = prefix ? `${prefix}/${key}` : key;
      if (child?.kind === 'dataset') out.push({ name, tensor: child.read() });
      else if (child?.kind === 'group') walk(child, name, depth + 1);
    }
  };
  walk(g, '', 0);
  return out;
}

/**
 * The layers of a Keras 3 weights file, matched to `config` (a parsed `config.json`) when given.
 * Groups the config does not explain are still returned, named by their group.
 */
export function keras3Layers(where: string, layersGroup: H5Group, config: unknown): KerasLayerWeights[] {
  const groups = layersGroup.keys();
  const out: KerasLayerWeights[] = [];
  const used = new Set<string>();
  const fromConfig = config === null ? null : keras3GroupNames(config);
  if (config !== null && fromConfig === null) {
    throw new KerasFormatError(`${where}: config expected {class_name, config: {layers: [{class_name, config: {name}}]}}`);
  }
  for (const [groupName, layer] of fromConfig ?? []) {
    const g = groups.includes(groupName) ? layersGroup.get(groupName) : null;
    if (g && g.kind !== 'group') throw new KerasFormatError(`${where}: ${layersGroup.path}/${groupName} expected a group`);
    used.add(groupName);
    out.push({ name: layer.name, className: layer.className, group: g ? g.path : `${layersGroup.path}/${groupName}`, weights: g ? datasetsBelow(where, g) : [] });
  }
  for (const groupName of [...groups].sort(compareKeys)) {
    if (used.has(groupName)) continue;
    const g = layersGroup.get(groupName);
    if (!g || g.kind !== 'group') continue;
    const weights = datasetsBelow(where, g);
    if (fromConfig !== null && weights.length > 0) {
      throw new KerasFormatError(`${where}: weights group ${g.path} matches no layer of the config`);
    }
    out.push({ name: groupName, className: null, group: g.path, weights });
  }
  return out;
}
