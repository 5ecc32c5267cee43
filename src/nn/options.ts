/** Validation of the torch facade's constructor arguments, with PyTorch's rules. */
import { ConfigError } from '../errors';
import { checkRecordArg, showArg } from '../engine/internal';

/** Requires a positive integer. */
export function checkPositiveInt(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${where}: ${name} expected a positive integer, got ${showArg(value)}`);
  }
  return value;
}

/** Requires a boolean (or undefined, giving the default). */
export function checkBool(value: unknown, name: string, where: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${where}: ${name} expected a boolean, got ${showArg(value)}`);
  }
  return value;
}

/** Rejects keys that are not options of the constructor (typos must not be ignored). */
export function checkKnownKeys(options: object, known: readonly string[], where: string): void {
  checkRecordArg(options, 'options', where);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError(`${where}: unknown option ${JSON.stringify(key)}; expected one of ${known.join(', ')}`);
    }
  }
}
