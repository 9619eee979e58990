import assert from "node:assert/strict";
import { TEST_SERVICE_TOKEN } from "../../services/common/auth/testing.ts";
import { Hono } from "hono";
import { createLogger } from "../../services/common/log.ts";
import { loadConfig } from "../config.ts";
import { start } from "../server.ts";
import { deadAddr } from "../testing.ts";
import { readBodyBytes } from "./body.ts";
import { bodyDeadline, readWithin } from "./body_deadline.ts";
import { guardConnections, type ServeEnv, serveEnv } from "../connection_guard.ts";
import { ApiError, toApiError } from "./errors.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** A body that sends `first` and then nothing, ever (until cancelled). */
function stalled(first: string): { body: ReadableStream<Uint8Array>; cancelled: Promise<unknown> } {
  const cancelled = Promise.withResolvers<unknown>();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
    },
    cancel(reason) {
      cancelled.resolve(reason);
    },
  });
  return { body, cancelled: cancelled.promise };
}

function echoApp(timeoutMs: number) {
  const app = new Hono();
  app.use(bodyDeadline(timeoutMs));
  app.post("/echo", async (c) => c.text(new TextDecoder().decode(await readBodyBytes(c.req.raw, 1 << 20))));
  app.post("/ignore", (c) => c.text("not read"));
  app.onError((err, c) => {
    const e = toApiError(err);
    return c.json(e.toJSON(), e.status, e.headers);
  });
  return app;
}

Deno.test("a body that stops arriving fails with 408 request_timeout and Connection: close; the source is cancelled", async () => {
  const { body, cancelled } = stalled('{"half": ');
  const res = await echoApp(50).request("/echo", { method: "POST", body, duplex: "half" } as RequestInit);
  assert.equal(res.status, 408);
  assert.equal(res.headers.get("connection"), "close");
  const { error } = await res.json() as { error: { code: string; message: string } };
  assert.equal(error.code, "request_timeout");
  assert.match(error.message, /did not arrive within 50 ms/);
  assert.ok((await cancelled) instanceof ApiError);
});

Deno.test("a body read to its end keeps the connection; a body left unread gets Connection: close and is cancelled", async () => {
  const app = echoApp(60_000);
  const ok = await app.request("/echo", { method: "POST", body: "hello" });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "hello");
  assert.equal(ok.headers.get("connection"), null);
  const { body, cancelled } = stalled("x");
  const ignored = await app.request("/ignore", { method: "POST", body, duplex: "half" } as RequestInit);
  assert.equal(await ignored.text(), "not read");
  assert.equal(ignored.headers.get("connection"), "close");
  await cancelled;
  const none = await app.request("/echo", { method: "POST" });
  assert.equal(none.status, 200, "no body: nothing to wait for");
  assert.equal(none.headers.get("connection"), null);
});

/** What became of a stalled connection. */
interface Outcome {
  /** Everything the server sent. */
  text: string;
  /** "closed": EOF, and the socket is gone (writing to it is refused); else what happened. */
  end: "closed" | "half-closed" | "still open";
}

/** Sends `head` (headers and part of a body), then nothing; reads until the server ends it. */
async function stall(port: number, head: string, capMs: number): Promise<Outcome> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(head));
  // The cap keeps a regression from hanging the test; it is a failure, not a timing target.
  let capped = false;
  const cap = setTimeout(() => {
    capped = true;
    conn.close();
  }, capMs);
  let text = "";
  const buf = new Uint8Array(4096);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch (err) {
    if (capped) return { text, end: "still open" };
    if (!(err instanceof Deno.errors.ConnectionReset)) throw err;
    return { text, end: "closed" };
  } finally {
    clearTimeout(cap);
  }
  // EOF: a socket the server has closed answers our bytes with a reset; a half-closed one takes them
  for (let i = 0; i < 20; i++) {
    try {
      await conn.write(new TextEncoder().encode("x"));
      if (await conn.read(buf) === null) continue;
    } catch {
      conn.close();
      return { text, end: "closed" };
    }
  }
  conn.close();
  return { text, end: "half-closed" };
}

