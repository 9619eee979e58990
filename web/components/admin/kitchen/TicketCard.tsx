/**
 * One ticket on a kitchen screen: the order's number and name, a timer counting up from payment
 * coloured (and labelled) by age, the pickup time, the lines (on a station's screen only that
 * station's), the customer's note, on the expediter screen each station's progress, and the one-tap
 * moves with an "Undo" while the kitchen's undo window is open. A ticket that just arrived is
 * highlighted ("New").
 *
 * @module
 */
import {
  AGE_LABELS,
  ageState,
  formatElapsed,
  type KitchenThresholds,
  type StationPartView,
  ticketElapsedMs,
  type TicketView,
} from "../../../admin/view.ts";
import { canUndo, progressOf, stationTitle } from "../../../admin/kitchen_view.ts";
import type { KitchenMove } from "../../../admin/kitchen_view.ts";
import { orderLabel } from "../../../lib/order_view.ts";
import { pickupIn, timeIn, type Zone } from "../../../lib/when.ts";
import { MoveForm } from "./MoveForm.tsx";

/** Props of {@linkcode TicketCard}. */
export interface TicketCardProps {
  ticket: TicketView;
  /** The station whose screen this is ("" on the expediter screen). */
  station: string;
  /** That station's part (station screens). */
  part?: StationPartView;
  /** The lines to show. */
  lines: string[];
  now: number;
  zone: Zone;
  thresholds: KitchenThresholds;
  csrf: string;
  display: boolean;
  /** The order id whose move is being sent, or null. */
  pending: string | null;
  /** True while the ticket is highlighted as new. */
  fresh: boolean;
  onSubmit?: (e: Event) => void;
}

const FORWARD: Record<string, { move: KitchenMove; label: string; primary: boolean } | undefined> = {
  queued: { move: "start", label: "Start", primary: true },
  preparing: { move: "complete", label: "Complete", primary: true },
  ready: { move: "handover", label: "Mark completed", primary: false },
};

const STATUS_WORDS: Record<string, string> = { queued: "to start", preparing: "preparing", ready: "ready" };

/** The card. */
export function TicketCard(p: TicketCardProps) {
  const t = p.ticket;
  const status = p.part?.status ?? t.status;
  const elapsed = ticketElapsedMs(t, p.now);
  const age = ageState(elapsed, p.thresholds);
  const forward = FORWARD[status];
  const undoUntil = p.part ? p.part.undoUntil : t.undoUntil;
  const busy = p.pending === t.orderId;
  // a ticket from before stations has one part "" that every station screen moves as a whole
  const forms = {
    csrf: p.csrf,
    orderId: t.orderId,
    station: p.part?.station ?? "",
    screen: p.station,
    display: p.display,
    busy,
    onSubmit: p.onSubmit,
  };
  return (
    <li
      class={`ticket age-${age}${p.fresh ? " ticket-new" : ""}`}
      data-testid="ticket"
      data-order-id={t.orderId}
      data-status={status}
      data-age={age}
      data-new={p.fresh ? "true" : undefined}
    >
      <p class="ticket-head">
        <a href={`/admin/orders/${encodeURIComponent(t.orderId)}`} data-testid="ticket-number">
          Order <strong>{orderLabel({ id: t.orderId, number: t.number })}</strong>
        </a>
        {t.name && (
          <>
            {" · "}
            <span data-testid="ticket-name">{t.name}</span>
          </>
        )}
        {p.fresh && <span class="new-badge" data-testid="ticket-new">New</span>}
      </p>
      <p class={`ticket-age age-${age}`} data-testid="ticket-age" data-age={age}>
        <span class="age-clock" data-testid="ticket-timer">{formatElapsed(elapsed)}</span>
        {t.status === "ready" ? " to ready · " : " since payment · "}
        <span class="age-label" data-testid="ticket-age-label">{AGE_LABELS[age]}</span>
      </p>
      <p class="ticket-pickup" data-testid="ticket-pickup">
        Pickup: <strong>{pickupIn(t.pickupAt, p.zone)}</strong>
      </p>
      <ul class="ticket-lines" data-testid="ticket-lines">
        {p.lines.map((l, i) => <li key={i}>{l}</li>)}
      </ul>
      {t.note && <p class="ticket-note" data-testid="ticket-note">Note: {t.note}</p>}
      {!p.station && t.stations.length > 1 && (
        <ul class="ticket-progress" aria-label="Stations" data-testid="ticket-progress">
          {progressOf(t).map((s) => (
            <li
              key={s.station}
              class={`progress-${s.status}`}
              data-station={s.station}
              data-status={s.status}
            >
              {stationTitle(s.station)}: {STATUS_WORDS[s.status] ?? s.status}
            </li>
          ))}
        </ul>
      )}
      <p class="ticket-time muted">
        {t.status === "queued"
          ? `Paid ${timeIn(t.paidAt, p.zone)}`
          : t.status === "preparing"
          ? `Started ${timeIn(t.startedAt, p.zone)}${t.startedBy ? ` by ${t.startedBy}` : ""}`
          : `Ready ${timeIn(t.readyAt, p.zone)}${t.readyBy ? ` by ${t.readyBy}` : ""}`}
      </p>
      <div class="ticket-moves">
        {forward && (!p.station || forward.move !== "handover") && (
          <MoveForm {...forms} move={forward.move} label={forward.label} primary={forward.primary} />
        )}
        {canUndo(undoUntil, p.now) && <MoveForm {...forms} move="undo" label="Undo" />}
      </div>
    </li>
  );
}
