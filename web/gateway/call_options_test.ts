import assert from "node:assert/strict";
import { STAFF_METADATA_KEY, StaffClaims } from "../../services/common/auth/staff_claim.ts";
import { newTraceparent } from "../../services/common/trace.ts";
import { callOptions } from "./call_options.ts";

const settings = { rpcTimeoutMs: 1234, staffClaims: new StaffClaims("s".repeat(32)) };

Deno.test("a customer's call carries the request's traceparent and the deadline, and no staff claim", () => {
  const traceparent = newTraceparent();
  const opts = callOptions({ traceparent }, settings);
  assert.equal(opts.timeoutMs, 1234);
  assert.deepEqual(opts.metadata?.get("traceparent"), [traceparent]);
  assert.deepEqual(opts.metadata?.get(STAFF_METADATA_KEY), []);
});

Deno.test("a staff request's call carries a claim signed for that staff member", () => {
  const opts = callOptions(
    { traceparent: newTraceparent(), staff: { sub: "ann", role: "manager" } },
    settings,
  );
  const [claim] = opts.metadata?.get(STAFF_METADATA_KEY) ?? [];
  assert.equal(typeof claim, "string");
  const verified = settings.staffClaims.verify(claim as string);
  assert.deepEqual(verified && { sub: verified.sub, role: verified.role }, { sub: "ann", role: "manager" });
});
