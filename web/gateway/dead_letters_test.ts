import assert from "node:assert/strict";
import { CONSUMERS, isConsumer } from "./dead_letters.ts";
import { rejectsWith, startGatewaySystem, TEST_OPTS } from "./testing.ts";

Deno.test("isConsumer names exactly the four consuming services", () => {
  assert.deepEqual(CONSUMERS.filter(isConsumer), ["orders", "stock", "payments", "kitchen"]);
  assert.equal(isConsumer("web"), false);
});

Deno.test(
  "dead-letters facade: each service lists its parked messages; unknown ids and a down service fail typed",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem(); // kitchen is not started
    try {
      for (const service of ["orders", "stock", "payments"] as const) {
        assert.deepEqual(
          await sys.staff.deadLetters.list(service, 10),
          { letters: [], more: false },
          service,
        );
      }
      await rejectsWith(sys.staff.deadLetters.replay("orders", "no-such-id"), 404, "not_found");
      await rejectsWith(sys.staff.deadLetters.discard("stock", "no-such-id"), 404, "not_found");
      const down = await rejectsWith(sys.staff.deadLetters.list("kitchen", 10), 503, "unavailable");
      assert.match(down.message, /^The kitchen service is unavailable/);
    } finally {
      await sys.stop();
    }
  },
);
