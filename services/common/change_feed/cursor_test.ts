import assert from "node:assert/strict";
import { decodeCursor, encodeCursor, type FeedCursor } from "./cursor.ts";

Deno.test("a cursor survives its string form", () => {
  const c: FeedCursor = { afterMs: 1700000000123, afterId: crypto.randomUUID(), vs: "0000000000000001a000" };
  assert.deepEqual(decodeCursor(encodeCursor(c)), c);
  const start: FeedCursor = { afterMs: 5, afterId: "~", vs: "" };
  assert.deepEqual(decodeCursor(encodeCursor(start)), start);
});

Deno.test("a string that is not a cursor is invalid_argument naming it", () => {
  assert.throws(
    () => decodeCursor("12.nope.zz"),
    (err: Error & { code?: string }) =>
      err.code === "invalid_argument" && err.message.includes('"12.nope.zz"'),
  );
});
