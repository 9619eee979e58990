/**
 * The kitchen screens' one-tap moves, read from a posted form and made through the gateway: `start`,
 * `complete` (bump), `undo` (the last start or bump, within the kitchen's undo window), `recall` (a
 * bumped ticket back to preparing) — of the whole ticket, or of one station's part when the form names
 * a `station` — and `handover` (the order's "Mark completed"). Every field is checked before any call;
 * the kitchen service decides what is allowed (and who did it, from the staff claim).
 *
 * @module
 */
import type { Logger } from "../../services/common/log.ts";
import { toApiError } from "../api/errors.ts";
import type { Gateway } from "../gateway/mod.ts";
import { isStationName, type KitchenMove, screenPath } from "./kitchen_view.ts";
import { runOrderAction } from "./order_actions.ts";

export type { KitchenMove };

const MOVES: readonly string[] = ["start", "complete", "undo", "recall", "handover"];

/** A checked move request. */
export interface MoveRequest {
  move: KitchenMove;
  orderId: string;
  /** "" for the whole ticket. */
  station: string;
  /** Where a plain form post returns: the screen it came from. */
  back: string;
}

const DONE: Record<KitchenMove, (n: string) => string> = {
  start: (n) => `Started order ${n}.`,
  complete: (n) => `Order ${n} is ready.`,
  undo: (n) => `Undone: order ${n} is back.`,
  recall: (n) => `Recalled order ${n}: preparing again.`,
  handover: (n) => `Order ${n} handed over (completed).`,
};

const FAILED: Record<KitchenMove, string> = {
  start: "Could not start",
  complete: "Could not complete",
  undo: "Could not undo",
  recall: "Could not recall",
  handover: "Could not hand over",
};

/** Reads and checks a posted move; the request, or the message saying what is wrong. */
export function readMove(form: URLSearchParams): MoveRequest | { error: string } {
  const orderId = (form.get("orderId") ?? "").trim();
  const action = form.get("action") ?? "";
  const station = (form.get("station") ?? "").trim();
  const screen = (form.get("screen") ?? "").trim();
  const back = screenPath(isStationName(screen) ? screen : "", form.get("display") === "1");
  if (!orderId || orderId.length > 64) return { error: "Choose a ticket to move." };
  if (!MOVES.includes(action)) return { error: `Unknown action "${action.slice(0, 40)}".` };
  if (station && !isStationName(station)) return { error: "Unknown station." };
  if (station && action === "handover") return { error: "Hand-over is for the whole order." };
  return { move: action as KitchenMove, orderId, station, back };
}

/** The message of a done move. */
export function doneText(req: MoveRequest): string {
  return DONE[req.move](req.orderId.slice(0, 8));
}

/** Makes the move; null when done, else why not (nothing changed). */
export async function runMove(
  gw: Gateway,
  log: Logger,
  req: MoveRequest,
): Promise<{ status: number; message: string } | null> {
  const { move, orderId, station } = req;
  try {
    if (move === "start") await gw.kitchen.start(orderId, station);
    else if (move === "complete") await gw.kitchen.complete(orderId, station);
    else if (move === "undo") await gw.kitchen.undo(orderId, station);
    else if (move === "recall") await gw.kitchen.recall(orderId, station);
    else {
      // The same checked action as the order page's "Mark completed", minus its confirmation step.
      const order = await gw.orders.find(orderId);
      if (!order) return { status: 404, message: "no such order" };
      const result = await runOrderAction(gw.orders, log, order, "complete");
      if (!result.ok) return { status: result.status, message: result.message };
    }
    return null;
  } catch (err) {
    const e = toApiError(err, move === "handover" ? "orders" : "kitchen");
    return { status: e.status, message: e.message };
  }
}

/** The message of a refused move. */
export function failedText(req: MoveRequest, reason: string): string {
  return `${FAILED[req.move]} order ${req.orderId.slice(0, 8)}: ${reason}`;
}
