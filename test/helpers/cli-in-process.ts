/** Runs the CLI's `main` in this process, collecting what it prints (no backend switch, no bar). */
import { main } from '../../src/cli/main';
import { NO_PROGRESS, Progress } from '../../src/cli/progress';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `lstm-bridge ...argv`, in process; `progress` replaces the silent progress reporter. */
export async function cliWith(argv: readonly string[], progress: Progress = NO_PROGRESS): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv], { stdout: (l) => out.push(l), stderr: (l) => err.push(l), chooseBackend: false, progress });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** `lstm-bridge ...argv`, in process. */
export function cli(...argv: string[]): Promise<CliRun> {
  return cliWith(argv);
}
