import assert from "node:assert/strict";
import {
  Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceError,
  status as Code,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { HealthCheckResponse_ServingStatus as Serving, HealthClient } from "../gen/grpc/health/v1/health.ts";
import { DeadLettersServiceClient } from "../gen/oms/deadletters/v1/deadletters.ts";
import { type GetItemResponse, StockServiceClient, StockServiceService } from "../gen/oms/stock/v1/stock.ts";
import { connect, connectOnChannelOf, rpc } from "../grpc_client.ts";
import { startGrpcServer } from "../grpc_server.ts";
import { ServingStatus } from "../health.ts";
import { RpcError } from "../errors.ts";
import { STAFF_METADATA_KEY } from "../auth/staff_claim.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";
import { startConnectServer } from "./server.ts";

const ITEM_PATH = "/oms.stock.v1.StockService/GetItem";

/** A stock service whose getItem counts its calls and records the last call's metadata. */
function countingStock() {
  const seen: Metadata[] = [];
  const implementation: UntypedServiceImplementation = {
    getItem: (call: ServerUnaryCall<{ id: string }, unknown>, cb: sendUnaryData<GetItemResponse>) => {
      seen.push(call.metadata);
      cb(null, { item: undefined });
    },
  };
  return { seen, implementation };
}

/** {@linkcode countingStock} served over gRPC and Connect, behind the test service credential. */
async function stockOverConnect() {
  const stock = countingStock();
  const server = await startGrpcServer("127.0.0.1", 0, [
    {
      definition: StockServiceService,
      name: "oms.stock.v1.StockService",
      implementation: stock.implementation,
    },
  ], { serviceToken: TEST_SERVICE_TOKEN, connectPort: 0 });
  return { stock, server };
}

Deno.test("bad requests are refused with a clear status before any handler runs", async () => {
  const stock = countingStock();
  const server = startConnectServer("127.0.0.1", 0, [
    { definition: StockServiceService, implementation: stock.implementation },
  ]);
  const base = `http://127.0.0.1:${server.port}`;
  const post = (path: string, body: BodyInit, type = "application/proto") =>
    fetch(base + path, { method: "POST", headers: { "content-type": type }, body });
  const json = async (res: Response) => ({ status: res.status, body: await res.json() });
  try {
    assert.deepEqual(await json(await post("/oms.stock.v1.StockService/Nope", new Uint8Array())), {
      status: 404,
      body: { code: "unimplemented", message: "/oms.stock.v1.StockService/Nope is not a method served here" },
    });
    const get = await fetch(base + ITEM_PATH);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    await get.body?.cancel();
    const wrongType = await post(ITEM_PATH, "{}", "application/json");
    assert.equal(wrongType.status, 415);
    assert.equal(wrongType.headers.get("accept-post"), "application/proto");
    await wrongType.body?.cancel();
    // field 1 announced as 200 bytes long, with 1 byte there: not a GetItemRequest
    assert.deepEqual(await json(await post(ITEM_PATH, new Uint8Array([10, 200, 1, 65]))), {
      status: 400,
      body: {
        code: "invalid_argument",
        message: `The request body is not a valid ${ITEM_PATH} request message`,
      },
    });
    const big = await json(await post(ITEM_PATH, new Uint8Array(4 * 1024 * 1024 + 1)));
    assert.equal(big.status, 429);
    assert.equal(big.body.code, "resource_exhausted");
    assert.equal(stock.seen.length, 0, "no handler ran");
  } finally {
    await server.stop();
  }
});

Deno.test("over Connect, a call without the service credential is UNAUTHENTICATED; health needs none", async () => {
  const { stock, server } = await stockOverConnect();
  assert.ok(server.connectPort);
  const url = `http://127.0.0.1:${server.connectPort}`;
  const forged = connect(StockServiceClient, url, `${TEST_SERVICE_TOKEN.slice(1)}x`);
  const health = connect(HealthClient, url, `${TEST_SERVICE_TOKEN.slice(1)}x`);
  const good = connect(StockServiceClient, url, TEST_SERVICE_TOKEN);
  try {
    server.health.setAll(ServingStatus.SERVING);
    const err = await rpc(forged, "getItem", { id: "1" }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof RpcError);
    assert.equal((err.cause as ServiceError).code, Code.UNAUTHENTICATED);
    const raw = await fetch(url + ITEM_PATH, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: new Uint8Array(),
    });
    assert.equal(raw.status, 401);
    assert.equal((await raw.json()).code, "unauthenticated");
    assert.equal(stock.seen.length, 0, "no handler ran without the credential");
    const status = await new Promise<number>((resolve, reject) =>
      health.check({ service: "" }, new Metadata(), (e, res) => e ? reject(e) : resolve(res.status))
    );
    assert.equal(status, Serving.SERVING);
    await rpc(good, "getItem", { id: "1" });
    assert.equal(stock.seen.length, 1);
  } finally {
    for (const c of [forged, health, good]) c.close();
    await server.stop();
  }
});

