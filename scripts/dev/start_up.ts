/**
 * How `deno task dev` starts its processes: one after another, each until it is ready, and a process that
 * exits before it is ready stops the start-up with its last log lines (a health check alone could be
 * answered by another program on the same port).
 *
 * @module
 */

/** A process dev runs (a {@linkcode import("../launcher.ts").ServiceProcess}). */
export interface Supervised {
  readonly name: string;
  start(): void;
  /** Resolves with the exit code once the process has exited (undefined before `start`). */
  readonly exited: Promise<number> | undefined;
  /** Its last `n` output lines. */
  tail(n?: number): string;
}

/** A process exited while dev waited for it (during start-up or after). */
export class ExitedError extends Error {
  /** Describes the exit of `process` with `code`, quoting its last output lines. */
  constructor(readonly process: string, readonly code: number, readonly lastLines: string) {
    super(`${process} exited with code ${code}`);
    this.name = "ExitedError";
  }

  /** The message and the last lines (each through `format`), indented, for the terminal. */
  report(format: (line: string) => string = (line) => line): string {
    const lines = this.lastLines.trim()
      ? this.lastLines.split("\n").map((l) => `    ${format(l)}`).join("\n")
      : "    (it printed nothing)";
    return `${this.message}; its last lines:\n${lines}`;
  }
}

/** How many output lines an {@linkcode ExitedError} quotes. */
export const LAST_LINES = 20;

/**
 * Starts `procs` in order, each once the one before is `ready`. Throws an {@linkcode ExitedError} when a
 * process exits before it is ready, or what `ready` throws (e.g. a timeout).
 */
export async function startInOrder<P extends Supervised>(
  procs: readonly P[],
  ready: (proc: P) => Promise<void>,
): Promise<void> {
  for (const proc of procs) {
    proc.start();
    const readiness = ready(proc);
    readiness.catch(() => {}); // when the process exits first, nobody waits for this any more
    const outcome = await Promise.race([
      readiness.then(() => undefined),
      proc.exited!.then((code) => ({ code })),
    ]);
    if (outcome) throw new ExitedError(proc.name, outcome.code, proc.tail(LAST_LINES));
  }
}

/** Calls `onExit` with an {@linkcode ExitedError} for the first of `procs` to exit. */
export function watchExits<P extends Supervised>(
  procs: readonly P[],
  onExit: (err: ExitedError) => void,
): void {
  let told = false;
  for (const proc of procs) {
    proc.exited?.then((code) => {
      if (told) return;
      told = true;
      onExit(new ExitedError(proc.name, code, proc.tail(LAST_LINES)));
    });
  }
}
