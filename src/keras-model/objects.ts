/**
 * The small objects inside Keras layer configs — which Keras wrote the file, dtypes,
 * activations, initializers, regularizers, constraints — normalized from any Keras version to
 * the Keras 2 spelling that tfjs-layers deserializes.
 *
 * | Keras 3 | Keras 1 | normalized (Keras 2) |
 * |---|---|---|
 * | `{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}` | `"input_dtype": "float32"` | `"float32"` |
 * | `{"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}` | `"init": "glorot_uniform"` | `{"class_name": "GlorotUniform", "config": {"seed": null}}` |
 * | `{"class_name": "L2", "config": {"l2": 1e-4}}` | `{"name": "WeightRegularizer", "l1": 0, "l2": 1e-4}` | `{"class_name": "L1L2", "config": {"l1": 0, "l2": 1e-4}}` |
 * | `{"class_name": "MaxNorm", "config": {"max_value": 2, "axis": 0}}` | `{"name": "MaxNorm", "m": 2, "axis": 0}` | the same as Keras 3 |
 *
 * `hard_sigmoid` means clip(0.2x + 0.5, 0, 1) up to Keras 2 (and in tf.keras and tfjs), and
 * clip(x / 6 + 0.5, 0, 1) in Keras 3: which one a file means depends on {@link kerasGeneration}.
 */
import { KerasLayerError } from './errors';
import { Json, JsonObject, isObject, show } from './json';

/** Which Keras wrote a configuration: 1 (1.x), 2 (2.x, tf.keras, tfjs-layers), 3 (3.x). */
export type KerasGeneration = 1 | 2 | 3;

/** Where an object sits, for error messages: `io.loadKeras: layer 'lstm_1' (LSTM)`. */
export interface LayerContext {
  readonly where: string;
  readonly layer: string | null;
  readonly className: string | null;
  readonly generation: KerasGeneration;
}

/** Throws a {@link KerasLayerError} for the layer of `ctx`. */
export function layerError(ctx: LayerContext, message: string): never {
  const who = ctx.layer === null ? `a ${ctx.className ?? 'layer'}` : `layer '${ctx.layer}' (${ctx.className ?? '?'})`;
  throw new KerasLayerError(`${ctx.where}: ${who}: ${message}`, ctx.layer, ctx.className);
}

/** Names tfjs-layers accepts for layers (and so for their weights' scopes), as TensorFlow's. */
const VALID_NAME = /^[A-Za-z0-9][-A-Za-z0-9._/]*$/;

/** Checks a layer name before tfjs-layers uses it as a scope. @throws KerasLayerError */
export function checkLayerName(ctx: LayerContext, name: unknown): string {
  if (typeof name !== 'string' || name.length > 256 || !VALID_NAME.test(name)) {
    return layerError(ctx, `name ${show(name)} is not a valid layer name (letters, digits, '-', '_', '.', '/'; at most 256)`);
  }
  return name;
}

/** True when some object below `value` carries Keras 3's `module`/`registered_name` or `batch_shape`. */
function hasKeras3Markers(value: unknown, depth = 0): boolean {
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasKeras3Markers(v, depth + 1));
  const o = value as Record<string, unknown>;
  if ('registered_name' in o || 'batch_shape' in o || o.class_name === 'DTypePolicy' || o.class_name === '__keras_tensor__') return true;
  return Object.values(o).some((v) => hasKeras3Markers(v, depth + 1));
}

/** True when some config below `value` uses Keras 1 names (`inner_activation`, `consume_less`, `output_dim` with `init`). */
function hasKeras1Markers(value: unknown, depth = 0): boolean {
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => hasKeras1Markers(v, depth + 1));
  const o = value as Record<string, unknown>;
  if ('inner_activation' in o || 'consume_less' in o || ('output_dim' in o && 'init' in o)) return true;
  return Object.values(o).some((v) => hasKeras1Markers(v, depth + 1));
}

/**
 * The Keras generation of a file: from its `keras_version` (`1.2.2` -> 1, `2.2.4-tf` -> 2,
 * `3.9.2` -> 3, `tfjs-layers 4.22.0` -> 2), else from markers in the config (Keras 3's
 * `registered_name`/`batch_shape`/`DTypePolicy`, Keras 1's `output_dim`/`inner_activation`),
 * else 2.
 */
