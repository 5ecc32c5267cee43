/**
 * `Module`: the small part of `torch.nn.Module` the torch facade needs — named parameters in
 * registration order, `stateDict()` / `loadStateDict()` with PyTorch's semantics,
 * `train()` / `eval()`, and `dispose()`.
 *
 * Parameters are `tf.Variable`s (trainable), so `tf.variableGrads` and tfjs optimizers see
 * them. tfjs variable names are global and must be unique, so each variable gets a unique tfjs
 * name; the PyTorch key (`weight_ih_l0`) is kept beside it.
 */
import * as tf from '@tensorflow/tfjs-core';

import { ShapeError, StateDictError, formatShape } from '../errors';
import { describeValue } from '../engine/internal';

let nextModuleId = 0;

/** What {@link Module.loadStateDict} found, like PyTorch's `_IncompatibleKeys`. */
export interface IncompatibleKeys {
  readonly missingKeys: string[];
  readonly unexpectedKeys: string[];
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * When true (the default), a missing or unexpected key is an error. Shape mismatches are
   * always errors, as in PyTorch.
   */
  readonly strict?: boolean;
}

export abstract class Module {
  /** True in training mode (the default, as in PyTorch): inter-layer dropout is active. */
  training = true;

  private readonly params = new Map<string, tf.Variable>();
  private readonly uid = nextModuleId++;
  private disposed = false;

  /** The name used in messages, e.g. `nn.LSTM`. */
  protected abstract get where(): string;

  /** Registers a trainable parameter under its PyTorch key. Takes ownership of `value`. */
  protected registerParameter(key: string, value: tf.Tensor): tf.Variable {
    const variable = tf.variable(value, true, `lstm_bridge_${this.uid}/${key}`, 'float32');
    value.dispose();
    this.params.set(key, variable);
    return variable;
  }

  /** The parameter under a key; throws if the module was disposed. */
  protected param<R extends tf.Rank = tf.Rank>(key: string): tf.Variable<R> {
    this.throwIfDisposed();
    const p = this.params.get(key);
    if (!p) throw new StateDictError(`${this.where}: no parameter ${key}`);
    return p as tf.Variable<R>;
  }

  protected throwIfDisposed(): void {
    if (this.disposed) throw new StateDictError(`${this.where}: the module has been disposed`);
  }

  /** `[key, variable]` pairs in PyTorch's order. */
  namedParameters(): [string, tf.Variable][] {
    this.throwIfDisposed();
    return [...this.params.entries()];
  }

  /** The parameters in PyTorch's order. */
  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /**
   * The parameters under PyTorch's exact key names and order. The tensors are the module's own
   * variables (like PyTorch, no copy): read them, save them, but do not dispose them.
   */
  stateDict(): tf.NamedTensorMap {
    const sd: tf.NamedTensorMap = {};
    for (const [key, v] of this.namedParameters()) sd[key] = v;
    return sd;
  }

  /**
   * Copies the values of a state dict into the parameters. All problems are reported in one
   * {@link StateDictError}, like PyTorch's "Error(s) in loading state_dict". Values are cast to
   * float32. The caller keeps ownership of `stateDict`.
   */
  loadStateDict(stateDict: tf.NamedTensorMap, options: LoadStateDictOptions = {}): IncompatibleKeys {
    this.throwIfDisposed();
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict) || stateDict instanceof tf.Tensor) {
      throw new StateDictError(`${this.where}: loadStateDict expected an object of tensors by key, got ${describeValue(stateDict)}`);
    }
    this.checkStateDictKind(stateDict);
    const strict = options.strict ?? true;
    const has = (k: string) => Object.prototype.hasOwnProperty.call(stateDict, k);
    const missingKeys = [...this.params.keys()].filter((k) => !has(k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !this.params.has(k));
    const mismatches: string[] = [];
    for (const [key, p] of this.params) {
      if (!has(key)) continue;
      const t: unknown = stateDict[key];
      if (!(t instanceof tf.Tensor)) {
        mismatches.push(`${key}: expected a tf.Tensor, got ${describeValue(t)}`);
      } else if (t.isDisposed) {
        mismatches.push(`${key}: the tensor has been disposed`);
      } else if (t.dtype === 'string' || t.dtype === 'complex64') {
        mismatches.push(`${key}: expected a number tensor, got dtype ${t.dtype}`);
      } else if (t.rank !== p.rank || t.shape.some((d: number, i: number) => d !== p.shape[i])) {
        mismatches.push(`size mismatch for ${key}: expected ${formatShape(p.shape)}, got ${formatShape(t.shape)}`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    problems.push(...mismatches);
    if (problems.length) {
      throw new StateDictError(
        `${this.where}: error(s) in loading state dict:\n  ${problems.join('\n  ')}`,
        strict ? missingKeys : [],
        strict ? unexpectedKeys : [],
        mismatches,
      );
    }
    // Every check is done; now the assignments, which cannot fail. A parameter given its own
    // tensor (`m.loadStateDict(m.stateDict())`) is left alone: assigning a variable to itself
    // would free its data first.
    const updates: [tf.Variable, tf.Tensor][] = [];
    for (const [key, p] of this.params) {
      if (!has(key)) continue;
      const t = stateDict[key];
      if (t === p || t.dataId === p.dataId) continue;
      updates.push([p, t]);
    }
    for (const [p, t] of updates) tf.tidy(() => p.assign(t.dtype === 'float32' ? t : tf.cast(t, 'float32')));
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Called first by `loadStateDict`: a recurrent module throws here when the state dict holds
   * another kind of module (a GRU's weights given to an LSTM), naming the kind it holds.
   */
  protected checkStateDictKind(stateDict: tf.NamedTensorMap): void {
    void stateDict;
  }

  /** Sets training mode (`mode = true`) or evaluation mode. Returns this. */
  train(mode = true): this {
    this.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Frees the parameters. The module cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
    this.disposed = true;
  }
}

/** Checks a tensor's shape, throwing `where: name expected [..], got [..]`. */
export function checkShape(t: tf.Tensor, expected: readonly number[], name: string, where: string): void {
  if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${where}: ${name} expected ${formatShape(expected)}, got ${formatShape(t.shape)}`);
  }
}
