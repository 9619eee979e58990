/**
 * An order status as a coloured pill ("Waiting for payment").
 *
 * @module
 */
import { statusLabel } from "../../lib/order_view.ts";

/** The pill. */
export function StatusPill({ status }: { status: string }) {
  return <span class={`status-pill status-${status}`} data-status={status}>{statusLabel(status)}</span>;
}
