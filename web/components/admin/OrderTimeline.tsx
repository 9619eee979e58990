/**
 * An order's timeline for staff, as a vertical list that fits any width (no wide table): per step its
 * status, time in the shop's zone, cause, the staff member who did it, and the trace id (linked to
 * Jaeger's trace view when `JAEGER_UI_URL` is set); staff notes merged in by time, internal ones marked.
 *
 * @module
 */
import type { OrderJson } from "../../api/order_json.ts";
import { timelineRows } from "../../admin/order_timeline.ts";
import { LocalTime } from "../LocalTime.tsx";
import { StatusPill } from "./StatusPill.tsx";
import type { Zone } from "../../lib/when.ts";
import { jaegerTraceUrl } from "../../../services/common/tracing/jaeger.ts";

/** A trace id, linked to Jaeger's trace view when `JAEGER_UI_URL` is set. */
function TraceId({ traceId }: { traceId: string }) {
  if (!traceId) return null;
  const href = jaegerTraceUrl(traceId);
  const code = <code class="trace" data-testid="trace-id">{traceId}</code>;
  return (
    <span class="tl-trace">
      <span class="tl-label">Trace</span> {href
        ? <a href={href} target="_blank" rel="noopener noreferrer" title="Open the trace in Jaeger">{code}</a>
        : code}
    </span>
  );
}

/** The merged timeline of `order`, times in `zone`. */
export function OrderTimeline({ order, zone }: { order: Pick<OrderJson, "timeline" | "notes">; zone: Zone }) {
  const rows = timelineRows(order);
  if (rows.length === 0) return <p class="muted">Nothing has happened yet.</p>;
  return (
    <ol class="staff-timeline" data-testid="admin-timeline">
      {rows.map((row) =>
        row.kind === "step"
          ? (
            <li class="tl-item" data-kind="step" data-status={row.step.status}>
              <div class="tl-head">
                <StatusPill status={row.step.status} />
                <LocalTime at={row.step.at} zone={zone} />
              </div>
              <p class="tl-cause" data-testid="timeline-cause">{row.step.cause || "—"}</p>
              <p class="tl-meta">
                {row.step.actor && (
                  <span class="tl-actor" data-testid="timeline-actor">
                    <span class="tl-label">By</span> {row.step.actor}
                  </span>
                )}
                <TraceId traceId={row.step.traceId} />
              </p>
            </li>
          )
          : (
            <li
              class="tl-item tl-note"
              data-kind="note"
              data-visibility={row.note.visibleToCustomer ? "customer" : "internal"}
            >
              <div class="tl-head">
                <span class={`status-pill ${row.note.visibleToCustomer ? "note-visible" : "note-internal"}`}>
                  {row.note.visibleToCustomer ? "Note · customer sees it" : "Internal note"}
                </span>
                <LocalTime at={row.note.at} zone={zone} />
              </div>
              <p class="tl-text" data-testid="timeline-note">{row.note.text}</p>
              <p class="tl-meta">
                <span class="tl-actor" data-testid="timeline-actor">
                  <span class="tl-label">By</span> {row.note.author || "—"}
                </span>
              </p>
            </li>
          )
      )}
    </ol>
  );
}
