/**
 * A server-sent-events response for a live view, on Hono's `streamSSE`: {@linkcode liveResponse} runs
 * `start` (which subscribes to the hub and returns its unsubscribe), keeps the connection alive with a
 * comment every 15 s (one interval for every stream of the process: {@linkcode keepAlive}), ends it after `maxMs` (the browser reconnects and the guards run again), and
 * unsubscribes when the browser goes away or the view closes the stream.
 *
 * @module
 */
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { KeepAlive } from "./keep_alive.ts";

/** What a live view can do with its stream. */
export interface LiveStream {
  /** Sends `event` with `data` as JSON (in call order). */
  send(event: string, data: unknown): void;
  /** Sends a comment line (ignored by browsers; for humans and proxies). */
  comment(text: string): void;
  /** Ends the stream. */
  close(): void;
}

/** Longest life of one stream, in milliseconds (10 minutes). */
export const MAX_STREAM_MS = 10 * 60 * 1000;
/** Time between keep-alive comments, in milliseconds. */
export const KEEP_ALIVE_MS = 15_000;

/** The keep-alive of every live stream of this process (one shared interval). */
export const keepAlive: KeepAlive = new KeepAlive(KEEP_ALIVE_MS);

/** Options of {@linkcode liveResponse}. */
export interface LiveOptions {
  /** Longest life of the stream (default {@linkcode MAX_STREAM_MS}). */
  maxMs?: number;
}

/** The SSE response of a live view; `start` returns what to do when the stream ends. */
export function liveResponse(
  c: Context,
  start: (live: LiveStream) => (() => void) | Promise<() => void>,
  { maxMs = MAX_STREAM_MS }: LiveOptions = {},
): Response {
  const res = streamSSE(c, async (stream) => {
    const ended = Promise.withResolvers<void>();
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      ended.resolve();
    };
    let queue = Promise.resolve();
    const write = (f: () => Promise<unknown>) => {
      if (!open) return;
      queue = queue.then(f).then(() => {}, close);
    };
    stream.onAbort(close);
    const live: LiveStream = {
      send: (event, data) => write(() => stream.writeSSE({ event, data: JSON.stringify(data) })),
      comment: (text) => write(() => stream.write(`: ${text}\n\n`)),
      close,
    };
    write(() => stream.write("retry: 3000\n\n"));
    const forget = keepAlive.add(live);
    const lifetime = setTimeout(close, maxMs);
    let stop: (() => void) | undefined;
    try {
      stop = await start(live);
      await ended.promise;
      await queue;
    } finally {
      forget();
      clearTimeout(lifetime);
      stop?.();
    }
  });
  res.headers.set("Cache-Control", "no-store");
  res.headers.set("X-Accel-Buffering", "no");
  res.headers.delete("Transfer-Encoding");
  return res;
}
