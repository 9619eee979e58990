/**
 * Test helpers of kitchen's service tests: a started kitchen on an isolated exchange of the real
 * RabbitMQ, acting as staff, with `order.*` facts published as orders would.
 *
 * @module
 */
import assert from "node:assert/strict";
import { EventObserver, eventually, publishRaw, testBusConfig } from "../common/bus/testing.ts";
import { RpcError } from "../common/errors.ts";
import { encodeEvent } from "../common/events.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { createLogger } from "../common/log.ts";
import { KitchenServiceClient } from "../common/gen/oms/kitchen/v1/kitchen.ts";
import type { LineItem, OrderDetails } from "../common/gen/oms/types/v1/types.ts";
import type { KitchenConfig } from "./config.ts";
import { start } from "./service.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";

const log = createLogger("kitchen", "warn");
/** The trace of the published `order.paid`. */
export const TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/** What a kitchen test gets. */
export interface KitchenTestContext {
  client: KitchenServiceClient;
  config: KitchenConfig;
  observer: EventObserver;
  /** The kitchen's store. */
  kv: Deno.Kv;
}

/** Runs `fn` against a started kitchen on an isolated test exchange, observing `kitchen.*` events. */
export async function withKitchen(
  overrides: Partial<KitchenConfig>,
  fn: (ctx: KitchenTestContext) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kitchen-svc-" });
  const bus = await testBusConfig(dir);
  const config: KitchenConfig = {
    host: "127.0.0.1",
    port: 0,
    kvPath: `${dir}/kitchen.kv`,
    autoPrep: false,
    prepMs: 3000,
    common: bus.config,
    ...overrides,
  };
  const observer = await EventObserver.start(bus.config, "kitchen.#");
  const handle = await start(config, log);
  // acts as staff, as web's kitchen screen does (StartTicket and CompleteTicket are staff-only)
  const client = connect(KitchenServiceClient, `127.0.0.1:${handle.port}`, TEST_SERVICE_TOKEN, {
    staff: TEST_STAFF,
  });
  try {
    await fn({ client, config, observer, kv: handle.kv });
  } finally {
    client.close();
    await handle.stop();
    await observer.close();
    await bus.cleanup();
    await Deno.remove(dir, { recursive: true });
  }
}

export async function publishPaid(
  config: KitchenConfig,
  orderId: string,
  paidAt: Date,
  messageId?: string,
  extra: { number?: number; details?: OrderDetails; items?: LineItem[] } = {},
) {
  const body = encodeEvent("order.paid", {
    orderId,
    customerId: "c-1",
    items: extra.items ??
      [{ itemId: "1", name: "Margherita", quantity: 2, unitPrice: { amount: 850, currency: "EUR" } }],
    paidAt,
    number: extra.number ?? 0,
    details: extra.details,
  });
  await publishRaw(config.common, "order.paid", body, {
    messageId: messageId ?? crypto.randomUUID(),
    headers: { traceparent: TRACE },
  });
}

export async function waitForTicket(client: KitchenServiceClient, orderId: string) {
  return await eventually(
    async () => (await rpc(client, "getTicket", { orderId })).ticket,
    `ticket ${orderId}`,
  );
}

export async function rejectsWith(p: Promise<unknown>, code: string): Promise<RpcError> {
  let caught: unknown;
  await p.catch((err) => caught = err);
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}
