import assert from "node:assert/strict";
import { startGrpcServer } from "../services/common/grpc_server.ts";
import { ServingStatus } from "../services/common/health.ts";
import { probe } from "./healthcheck.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./healthcheck.ts", import.meta.url).pathname, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, out: text };
}

/**
 * A server that starts NOT_SERVING, probed through `target` (the probe and the CLI) at `addr`: unhealthy
 * (exit 1), then healthy (exit 0) once SERVING, then "did not answer" once stopped.
 */
async function assertProbeFollowsHealth(
  server: Awaited<ReturnType<typeof startGrpcServer>>,
  target: string,
  addr: string,
): Promise<void> {
  try {
    const starting = await probe(target);
    assert.equal(starting.ok, false);
    assert.match(starting.detail, /NOT_SERVING/);
    assert.equal((await cli(target)).code, 1, "NOT_SERVING while starting exits 1");

    server.health.setAll(ServingStatus.SERVING);
    assert.deepEqual(await probe(target), { ok: true, detail: `${addr} is SERVING` });
    const serving = await cli(target);
    assert.equal(serving.code, 0, serving.out);
  } finally {
    await server.stop();
  }
  const gone = await probe(target, 1000);
  assert.equal(gone.ok, false);
  assert.match(gone.detail, /did not answer/);
}

Deno.test("the gRPC probe is healthy only while the server reports SERVING, and the CLI exits 0/1 accordingly", async () => {
  const server = await startGrpcServer("127.0.0.1", 0, [], { serviceToken: TEST_SERVICE_TOKEN });
  await assertProbeFollowsHealth(server, String(server.port), `127.0.0.1:${server.port}`);
});

Deno.test("the Connect probe (connect:<port>) is healthy only while the server reports SERVING, and the CLI exits 0/1 accordingly", async () => {
  const server = await startGrpcServer("127.0.0.1", 0, [], {
    serviceToken: TEST_SERVICE_TOKEN,
    connectPort: 0,
  });
  await assertProbeFollowsHealth(server, `connect:${server.connectPort}`, `127.0.0.1:${server.connectPort}`);
});

Deno.test("the HTTP probe is healthy on 2xx only and names the status and body otherwise", async () => {
  let status = 503;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ ready: status === 200 }, { status }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/readyz`;
  try {
    const down = await probe(url);
    assert.equal(down.ok, false);
    assert.match(down.detail, /answered 503: \{"ready":false\}/);
    status = 200;
    assert.deepEqual(await probe(url), { ok: true, detail: `${url} answered 200` });
  } finally {
    await server.shutdown();
  }
});

Deno.test("the CLI rejects a target that is neither a port nor a URL with exit code 2", async () => {
  const bad = await cli("not-a-port");
  assert.equal(bad.code, 2);
  assert.match(
    bad.out,
    /must be a port \(1 to 65535\), connect:<port> or an http\(s\) URL, got "not-a-port"/,
  );
  for (const target of ["connect:", "connect:0", "connect:70000", "connect:5x", "50051x"]) {
    const r = await cli(target);
    assert.equal(r.code, 2, `${target}: ${r.out}`);
  }
});
