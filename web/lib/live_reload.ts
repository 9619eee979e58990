/**
 * A board that reloads its JSON feed when a live view says something changed: {@linkcode reloadOnLive}
 * follows the stream ({@linkcode followLive}), reloads once per burst of pushed changes (at most every
 * `settleMs`), and only when streaming fails polls the feed every `pollMs` while the tab is visible. The
 * admin dashboard and the kitchen board use it.
 *
 * @module
 */
/// <reference lib="dom" />
import { followLive } from "./live_source.ts";

/** Options of {@linkcode reloadOnLive}. */
export interface LiveReloadOptions {
  /** The server-sent events URL. */
  stream: string;
  /** The event name that means "something changed". */
  event: string;
  /** Reloads the feed; resolves false to stop for good (e.g. the session expired). */
  load: () => Promise<boolean>;
  /** Wait after a pushed change before reloading; changes meanwhile share the reload. */
  settleMs: number;
  /** Poll interval once streaming has failed. */
  pollMs: number;
}

/** Starts following; returns the function that stops. */
export function reloadOnLive({ stream, event, load, settleMs, pollMs }: LiveReloadOptions): () => void {
  let stopped = false;
  let polling = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reload = async () => {
    if (!(await load())) stopped = true;
  };
  const poll = async () => {
    if (stopped) return;
    if (document.visibilityState === "visible") await reload();
    if (!stopped) timer = setTimeout(poll, pollMs);
  };
  const unfollow = followLive(stream, {
    [event]: () => {
      if (stopped || polling || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        reload();
      }, settleMs);
    },
  }, {
    fallBack: () => {
      if (stopped) return;
      polling = true;
      poll();
    },
  });
  return () => {
    stopped = true;
    unfollow();
    clearTimeout(timer);
  };
}
