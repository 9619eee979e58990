import assert from "node:assert/strict";
import { MemoryBroker, MemoryTransport } from "./memory_transport.ts";
import type { Settlement, WireMessage } from "./transport.ts";

const message = (id: string): WireMessage => ({
  id,
  routingKey: "order.paid",
  body: new TextEncoder().encode("{}"),
  attempt: 1,
});

Deno.test("the in-memory bus dead-letters a rejected delivery to <queue>.dead and forgets an acknowledged one", async () => {
  const broker = new MemoryBroker();
  const t = new MemoryTransport(broker);
  const outcome: Record<string, Settlement> = { a: "ack", r: "reject" };
  const delivered: string[] = [];
  await t.consume("q", ["order.*"], (m, settle) => {
    delivered.push(m.id);
    settle(outcome[m.id]);
    settle("ack"); // a second settle does nothing
  });
  await t.publish(message("a"));
  await t.publish(message("r"));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(delivered, ["a", "r"]);
  assert.deepEqual(broker.queue("q.dead").messages.map((m) => m.id), ["r"]);
  await t.stopConsuming();
  assert.deepEqual(broker.queue("q").messages, [], "nothing unsettled went back to the queue");
  assert.equal(t.connected, true);
});
