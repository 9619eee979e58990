/**
 * Shared fixtures of the payments tests: an order to pay, the use cases on an in-memory KV, and reading the
 * outbox. Test code only.
 *
 * @module
 */
import { createLogger, type Logger } from "../../common/log.ts";
import type { OutboxRecord } from "../../common/bus/types.ts";
import type { OrderToPay } from "../domain/payment.ts";
import { unitOfWork } from "../../common/unit_of_work.ts";
import { PaymentsApp } from "../app.ts";
import type { PaymentProvider } from "../providers/provider.ts";

/** A quiet logger for tests (`LOG_LEVEL=debug` to see more). */
export const testLog: Logger = createLogger("payments-test", "error");

/** A valid order of two pizzas and a cola (2050 EUR cents). */
export function anOrder(
  orderId = `o-${crypto.randomUUID().slice(0, 8)}`,
): OrderToPay & { placedAt: Date | undefined } {
  return {
    orderId,
    customerId: "c-1",
    items: [
      { itemId: "pizza", name: "Pizza Margherita", quantity: 2, unitPrice: { amount: 900, currency: "EUR" } },
      { itemId: "cola", name: "Cola", quantity: 1, unitPrice: { amount: 250, currency: "EUR" } },
    ],
    total: { amount: 2050, currency: "EUR" },
    placedAt: undefined, // no placing time: payments stores the checkout draft (see `placedDraft`)
  };
}

/** Payments' use cases over an in-memory KV with `provider` (and optionally a clock); counts relay kicks. */
export async function inMemoryPayments(
  provider: PaymentProvider,
  now?: () => Date,
): Promise<{ payments: PaymentsApp; kv: Deno.Kv; kicks: () => number }> {
  const kv = await Deno.openKv(":memory:");
  let kicks = 0;
  const payments = new PaymentsApp({
    kv,
    uow: unitOfWork({ kv, kick: () => kicks++, log: testLog }),
    provider,
    publicUrl: "http://shop.test",
    expiryMinutes: 30,
    log: testLog,
    ...(now ? { now } : {}),
  });
  return { payments, kv, kicks: () => kicks };
}

/** One outbox record with its body parsed. */
export interface OutboxEvent {
  /** The routing key. */
  routingKey: string;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** The trace context carried, if any. */
  traceparent?: string;
}

/** The outbox records in `kv`, oldest first. */
export async function outbox(kv: Deno.Kv, routingKey?: string): Promise<OutboxEvent[]> {
  const out: OutboxEvent[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: ["outbox"] })) {
    if (routingKey && e.value.routingKey !== routingKey) continue;
    out.push({
      routingKey: e.value.routingKey,
      body: JSON.parse(e.value.body),
      ...(e.value.traceparent ? { traceparent: e.value.traceparent } : {}),
    });
  }
  return out;
}
