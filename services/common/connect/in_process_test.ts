/**
 * In-process calls: the rules of the registry, proof that a call skips the socket, and, by importing
 * `channel_test.ts` with in-process calls on, every behaviour a Connect channel promises (metadata,
 * typed errors, deadlines, streams in order, cancellation both ways, back-pressure, an unserved port)
 * checked again without a socket.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceError,
  status as Code,
} from "@grpc/grpc-js";
import {
  type HealthCheckRequest,
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus as Serving,
  HealthClient,
  HealthService,
} from "../gen/grpc/health/v1/health.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";
import { connect, rpc } from "../grpc_client.ts";
import { StockServiceClient, StockServiceService } from "../gen/oms/stock/v1/stock.ts";
import {
  callInProcess,
  dispatchInProcess,
  inProcessCallsOn,
  inProcessHandler,
  type LocalHandler,
  serveInProcess,
} from "./in_process.ts";
import { startConnectServer } from "./server.ts";
import { startGrpcServer } from "../grpc_server.ts";
import { ConnectChannel } from "./channel.ts";
import { inProcessTarget } from "./in_process.ts";
import "./channel_test.ts"; // its tests, run again here with in-process calls on
import "../grpc_server_test.ts"; // likewise: drain, refusals and health with clients made by connect()

callInProcess(true);

const answer: LocalHandler = () => Promise.resolve(new Response("x"));

Deno.test("a server is found by port for loopback callers only, and only while registered and turned on", () => {
  assert.equal(inProcessCallsOn(), true);
  const unregister = serveInProcess("127.0.0.1", 41001, answer);
  try {
    assert.equal(inProcessHandler("127.0.0.1", 41001), answer);
    assert.equal(inProcessHandler("localhost", 41001), answer);
    assert.equal(inProcessHandler("10.0.0.5", 41001), undefined, "another host is another machine");
    assert.equal(inProcessHandler("127.0.0.1", 41002), undefined);
    callInProcess(false);
    assert.equal(inProcessHandler("127.0.0.1", 41001), undefined, "off: every call takes the socket");
  } finally {
    callInProcess(true);
    unregister();
  }
  assert.equal(inProcessHandler("127.0.0.1", 41001), undefined, "unregistered");
  // a server bound to one outside address is not what a loopback caller reaches
  const other = serveInProcess("10.0.0.5", 41003, answer);
  assert.equal(inProcessHandler("127.0.0.1", 41003), undefined);
  other();
  const any = serveInProcess("0.0.0.0", 41004, answer);
  assert.equal(inProcessHandler("127.0.0.1", 41004), answer, "a wildcard bind takes loopback calls");
  any();
});

/** A Connect health server telling `seen` each caller's peer; with `token`, it admits only that bearer. */
function healthServer(seen: (peer: string) => void, token?: string) {
  return startConnectServer("127.0.0.1", 0, [{
    definition: HealthService,
    implementation: {
      check: (call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>, cb: sendUnaryData<unknown>) => {
        seen(call.getPeer());
        cb(null, { status: Serving.SERVING });
      },
    },
    ...(token ? { admits: (headers: Headers) => headers.get("authorization") === `Bearer ${token}` } : {}),
  }]);
}

Deno.test("a call to a server of this process reaches its handler without a socket, credential still checked", async () => {
  let peer: string | undefined;
  const server = healthServer((p) => peer = p, TEST_SERVICE_TOKEN);
  const url = `http://127.0.0.1:${server.port}`;
  const client = connect(HealthClient, url, TEST_SERVICE_TOKEN);
  const stranger = connect(HealthClient, url, "not-the-token-".repeat(3));
  const check = (c: HealthClient) =>
    new Promise<HealthCheckResponse>((resolve, reject) =>
      c.check({ service: "" }, new Metadata(), (err, res) => err ? reject(err) : resolve(res))
    );
  try {
    assert.equal((await check(client)).status, Serving.SERVING);
    assert.equal(peer, "in-process:0", "the handler ran for a caller in this process, not a socket");
    const err = await check(stranger).then(() => undefined, (e: ServiceError) => e);
    assert.equal(err?.code, Code.UNAUTHENTICATED, "the same credential check as over the socket");
    // a stopped server is no longer reached in-process: the call takes the socket, which is closed
    await server.stop();
    const gone = await check(client).then(() => undefined, (e: ServiceError) => e);
    assert.equal(gone?.code, Code.UNAVAILABLE);
    callInProcess(false);
    const fresh = healthServer((p) => peer = p);
    const viaSocket = connect(HealthClient, `http://127.0.0.1:${fresh.port}`, TEST_SERVICE_TOKEN);
    try {
      await check(viaSocket);
      assert.match(peer ?? "", /^127\.0\.0\.1:\d+$/, "off: over the socket, as before");
    } finally {
      viaSocket.close();
      await fresh.stop();
    }
  } finally {
    callInProcess(true);
    client.close();
    stranger.close();
    await server.stop();
  }
});

