/**
 * A progress bar for long conversions, on stderr and only on a terminal (a pipe or a CI log gets
 * nothing): `[##########----------] 2/4 converting lstm_1`.
 *
 * The steps are the CLI's phases (reading, converting, writing, verifying), announced once by
 * `convert`, so the total never changes while the bar is shown; what a phase works on (each
 * LSTM group) is a {@link Progress.detail}, which relabels the current step without counting.
 */

/** Reports the steps of a task. */
export interface Progress {
  /** Sets the total number of steps; it never shrinks, and never falls below the steps taken. */
  total(n: number): void;
  /** Starts the next step, saying what it does. */
  step(label: string): void;
  /** Says what the current step is working on, without counting a step. */
  detail(label: string): void;
  /** Clears the bar. */
  done(): void;
}

/** A progress reporter that draws on `stream` when it is a TTY, else does nothing. */
export function progressBar(stream: NodeJS.WriteStream & { isTTY?: boolean } = process.stderr, width = 24): Progress {
  let total = 1;
  let current = 0;
  const tty = stream.isTTY === true;
  const draw = (label: string) => {
    if (!tty) return;
    const filled = Math.min(width, Math.round((current / Math.max(total, 1)) * width));
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${current}/${total} ${label}`;
    stream.write(`\r${line.slice(0, (stream.columns ?? 80) - 1)}\x1b[K`);
  };
  return {
    total(n: number) {
      total = Math.max(n, total, current);
    },
    step(label: string) {
      current = Math.min(current + 1, total);
      draw(label);
    },
    detail(label: string) {
      draw(label);
    },
    done() {
      if (tty) stream.write('\r\x1b[K');
    },
  };
}

/** A reporter that reports nothing. */
export const NO_PROGRESS: Progress = { total: () => undefined, step: () => undefined, detail: () => undefined, done: () => undefined };
