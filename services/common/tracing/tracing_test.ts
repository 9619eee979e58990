import assert from "node:assert/strict";
import {
  credentials,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { SpanKind } from "@opentelemetry/api";
import {
  HealthCheckResponse_ServingStatus,
  HealthClient,
  HealthService,
} from "../gen/grpc/health/v1/health.ts";
import { rpc } from "../grpc_client.ts";
import { unary } from "../grpc_handler.ts";
import { createLogger, redirectLogLines } from "../log.ts";
import { enqueueEvent } from "../bus/outbox.ts";
import { startMessaging } from "../bus/messaging.ts";
import { eventually, ignoringOtherBindings, testBusConfig } from "../bus/testing.ts";
import {
  childOf,
  currentTraceparent,
  effectiveTraceparent,
  newTraceparent,
  spanIdOf,
  traceIdOf,
  traceMetadata,
} from "../trace.ts";
import { setupTracing } from "./setup.ts";
import { tracingEnabled, withSpan } from "./spans.ts";
import { describeSpans, OtlpSpanKind, type ReceivedSpan, startOtlpReceiver } from "./testing.ts";

const quiet = createLogger("test", "error");

/** A health server whose Check runs `impl` inside `unary()`. */
async function healthServer(impl: (call: ServerUnaryCall<unknown, unknown>) => Promise<void>) {
  const server = new Server();
  server.addService(HealthService, {
    check: unary(quiet, async (_req, call) => {
      await impl(call);
      return { status: HealthCheckResponse_ServingStatus.SERVING };
    }),
    watch: () => {},
  } as unknown as UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (e, p) => e ? reject(e) : resolve(p))
  );
  const client = new HealthClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return {
    client,
    stop: () => {
      client.close();
      return new Promise<void>((r) => server.tryShutdown(() => r()));
    },
  };
}

function byName(spans: ReceivedSpan[], name: string, kind?: number): ReceivedSpan {
  const s = spans.find((x) => x.name === name && (kind === undefined || x.kind === kind));
  assert.ok(s, `no span "${name}" in\n${describeSpans(spans)}`);
  return s;
}

