/**
 * The change feed: change records written in the same commit as the change (`record.ts`), read back
 * after a cursor exactly once and in commit order (`read.ts`), followed live on in-process commit
 * signals (`watch.ts`), with the committed entity attached when this process remembers it
 * (`entities.ts`).
 *
 * @module
 */
export {
  CHANGE_RETENTION_MS,
  type ChangeRecord,
  decodeRecord,
  encodeRecord,
  recordChange,
  type RecordedChange,
  SETTLE_MS,
} from "./record.ts";
export { cursorFromNow, decodeCursor, encodeCursor, type FeedCursor } from "./cursor.ts";
export { type Change, readChanges } from "./read.ts";
export { watchChanges } from "./watch.ts";
export { changeSignal } from "./notifier.ts";
