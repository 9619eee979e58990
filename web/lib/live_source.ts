/**
 * Following a live view's server-sent events in the browser, falling back to polling only when
 * streaming fails: {@linkcode followLive} opens an `EventSource`, hands each named event's JSON to its
 * handler, lets the browser reconnect after a dropped connection, and calls `fallBack` once when there
 * is no `EventSource`, the server refuses the stream (e.g. 401), or {@linkcode MAX_FAILURES} attempts
 * in a row fail without an event.
 *
 * @module
 */

/** Failed connection attempts in a row before falling back to polling. */
export const MAX_FAILURES = 3;

/** Options of {@linkcode followLive}. */
export interface FollowOptions {
  /** Called once when the stream opened or delivered an event. */
  onLive?: () => void;
  /** Called once when streaming failed for good (start polling). */
  fallBack: () => void;
}

/** Follows `url`; returns the function that stops following. */
export function followLive(
  url: string,
  handlers: Record<string, (data: unknown) => void>,
  { onLive, fallBack }: FollowOptions,
): () => void {
  if (typeof EventSource !== "function") {
    fallBack();
    return () => {};
  }
  const source = new EventSource(url);
  let failures = 0;
  let done = false;
  const stop = () => {
    done = true;
    source.close();
  };
  source.addEventListener("open", () => onLive?.());
  for (const [event, handle] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => {
      failures = 0;
      onLive?.();
      handle(JSON.parse((e as MessageEvent<string>).data));
    });
  }
  source.addEventListener("error", () => {
    if (done) return;
    failures++;
    if (source.readyState === EventSource.CLOSED || failures >= MAX_FAILURES) {
      stop();
      fallBack();
    }
  });
  return stop;
}
