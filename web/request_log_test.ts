import assert from "node:assert/strict";
import { requestLogLevel, SLOW_REQUEST_MS } from "./request_log.ts";

Deno.test("a quick answered request is logged at debug, a 4xx too (the API working as designed)", () => {
  assert.equal(requestLogLevel(200, 3), "debug");
  assert.equal(requestLogLevel(201, SLOW_REQUEST_MS), "debug");
  assert.equal(requestLogLevel(409, 10), "debug");
});

Deno.test("a slow request is logged at warn, past the given threshold", () => {
  assert.equal(requestLogLevel(200, SLOW_REQUEST_MS + 1), "warn");
  assert.equal(requestLogLevel(200, 51, 50), "warn");
  assert.equal(requestLogLevel(200, 50, 50), "debug");
});

Deno.test("a server error is logged at warn, quick or not", () => {
  assert.equal(requestLogLevel(500, 1), "warn");
  assert.equal(requestLogLevel(503, 10_000), "warn");
});