Deno.test("with an OTLP endpoint, gRPC client/server, outbox publish and consume spans form one tree, and logs carry the ids", async () => {
  const receiver = await startOtlpReceiver();
  const tracing = await setupTracing("unit", {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: "50",
  });
  assert.equal(tracing.enabled, true);
  const lines: string[] = [];
  const bus = await testBusConfig();
  const producerKv = await Deno.openKv(":memory:");
  const consumerKv = await Deno.openKv(":memory:");
  const inner = await healthServer(() => Promise.resolve());
  let handlerTraceparent: string | undefined;
  const producer = await startMessaging({
    service: "orders",
    kv: producerKv,
    config: bus.config,
    log: quiet,
  });
  const consumer = await startMessaging({
    service: "kitchen",
    kv: consumerKv,
    config: bus.config,
    log: quiet,
    handlers: ignoringOtherBindings("kitchen", {
      "order.paid": async (ev, ctx) => {
        handlerTraceparent = ctx.traceparent;
        await rpc(inner.client, "check", { service: "" });
        ctx.op.set(["seen", ev.orderId], true);
      },
    }),
  });
  const log = createLogger("unit", "info");
  const outer = await healthServer(async () => {
    const restore = redirectLogLines((line) => lines.push(line));
    try {
      log.info("inside the handler");
    } finally {
      restore();
    }
    await rpc(inner.client, "check", { service: "" });
    const op = producerKv.atomic();
    // an explicit traceparent of the same trace: the active server span is the more precise parent
    enqueueEvent(op, "order.paid", {
      orderId: "o-1",
      customerId: "c",
      items: [],
      paidAt: new Date(),
      number: 0,
      details: undefined,
    }, {
      traceparent: currentTraceparent(),
    });
    await op.commit();
    producer.kick();
  });
  try {
    let rootTraceparent = "";
    await withSpan("test root", { kind: SpanKind.INTERNAL }, async () => {
      rootTraceparent = currentTraceparent()!;
      await rpc(outer.client, "check", { service: "" });
    });
    await eventually(async () => (await consumerKv.get(["seen", "o-1"])).value, "event consumed");
    await tracing.forceFlush();
    const traceId = traceIdOf(rootTraceparent);
    await receiver.waitFor(
      (spans) =>
        spans.filter((s) => s.traceId === traceId && s.name.startsWith("grpc.health")).length === 6 &&
        spans.some((s) => s.name === "process order.paid") &&
        spans.some((s) => s.name === "outbox relay" && s.links.some((l) => l.traceId === traceId)),
      "six gRPC spans, the consumer span and the relay pass",
    );
    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    const root = byName(spans, "test root");
    const clients = spans.filter((s) => s.kind === OtlpSpanKind.CLIENT);
    const servers = spans.filter((s) => s.kind === OtlpSpanKind.SERVER);
    assert.equal(clients.length, 3, describeSpans(spans));
    assert.equal(servers.length, 3);
    for (const s of [...clients, ...servers]) {
      assert.equal(s.name, "grpc.health.v1.Health/Check");
      assert.equal(s.attributes["rpc.system"], "grpc");
      assert.equal(s.attributes["rpc.service"], "grpc.health.v1.Health");
      assert.equal(s.attributes["rpc.method"], "Check");
      assert.equal(s.attributes["rpc.grpc.status_code"], 0);
      assert.equal(s.service, "unit");
    }
    const first = clients.find((c) => c.parentSpanId === root.spanId)!;
    const outerServer = servers.find((s) => s.parentSpanId === first.spanId)!;
    assert.ok(outerServer, "the server continues the client span from the metadata");
    assert.ok(clients.some((c) => c.parentSpanId === outerServer.spanId), "a nested call is a child");
    const publish = byName(spans, "publish order.paid", OtlpSpanKind.PRODUCER);
    assert.equal(publish.parentSpanId, outerServer.spanId, "the outbox record captured the active span");
    assert.equal(publish.attributes["messaging.system"], "rabbitmq");
    assert.equal(publish.attributes["messaging.destination.name"], bus.config.exchange);
    assert.equal(publish.attributes["messaging.rabbitmq.destination.routing_key"], "order.paid");
    assert.ok(publish.attributes["messaging.message.id"]);
    const process = byName(spans, "process order.paid", OtlpSpanKind.CONSUMER);
    assert.equal(process.parentSpanId, publish.spanId, "the consumer continues the producer span");
    assert.equal(process.attributes["messaging.message.id"], publish.attributes["messaging.message.id"]);
    assert.equal(spanIdOf(handlerTraceparent), process.spanId, "handlers pass on the consumer span");
    assert.ok(clients.some((c) => c.parentSpanId === process.spanId), "the handler's call is a child");
    const pass = receiver.spans.find((s) =>
      s.name === "outbox relay" && s.links.some((l) => l.traceId === traceId)
    );
    assert.ok(pass, "the relay pass span links to the record's trace");
    assert.equal(pass.parentSpanId, "");
    assert.ok(publish.links.some((l) => l.spanId === pass.spanId), "the publish span links to its pass");
    const ids = new Set(spans.map((s) => s.spanId));
    assert.deepEqual(spans.filter((s) => !ids.has(s.parentSpanId)).map((s) => s.name), ["test root"]);
    const line = JSON.parse(lines.find((l) => l.includes("inside the handler"))!);
    assert.equal(line.trace_id, traceId);
    assert.equal(line.span_id, outerServer.spanId);
  } finally {
    await consumer.stop();
    await producer.stop();
    await outer.stop();
    await inner.stop();
    producerKv.close();
    consumerKv.close();
    await bus.cleanup();
    await tracing.shutdown();
    await receiver.stop();
  }
});

