/**
 * Initializers, regularizers and constraints of the Keras facade: resolving them from the names
 * Keras and tfjs-layers use, and serializing them the way tfjs-layers does
 * (`{className, config}`), so that configs round-trip through `model.save()` and
 * `tf.loadLayersModel()`.
 *
 * Objects are tfjs-layers' own classes (`GlorotUniform`, `L1L2`, `MaxNorm`, ...), looked up in
 * tfjs-core's serialization registry, so an object created with `tf.initializers.*`,
 * `tf.regularizers.*` or `tf.constraints.*` is accepted as is.
 *
 * | argument kind | string names accepted (tfjs camelCase or Keras snake_case) |
 * |---|---|
 * | initializer | zeros, ones, glorotUniform / glorot_uniform, glorotNormal, heNormal, heUniform, leCunNormal / lecun_normal, leCunUniform, orthogonal, randomNormal, randomUniform, truncatedNormal, identity, varianceScaling |
 * | regularizer | l1 (l1 = 0.01, Keras' default), l2 (l2 = 0.01, Keras' default), l1l2 / l1_l2 (l1 = l2 = 0.01, tfjs' default; Keras 3's `L1L2()` defaults to 0, so pass an object for exact values) |
 * | constraint | maxNorm / max_norm, minMaxNorm / min_max_norm, nonNeg / non_neg, unitNorm / unit_norm |
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Constraint } from '@tensorflow/tfjs-layers/dist/constraints';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import type { Regularizer } from '@tensorflow/tfjs-layers/dist/regularizers';

import { ConfigError } from '../errors';
import '../engine';

export type { Constraint, Initializer, Regularizer };

/** What an initializer, regularizer or constraint argument may be. */
export type Identifier<T> = string | T | { className: string; config?: Record<string, unknown> };

/** A serialized object: tfjs-layers' `{className, config}` form, or null. */
export type SerializedObject = { className: string; config: tf.serialization.ConfigDict } | null;

type Kind = 'initializer' | 'regularizer' | 'constraint';

interface NamedEntry {
  readonly className: string;
  readonly config: tf.serialization.ConfigDict;
}

const INITIALIZER_NAMES: Record<string, NamedEntry> = {
  zeros: { className: 'Zeros', config: {} },
  ones: { className: 'Ones', config: {} },
  glorotUniform: { className: 'GlorotUniform', config: {} },
  glorotNormal: { className: 'GlorotNormal', config: {} },
  heNormal: { className: 'HeNormal', config: {} },
  heUniform: { className: 'HeUniform', config: {} },
  leCunNormal: { className: 'LeCunNormal', config: {} },
  leCunUniform: { className: 'LeCunUniform', config: {} },
  orthogonal: { className: 'Orthogonal', config: {} },
  randomNormal: { className: 'RandomNormal', config: {} },
  randomUniform: { className: 'RandomUniform', config: {} },
  truncatedNormal: { className: 'TruncatedNormal', config: {} },
  identity: { className: 'Identity', config: {} },
  varianceScaling: { className: 'VarianceScaling', config: {} },
};

const REGULARIZER_NAMES: Record<string, NamedEntry> = {
  l1: { className: 'L1L2', config: { l1: 0.01, l2: 0 } },
  l2: { className: 'L1L2', config: { l1: 0, l2: 0.01 } },
  l1l2: { className: 'L1L2', config: { l1: 0.01, l2: 0.01 } },
};

const CONSTRAINT_NAMES: Record<string, NamedEntry> = {
  maxNorm: { className: 'MaxNorm', config: {} },
  minMaxNorm: { className: 'MinMaxNorm', config: {} },
  nonNeg: { className: 'NonNeg', config: {} },
  unitNorm: { className: 'UnitNorm', config: {} },
};

const NAMES: Record<Kind, Record<string, NamedEntry>> = {
  initializer: INITIALIZER_NAMES,
  regularizer: REGULARIZER_NAMES,
  constraint: CONSTRAINT_NAMES,
};

/**
 * The base class of each kind (tfjs-layers' `Initializer`, `Regularizer`, `Constraint`), found
 * from an instance of a built-in subclass because tfjs-layers does not export the bases.
 */
function baseClassOf(kind: Kind): abstract new (...args: never[]) => unknown {
  const sample =
    kind === 'initializer' ? tfl.initializers.zeros() : kind === 'regularizer' ? tfl.regularizers.l1l2() : tfl.constraints.nonNeg();
  return Object.getPrototypeOf(Object.getPrototypeOf(sample)).constructor;
}

function isKind(kind: Kind, value: unknown): boolean {
  return value instanceof baseClassOf(kind);
}

function normalizeName(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

function fromClassName<T>(kind: Kind, className: string, config: tf.serialization.ConfigDict, argName: string, where: string): T {
  const registry = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = registry[className];
  if (!entry || !(entry[0].prototype instanceof baseClassOf(kind))) {
    throw new ConfigError(
      `${where}: ${argName} expected the className of a registered ${kind} class, got ${JSON.stringify(className)}`,
    );
  }
  const [cls, fromConfig] = entry;
  try {
    return fromConfig(cls, { ...config }) as unknown as T;
  } catch (e) {
    // tfjs-layers validates configs with plain Errors (e.g. VarianceScaling's mode).
    throw new ConfigError(
      `${where}: ${argName} ${className} config ${JSON.stringify(config)} is invalid: ${(e as Error).message}`,
    );
  }
}

function resolve<T>(kind: Kind, value: unknown, argName: string, where: string): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const names = NAMES[kind];
    const key = Object.keys(names).find((name) => normalizeName(name) === normalizeName(value));
    const entry = key === undefined ? undefined : names[key];
    if (!entry) {
      throw new ConfigError(
        `${where}: ${argName} expected one of ${Object.keys(names).join(', ')} (or their snake_case spellings), ` +
          `got ${JSON.stringify(value)}`,
      );
    }
    return fromClassName<T>(kind, entry.className, entry.config, argName, where);
  }
  if (value instanceof tf.serialization.Serializable) {
    if (!isKind(kind, value)) throw new ConfigError(`${where}: ${argName} expected a ${kind}, got a ${value.getClassName()}`);
    return value as unknown as T;
  }
  if (typeof value === 'object' && typeof (value as { className?: unknown }).className === 'string') {
    const { className, config } = value as { className: string; config?: tf.serialization.ConfigDict };
    return fromClassName<T>(kind, className, config ?? {}, argName, where);
  }
  throw new ConfigError(`${where}: ${argName} expected a ${kind} name, object or {className, config}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object without className';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Resolves an initializer argument; `null`/`undefined` give `null`. @throws ConfigError */
export function getInitializer(value: unknown, argName: string, where: string): Initializer | null {
  return resolve<Initializer>('initializer', value, argName, where);
}

/** Resolves a regularizer argument; `null`/`undefined` give `null`. @throws ConfigError */
export function getRegularizer(value: unknown, argName: string, where: string): Regularizer | null {
  return resolve<Regularizer>('regularizer', value, argName, where);
}

/** Resolves a constraint argument; `null`/`undefined` give `null`. @throws ConfigError */
export function getConstraint(value: unknown, argName: string, where: string): Constraint | null {
  return resolve<Constraint>('constraint', value, argName, where);
}

/** Serializes like tfjs-layers: `{className: obj.getClassName(), config: obj.getConfig()}`. */
export function serializeObject(value: tf.serialization.Serializable | null): SerializedObject {
  if (value === null) return null;
  return { className: value.getClassName(), config: value.getConfig() };
}
