/**
 * Test support for the facades (test code only): a system of real services (`web/testing.ts`) and
 * gateways over its clients, as a customer would call (trace context, no staff claim) and as staff
 * (a signed staff claim on every call).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Order, OrderStatus } from "../../services/common/gen/oms/orders/v1/orders.ts";
import { LocalOutcome } from "../../services/common/gen/oms/payments/v1/payments.ts";
import { newTraceparent } from "../../services/common/trace.ts";
import { ADMIN_STAFF } from "../api/deps.ts";
import { ApiError } from "../api/api_error.ts";
import { startSystem, type TestSystem } from "../testing.ts";
import { callOptions } from "./call_options.ts";
import { createGateway, type Gateway } from "./mod.ts";

/** A running system with a customer's and a staff member's gateway over it. */
export interface GatewaySystem extends TestSystem {
  /** Calls as a customer's request would. */
  customer: Gateway;
  /** Calls as a staff request would (signed staff claim). */
  staff: Gateway;
}

/** Starts the services (`options` as for `startSystem`) and the two gateways. */
export async function startGatewaySystem(
  options: Parameters<typeof startSystem>[0] = {},
): Promise<GatewaySystem> {
  const sys = await startSystem(options);
  const customer = createGateway(
    sys.deps.clients,
    () => callOptions({ traceparent: newTraceparent() }, sys.deps),
  );
  const staff = createGateway(
    sys.deps.clients,
    () => callOptions({ traceparent: newTraceparent(), staff: ADMIN_STAFF }, sys.deps),
  );
  return { ...sys, customer, staff };
}

/** Asserts that `p` rejects with an `ApiError` of `status` and `code`; returns it. */
export async function rejectsWith(p: Promise<unknown>, status: number, code: string): Promise<ApiError> {
  const err = await p.then(() => null, (e: unknown) => e);
  assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
  assert.deepEqual([err.status, err.code], [status, code], err.message);
  return err;
}

/** The order `orderId` once it has reached `status` (asked until it has). */
export async function orderIn(gw: Gateway, orderId: string, status: OrderStatus): Promise<Order> {
  for (;;) {
    const order = await gw.orders.find(orderId);
    if (order?.status === status) return order;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A new order of alice's, paid through the local checkout. */
export async function paidOrder(gw: Gateway): Promise<Order> {
  const order = await gw.orders.create("alice", [{ itemId: "1", quantity: 1 }], "");
  const sessionId = order.paymentLink.split("/").at(-1) ?? "";
  await gw.payments.completeLocalCheckout(sessionId, LocalOutcome.LOCAL_OUTCOME_PAY);
  return order;
}

/** Test options: the services' timers and connections outlive a single test's sanitizers. */
export const TEST_OPTS = { sanitizeOps: false, sanitizeResources: false };
