import assert from "node:assert/strict";
import {
  ApiClient,
  asOrder,
  asProducts,
  errorOf,
  failureKind,
  failureMessage,
  paidAtOf,
  sessionIdOf,
} from "./client.ts";

function serve(handler: (req: Request) => Response | Promise<Response>) {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
}

Deno.test("a 2xx answer is parsed as JSON and timed; an error answer carries its status and error code", async () => {
  const server = serve((req) =>
    new URL(req.url).pathname === "/ok"
      ? Response.json({ products: [] }, { status: 201 })
      : Response.json({ error: { code: "out_of_stock", message: "Not enough Margherita" } }, { status: 409 })
  );
  try {
    const client = new ApiClient(`http://127.0.0.1:${server.addr.port}`, 5000);
    const ok = await client.request("GET", "/ok");
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body, { products: [] });
    assert.equal(ok.failure, undefined);
    assert.ok(ok.ms >= 0);
    const bad = await client.request("POST", "/x", { json: { a: 1 } });
    assert.deepEqual(bad.failure, {
      type: "http",
      status: 409,
      code: "out_of_stock",
      message: "Not enough Margherita",
    });
    assert.equal(failureKind("checkout", bad.failure!), "checkout: HTTP 409 out_of_stock");
  } finally {
    await server.shutdown();
  }
});

Deno.test("the JSON body and Idempotency-Key are sent as given", async () => {
  let seen: { type: string | null; key: string | null; body: string } | undefined;
  const server = serve(async (req) => {
    seen = {
      type: req.headers.get("content-type"),
      key: req.headers.get("idempotency-key"),
      body: await req.text(),
    };
    return Response.json({});
  });
  try {
    const client = new ApiClient(`http://127.0.0.1:${server.addr.port}`, 5000);
    await client.request("POST", "/o", {
      json: { items: [{ id: "1", quantity: 2 }] },
      headers: { "idempotency-key": "k-1" },
    });
    assert.deepEqual(seen, {
      type: "application/json",
      key: "k-1",
      body: '{"items":[{"id":"1","quantity":2}]}',
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("no answer within the time limit is a timeout; a closed port is a network error", async () => {
  let release = () => {};
  const hold = new Promise<void>((r) => release = r);
  const server = serve(async () => {
    await hold;
    return new Response("late");
  });
  try {
    const slow = await new ApiClient(`http://127.0.0.1:${server.addr.port}`, 100).request("GET", "/");
    assert.equal(slow.failure?.type, "timeout");
    assert.equal(slow.status, 0);
    assert.equal(failureKind("pay", slow.failure!), "pay: timeout");
    assert.match(failureMessage(slow.failure!), /^no answer within \d+ ms$/);
  } finally {
    release();
    await server.shutdown();
  }
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const refused = await new ApiClient(`http://127.0.0.1:${port}`, 2000).request("GET", "/");
  assert.equal(refused.failure?.type, "network");
  assert.equal(failureKind("browse", refused.failure!), "browse: network error");
});

Deno.test("an error body without the error shape still yields a status-only kind and a text example", () => {
  assert.deepEqual(errorOf("Bad Gateway"), { code: "", message: "Bad Gateway" });
  assert.deepEqual(errorOf({ error: { code: "x" } }), { code: "x", message: "" });
  assert.equal(
    failureKind("checkout", { type: "http", status: 502, code: "", message: "" }),
    "checkout: HTTP 502",
  );
  assert.equal(failureMessage({ type: "http", status: 502, code: "", message: "" }), "HTTP 502");
});

Deno.test("orders and catalogs are read only when they have the expected shape", () => {
  assert.deepEqual(asOrder({ id: "o", status: "waiting_payment", paymentLink: "l", total: {} }), {
    id: "o",
    status: "waiting_payment",
    paymentLink: "l",
  });
  assert.deepEqual(asOrder({ id: "o", status: "pending" }), { id: "o", status: "pending", paymentLink: "" });
  assert.equal(asOrder({ id: 1, status: "x" }), undefined);
  assert.equal(asOrder("nope"), undefined);
  assert.deepEqual(asProducts({ products: [{ id: "1", name: "M", available: 3 }] }), [{
    id: "1",
    available: 3,
  }]);
  assert.equal(asProducts({ products: [{ id: "1" }] }), undefined);
  assert.equal(asProducts({ items: [] }), undefined);
});

Deno.test("the session id of a local payment link is its last path segment", () => {
  assert.equal(sessionIdOf("http://localhost:8080/pay/cs_local_abc"), "cs_local_abc");
  assert.equal(sessionIdOf("http://localhost:8080/pay/cs%3Aa/?x=1"), "cs:a");
  assert.equal(sessionIdOf("/pay/s1"), "s1");
  assert.equal(sessionIdOf(""), "");
});

Deno.test("asOrder reads the paid time from the order's timeline, and none when there is no valid paid entry", () => {
  const at = "2026-01-02T03:04:05.678Z";
  const timeline = [{ status: "pending", at: "2026-01-02T03:04:00.000Z" }, { status: "paid", at }];
  assert.equal(asOrder({ id: "o", status: "paid", timeline })?.paidAtMs, Date.parse(at));
  assert.equal(
    asOrder({ id: "o", status: "waiting_payment", timeline: timeline.slice(0, 1) })?.paidAtMs,
    undefined,
  );
  assert.equal(paidAtOf([{ status: "paid", at: "not a date" }]), undefined);
  assert.equal(paidAtOf("nope"), undefined);
});

Deno.test("a stream's time limit covers its headers, not its body; an error answer and no answer are classified", async () => {
  let release = () => {};
  const hold = new Promise<void>((r) => release = r);
  let accept = "";
  const server = serve(async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/denied") {
      return Response.json({ error: { code: "invalid_token", message: "Bad" } }, { status: 401 });
    }
    if (path === "/silent") {
      await hold;
      return new Response("late");
    }
    accept = req.headers.get("accept") ?? "";
    const body = new ReadableStream<Uint8Array>({
      async start(ctl) {
        await hold;
        ctl.enqueue(new TextEncoder().encode("event: order\ndata: 1\n\n"));
        ctl.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  try {
    const client = new ApiClient(`http://127.0.0.1:${server.addr.port}`, 100);
    const signal = new AbortController().signal;
    const silent = await client.stream("/silent", {}, signal);
    assert.ok("failure" in silent && silent.failure.type === "timeout", JSON.stringify(silent));

    const denied = await client.stream("/denied", {}, signal);
    assert.deepEqual(denied, {
      failure: { type: "http", status: 401, code: "invalid_token", message: "Bad" },
    });

    const opened = await client.stream("/events", { authorization: "Bearer t" }, signal);
    assert.ok("body" in opened);
    assert.equal(accept, "text/event-stream");
    await new Promise((r) => setTimeout(r, 200)); // the body comes after the time limit has passed
    release();
    assert.equal(await new Response(opened.body).text(), "event: order\ndata: 1\n\n");
  } finally {
    release();
    await server.shutdown();
  }
});
