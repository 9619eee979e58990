import assert from "node:assert/strict";
import { startGrpcServer } from "../services/common/grpc_server.ts";
import { ServingStatus } from "../services/common/health.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";
import { freePort } from "./launcher.ts";
import { checkGrpcHealth, decodeHealthResponse, encodeHealthRequest, h2cClient } from "./grpc_health.ts";

Deno.test("checkGrpcHealth reads grpc-js's health service: NOT_SERVING while starting, then SERVING", async () => {
  const server = await startGrpcServer("127.0.0.1", 0, [], { serviceToken: TEST_SERVICE_TOKEN });
  const addr = `127.0.0.1:${server.port}`;
  const client = h2cClient();
  try {
    assert.equal(await checkGrpcHealth(addr, { client }), "NOT_SERVING");
    server.health.setAll(ServingStatus.SERVING);
    assert.equal(await checkGrpcHealth(addr, { client }), "SERVING");
    assert.equal(await checkGrpcHealth(addr), "SERVING", "with a client of its own");
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("checkGrpcHealth rejects a gRPC error (an unknown service) with its status and message", async () => {
  const server = await startGrpcServer("127.0.0.1", 0, [], { serviceToken: TEST_SERVICE_TOKEN });
  try {
    await assert.rejects(
      () => checkGrpcHealth(`127.0.0.1:${server.port}`, { service: "oms.nowhere.v1.Nothing" }),
      /grpc-status 5/,
    );
  } finally {
    await server.stop();
  }
});

Deno.test("checkGrpcHealth rejects when nothing listens", async () => {
  await assert.rejects(() => checkGrpcHealth(`127.0.0.1:${freePort()}`, { timeoutMs: 1000 }));
});

Deno.test("the request frame carries the service name; the response frame's status is read, absent means UNKNOWN", () => {
  assert.deepEqual([...encodeHealthRequest("")], [0, 0, 0, 0, 0]);
  assert.deepEqual([...encodeHealthRequest("ab")], [0, 0, 0, 0, 4, 0x0a, 2, 97, 98]);
  assert.equal(decodeHealthResponse(new Uint8Array([0, 0, 0, 0, 2, 8, 1])), 1);
  assert.equal(decodeHealthResponse(new Uint8Array([0, 0, 0, 0, 0])), 0);
  assert.throws(() => decodeHealthResponse(new Uint8Array([0, 0, 0, 0, 9, 8])), /truncated/);
});
