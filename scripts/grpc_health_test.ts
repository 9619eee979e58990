import assert from "node:assert/strict";
import { startGrpcServer } from "../services/common/grpc_server.ts";
import { ServingStatus } from "../services/common/health.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";
import { freePort } from "./launcher.ts";
import {
  checkConnectHealth,
  checkGrpcHealth,
  decodeHealthMessage,
  decodeHealthResponse,
  encodeHealthMessage,
  encodeHealthRequest,
  h2cClient,
} from "./grpc_health.ts";

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

Deno.test("checkConnectHealth reads the same health service over the Connect port: NOT_SERVING, then SERVING", async () => {
  const server = await startGrpcServer("127.0.0.1", 0, [], {
    serviceToken: TEST_SERVICE_TOKEN,
    connectPort: 0,
  });
  const addr = `127.0.0.1:${server.connectPort}`;
  try {
    assert.equal(await checkConnectHealth(addr), "NOT_SERVING");
    server.health.setAll(ServingStatus.SERVING);
    assert.equal(await checkConnectHealth(addr), "SERVING");
    await assert.rejects(
      () => checkConnectHealth(addr, { service: "oms.nowhere.v1.Nothing" }),
      /health check failed: HTTP 404 not_found/,
    );
  } finally {
    await server.stop();
  }
  await assert.rejects(() => checkConnectHealth(addr, { timeoutMs: 1000 }), "nothing listens any more");
});

Deno.test("the unframed messages Connect carries: the service name in, the status out", () => {
  assert.deepEqual([...encodeHealthMessage("")], []);
  assert.deepEqual([...encodeHealthMessage("a.B")], [0x0a, 3, 0x61, 0x2e, 0x42]);
  assert.equal(decodeHealthMessage(new Uint8Array([0x08, 1])), 1);
  assert.equal(decodeHealthMessage(new Uint8Array([])), 0);
  assert.throws(() => decodeHealthMessage(new Uint8Array([0x0b])), /wire type 3/);
});

/** A grpc-js server (gRPC and Connect ports, SERVING) in a `deno run` process of its own. */
const SERVER = `
import { startGrpcServer } from "${new URL("../services/common/grpc_server.ts", import.meta.url)}";
import { ServingStatus } from "${new URL("../services/common/health.ts", import.meta.url)}";
import { TEST_SERVICE_TOKEN } from "${new URL("../services/common/auth/testing.ts", import.meta.url)}";
const server = await startGrpcServer("127.0.0.1", 0, [], { serviceToken: TEST_SERVICE_TOKEN, connectPort: 0 });
server.health.setAll(ServingStatus.SERVING);
console.log(server.connectPort);
for await (const _ of Deno.stdin.readable) { /* until the test closes stdin */ }
await server.stop();
`;

Deno.test("a server probed 1,000 times over Connect, four at a time, stays up (HTTP/2 probes can abort it: deno#36788)", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", SERVER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  try {
    const port = Number((await lines.read()).value?.trim());
    assert.ok(port > 0, "the server's Connect port");
    const addr = `127.0.0.1:${port}`;
    let probes = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (probes < 1000) {
        probes++;
        assert.equal(await checkConnectHealth(addr), "SERVING");
      }
    }));
    assert.equal(await checkConnectHealth(addr), "SERVING", "still serving after the probes");
  } finally {
    await child.stdin.close();
    await lines.cancel();
    const status = await child.status;
    const err = await stderr;
    assert.equal(status.code, 0, `the server exits cleanly, not aborted: ${err.slice(-500)}`);
  }
});