Deno.test("an in-process call given up on before its answer rejects with the reason and cancels a late stream", async () => {
  const late = Promise.withResolvers<Response>();
  const cancelled = Promise.withResolvers<unknown>();
  const ac = new AbortController();
  const call = dispatchInProcess(() => late.promise, {
    url: "http://127.0.0.1:1/x",
    headers: {},
    body: new Uint8Array([1]),
    signal: ac.signal,
    streamed: true,
  });
  ac.abort(new Error("deadline"));
  await assert.rejects(call, /deadline/);
  late.resolve(new Response(new ReadableStream({ cancel: (why) => cancelled.resolve(why) })));
  await cancelled.promise;
  // already aborted: nothing is sent
  let sent = false;
  await assert.rejects(
    dispatchInProcess(() => {
      sent = true;
      return Promise.resolve(new Response("x"));
    }, {
      url: "http://127.0.0.1:1/x",
      headers: {},
      body: new Uint8Array(),
      signal: ac.signal,
      streamed: false,
    }),
    /deadline/,
  );
  assert.equal(sent, false);
});

Deno.test("aborting while a streamed in-process answer is read errors the read and cancels the server's stream", async () => {
  const cancelled = Promise.withResolvers<void>();
  const ac = new AbortController();
  const res = await dispatchInProcess(() =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          start: (c) => c.enqueue(new Uint8Array([7])),
          cancel: () => cancelled.resolve(),
        }),
      ),
    ), {
    url: "http://127.0.0.1:1/x",
    headers: {},
    body: new Uint8Array(),
    signal: ac.signal,
    streamed: true,
  });
  const reader = res.body!.getReader();
  assert.deepEqual([...(await reader.read()).value!], [7]);
  const next = reader.read();
  ac.abort(new Error("cancelled on client"));
  await assert.rejects(next, /cancelled on client/);
  await cancelled.promise;
});

Deno.test("a gRPC target served by this process is called in-process; off, or served elsewhere, over gRPC", async () => {
  let peer: string | undefined;
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: StockServiceService,
    name: "oms.stock.v1.StockService",
    implementation: {
      getItem: (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => {
        peer = call.getPeer();
        cb(null, { item: undefined });
      },
    },
  }], { serviceToken: TEST_SERVICE_TOKEN });
  const addr = `127.0.0.1:${server.port}`;
  const check = (c: StockServiceClient) => rpc(c, "getItem", { id: "1" });
  try {
    assert.equal(inProcessTarget(addr), `http://${addr}`);
    assert.equal(inProcessTarget(`localhost:${server.port}`), `http://localhost:${server.port}`);
    assert.equal(inProcessTarget("127.0.0.1:1"), undefined, "nothing of this process there");
    assert.equal(inProcessTarget(`dns:///${addr}`), undefined, "only plain host:port targets");
    const local = connect(StockServiceClient, addr, TEST_SERVICE_TOKEN);
    try {
      assert.ok(local.getChannel() instanceof ConnectChannel);
      await check(local);
      assert.equal(peer, "in-process:0");
    } finally {
      local.close();
    }
    callInProcess(false);
    const remote = connect(StockServiceClient, addr, TEST_SERVICE_TOKEN);
    try {
      assert.ok(!(remote.getChannel() instanceof ConnectChannel), "off: a gRPC channel");
      await check(remote);
      assert.match(peer ?? "", /^ipv4:127\.0\.0\.1:\d+$|^127\.0\.0\.1:\d+$/);
    } finally {
      remote.close();
    }
  } finally {
    callInProcess(true);
    await server.stop();
  }
  assert.equal(inProcessTarget(addr), undefined, "a stopped server is no longer reached in-process");
});
