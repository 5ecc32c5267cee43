/** The CLI's command line: commands, positional arguments and flags, checked strictly. */

/** A command-line mistake (exit code 2, with the usage text). */
export class UsageError extends Error {}

/** The usage text, listing the formats the CLI has (`formats/index.ts`). */
export function usage(formats: readonly { name: string; title: string }[]): string {
  return `usage:
  lstm-bridge inspect FILE [--config MODEL_JSON] [--unknown-classes skip]
  lstm-bridge convert IN OUT [--to ${formats.map((f) => f.name).join('|')}] [--prefix lstm.]
                             [--config MODEL_JSON] [--unknown-classes skip]
                             [--verify] [--tolerance 1e-5] [--emit auto|tfjs-layers|lstm-bridge]
                             [--nonlinearity tanh|relu]
  lstm-bridge doctor          which optional pieces are here (tfjs backends, onnxruntime-node,
                              h5wasm), what each gives and costs, the backend the CLI uses
  lstm-bridge --help | --version

formats:
${formats.map((f) => `  ${f.name.padEnd(12)} ${f.title}`).join('\n')}
IN's format comes from its content; OUT's from its extension (a path without one is a TF.js
directory) unless --to says.
  --prefix     state-dict prefix of the LSTM, GRU or RNN to read from or write to (default
               lstm., gru., rnn.); for a model with several separate stacks written to ONNX,
               the stack to write (<first layer name>.)
  --config     model.to_json() file for a weights-only Keras .h5 (save_weights)
  --unknown-classes skip
               read a PyTorch whole-model pickle (torch.save(model)) or a checkpoint holding
               other objects as data: unknown classes become inert placeholders (listed on
               stderr), nothing is run; the tensors keep the module's state_dict() names
  --emit       TF.js output: 'auto' (default) writes tfjs-layers' own LSTM / Bidirectional
               wherever tfjs computes them exactly (plain tf.loadLayersModel loads them),
               'tfjs-layers' refuses otherwise, 'lstm-bridge' writes lstm-bridge's classes
  --nonlinearity
               the nonlinearity of a state dict's nn.RNN, which the file does not record
               (default tanh)
  --verify     run the source and the result on random input, print the max abs difference,
               exit 3 above --tolerance`;
}

export type Args =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'doctor' }
  | { command: 'inspect'; input: string; config?: string; unknownClasses?: UnknownClasses }
  | { command: 'convert'; input: string; output: string; to?: string; prefix?: string; config?: string; unknownClasses?: UnknownClasses; emit?: Emit; nonlinearity?: 'tanh' | 'relu'; verify: boolean; tolerance: number };

/** `--unknown-classes`: what the PyTorch reader does with classes outside its allowlist. */
export type UnknownClasses = 'refuse' | 'skip';

/** `--emit`: which layer classes a TF.js output uses. */
export type Emit = 'auto' | 'tfjs-layers' | 'lstm-bridge';
const EMITS: readonly Emit[] = ['auto', 'tfjs-layers', 'lstm-bridge'];

const VALUE_FLAGS = ['--to', '--prefix', '--config', '--tolerance', '--unknown-classes', '--emit', '--nonlinearity'] as const;

function unknownClassesOf(value: string | undefined): UnknownClasses | undefined {
  if (value === undefined || value === 'skip' || value === 'refuse') return value;
  throw new UsageError(`--unknown-classes expects skip or refuse, got ${value}`);
}

/** Parses argv (without node and the script). @throws UsageError */
export function parseArgs(argv: readonly string[]): Args {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') return { command: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { command: 'version' };
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const values: Record<string, string> = {};
  let verify = false;
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if ((VALUE_FLAGS as readonly string[]).includes(flag)) {
      const v = inline ?? rest[++k];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      if (flag in values) throw new UsageError(`${flag} given twice`);
      values[flag] = v;
    } else if (flag === '--verify') {
      verify = true;
    } else if (a.startsWith('-') && a.length > 1) {
      throw new UsageError(`unknown option ${a}`);
    } else {
      positional.push(a);
    }
  }
  const only = (allowed: readonly string[]) => {
    const bad = Object.keys(values).filter((f) => !allowed.includes(f));
    if (bad.length) throw new UsageError(`${bad.join(', ')} does not apply to ${command}`);
  };
  if (command === 'inspect') {
    if (positional.length !== 1) throw new UsageError(`inspect expects one FILE, got ${positional.length}`);
    only(['--config', '--unknown-classes']);
    if (verify) throw new UsageError('--verify does not apply to inspect');
    return { command, input: positional[0], config: values['--config'], unknownClasses: unknownClassesOf(values['--unknown-classes']) };
  }
  if (command === 'convert') {
    if (positional.length !== 2) throw new UsageError(`convert expects IN and OUT, got ${positional.length} path(s)`);
    const tolerance = values['--tolerance'] === undefined ? 1e-5 : Number(values['--tolerance']);
    if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw new UsageError(`--tolerance expects a number >= 0, got ${values['--tolerance']}`);
    const to = values['--to'];
    const unknownClasses = unknownClassesOf(values['--unknown-classes']);
    const emit = values['--emit'];
    if (emit !== undefined && !(EMITS as readonly string[]).includes(emit)) throw new UsageError(`--emit expects ${EMITS.join(', ')}, got ${emit}`);
    const nonlinearity = values['--nonlinearity'];
    if (nonlinearity !== undefined && nonlinearity !== 'tanh' && nonlinearity !== 'relu') throw new UsageError(`--nonlinearity expects tanh or relu, got ${nonlinearity}`);
    return {
      command, input: positional[0], output: positional[1], to, prefix: values['--prefix'], config: values['--config'], unknownClasses,
      emit: emit as Emit | undefined, nonlinearity, verify, tolerance,
    };
  }
  if (command === 'doctor') {
    if (positional.length || Object.keys(values).length || verify) throw new UsageError('doctor takes no arguments');
    return { command };
  }
  throw new UsageError(`unknown command '${command}' (inspect, convert, doctor)`);
}
