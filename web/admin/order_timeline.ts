/**
 * The admin order page's timeline: the order's status entries and its staff notes in one list, by
 * time (oldest first; a note written at the same instant as a step comes after it).
 *
 * @module
 */
import type { NoteJson, OrderJson, TimelineJson } from "../api/order_json.ts";

/** One row of the merged timeline. */
export type TimelineRow =
  | { kind: "step"; at: string | null; step: TimelineJson }
  | { kind: "note"; at: string | null; note: NoteJson };

function time(at: string | null): number {
  return at ? Date.parse(at) : 0;
}

/** The order's steps and notes merged by time. */
export function timelineRows(order: Pick<OrderJson, "timeline" | "notes">): TimelineRow[] {
  const rows: TimelineRow[] = [
    ...order.timeline.map((step): TimelineRow => ({ kind: "step", at: step.at, step })),
    ...(order.notes ?? []).map((note): TimelineRow => ({ kind: "note", at: note.at, note })),
  ];
  // Array.prototype.sort is stable: steps keep their order, notes follow steps of the same instant
  return rows.sort((a, b) => time(a.at) - time(b.at));
}
