import assert from "node:assert/strict";
import { Metadata } from "@grpc/grpc-js";
import { StaffClaims } from "../auth/staff_claim.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../auth/testing.ts";
import { RpcError } from "../errors.ts";
import { DeadLettersServiceClient } from "../gen/oms/deadletters/v1/deadletters.ts";
import { connect, rpc } from "../grpc_client.ts";
import { startGrpcServer } from "../grpc_server.ts";
import { createLogger } from "../log.ts";
import { DEAD_LETTER_PREFIX, deadLettersService, listDeadLetters, park } from "./dead_letters.ts";
import type { Transport, WireMessage } from "./transport.ts";

const log = createLogger("kitchen", "warn");

interface Ctx {
  /** Carries only the service token. */
  client: DeadLettersServiceClient;
  /** Also carries a staff claim (as web's admin does). */
  staff: DeadLettersServiceClient;
  kv: Deno.Kv;
  /** What replay sent, by queue. */
  sent: { queue: string; message: WireMessage }[];
}

/** Runs `fn` against a DeadLettersService over an in-memory store with two parked messages, d-1 and d-2. */
async function withDeadLetters(fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  for (const id of ["d-1", "d-2"]) {
    await park(kv, "kitchen", {
      id,
      routingKey: "order.paid",
      body: new TextEncoder().encode(`{"orderId":"${id}"}`),
      attempt: 3,
    }, "printer jammed");
  }
  const sent: Ctx["sent"] = [];
  const transport = {
    sendToQueue: (queue: string, message: WireMessage) => {
      sent.push({ queue, message });
      return Promise.resolve();
    },
  } as unknown as Transport;
  const server = await startGrpcServer("127.0.0.1", 0, [
    deadLettersService({
      kv,
      service: "kitchen",
      queue: "kitchen.q",
      transport: () => transport,
      staffClaims: new StaffClaims(TEST_SERVICE_TOKEN),
      log,
    }),
  ], { serviceToken: TEST_SERVICE_TOKEN });
  const addr = `127.0.0.1:${server.port}`;
  const client = connect(DeadLettersServiceClient, addr, TEST_SERVICE_TOKEN);
  const staff = connect(DeadLettersServiceClient, addr, TEST_SERVICE_TOKEN, { staff: TEST_STAFF });
  try {
    await fn({ client, staff, kv, sent });
  } finally {
    client.close();
    staff.close();
    await server.stop(100);
    kv.close();
  }
}

async function snapshot(kv: Deno.Kv) {
  return (await Array.fromAsync(kv.list({ prefix: DEAD_LETTER_PREFIX }))).map((e) => [e.key, e.versionstamp]);
}

async function deniedAndUnchanged(ctx: Ctx, call: () => Promise<unknown>, what: string): Promise<void> {
  const before = await snapshot(ctx.kv);
  const sentBefore = ctx.sent.length;
  let caught: unknown;
  // the call starts only after the snapshot above
  await call().catch((err) => caught = err);
  assert.ok(caught instanceof RpcError, `expected an RpcError, got ${caught}`);
  assert.equal(caught.code, "permission_denied");
  assert.equal(caught.message, `${what} is for staff only: the call carries no valid staff claim`);
  assert.deepEqual(await snapshot(ctx.kv), before, "every dead letter is still parked, unchanged");
  assert.equal(ctx.sent.length, sentBefore, "nothing was replayed");
}

Deno.test("ReplayDeadLetter and DiscardDeadLetter without a valid staff claim are PERMISSION_DENIED", async () => {
  await withDeadLetters(async (ctx) => {
    const { client } = ctx;
    await deniedAndUnchanged(
      ctx,
      () => rpc(client, "replayDeadLetter", { id: "d-1" }),
      "Replaying a dead letter",
    );
    await deniedAndUnchanged(
      ctx,
      () => rpc(client, "discardDeadLetter", { id: "d-1" }),
      "Discarding a dead letter",
    );
    // a claim signed under another token is no claim
    const forged = new StaffClaims("another-service-token-0123456789abcdef-x");
    const metadata = () => forged.attach(new Metadata(), TEST_STAFF);
    await deniedAndUnchanged(
      ctx,
      () => rpc(client, "replayDeadLetter", { id: "d-1" }, { metadata: metadata() }),
      "Replaying a dead letter",
    );
    await deniedAndUnchanged(
      ctx,
      () => rpc(client, "discardDeadLetter", { id: "d-2" }, { metadata: metadata() }),
      "Discarding a dead letter",
    );
    // listing is a read: the service token is enough
    const listed = await rpc(client, "listDeadLetters", { limit: 10 });
    assert.deepEqual(listed.deadLetters.map((d) => d.id), ["d-1", "d-2"]);
  });
});

Deno.test("ReplayDeadLetter and DiscardDeadLetter with a staff claim replay and discard", async () => {
  await withDeadLetters(async (ctx) => {
    await rpc(ctx.staff, "replayDeadLetter", { id: "d-1" });
    assert.equal(ctx.sent.length, 1);
    assert.equal(ctx.sent[0]!.queue, "kitchen.q");
    assert.equal(ctx.sent[0]!.message.id, "d-1");
    assert.equal(new TextDecoder().decode(ctx.sent[0]!.message.body), '{"orderId":"d-1"}');
    assert.deepEqual((await listDeadLetters(ctx.kv)).map((d) => d.id), ["d-2"]);
    await rpc(ctx.staff, "discardDeadLetter", { id: "d-2" });
    assert.deepEqual(await listDeadLetters(ctx.kv), []);
    assert.equal(ctx.sent.length, 1, "discard sends nothing");
  });
});