export function kerasGeneration(version: string | null | undefined, config: unknown): KerasGeneration {
  if (typeof version === 'string') {
    const m = /^\s*(\d+)\./.exec(version);
    if (m) {
      const major = Number(m[1]);
      if (major === 1 || major === 2 || major === 3) return major;
    }
    if (/^tfjs/i.test(version)) return 2;
  }
  if (hasKeras3Markers(config)) return 3;
  if (hasKeras1Markers(config)) return 1;
  return 2;
}

/**
 * Keras 2 before 2.3 defaulted `recurrent_activation` to `hard_sigmoid` (Keras 1: `inner_activation`);
 * Keras 2.3+, tf.keras and Keras 3 to `sigmoid`. Only used when a config leaves the key out.
 */
export function defaultRecurrentActivation(version: string | null | undefined, generation: KerasGeneration): string {
  if (generation === 1) return 'hard_sigmoid';
  if (generation === 3 || typeof version !== 'string' || version.includes('-tf')) return 'sigmoid';
  const m = /^2\.(\d+)/.exec(version);
  return m && Number(m[1]) < 3 ? 'hard_sigmoid' : 'sigmoid';
}

/** A dtype as a string: `"float32"`, or a Keras 3 `DTypePolicy` object's name; null when absent. */
export function dtypeName(ctx: LayerContext, value: Json | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.class_name === 'string' && /DTypePolicy$/.test(value.class_name)) {
    const name = isObject(value.config) ? value.config.name : undefined;
    if (typeof name === 'string') return name;
  }
  return layerError(ctx, `dtype expected a string or a DTypePolicy, got ${show(value)}`);
}

/** Checks that a layer computes in float32 (`mixed_float16` and the like are refused). */
export function checkFloat32(ctx: LayerContext, value: Json | undefined): void {
  const name = dtypeName(ctx, value);
  if (name !== null && name !== 'float32') {
    layerError(ctx, `dtype ${show(name)} is not supported (tfjs-layers and the engine compute in float32)`);
  }
}

/** `{module, class_name, config, registered_name}` -> `{class_name, config}`; other values unchanged. */
function stripKeras3(value: Json): Json {
  if (!isObject(value) || typeof value.class_name !== 'string') return value;
  return { class_name: value.class_name, config: isObject(value.config) ? value.config : {} };
}

/** Activations of surrounding tfjs-layers layers whose tfjs implementation matches Keras. */
const TFJS_ACTIVATIONS: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  selu: 'selu',
  softplus: 'softplus',
  softsign: 'softsign',
  relu6: 'relu6',
  swish: 'swish',
  silu: 'swish',
  gelu: 'gelu',
  mish: 'mish',
  log_softmax: 'log_softmax',
};

/**
 * An activation of a tfjs-layers layer (Dense, Activation, ...), as the Keras 2 name tfjs knows.
 * `hard_sigmoid` is accepted only before Keras 3 (tfjs has no Keras 3 form of it); `null` is
 * `linear`. @throws KerasLayerError
 */
export function tfjsActivation(ctx: LayerContext, value: Json | undefined): string {
  if (value === undefined || value === null) return 'linear';
  let name: Json = value;
  if (isObject(value) && typeof value.config === 'string') name = value.config; // Keras 3 {class_name: 'function', config: 'relu'}
  if (typeof name === 'string') {
    if (name === 'hard_sigmoid' || name === 'hardSigmoid') {
      if (ctx.generation === 3) layerError(ctx, "activation 'hard_sigmoid' of Keras 3 (x / 6 + 0.5) has no tfjs-layers equivalent");
      return 'hard_sigmoid';
    }
    const found = TFJS_ACTIVATIONS[name] ?? TFJS_ACTIVATIONS[name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()];
    if (found) return found;
  }
  return layerError(ctx, `activation ${show(value)} is not supported (supported: ${[...Object.keys(TFJS_ACTIVATIONS), 'hard_sigmoid'].join(', ')})`);
}

/** Keras initializer class names that tfjs-layers spells differently. */
const INITIALIZER_CLASSES: Readonly<Record<string, string>> = {
  LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform',
  OrthogonalInitializer: 'Orthogonal',
};