Deno.test(
  "over real sockets, 50 clients that stall their bodies get their answer and are disconnected; others are served meanwhile",
  opts,
  async () => {
    const timeoutMs = 1000;
    const config = loadConfig({
      OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
      WEB_PORT: "0",
      ORDERS_ADDR: deadAddr(),
      STOCK_ADDR: deadAddr(),
      PAYMENTS_ADDR: deadAddr(),
      KITCHEN_ADDR: deadAddr(),
      RPC_TIMEOUT_MS: "1000",
      WEB_BODY_TIMEOUT_MS: String(timeoutMs),
    });
    const web = await start(config, createLogger("test", "error"));
    const base = `http://127.0.0.1:${web.port}`;
    try {
      const pay = `POST /api/payments/local/local_cs_${"ab".repeat(16)} HTTP/1.1\r\nHost: localhost\r\n` +
        `Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"outcome": `;
      // a route that answers without reading the body (405), so nothing waits for it
      const refused =
        `POST /api/products HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n0123456789`;
      const stalled = [
        ...Array.from({ length: 40 }, () => stall(web.port, pay, timeoutMs + 10_000)),
        ...Array.from({ length: 10 }, () => stall(web.port, refused, timeoutMs + 10_000)),
      ];

      // meanwhile: ordinary requests, with and without a body, are answered as usual
      for (let i = 0; i < 10; i++) {
        const health = await fetch(`${base}/healthz`);
        assert.deepEqual(await health.json(), { status: "ok" });
      }
      const whole = await fetch(`${base}/api/payments/local/local_cs_${"cd".repeat(16)}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base },
        body: JSON.stringify({ outcome: "pay" }),
      });
      assert.equal(whole.status, 503, "read in full, then the (dead) payments service is called");
      await whole.body?.cancel();

      const outcomes = await Promise.all(stalled);
      for (const [i, { text, end }] of outcomes.entries()) {
        assert.equal(end, "closed", `connection ${i}: ${end}`);
        if (i < 40) {
          assert.match(text, /^HTTP\/1\.1 408 /, `connection ${i}`);
          assert.match(text, /\r\nconnection: close\r\n/i);
          assert.match(text, /"code":"request_timeout"/);
        } else {
          assert.match(text, /^HTTP\/1\.1 405 /, `connection ${i}`);
          assert.match(text, /\r\nconnection: close\r\n/i);
        }
      }
      const after = await fetch(`${base}/healthz`);
      assert.equal(after.status, 200);
      await after.body?.cancel();
    } finally {
      await web.stop();
    }
  },
);

Deno.test("the handler gets the request as it came, and its signal is not read", async () => {
  let signalReads = 0;
  const original = new Request("http://shop.test/echo?x=1", {
    method: "POST",
    headers: { "content-type": "text/plain", cookie: "a=1", "x-custom": "y" },
    body: "hello",
  });
  const signal = original.signal;
  Object.defineProperty(original, "signal", {
    get: () => {
      signalReads++;
      return signal;
    },
  });
  const app = new Hono();
  app.use(bodyDeadline(5000));
  app.post("/echo", async (c) => {
    const same = c.req.raw === original;
    const body = new TextDecoder().decode(await readBodyBytes(c.req.raw, 1024));
    return c.json({ same, body, readsBefore: signalReads });
  });
  const res = await app.fetch(original);
  assert.deepEqual(await res.json(), { same: true, body: "hello", readsBefore: 0 });
  assert.equal(res.headers.get("connection"), null, "read to its end through the helper");
  assert.equal(signalReads, 0);
});

Deno.test("readWithin: a whole-body read that outlasts the deadline fails with 408; one in time marks the body complete", async () => {
  const app = new Hono();
  app.use(bodyDeadline(50));
  app.post("/form", async (c) => {
    const form = await readWithin(c.req.raw, c.req.raw.formData());
    return c.text(String(form.get("a")));
  });
  app.onError((err, c) => {
    const e = toApiError(err);
    return c.json(e.toJSON(), e.status, e.headers);
  });
  const ok = await app.request("/form", { method: "POST", body: new URLSearchParams({ a: "1" }) });
  assert.equal(await ok.text(), "1");
  assert.equal(ok.headers.get("connection"), null);
  const { body } = stalled("a=");
  const late = await app.request("/form", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
    duplex: "half",
  } as RequestInit);
  assert.equal(late.status, 408);
  assert.equal(late.headers.get("connection"), "close");
});

Deno.test(
  "over real sockets, a handler that reads a stalled body without the helpers is cut off at the deadline",
  opts,
  async () => {
    const app = new Hono<{ Bindings: ServeEnv }>();
    app.use(bodyDeadline(200));
    const failures: string[] = [];
    app.post("/raw", async (c) => {
      try {
        return c.text(await c.req.raw.text());
      } catch (err) {
        failures.push(String(err));
        return c.text("cut off", 400);
      }
    });
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req, info) => app.fetch(req, serveEnv(guard, info)),
    );
    const guard = guardConnections({ hostname: "127.0.0.1", port: 0, backend: server.addr });
    try {
      const head = `POST /raw HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nhalf`;
      const outcome = await stall(guard.addr.port, head, 10_000);
      assert.equal(outcome.end, "closed", "the connection was ended");
      assert.equal(failures.length, 1, "the handler's read failed instead of waiting for good");
    } finally {
      guard.close();
      guard.abortAll();
      await server.shutdown();
    }
  },
);
