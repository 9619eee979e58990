import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  status as Code,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import {
  type HealthCheckRequest,
  type HealthCheckResponse,
  HealthCheckResponse_ServingStatus as Serving,
  HealthClient,
  HealthService,
} from "../gen/grpc/health/v1/health.ts";
import { StockServiceClient, StockServiceService } from "../gen/oms/stock/v1/stock.ts";
import { RpcError } from "../errors.ts";
import { connect, rpc } from "../grpc_client.ts";
import { TEST_SERVICE_TOKEN } from "../auth/testing.ts";
import { ConnectChannel } from "./channel.ts";
import { inProcessCallsOn } from "./in_process.ts";
import { type ConnectServer, startConnectServer } from "./server.ts";

type Watch = ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;

/** A health service whose behaviour each test sets, recording the calls it got. */
function healthWith(impl: Partial<Record<"check" | "watch", unknown>>): UntypedServiceImplementation {
  return impl as UntypedServiceImplementation;
}

function serve(
  impl: UntypedServiceImplementation,
  extra: { definition: typeof StockServiceService; implementation: UntypedServiceImplementation }[] = [],
): { server: ConnectServer; url: string } {
  const server = startConnectServer("127.0.0.1", 0, [
    { definition: HealthService, implementation: impl },
    ...extra,
  ]);
  return { server, url: `http://127.0.0.1:${server.port}` };
}

function check(client: HealthClient, md = new Metadata(), timeoutMs = 5000): Promise<HealthCheckResponse> {
  return new Promise((resolve, reject) =>
    client.check(
      { service: "svc" },
      md,
      { deadline: new Date(Date.now() + timeoutMs) },
      (err, res) => err ? reject(err) : resolve(res),
    )
  );
}

