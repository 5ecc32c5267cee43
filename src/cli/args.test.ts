import { UsageError, parseArgs } from './args';

describe('cli args', () => {
  it('parses commands, flags with values (both spellings) and --verify', () => {
    expect(parseArgs(['inspect', 'a.h5', '--config', 'm.json'])).toEqual({ command: 'inspect', input: 'a.h5', config: 'm.json' });
    expect(parseArgs(['convert', 'a.pt', 'b.h5', '--prefix=rnn.', '--verify', '--tolerance', '1e-4', '--to', 'keras'])).toEqual({
      command: 'convert', input: 'a.pt', output: 'b.h5', to: 'keras', prefix: 'rnn.', config: undefined, verify: true, tolerance: 1e-4,
    });
    expect(parseArgs([])).toEqual({ command: 'help' });
    expect(parseArgs(['convert', '--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
    expect(parseArgs(['doctor'])).toEqual({ command: 'doctor' });
  });

  it.each([
    [['frobnicate', 'x'], /unknown command 'frobnicate' \(inspect, convert, doctor\)/],
    [['inspect'], /inspect expects one FILE, got 0/],
    [['inspect', 'a', '--prefix', 'x'], /--prefix does not apply to inspect/],
    [['convert', 'a'], /convert expects IN and OUT/],
    [['convert', 'a', 'b', '--tolerance', 'much'], /--tolerance expects a number/],
    [['convert', 'a', 'b', '--to'], /--to needs a value/],
    [['convert', 'a', 'b', '--to', 'x', '--to', 'y'], /--to given twice/],
    [['convert', 'a', 'b', '-x'], /unknown option -x/],
    [['doctor', 'x'], /doctor takes no arguments/],
    [['doctor', '--verify'], /doctor takes no arguments/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
