/**
 * Change-feed cursors: where a watcher stands, as a short opaque string.
 *
 * A cursor `(afterKey, vs)` means: the watcher has received every record whose key is at or before
 * `afterKey` and every record whose versionstamp is at or before `vs` — and no other. Resuming from it
 * reads the keys after `afterKey` and skips versionstamps at or before `vs` (`read.ts`), so nothing is
 * received twice or skipped.
 *
 * @module
 */
import { RpcError } from "../errors.ts";

/** A position in a feed. */
export interface FeedCursor {
  /** Every record with a key `(atMs, id)` at or before this one has been received. */
  afterMs: number;
  /** The id part of that key; "~" sorts after every id of the same millisecond. */
  afterId: string;
  /** Every record with a versionstamp at or before this one has been received; "" for none. */
  vs: string;
}

/** The id that sorts after every record id of a millisecond. */
export const END_OF_MS = "~";

const PATTERN = /^(\d{1,15})\.([0-9a-f-]{36}|~)\.([0-9a-f]{20})?$/;

/** The cursor as a string. */
export function encodeCursor(c: FeedCursor): string {
  return `${c.afterMs}.${c.afterId}.${c.vs}`;
}

/** Parses a cursor; throws `invalid_argument` naming it when it is not one. */
export function decodeCursor(text: string): FeedCursor {
  const m = PATTERN.exec(text);
  if (!m) {
    throw new RpcError("invalid_argument", `Cursor "${text}" is not a change-feed cursor`, {
      field: "cursor",
    });
  }
  return { afterMs: Number(m[1]), afterId: m[2]!, vs: m[3] ?? "" };
}

/** The cursor of a watcher starting now: it receives the changes committed from now on. */
export function cursorFromNow(now: number, settleMs: number): FeedCursor {
  return { afterMs: Math.max(0, now - settleMs), afterId: END_OF_MS, vs: "" };
}
