/**
 * The recall list: tickets (on a station's screen, that station's parts) bumped in the last minutes,
 * newest first, each with "Recall" (back to preparing) and, while the undo window is open, "Undo".
 *
 * @module
 */
import { canUndo, type RecallEntry } from "../../../admin/kitchen_view.ts";
import { orderLabel } from "../../../lib/order_view.ts";
import { timeIn, type Zone } from "../../../lib/when.ts";
import { MoveForm } from "./MoveForm.tsx";

/** Props of {@linkcode RecallList}. */
export interface RecallListProps {
  entries: RecallEntry[];
  station: string;
  now: number;
  zone: Zone;
  csrf: string;
  display: boolean;
  pending: string | null;
  onSubmit?: (e: Event) => void;
}

/** The list. */
export function RecallList(p: RecallListProps) {
  return (
    <section class="recall" aria-labelledby="recall-title" data-testid="recall-list">
      <h2 id="recall-title">Recently bumped</h2>
      {p.entries.length === 0 && <p class="muted empty">Nothing bumped lately.</p>}
      <ul class="recall-entries">
        {p.entries.map((e) => {
          const t = e.ticket;
          const forms = {
            csrf: p.csrf,
            orderId: t.orderId,
            station: e.station,
            screen: p.station,
            display: p.display,
            busy: p.pending === t.orderId,
            onSubmit: p.onSubmit,
          };
          return (
            <li key={t.orderId} class="recall-entry" data-testid="recall-entry" data-order-id={t.orderId}>
              <span class="recall-what">
                Order <strong>{orderLabel({ id: t.orderId, number: t.number })}</strong>
                {t.name ? ` · ${t.name}` : ""} · bumped {timeIn(e.readyAt, p.zone)}
              </span>
              {canUndo(e.undoUntil, p.now) && <MoveForm {...forms} move="undo" label="Undo" />}
              <MoveForm {...forms} move="recall" label="Recall" />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