Deno.test("a unary call over Connect returns the handler's answer and carries the caller's metadata", async () => {
  let seen: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse> | undefined;
  const { server, url } = serve(healthWith({
    check: (
      call: ServerUnaryCall<HealthCheckRequest, HealthCheckResponse>,
      cb: sendUnaryData<HealthCheckResponse>,
    ) => {
      seen = call;
      cb(null, { status: Serving.SERVING });
    },
  }));
  const client = connect(HealthClient, url, TEST_SERVICE_TOKEN);
  try {
    const md = new Metadata();
    md.set("traceparent", "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01");
    md.set("x-blob-bin", Buffer.from([0, 255, 7]));
    const res = await check(client, md);
    assert.equal(res.status, Serving.SERVING);
    assert.ok(seen);
    assert.deepEqual(seen.request, { service: "svc" });
    assert.equal(seen.getPath(), "/grpc.health.v1.Health/Check");
    assert.deepEqual(seen.metadata.get("authorization"), [`Bearer ${TEST_SERVICE_TOKEN}`]);
    assert.deepEqual(seen.metadata.get("traceparent"), [
      "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01",
    ]);
    assert.deepEqual([...seen.metadata.get("x-blob-bin")[0] as Uint8Array], [0, 255, 7]);
    // over the socket the peer is the caller's address; in-process (in_process_test.ts) this process
    assert.match(seen.getPeer(), inProcessCallsOn() ? /^in-process:0$/ : /^127\.0\.0\.1:\d+$/);
    assert.ok(client.getChannel() instanceof ConnectChannel);
    assert.equal(client.getChannel().getTarget(), url);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("an error keeps its code, message and typed detail across Connect (rpc() rebuilds the RpcError)", async () => {
  const refusal = new RpcError("out_of_stock", 'Item "tea" is short by 2', {
    shortages: [{ itemId: "tea", name: "Tea", requested: 3, available: 1 }],
  });
  const { server, url } = serve(healthWith({}), [{
    definition: StockServiceService,
    implementation: {
      getItem: (_call: unknown, cb: sendUnaryData<unknown>) => cb(refusal.toServiceError()),
    },
  }]);
  const stock = connect(StockServiceClient, url, TEST_SERVICE_TOKEN);
  try {
    const err = await rpc(stock, "getItem", { id: "tea" }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof RpcError, String(err));
    assert.equal(err.code, "out_of_stock");
    assert.equal(err.message, 'Item "tea" is short by 2');
    assert.deepEqual(err.shortages, [{ itemId: "tea", name: "Tea", requested: 3, available: 1 }]);
  } finally {
    stock.close();
    await server.stop();
  }
});

Deno.test("a call past its deadline fails DEADLINE_EXCEEDED and the server's call is cancelled", async () => {
  const cancelled = Promise.withResolvers<void>();
  const { server, url } = serve(healthWith({
    check: (call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<HealthCheckResponse>) => {
      call.on("cancelled", () => {
        cancelled.resolve();
        cb(null, { status: Serving.SERVING }); // too late: nobody reads it
      });
    },
  }));
  const client = connect(HealthClient, url, TEST_SERVICE_TOKEN);
  try {
    const err = await check(client, new Metadata(), 200).then(() => undefined, (e: ServiceError) => e);
    assert.equal(err?.code, Code.DEADLINE_EXCEEDED);
    await cancelled.promise;
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("a call to a port nobody serves fails UNAVAILABLE", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const client = connect(HealthClient, `http://127.0.0.1:${port}`, TEST_SERVICE_TOKEN);
  try {
    const err = await check(client).then(() => undefined, (e: ServiceError) => e);
    assert.equal(err?.code, Code.UNAVAILABLE);
    assert.match(err?.details ?? "", /No connection to http:\/\/127\.0\.0\.1:/);
  } finally {
    client.close();
  }
});

Deno.test("a server stream delivers every message in order, then its status; an error status ends it", async () => {
  let fail = false;
  const { server, url } = serve(healthWith({
    watch: (call: Watch) => {
      for (const status of [Serving.SERVING, Serving.NOT_SERVING, Serving.SERVING]) call.write({ status });
      if (fail) {
        const metadata = new Metadata();
        metadata.set("why", "gone");
        call.emit("error", { code: Code.NOT_FOUND, details: "No such service", metadata });
      } else call.end();
    },
  }));
  const client = connect(HealthClient, url, TEST_SERVICE_TOKEN);
  const read = () =>
    new Promise<{ got: number[]; err?: ServiceError }>((resolve) => {
      const got: number[] = [];
      const stream = client.watch({ service: "" }, new Metadata());
      stream.on("data", (m: HealthCheckResponse) => got.push(m.status));
      stream.on("error", (err: ServiceError) => resolve({ got, err }));
      stream.on("status", (s: { code: number }) => {
        if (s.code === Code.OK) resolve({ got });
      });
    });
  try {
    assert.deepEqual(await read(), { got: [Serving.SERVING, Serving.NOT_SERVING, Serving.SERVING] });
    fail = true;
    const { got, err } = await read();
    assert.deepEqual(got, [Serving.SERVING, Serving.NOT_SERVING, Serving.SERVING]);
    assert.equal(err?.code, Code.NOT_FOUND);
    assert.equal(err?.details, "No such service");
    assert.deepEqual(err?.metadata.get("why"), ["gone"]);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("cancelling a stream on the client cancels the server's call", async () => {
  const cancelled = Promise.withResolvers<void>();
  const { server, url } = serve(healthWith({
    watch: (call: Watch) => {
      call.write({ status: Serving.SERVING });
      call.on("cancelled", () => cancelled.resolve());
    },
  }));
  const client = connect(HealthClient, url, TEST_SERVICE_TOKEN);
  try {
    const stream = client.watch({ service: "" }, new Metadata());
    const errored = new Promise<ServiceError>((resolve) => stream.on("error", resolve));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    stream.cancel();
    assert.equal((await errored).code, Code.CANCELLED);
    await cancelled.promise;
  } finally {
    client.close();
    await server.stop();
  }
});

/** A server-streaming method whose every message is 64 KiB, to fill socket buffers quickly. */
const BIG = new Uint8Array(64 * 1024);
const BIG_STREAM = {
  flood: {
    path: "/test.Flood/Flood",
    requestStream: false,
    responseStream: true,
    requestSerialize: (v: unknown) => Buffer.from(v as Uint8Array),
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: () => Buffer.from(BIG),
    responseDeserialize: (b: Buffer) => b,
  },
};

Deno.test("a server stream holds back while its reader does not read (write() false), and goes on once it reads (drain)", async () => {
  let written = 0;
  let full = false;
  const drained = Promise.withResolvers<void>();
  const server = startConnectServer("127.0.0.1", 0, [{
    definition: BIG_STREAM,
    implementation: {
      flood: (call: ServerWritableStream<unknown, unknown>) => {
        const more = () => {
          while (written < 2000) {
            written++;
            if (!call.write({})) {
              full = true;
              call.once("drain", () => {
                drained.resolve();
                more();
              });
              return;
            }
          }
          call.end();
        };
        more();
      },
    },
  }]);
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/test.Flood/Flood`, {
      method: "POST",
      headers: { "content-type": "application/connect+proto" },
      body: new Uint8Array([0, 0, 0, 0, 0]),
    });
    assert.equal(res.status, 200);
    // nothing is read: the server fills the socket and the body's queue, then waits
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(full, "write() said the reader is behind");
    const stalledAt = written;
    assert.ok(stalledAt < 2000, `the handler stopped writing (at ${stalledAt} of 2000 messages of 64 KiB)`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(written, stalledAt, "and stayed stopped while nothing was read");
    // reading lets it go on to the end
    const reader = res.body!.getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    await drained.promise;
    assert.equal(written, 2000);
    assert.equal(bytes, 2000 * (5 + 64 * 1024) + 5 + 2, "every message and the end-of-stream {}");
  } finally {
    await server.stop();
  }
});

Deno.test("a stream cancelled at once reports CANCELLED as an event, never by throwing in the caller", async () => {
  const { server, url } = serve(healthWith({ watch: (_call: Watch) => {} }));
  const client = connect(HealthClient, url, TEST_SERVICE_TOKEN);
  try {
    const stream = client.watch({ service: "" }, new Metadata());
    stream.cancel(); // before any listener is attached (openStream with an aborted signal does this)
    const err = await new Promise<ServiceError>((resolve) => stream.on("error", resolve));
    assert.equal(err.code, Code.CANCELLED);
  } finally {
    client.close();
    await server.stop();
  }
});

Deno.test("a server stream past the caller's deadline ends DEADLINE_EXCEEDED and its call is cancelled", async () => {
  const cancelled = Promise.withResolvers<void>();
  const { server, url } = serve(healthWith({
    watch: (call: Watch) => call.on("cancelled", () => cancelled.resolve()),
  }));
  try {
    const res = await fetch(`${url}/grpc.health.v1.Health/Watch`, {
      method: "POST",
      headers: { "content-type": "application/connect+proto", "connect-timeout-ms": "100" },
      body: new Uint8Array([0, 0, 0, 0, 0]),
    });
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(body[0], 2, "an end-of-stream message");
    assert.deepEqual(JSON.parse(new TextDecoder().decode(body.subarray(5))), {
      error: { code: "deadline_exceeded", message: "Deadline exceeded" },
    });
    await cancelled.promise;
  } finally {
    await server.stop();
  }
});
