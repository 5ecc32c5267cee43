/** The options of the PyTorch readers, and how they set up the unpickler. */
import { ConfigError } from '../../errors';
import { IoLimits, ReadOptions, resolveLimits } from '../shared/limits';
import type { UnpickleOptions } from './pickle/reader';

/** Options of `readTorch` and `loadTorch` (`io` and `lstm-bridge/node`). */
export interface TorchReadOptions extends ReadOptions {
  /**
   * Classes (globals) outside the weights-only allowlist: `'refuse'` (the default) throws
   * `PickleSecurityError`; `'skip'` reads them as inert placeholders, so the tensors of a
   * whole-model pickle or of a checkpoint holding other objects can be read. Nothing is ever
   * imported or called either way.
   */
  readonly unknownClasses?: 'refuse' | 'skip';
}

/** How the torch readers call the unpickler: the allowlist, the storages, the unknown-class policy. */
export interface TorchPickleSetup {
  readonly limits: IoLimits;
  readonly unknownGlobals: NonNullable<UnpickleOptions['unknownGlobals']>;
  readonly refusalHint: string;
}

/** The hint the default refusal of an unknown class ends with. */
export const UNKNOWN_CLASSES_HINT =
  ". If this is a whole-model pickle (torch.save(model)) or a checkpoint holding other objects, pass { unknownClasses: 'skip' } to read its tensors as data (unknown classes become inert placeholders; nothing is run)";

/** Checks the options; `where` names the caller in errors. */
export function pickleSetup(options: TorchReadOptions, where = 'io.loadTorch'): TorchPickleSetup {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`${where}: options expected an object, got ${options === null ? 'null' : typeof options}`);
  }
  const mode = options.unknownClasses;
  if (mode !== undefined && mode !== 'refuse' && mode !== 'skip') {
    throw new ConfigError(`${where}: options.unknownClasses expected 'refuse' or 'skip', got ${typeof mode === 'string' ? `'${mode}'` : String(mode)}`);
  }
  return { limits: resolveLimits(options.limits), unknownGlobals: mode === 'skip' ? 'placeholder' : 'refuse', refusalHint: UNKNOWN_CLASSES_HINT };
}

