import assert from "node:assert/strict";
import { TEST_SERVICE_TOKEN } from "../../services/common/auth/testing.ts";
import { Hono } from "hono";
import { createLogger } from "../../services/common/log.ts";
import { loadConfig } from "../config.ts";
import { start } from "../server.ts";
import { deadAddr } from "../testing.ts";
import { readBodyBytes } from "./body.ts";
import { bodyDeadline, isConnectionClosed } from "./body_deadline.ts";
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
  // The body is the JSON, then the stream fails so that a real server drops the connection.
  const reader = res.body!.getReader();
  let text = "";
  await assert.rejects(async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  }, (e: unknown) => isConnectionClosed(e));
  const { error } = JSON.parse(text) as { error: { code: string; message: string } };
  assert.equal(error.code, "request_timeout");
  assert.match(error.message, /did not arrive within 50 ms/);
  assert.ok((await cancelled) instanceof ApiError);
});

Deno.test("a body that arrives in time is read as it is; a body nobody reads is left alone", async () => {
  const app = echoApp(60_000);
  const ok = await app.request("/echo", { method: "POST", body: "hello" });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "hello");
  const ignored = await app.request("/ignore", { method: "POST", body: "x" });
  assert.equal(await ignored.text(), "not read");
  assert.equal((await app.request("/echo", { method: "POST" })).status, 200, "no body: nothing to wait for");
});

Deno.test(
  "over a real socket, a client that sends headers and part of a body gets 408 request_timeout with Connection: close",
  opts,
  async () => {
    const config = loadConfig({
      OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
      WEB_PORT: "0",
      ORDERS_ADDR: deadAddr(),
      STOCK_ADDR: deadAddr(),
      PAYMENTS_ADDR: deadAddr(),
      KITCHEN_ADDR: deadAddr(),
      WEB_BODY_TIMEOUT_MS: "300",
    });
    const web = await start(config, createLogger("test", "error"));
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: web.port });
    try {
      const session = `local_cs_${"ab".repeat(16)}`;
      await conn.write(new TextEncoder().encode(
        `POST /api/payments/local/${session} HTTP/1.1\r\nHost: localhost\r\n` +
          `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"outcome": `,
      ));
      // Read until the answer's JSON has arrived (or the server closes the connection).
      let text = "";
      const buf = new Uint8Array(4096);
      while (!/"code":"request_timeout".*\}\}/.test(text)) {
        const n = await conn.read(buf);
        if (n === null) break;
        text += new TextDecoder().decode(buf.subarray(0, n));
      }
      assert.match(text, /^HTTP\/1\.1 408 /);
      assert.match(text, /\r\nconnection: close\r\n/i);
      assert.match(text, /"code":"request_timeout"/);
    } finally {
      conn.close();
      await web.stop();
    }
  },
);
