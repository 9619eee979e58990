import assert from "node:assert/strict";
import type { HandlerContext } from "../common/bus/types.ts";
import type { EventPayload } from "../common/events.ts";
import { firedCounts, resetFiredCounts } from "../common/flags/fired.ts";
import { useFlagValues } from "../common/flags/testing.ts";
import { InjectedConsumerFailure, withKitchenFailureFlags } from "./failure_flags.ts";

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
