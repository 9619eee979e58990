/**
 * A payments store and use cases on the real Stripe adapter talking to the Stripe stand-in, with a
 * webhook endpoint that hands deliveries to `handleProviderEvent` as web's does, for the reconciliation
 * tests. Test code only.
 *
 * @module
 */
import { PaymentStatus } from "../../common/gen/oms/payments/v1/payments.ts";
import type { PaymentsApp } from "../app.ts";
import type { PaymentRecord } from "../domain/lifecycle.ts";
import { StripePaymentProvider } from "../providers/stripe.ts";
import { type ReconcileDeps, reconcileOnce, type ReconcileReport } from "../reconcile.ts";
import { readPayment } from "../store.ts";
import { anOrder, inMemoryPayments, outbox, testLog } from "./fixtures.ts";
import { StripeStandIn } from "./stripe_stand_in.ts";

/** The webhook signing secret of the fixture. */
export const RECONCILE_SECRET = "whsec_reconcile_test";

/** What a reconciliation test works with. */
export interface ReconcileFixture {
  standIn: StripeStandIn;
  provider: StripePaymentProvider;
  payments: PaymentsApp;
  kv: Deno.Kv;
  /** Webhook deliveries the endpoint handed on, with whether each was a first delivery. */
  deliveries: { eventId: string; firstDelivery: boolean }[];
  /** The deps of one run (window 1 day, no grace). */
  deps: ReconcileDeps;
  /** One run with {@linkcode deps} and `overrides`. */
  run(overrides?: Partial<ReconcileDeps>): Promise<ReconcileReport>;
  /** A new order's open payment. */
  openPayment(): Promise<PaymentRecord>;
  /** The order's payment now. */
  payment(orderId: string): Promise<PaymentRecord>;
  /** The `payment.succeeded` records in the outbox for the order. */
  succeeded(orderId: string): Promise<number>;
}

/** Runs `fn` with a fresh fixture and tears it down. */
export async function withReconcile(fn: (t: ReconcileFixture) => Promise<void>): Promise<void> {
  const standIn = StripeStandIn.start();
  const provider = new StripePaymentProvider({
    secretKey: "sk_test_reconcile",
    webhookSecret: RECONCILE_SECRET,
    apiUrl: standIn.url,
  });
  const { payments, kv } = await inMemoryPayments(provider);
  const deliveries: ReconcileFixture["deliveries"] = [];
  const endpoint = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = new Uint8Array(await req.arrayBuffer());
    const result = await payments.handleProviderEvent(
      "stripe",
      body,
      req.headers.get("stripe-signature") ?? "",
    );
    deliveries.push({
      eventId: JSON.parse(new TextDecoder().decode(body)).id,
      firstDelivery: result.firstDelivery,
    });
    return Response.json({ received: true });
  });
  standIn.setWebhook(`http://127.0.0.1:${endpoint.addr.port}/api/webhooks/stripe`, RECONCILE_SECRET);
  const deps: ReconcileDeps = { kv, payments, provider, log: testLog, windowMs: 24 * 3600_000, graceMs: 0 };
  try {
    await fn({
      standIn,
      provider,
      payments,
      kv,
      deliveries,
      deps,
      run: (overrides = {}) => reconcileOnce({ ...deps, ...overrides }),
      openPayment: async () => {
        const payment = await payments.createPaymentLink(anOrder());
        if (payment.status !== PaymentStatus.PAYMENT_STATUS_OPEN) throw new Error("payment not open");
        return payment;
      },
      payment: async (orderId) => (await readPayment(kv, orderId)).value!,
      succeeded: async (orderId) =>
        (await outbox(kv, "payment.succeeded")).filter((e) => e.body.orderId === orderId).length,
    });
  } finally {
    await standIn.stop();
    await endpoint.shutdown();
    kv.close();
  }
}
