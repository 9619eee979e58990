import assert from "node:assert/strict";
import { Metadata } from "@grpc/grpc-js";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";
import { OUTBOX_PREFIX } from "../common/bus/outbox.ts";
import { RpcError } from "../common/errors.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { createLogger } from "../common/log.ts";
import { consumerTx, unitOfWork } from "../common/unit_of_work.ts";
import { KitchenServiceClient, TicketStatus } from "../common/gen/oms/kitchen/v1/kitchen.ts";
import { KitchenApp } from "./app.ts";
import { kitchenService } from "./grpc_handlers.ts";
import type { KitchenTicket } from "./domain/ticket.ts";
import { ticketKey } from "./store.ts";

const log = createLogger("kitchen", "warn");

interface Ctx {
  /** Carries only the service token (as a peer service would). */
  client: KitchenServiceClient;
  /** Also carries a staff claim (as web's kitchen screen does). */
  staff: KitchenServiceClient;
  kv: Deno.Kv;
}

/** Runs `fn` against a kitchen gRPC server over an in-memory store holding the queued ticket "o-1". */
async function withKitchen(fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const app = new KitchenApp({ kv, uow: unitOfWork({ kv, kick: () => {}, log }), log });
  const op = kv.atomic();
  await app.orderPaid(consumerTx({ kv, op }), {
    orderId: "o-1",
    customerId: "c-1",
    items: [{ itemId: "1", name: "Margherita", quantity: 1, unitPrice: { amount: 850, currency: "EUR" } }],
    paidAt: new Date(1000),
    number: 0,
    details: undefined,
  });
  assert.ok((await op.commit()).ok);
  const server = await startGrpcServer("127.0.0.1", 0, [
    kitchenService(app, kv, log, new StaffClaims(TEST_SERVICE_TOKEN)),
  ], { serviceToken: TEST_SERVICE_TOKEN });
  const addr = `127.0.0.1:${server.port}`;
  const client = connect(KitchenServiceClient, addr, TEST_SERVICE_TOKEN);
  const staff = connect(KitchenServiceClient, addr, TEST_SERVICE_TOKEN, { staff: TEST_STAFF });
  try {
    await fn({ client, staff, kv });
  } finally {
    client.close();
    staff.close();
    await server.stop(100);
    kv.close();
  }
}

async function deniedAndUnchanged(kv: Deno.Kv, call: () => Promise<unknown>, what: string): Promise<void> {
  const before = await kv.get<KitchenTicket>(ticketKey("o-1"));
  const outboxBefore = await Array.fromAsync(kv.list({ prefix: OUTBOX_PREFIX }));
  let caught: unknown;
  // the call starts only after the snapshot above
  await call().catch((err) => caught = err);
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${caught}`);
  assert.equal(caught.code, "permission_denied");
  assert.equal(caught.message, `${what} is for staff only: the call carries no valid staff claim`);
  const after = await kv.get<KitchenTicket>(ticketKey("o-1"));
  assert.deepEqual(after.value, before.value, "the ticket is unchanged");
  assert.equal(after.versionstamp, before.versionstamp);
  assert.deepEqual(await Array.fromAsync(kv.list({ prefix: OUTBOX_PREFIX })), outboxBefore, "no event");
}

Deno.test("StartTicket and CompleteTicket without a valid staff claim are PERMISSION_DENIED", async () => {
  await withKitchen(async ({ client, staff, kv }) => {
    await deniedAndUnchanged(kv, () => rpc(client, "startTicket", { orderId: "o-1" }), "Starting a ticket");
    // a claim signed under another token is no claim
    const forged = new StaffClaims("another-service-token-0123456789abcdef-x").attach(
      new Metadata(),
      TEST_STAFF,
    );
    await deniedAndUnchanged(
      kv,
      () => rpc(client, "startTicket", { orderId: "o-1" }, { metadata: forged }),
      "Starting a ticket",
    );
    await rpc(staff, "startTicket", { orderId: "o-1" });
    await deniedAndUnchanged(
      kv,
      () => rpc(client, "completeTicket", { orderId: "o-1" }),
      "Completing a ticket",
    );
    assert.equal((await kv.get<KitchenTicket>(ticketKey("o-1"))).value?.status, "preparing");
  });
});

Deno.test("StartTicket and CompleteTicket with a staff claim move the ticket; reads need none", async () => {
  await withKitchen(async ({ client, staff, kv }) => {
    const started = await rpc(staff, "startTicket", { orderId: "o-1" });
    assert.equal(started.ticket?.status, TicketStatus.TICKET_STATUS_PREPARING);
    const ready = await rpc(staff, "completeTicket", { orderId: "o-1" });
    assert.equal(ready.ticket?.status, TicketStatus.TICKET_STATUS_READY);
    assert.equal((await kv.get<KitchenTicket>(ticketKey("o-1"))).value?.status, "ready");
    assert.equal(
      (await rpc(client, "getTicket", { orderId: "o-1" })).ticket?.status,
      TicketStatus.TICKET_STATUS_READY,
    );
    assert.equal((await rpc(client, "listTickets", { status: 0 })).tickets.length, 1);
  });
});
