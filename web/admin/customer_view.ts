/**
 * Customers as the admin's customers pages show them: plain JSON rows from the orders service's
 * customer records, and the notes a customer left on their orders.
 *
 * @module
 */
import type { Customer, Order } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { type MoneyJson, moneyJson } from "../api/order_json.ts";

/** A customer row. */
export interface CustomerRow {
  /** Customer id. */
  id: string;
  /** Contact details from their latest order ("" when not given). */
  name: string;
  phone: string;
  email: string;
  /** Orders placed. */
  orders: number;
  /** Paid minus refunded. */
  spent: MoneyJson;
  /** ISO 8601. */
  firstOrderAt: string | null;
  /** ISO 8601. */
  lastOrderAt: string | null;
}

/** The row of `c`. */
export function customerRow(c: Customer): CustomerRow {
  return {
    id: c.customerId,
    name: c.name,
    phone: c.phone,
    email: c.email,
    orders: Number(c.orderCount),
    spent: moneyJson(c.totalSpent),
    firstOrderAt: c.firstOrderAt?.toISOString() ?? null,
    lastOrderAt: c.lastOrderAt?.toISOString() ?? null,
  };
}

/** A note a customer left for the kitchen on one of their orders. */
export interface CustomerNote {
  /** The order. */
  orderId: string;
  /** Its number (0 for none). */
  number: number;
  /** ISO 8601 of the order. */
  at: string | null;
  /** The note. */
  text: string;
}

/** The notes on `orders` (newest first), those without one left out. */
export function customerNotes(orders: readonly Order[]): CustomerNote[] {
  return orders.filter((o) => (o.details?.note ?? "").trim() !== "").map((o) => ({
    orderId: o.id,
    number: o.number,
    at: o.createdAt?.toISOString() ?? null,
    text: o.details!.note,
  }));
}
