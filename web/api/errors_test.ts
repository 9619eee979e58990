import assert from "node:assert/strict";
import { RpcError } from "../../services/common/errors.ts";
import { ApiError, toApiError } from "./errors.ts";

Deno.test("toApiError keeps an ApiError, maps a service error through the gateway, hides anything else", () => {
  const own = new ApiError(415, "unsupported_media_type", "No");
  assert.equal(toApiError(own), own);
  const mapped = toApiError(new RpcError("not_found", `Order "x" not found`), "orders");
  assert.equal(mapped.status, 404);
  assert.equal(mapped.message, `Order "x" not found`);
  const down = toApiError(new RpcError("unavailable", "no connection"), "kitchen");
  assert.match(down.message, /^The kitchen service is unavailable/);
  const e = toApiError(new TypeError("x is undefined"));
  assert.deepEqual([e.status, e.toJSON()], [500, { error: { code: "internal", message: "Internal error" } }]);
});
