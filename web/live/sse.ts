/**
 * A server-sent-events response for a live view: {@linkcode liveResponse} runs `start` (which
 * subscribes to the hub and returns its unsubscribe), keeps the connection alive with a comment every
 * 15 s (one interval for every stream of the process: {@linkcode keepAlive}), ends it after `maxMs`
 * (the browser reconnects and the guards run again), and unsubscribes when the browser goes away or
 * the view closes the stream.
 *
 * The body is one `ReadableStream` whose controller gets each message's bytes as it is sent (in call
 * order), with the headers and message format of Hono's `streamSSE`, which it replaced: that helper
 * passes every message through a `TransformStream` and a second pulling `ReadableStream`, several
 * promises per message, on every order page's stream open.
 *
 * @module
 */
import type { Context } from "hono";
import { KeepAlive } from "./keep_alive.ts";

const encoder = new TextEncoder();

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
  const ended = Promise.withResolvers<void>();
  let open = true;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const close = () => {
    if (!open) return;
    open = false;
    ended.resolve();
  };
  const write = (text: string) => {
    if (!open) return;
    try {
      controller!.enqueue(encoder.encode(text));
    } catch {
      close(); // the body is gone
    }
  };
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      controller = ctrl;
    },
    cancel: close, // the browser went away
  });
  const live: LiveStream = {
    // an event name with a line break would end the message early: the stream is closed instead
    send: (event, data) => {
      if (/[\r\n]/.test(event)) close();
      else write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment: (text) => write(`: ${text}\n\n`),
    close,
  };
  write("retry: 3000\n\n");
  (async () => {
    const forget = keepAlive.add(live);
    const lifetime = setTimeout(close, maxMs);
    let stop: (() => void) | undefined;
    try {
      stop = await start(live);
      await ended.promise;
    } finally {
      forget();
      clearTimeout(lifetime);
      stop?.();
      open = false;
      try {
        controller!.close();
      } catch {
        // cancelled by the browser already
      }
    }
  })().catch((err) => console.error(err));
  c.header("Content-Type", "text/event-stream");
  c.header("Cache-Control", "no-store");
  c.header("Connection", "keep-alive");
  c.header("X-Accel-Buffering", "no");
  return c.body(body);
}
