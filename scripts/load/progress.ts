/**
 * The live progress line on stderr: elapsed time, orders placed, orders/s and errors. On a terminal
 * one line is rewritten in place (`\r`) every half second; otherwise (a log file, CI) a line is
 * written every 5 seconds.
 *
 * @module
 */

/** What the progress line shows. */
export interface ProgressSnapshot {
  /** Milliseconds since the start. */
  elapsedMs: number;
  /** Orders placed so far. */
  orders: number;
  /** Errors so far. */
  errors: number;
  /** 409 out of stock so far (expected). */
  outOfStock: number;
}

/** The line for `s`, e.g. `load: 12.0 s  orders 150  12.5/s  errors 0  out of stock 3`. */
export function progressLine(s: ProgressSnapshot): string {
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.orders / secs : 0;
  return `load: ${secs.toFixed(1)} s  orders ${s.orders}  ${rate.toFixed(1)}/s  errors ${s.errors}` +
    `  out of stock ${s.outOfStock}`;
}

/** Where progress goes. */
export interface ProgressSink {
  /** Writes text as is. */
  write(text: string): void;
  /** True when it is a terminal (the line is rewritten in place). */
  isTerminal: boolean;
}

/** The process's stderr as a {@linkcode ProgressSink}. */
export function stderrSink(): ProgressSink {
  const encoder = new TextEncoder();
  return {
    write: (text) => {
      try {
        Deno.stderr.writeSync(encoder.encode(text));
      } catch {
        // stderr closed: progress is best effort
      }
    },
    isTerminal: Deno.stderr.isTerminal(),
  };
}

/** Shows progress while a run lasts; {@linkcode Progress.stop} ends the line. */
export class Progress {
  #timer: ReturnType<typeof setInterval> | undefined;
  #wroteInPlace = false;

  /** Progress of `snapshot()` to `sink`. */
  constructor(private readonly sink: ProgressSink, private readonly snapshot: () => ProgressSnapshot) {}

  /** Milliseconds between two updates. */
  get intervalMs(): number {
    return this.sink.isTerminal ? 500 : 5000;
  }

  /** Writes one update now. */
  tick(): void {
    const line = progressLine(this.snapshot());
    if (this.sink.isTerminal) {
      this.sink.write(`\r\x1b[2K${line}`);
      this.#wroteInPlace = true;
    } else {
      this.sink.write(`${line}\n`);
    }
  }

  /** Starts periodic updates. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.tick(), this.intervalMs);
  }

  /** Stops updates, writes a last one and ends the line. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.tick();
    if (this.#wroteInPlace) this.sink.write("\n");
  }
}
