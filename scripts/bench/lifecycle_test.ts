import assert from "node:assert/strict";
import { lifecycleFloorMs, REFERENCE_LIFECYCLE } from "./lifecycle.ts";

Deno.test("the reference lifecycle is 4 HTTP + 5 gRPC + 8 KV + 10 AMQP, priced per primitive", () => {
  assert.deepEqual(REFERENCE_LIFECYCLE, { http: 4, grpc: 5, kv: 8, amqp: 10 });
  // the figures: 4*0.07 + 5*0.29 + 8*0.24 + 10*0.09 = 4.55
  const floor = lifecycleFloorMs({ http: 0.07, grpc: 0.29, kv: 0.24, amqp: 0.09 });
  assert.ok(Math.abs(floor - 4.55) < 1e-9, String(floor));
  assert.equal(
    lifecycleFloorMs({ http: 1, grpc: 0, kv: 0, amqp: 0 }, { http: 2, grpc: 9, kv: 9, amqp: 9 }),
    2,
  );
});