Deno.test("over Connect, a caller without the credential is refused before its body is read", async () => {
  const { stock, server } = await stockOverConnect();
  // a body that sends one chunk and then never ends: answering it means not waiting for it
  let pulls = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      pulls++;
      if (pulls === 1) controller.enqueue(new Uint8Array(1024));
      else await new Promise(() => {});
    },
  });
  try {
    const res = await fetch(`http://127.0.0.1:${server.connectPort}${ITEM_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/proto", authorization: "Bearer wrong" },
      body: endless,
    });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).code, "unauthenticated");
    assert.equal(stock.seen.length, 0);
  } finally {
    await server.stop(500);
  }
});

Deno.test("a client made with a staff identity sends a signed claim over Connect, and so do clients on its channel", async () => {
  const { stock, server } = await stockOverConnect();
  const client = connect(StockServiceClient, `http://127.0.0.1:${server.connectPort}`, TEST_SERVICE_TOKEN, {
    staff: { sub: "ada", role: "manager" },
  });
  const deadLetters = connectOnChannelOf(DeadLettersServiceClient, client);
  try {
    await rpc(client, "getItem", { id: "1" });
    const claim = stock.seen[0]?.get(STAFF_METADATA_KEY)[0];
    assert.equal(typeof claim, "string");
    assert.ok((claim as string).length > 20);
    // dead letters is not served here: the call reaches this server (same channel) and is refused as such
    const err = await rpc(deadLetters, "listDeadLetters", { limit: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof RpcError);
    assert.equal((err.cause as ServiceError).code, Code.UNIMPLEMENTED);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("a stopping server finishes a Connect call in flight, and a call after the stop fails UNAVAILABLE", async () => {
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: StockServiceService,
    name: "oms.stock.v1.StockService",
    implementation: {
      getItem: async (_call: unknown, cb: sendUnaryData<GetItemResponse>) => {
        entered.resolve();
        await release.promise;
        cb(null, { item: undefined });
      },
    },
  }], { serviceToken: TEST_SERVICE_TOKEN, connectPort: 0 });
  const client = connect(StockServiceClient, `http://127.0.0.1:${server.connectPort}`, TEST_SERVICE_TOKEN);
  try {
    const first = rpc(client, "getItem", { id: "1" });
    await entered.promise;
    const stopped = server.stop(5000);
    await new Promise((r) => setTimeout(r, 50));
    const late = await rpc(client, "getItem", { id: "2" }).then(() => undefined, (e: unknown) => e);
    assert.ok(late instanceof RpcError);
    assert.equal(late.code, "unavailable");
    release.resolve();
    await first;
    await stopped;
  } finally {
    client.close();
  }
});

Deno.test("a caller's deadline is kept to: a short one ends the call DEADLINE_EXCEEDED, one past a timer's range is none", async () => {
  const server = startConnectServer("127.0.0.1", 0, [{
    definition: StockServiceService,
    implementation: {
      getItem: (_call: unknown, cb: sendUnaryData<GetItemResponse>) => {
        setTimeout(() => cb(null, { item: undefined }), 100);
      },
    },
  }]);
  const call = (timeout: string) =>
    fetch(`http://127.0.0.1:${server.port}${ITEM_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/proto", "connect-timeout-ms": timeout },
      body: new Uint8Array(),
    });
  try {
    const short = await call("20");
    assert.equal(short.status, 504);
    assert.equal((await short.json()).code, "deadline_exceeded");
    const huge = await call("9999999999");
    assert.equal(huge.status, 200, "a deadline of 115 days does not fire at once");
    await huge.body?.cancel();
  } finally {
    await server.stop();
  }
});

Deno.test("GET /readyz on the Connect port answers 503 until the server is SERVING, then 200 (Consul's HTTP check)", async () => {
  const { server } = await stockOverConnect();
  const url = `http://127.0.0.1:${server.connectPort}/readyz`;
  try {
    const starting = await fetch(url);
    assert.equal(starting.status, 503);
    assert.equal(await starting.text(), "NOT_SERVING\n");
    server.health.setAll(ServingStatus.SERVING);
    const ready = await fetch(url);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get("cache-control"), "no-store");
    assert.equal(await ready.text(), "SERVING\n");
    const head = await fetch(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    // only GET/HEAD of that path: a POST there is a Connect call to an unknown method, other paths are not it
    const post = await fetch(url, { method: "POST", headers: { "content-type": "application/proto" } });
    assert.equal(post.status, 404);
    await post.body?.cancel();
    const other = await fetch(`http://127.0.0.1:${server.connectPort}/healthz`);
    assert.notEqual(other.status, 200);
    await other.body?.cancel();
    server.health.setAll(ServingStatus.NOT_SERVING); // draining
    const draining = await fetch(url);
    assert.equal(draining.status, 503);
    await draining.body?.cancel();
  } finally {
    await server.stop();
  }
});

Deno.test("a Connect server started without a readiness source serves no /readyz", async () => {
  const server = startConnectServer("127.0.0.1", 0, []);
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    assert.notEqual(res.status, 200);
    await res.body?.cancel();
  } finally {
    await server.stop();
  }
});