Deno.test("shutdown flushes spans still buffered, and a second setup after it works", async () => {
  const receiver = await startOtlpReceiver();
  try {
    assert.equal(tracingEnabled(), false, "no provider before setup");
    const tracing = await setupTracing("flush", { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    assert.equal(tracingEnabled(), true, "the SDK is registered");
    await assert.rejects(
      () => setupTracing("again", { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }),
      /already set up/,
    );
    await withSpan("buffered", {}, () => Promise.resolve());
    assert.equal(receiver.spans.length, 0, "the default 5 s batch delay has not passed");
    await tracing.shutdown();
    assert.equal(tracingEnabled(), false, "shut down: the hot paths skip spans again");
    assert.deepEqual(receiver.spans.map((s) => [s.service, s.name]), [["flush", "buffered"]]);
    const again = await setupTracing("flush2", { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    await withSpan("later", {}, () => Promise.resolve());
    await again.shutdown();
    assert.equal(receiver.spans.at(-1)?.service, "flush2");
  } finally {
    await receiver.stop();
  }
});

Deno.test("without OTEL_EXPORTER_OTLP_ENDPOINT nothing is exported, and traceparent still propagates over gRPC and messages", async () => {
  const receiver = await startOtlpReceiver();
  const tracing = await setupTracing("off", { OTEL_SERVICE_NAME: "off", OTEL_BSP_SCHEDULE_DELAY: "10" });
  assert.equal(tracing.enabled, false);
  assert.equal(tracingEnabled(), false);
  const bus = await testBusConfig();
  const producerKv = await Deno.openKv(":memory:");
  const consumerKv = await Deno.openKv(":memory:");
  const seen: (string | undefined)[] = [];
  const producer = await startMessaging({
    service: "orders",
    kv: producerKv,
    config: bus.config,
    log: quiet,
  });
  const consumer = await startMessaging({
    service: "kitchen",
    kv: consumerKv,
    config: bus.config,
    log: quiet,
    handlers: ignoringOtherBindings("kitchen", {
      "order.paid": (_ev, ctx) => {
        seen.push(ctx.traceparent);
        return Promise.resolve();
      },
    }),
  });
  const received: (string | undefined)[] = [];
  const active: (string | undefined)[] = [];
  const server = await healthServer((call) => {
    received.push(call.metadata.get("traceparent")[0] as string | undefined);
    active.push(currentTraceparent());
    return Promise.resolve();
  });
  try {
    const tp = newTraceparent();
    // a later version's traceparent with an extra field: valid, carried on as version 00 (as ever)
    const future = `01-${traceIdOf(newTraceparent())}-${spanIdOf(newTraceparent())}-01-extra`;
    const canonical = `00-${future.slice(3, 55)}`;
    for (const [orderId, traceparent] of [["o-2", tp], ["o-3", future]]) {
      const op = producerKv.atomic();
      enqueueEvent(op, "order.paid", {
        orderId: orderId!,
        customerId: "c",
        items: [],
        paidAt: new Date(),
        number: 0,
        details: undefined,
      }, {
        traceparent,
      });
      await op.commit();
      producer.kick();
      await eventually(() => seen.length === (orderId === "o-2" ? 1 : 2), "event consumed");
    }
    assert.deepEqual(seen, [tp, canonical], "the message header carries the traceparent on");
    // gRPC: the metadata is sent as given; the handler runs with no active span
    await rpc(server.client, "check", { service: "" }, { metadata: traceMetadata(tp) });
    await rpc(server.client, "check", { service: "" });
    await rpc(server.client, "check", { service: "" }, { metadata: traceMetadata(future) });
    assert.deepEqual(received, [tp, undefined, canonical]);
    assert.deepEqual(active, [undefined, undefined, undefined]);
    // withSpan runs its function with a span that records nothing and names no trace
    const inSpan = await withSpan(
      "off",
      {},
      (span) => Promise.resolve([span.isRecording(), span.spanContext().traceId, currentTraceparent()]),
    );
    assert.deepEqual(inSpan, [false, "0".repeat(32), undefined]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.requests, 0, "nothing exported");
  } finally {
    await consumer.stop();
    await producer.stop();
    await server.stop();
    producerKv.close();
    consumerKv.close();
    await bus.cleanup();
    await tracing.shutdown();
    await receiver.stop();
  }
});

Deno.test("with tracing on, childOf records a continuation in the given trace linked to the active span, and effectiveTraceparent prefers the active span only within its own trace", async () => {
  const receiver = await startOtlpReceiver();
  const tracing = await setupTracing("unit", { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  try {
    const order = newTraceparent();
    let action = "";
    let continued = "";
    let sameTrace = "";
    await withSpan("staff action", {}, () => {
      action = currentTraceparent()!;
      continued = childOf(order, "continue order");
      assert.equal(effectiveTraceparent(order), order, "another trace, given on purpose, is kept");
      assert.equal(effectiveTraceparent(undefined), action);
      sameTrace = effectiveTraceparent(childOf(action))!;
      return Promise.resolve();
    });
    assert.equal(traceIdOf(continued), traceIdOf(order));
    assert.equal(sameTrace, action, "within the active trace, the active span is the parent");
    await tracing.shutdown();
    const span = receiver.spans.find((s) => s.name === "continue order")!;
    assert.equal(span.traceId, traceIdOf(order));
    assert.equal(span.parentSpanId, spanIdOf(order));
    assert.equal(span.spanId, spanIdOf(continued));
    assert.deepEqual(span.links, [{ traceId: traceIdOf(action), spanId: spanIdOf(action) }]);
  } finally {
    await tracing.shutdown();
    await receiver.stop();
  }
});

Deno.test("an unreachable collector is a logged warning, never a failure, and shutdown still completes", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const warnings: string[] = [];
  const log = { ...quiet, warn: (msg: string) => void warnings.push(msg) };
  const tracing = await setupTracing("unit", {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_EXPORTER_OTLP_TIMEOUT: "500",
  }, log);
  await withSpan("lost", {}, () => Promise.resolve());
  await tracing.shutdown();
  assert.ok(warnings.some((w) => w.startsWith("tracing:")), `warnings: ${warnings.join("; ")}`);
});
