import assert from "node:assert/strict";
import { Consumer } from "../common/bus/consumer.ts";
import { listDeadLetters } from "../common/bus/dead_letters.ts";
import type { Transport, WireMessage } from "../common/bus/transport.ts";
import type { HandlerContext } from "../common/bus/types.ts";
import { createLogger } from "../common/log.ts";
import type { EventPayload } from "../common/events.ts";
import { firedCounts, resetFiredCounts } from "../common/flags/fired.ts";
import { useFlagValues } from "../common/flags/testing.ts";
import { InjectedConsumerFailure, withKitchenFailureFlags } from "./failure_flags.ts";
import { readAheadKeysOf } from "../common/bus/read_ahead.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import { KitchenApp } from "./app.ts";
import { kitchenEventHandlers } from "./event_handlers.ts";
import { ticketKey } from "./store.ts";

const ctx = { messageId: "m-1", routingKey: "order.paid", attempt: 1 } as HandlerContext;
const event = {} as EventPayload<"order.paid">;

Deno.test("kitchenConsumerFailureRate at 1 fails each delivery with a transient error before the handler runs; at 0 the handler runs", async () => {
  resetFiredCounts();
  let ran = 0;
  const handlers = withKitchenFailureFlags({
    "order.paid": () => {
      ran++;
      return Promise.resolve();
    },
  });
  const flags = useFlagValues({ kitchenConsumerFailureRate: 1 });
  try {
    await assert.rejects(() => handlers["order.paid"]!(event, ctx), InjectedConsumerFailure);
    assert.equal(ran, 0, "the store is not touched");
    assert.equal(firedCounts().kitchenConsumerFailureRate, 1);
    flags.set("kitchenConsumerFailureRate", 0);
    await handlers["order.paid"]!(event, ctx);
    assert.equal(ran, 1);
  } finally {
    flags.restore();
  }
  await handlers["order.paid"]!(event, ctx); // flags off
  assert.equal(ran, 2);
});

Deno.test("kitchenConsumerFailureRate never fails a delivery's last attempt: at 1, the consumer retries each injected failure and the last attempt is processed, nothing is parked", async () => {
  resetFiredCounts();
  const kv = await Deno.openKv(":memory:");
  let ran = 0;
  const retried: WireMessage[] = [];
  const consumer = new Consumer({
    service: "kitchen",
    queue: "q.kitchen",
    kv,
    transport: {
      retryLater: (_q: string, m: WireMessage) => {
        retried.push(m);
        return Promise.resolve();
      },
    } as unknown as Transport,
    handlers: withKitchenFailureFlags({
      "order.paid": () => {
        ran++;
        return Promise.resolve();
      },
    }),
    retryDelaysMs: [10, 20],
    log: createLogger("kitchen", "error"),
  });
  const flags = useFlagValues({ kitchenConsumerFailureRate: 1 });
  try {
    let message: WireMessage = {
      id: "m-paid",
      routingKey: "order.paid",
      body: new TextEncoder().encode(JSON.stringify({ orderId: "o-1", customerId: "c", items: [] })),
      attempt: 1,
      userId: "oms-orders",
    };
    const outcomes: string[] = [];
    for (;;) {
      outcomes.push(await consumer.handle(message));
      const next = retried.shift();
      if (!next) break;
      message = next;
    }
    assert.deepEqual(
      outcomes,
      ["retry", "retry", "processed"],
      "two injected failures, then the last attempt runs",
    );
    assert.equal(ran, 1);
    assert.equal(firedCounts().kitchenConsumerFailureRate, 2);
    assert.deepEqual(await listDeadLetters(kv), [], "nothing parked");
  } finally {
    flags.restore();
    kv.close();
  }
});

Deno.test("a context made by hand (no lastAttempt) still gets injected failures; lastAttempt true never does", async () => {
  let ran = 0;
  const handlers = withKitchenFailureFlags({
    "order.paid": () => {
      ran++;
      return Promise.resolve();
    },
  });
  const flags = useFlagValues({ kitchenConsumerFailureRate: 1 });
  try {
    await assert.rejects(
      () => handlers["order.paid"]!(event, { ...ctx, attempt: 9 }),
      InjectedConsumerFailure,
    );
    await handlers["order.paid"]!(event, { ...ctx, attempt: 3, lastAttempt: true });
    assert.equal(ran, 1);
  } finally {
    flags.restore();
  }
});

Deno.test("the failure-flag wrapper keeps each handler's read-ahead keys: order.paid reads its ticket ahead", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const app = new KitchenApp({
      kv,
      uow: unitOfWork({ kv, kick: () => {}, log: createLogger("kitchen", "error") }),
      log: createLogger("kitchen", "error"),
    });
    const handlers = withKitchenFailureFlags(kitchenEventHandlers(app, createLogger("kitchen", "error")));
    const event = { orderId: "o-1" } as EventPayload<"order.paid">;
    assert.deepEqual(readAheadKeysOf(handlers["order.paid"]!, event), [ticketKey("o-1")]);
  } finally {
    kv.close();
  }
});
