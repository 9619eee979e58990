import assert from "node:assert/strict";
import { Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import { type ErrorCode, RpcError } from "../../services/common/errors.ts";
import { ApiError } from "../api/api_error.ts";
import { fromRpcError, upstreamError } from "./errors.ts";

Deno.test("fromRpcError gives every service error code its HTTP status and keeps code, field and message", () => {
  const cases: [ErrorCode, number][] = [
    ["invalid_argument", 422],
    ["unknown_item", 422],
    ["idempotency_key_reused", 422],
    ["not_found", 404],
    ["out_of_stock", 409],
    ["illegal_transition", 409],
    ["already_exists", 409],
    ["permission_denied", 403],
  ];
  for (const [code, status] of cases) {
    const e = fromRpcError(new RpcError(code, `Problem "x"`, { field: "items[0].id" }), "orders");
    assert.equal(e.status, status, code);
    const items = code === "out_of_stock" ? { items: [] } : {};
    assert.deepEqual(e.toJSON(), { error: { code, message: `Problem "x"`, field: "items[0].id", ...items } });
  }
});

Deno.test("a service's snake_case field reaches the client in the API's camelCase", () => {
  const cases: [string, string][] = [
    ["order_id", "orderId"],
    ["items[1].item_id", "items[1].itemId"],
    ["items[0].unit_price.amount", "items[0].unitPrice.amount"],
    ["details.pickup_at", "details.pickupAt"],
    ["items[0].id", "items[0].id"],
  ];
  for (const [sent, shown] of cases) {
    const e = upstreamError(new RpcError("invalid_argument", "Bad", { field: sent }), "orders");
    assert.equal(e.field, shown, sent);
    assert.equal(e.toJSON().error.field, shown, sent);
  }
  assert.equal("field" in upstreamError(new RpcError("not_found", "No"), "orders").toJSON().error, false);
});

Deno.test("out_of_stock lists the short items as {id, name, requested, available}", () => {
  const e = fromRpcError(
    new RpcError("out_of_stock", "Not enough Margherita", {
      shortages: [{ itemId: "1", name: "Margherita", requested: 30, available: 25 }],
    }),
    "orders",
  );
  assert.deepEqual(e.toJSON().error.items, [{ id: "1", name: "Margherita", requested: 30, available: 25 }]);
});

Deno.test("unavailable names the peer when it did not answer, and keeps the peer's words when it did", () => {
  const transport = new RpcError("unavailable", "The 127.0.0.1:1 service is unavailable (No connection)");
  const e = fromRpcError(transport, "stock");
  assert.equal(e.status, 503);
  assert.match(e.message, /^The stock service is unavailable or failed during the call\. Retrying is safe/);
  assert.match(e.message, /Idempotency-Key/);
  assert.equal(e.headers["Retry-After"], "5");
  assert.deepEqual(e.toJSON(), { error: { code: "unavailable", message: e.message, retryable: true } });

  const sent = new RpcError("unavailable", "Order is still being created; try again shortly")
    .toServiceError();
  const md = sent.metadata ?? new Metadata();
  const rebuilt = RpcError.fromServiceError(
    { name: "Error", message: "", code: GrpcStatus.UNAVAILABLE, details: "", metadata: md },
    "127.0.0.1:1",
  );
  assert.equal(fromRpcError(rebuilt, "orders").message, "Order is still being created; try again shortly");
});

Deno.test("internal errors and anything unexpected become 500 Internal error without details", () => {
  for (
    const thrown of [
      new RpcError("internal", "db exploded at line 3"),
      new TypeError("x is undefined"),
      "str",
    ]
  ) {
    const e = upstreamError(thrown, "orders");
    assert.equal(e.status, 500);
    assert.deepEqual(e.toJSON(), { error: { code: "internal", message: "Internal error" } });
  }
  const own = new ApiError(415, "unsupported_media_type", "No");
  assert.equal(upstreamError(own, "orders"), own);
});

Deno.test("a call whose stream was reset before any status (peer died mid-call) is a retryable 503", () => {
  const reset = RpcError.fromServiceError(
    {
      name: "Error",
      message: "",
      code: GrpcStatus.INTERNAL,
      details: "Received RST_STREAM with code 2 triggered by internal client error",
      metadata: new Metadata(),
    },
    "127.0.0.1:1",
  );
  assert.equal(reset.code, "unavailable");
  const e = upstreamError(reset, "orders");
  assert.equal(e.status, 503);
  assert.equal(e.toJSON().error.retryable, true);
  const otherInternal = RpcError.fromServiceError(
    { name: "Error", message: "", code: GrpcStatus.INTERNAL, details: "boom", metadata: new Metadata() },
    "127.0.0.1:1",
  );
  assert.equal(upstreamError(otherInternal, "orders").status, 500, "a real internal error stays 500");
});

Deno.test("only 503 answers say retryable; others leave it out", () => {
  assert.equal(
    "retryable" in upstreamError(new RpcError("not_found", "No order"), "orders").toJSON().error,
    false,
  );
  assert.equal(upstreamError(new TypeError("x"), "orders").toJSON().error.retryable, undefined);
});
