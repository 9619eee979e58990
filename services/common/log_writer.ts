/**
 * Where log lines go: stderr, buffered. Lines are collected and written together in one
 * `Deno.stderr.writeSync` at most every {@linkcode LOG_FLUSH_MS} (a timer started by the first line),
 * instead of one synchronous write per line: under load a service logs a state change every few
 * milliseconds, and a write per turn cost orders ~4% of its CPU (`deno task bench:profile`). An urgent
 * line (error level) is written at once together with everything before it, and the
 * buffer is flushed when the process exits through `Deno.exit` or its end (the `unload` event), on an
 * uncaught error, and by {@linkcode flushLogs} (called before anything else writes to stderr directly, so
 * the order of lines is kept).
 *
 * @module
 */

/** The longest a queued line waits for its write. */
export const LOG_FLUSH_MS = 20;

const encoder = new TextEncoder();
let pending: string[] = [];
let scheduled = false;
let redirect: ((line: string) => void) | undefined;

/** Queues `line` (without its newline) for stderr; `urgent` writes it, and the lines before it, now. */
export function writeLogLine(line: string, urgent = false): void {
  if (redirect) return redirect(line);
  pending.push(line);
  if (urgent) flushLogs();
  else if (!scheduled) {
    scheduled = true;
    // unref'd: it never keeps a process alive (its end flushes, see below)
    Deno.unrefTimer(setTimeout(onTick, LOG_FLUSH_MS));
  }
}

function onTick(): void {
  scheduled = false;
  flushLogs();
}

/** Writes every queued line to stderr now (in one write when stderr takes it whole). */
export function flushLogs(): void {
  if (pending.length === 0) return;
  const text = `${pending.join("\n")}\n`;
  pending = [];
  const bytes = encoder.encode(text);
  try {
    let written = 0;
    while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
  } catch {
    // stderr refused a direct write (closed or non-blocking): hand the text to the console instead
    try {
      console.error(text.slice(0, -1));
    } catch {
      // nowhere left to log to
    }
  }
}

/**
 * Sends every log line to `sink` as it is logged instead of stderr (for tests reading what a logger
 * wrote); what was queued before is flushed first. Returns the function that restores stderr.
 */
export function redirectLogLines(sink: (line: string) => void): () => void {
  flushLogs();
  const previous = redirect;
  redirect = sink;
  return () => {
    redirect = previous;
  };
}

globalThis.addEventListener("unload", flushLogs);
globalThis.addEventListener("error", flushLogs);
globalThis.addEventListener("unhandledrejection", flushLogs);