/** Keras 1/2 string initializers (`init: "glorot_uniform"`) -> `{class_name, config}` (Keras 1 defaults). */
const INITIALIZER_NAMES: Readonly<Record<string, JsonObject>> = {
  zero: { class_name: 'Zeros', config: {} },
  zeros: { class_name: 'Zeros', config: {} },
  one: { class_name: 'Ones', config: {} },
  ones: { class_name: 'Ones', config: {} },
  uniform: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  normal: { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  glorot_uniform: { class_name: 'GlorotUniform', config: {} },
  glorot_normal: { class_name: 'GlorotNormal', config: {} },
  he_uniform: { class_name: 'HeUniform', config: {} },
  he_normal: { class_name: 'HeNormal', config: {} },
  lecun_uniform: { class_name: 'LeCunUniform', config: {} },
  lecun_normal: { class_name: 'LeCunNormal', config: {} },
  orthogonal: { class_name: 'Orthogonal', config: {} },
  identity: { class_name: 'Identity', config: {} },
  truncated_normal: { class_name: 'TruncatedNormal', config: {} },
  random_uniform: { class_name: 'RandomUniform', config: {} },
  random_normal: { class_name: 'RandomNormal', config: {} },
};

const KNOWN_INITIALIZERS = new Set([
  'Zeros', 'Ones', 'Constant', 'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'Identity', 'VarianceScaling',
  'GlorotUniform', 'GlorotNormal', 'HeNormal', 'HeUniform', 'LeCunNormal', 'LeCunUniform', 'Orthogonal',
]);

/** An initializer in Keras 2 spelling, or null. @throws KerasLayerError for an unknown one. */
export function normalizeInitializer(ctx: LayerContext, key: string, value: Json | undefined): Json {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    const named = INITIALIZER_NAMES[value] ?? INITIALIZER_NAMES[value.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()];
    if (!named) layerError(ctx, `${key} ${show(value)} is not a known initializer`);
    return named;
  }
  const o = stripKeras3(value);
  if (!isObject(o) || typeof o.class_name !== 'string') return layerError(ctx, `${key} expected an initializer, got ${show(value)}`);
  const className = INITIALIZER_CLASSES[o.class_name] ?? o.class_name;
  if (!KNOWN_INITIALIZERS.has(className)) layerError(ctx, `${key} ${show(o.class_name)} is not an initializer tfjs-layers knows`);
  const { dtype: _dtype, ...config } = isObject(o.config) ? o.config : {};
  void _dtype;
  return { class_name: className, config };
}

/** A regularizer in Keras 2 spelling (`L1L2`), or null. @throws KerasLayerError */
export function normalizeRegularizer(ctx: LayerContext, key: string, value: Json | undefined): Json {
  if (value === undefined || value === null) return null;
  const num = (v: Json | undefined): number => (typeof v === 'number' ? v : 0);
  if (isObject(value) && typeof value.name === 'string' && /Regularizer$/.test(value.name) && !('class_name' in value)) {
    return { class_name: 'L1L2', config: { l1: num(value.l1), l2: num(value.l2) } }; // Keras 1
  }
  const o = stripKeras3(value);
  if (isObject(o) && typeof o.class_name === 'string' && isObject(o.config)) {
    const c = o.config;
    switch (o.class_name) {
      case 'L1L2':
        return { class_name: 'L1L2', config: { l1: num(c.l1), l2: num(c.l2) } };
      case 'L1':
        return { class_name: 'L1L2', config: { l1: num(c.l1), l2: 0 } };
      case 'L2':
        return { class_name: 'L1L2', config: { l1: 0, l2: num(c.l2) } };
      default:
    }
  }
  return layerError(ctx, `${key} ${show(value)} is not supported (L1, L2, L1L2)`);
}

const KNOWN_CONSTRAINTS = new Set(['MaxNorm', 'NonNeg', 'UnitNorm', 'MinMaxNorm']);

/** A constraint in Keras 2 spelling, or null. @throws KerasLayerError */
export function normalizeConstraint(ctx: LayerContext, key: string, value: Json | undefined): Json {
  if (value === undefined || value === null) return null;
  if (isObject(value) && typeof value.name === 'string' && !('class_name' in value)) {
    // Keras 1: {name: 'MaxNorm', m: 2, axis: 0}
    const { name, m, ...rest } = value;
    const config: JsonObject = { ...rest };
    if (m !== undefined) config.max_value = m;
    return normalizeConstraint(ctx, key, { class_name: name, config });
  }
  const o = stripKeras3(value);
  if (isObject(o) && typeof o.class_name === 'string' && KNOWN_CONSTRAINTS.has(o.class_name)) {
    return { class_name: o.class_name, config: isObject(o.config) ? o.config : {} };
  }
  return layerError(ctx, `${key} ${show(value)} is not supported (MaxNorm, NonNeg, UnitNorm, MinMaxNorm)`);
}
