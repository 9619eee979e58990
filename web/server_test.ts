import assert from "node:assert/strict";
import { createLogger, type LogFields, type Logger } from "../services/common/log.ts";
import { isTraceparent } from "../services/common/trace.ts";
import { loadConfig, type WebConfig } from "./config.ts";
import { connectClients, createApp, start } from "./server.ts";
import { deadAddr, errorOf, postJson, proofFor, startSystem, TEST_CUSTOMER_AUTH } from "./testing.ts";
import type { AppDeps } from "./api/deps.ts";
import { StaffClaims } from "../services/common/auth/staff_claim.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ALICE = await proofFor("alice");

/** A config whose services are all down (nothing listens on their ports). */
function downConfig(): WebConfig {
  return loadConfig({
    WEB_PORT: "0",
    ORDERS_ADDR: deadAddr(),
    STOCK_ADDR: deadAddr(),
    PAYMENTS_ADDR: deadAddr(),
    KITCHEN_ADDR: deadAddr(),
    RPC_TIMEOUT_MS: "1000",
    OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN,
  });
}

function recordingLogger(): { log: Logger; errors: LogFields[] } {
  const errors: LogFields[] = [];
  const quiet = createLogger("test", "error");
  return {
    errors,
    log: { ...quiet, error: (msg, fields) => errors.push({ msg, ...fields }) },
  };
}

function appWith(config: WebConfig, log: Logger = createLogger("test", "error")) {
  const clients = connectClients(config);
  const deps: AppDeps = {
    clients,
    log,
    maxBodyBytes: config.maxBodyBytes,
    webhookMaxBodyBytes: config.webhookMaxBodyBytes,
    rpcTimeoutMs: config.rpcTimeoutMs,
    customerAuth: TEST_CUSTOMER_AUTH,
    staffClaims: new StaffClaims(config.serviceToken),
  };
  return {
    app: createApp(deps),
    clients,
    close: () => Object.values(clients).forEach((c) => c.close()),
  };
}

Deno.test("GET /healthz answers ok without calling any service; HEAD works too", opts, async () => {
  const { app, close } = appWith(downConfig());
  try {
    const res = await app.request("/healthz");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
    const head = await app.request("/healthz", { method: "HEAD" });
    assert.equal(head.status, 200);
  } finally {
    close();
  }
});

Deno.test(
  "a valid incoming traceparent is echoed; a missing or malformed one is replaced by a new one",
  opts,
  async () => {
    const { app, close } = appWith(downConfig());
    try {
      const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      assert.equal(
        (await app.request("/healthz", { headers: { traceparent: tp } })).headers.get("traceparent"),
        tp,
      );
      const fresh = (await app.request("/healthz", { headers: { traceparent: "garbage" } })).headers.get(
        "traceparent",
      );
      assert.ok(isTraceparent(fresh) && fresh !== "garbage");
      const onError = await app.request("/nope");
      assert.equal(onError.status, 404);
      assert.ok(isTraceparent(onError.headers.get("traceparent")));
    } finally {
      close();
    }
  },
);

Deno.test("a service that is down is 503 naming it, with Retry-After", opts, async () => {
  const { app, close } = appWith(downConfig());
  try {
    const products = await app.request("/api/products");
    assert.equal(products.status, 503);
    assert.equal(products.headers.get("retry-after"), "5");
    const p = await errorOf(products);
    assert.equal(p.code, "unavailable");
    assert.match(p.message, /^The stock service is unavailable or failed during the call\. Retrying is safe/);

    const order = await app.request(
      "/api/customers/alice/orders",
      postJson({ items: [{ id: "1", quantity: 1 }] }, ALICE),
    );
    assert.equal(order.status, 503);
    assert.match((await errorOf(order)).message, /^The orders service is unavailable/);

    const webhook = await app.request("/api/webhooks/stripe", {
      method: "POST",
      headers: { "stripe-signature": "t=1,v1=x" },
      body: "{}",
    });
    assert.equal(webhook.status, 503);
    assert.match((await errorOf(webhook)).message, /^The payments service is unavailable/);
  } finally {
    close();
  }
});

Deno.test("an unexpected failure is 500 internal without details, and is logged", opts, async () => {
  const { log, errors } = recordingLogger();
  const { app, clients, close } = appWith(downConfig(), log);
  try {
    clients.stock.close(); // calls on a closed channel throw a plain Error, not an RpcError
    const res = await app.request("/api/products");
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: { code: "internal", message: "Internal error" } });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.msg, "request failed");
    assert.equal(errors[0]?.path, "/api/products");
  } finally {
    close();
  }
});

Deno.test("GET /api/products lists the catalog from stock with price and availability", opts, async () => {
  const sys = await startSystem();
  try {
    const res = await sys.request("/api/products");
    assert.equal(res.status, 200);
    const { products } = await res.json();
    assert.ok(products.length >= 8);
    assert.deepEqual(products[0], {
      id: "1",
      name: "Margherita",
      description: "Tomato, fior di latte, basil, olive oil",
      price: { amount: 850, currency: "EUR" },
      available: 25,
      offMenu: false,
      category: "Pizzas",
      tags: ["vegetarian"],
      allergens: ["gluten", "milk"],
      image: "/menu/margherita.svg",
      position: 10,
    });
    const post = await sys.request("/api/products", { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
  } finally {
    await sys.stop();
  }
});

Deno.test(
  "start() serves on a real listener, enforces the body limit on streamed bodies, and stops",
  opts,
  async () => {
    const handle = await start(downConfig(), createLogger("test", "error"), TEST_CUSTOMER_AUTH);
    try {
      const base = `http://127.0.0.1:${handle.port}`;
      const health = await fetch(`${base}/healthz`);
      assert.deepEqual(await health.json(), { status: "ok" });

      const big = new TextEncoder().encode(JSON.stringify({ items: [], pad: "x".repeat(40_000) }));
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < big.byteLength; i += 4096) c.enqueue(big.slice(i, i + 4096));
          c.close();
        },
      });
      const res = await fetch(`${base}/api/customers/alice/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", ...ALICE },
        body: stream,
      });
      assert.equal(res.status, 413);
      assert.equal((await errorOf(res)).code, "payload_too_large");

      const declared = await fetch(`${base}/api/customers/alice/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", ...ALICE },
        body: big,
      });
      assert.equal(declared.status, 413);
      await declared.body?.cancel();
    } finally {
      await handle.stop();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${handle.port}/healthz`));
  },
);

Deno.test("web/main.ts exits 2 with a clear message on bad config, and 0 on SIGTERM", opts, async () => {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const bad = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main],
    env: { WEB_PORT: "eighty" },
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(bad.code, 2);
  // every problem is listed at once: the bad port (and the missing token, unless this test's runner set one)
  assert.match(
    new TextDecoder().decode(bad.stderr),
    /invalid configuration: [^]*WEB_PORT must be an integer/,
  );

  const tokenless = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main],
    env: { WEB_PORT: "0" },
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(tokenless.code, 2, "no start without the service token");
  assert.match(
    new TextDecoder().decode(tokenless.stderr),
    /invalid configuration: OMS_SERVICE_TOKEN is not set/,
  );

  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main],
    env: { WEB_PORT: "0", LOG_LEVEL: "info", OMS_SERVICE_TOKEN: TEST_SERVICE_TOKEN },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("web listening")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  const port = seen.match(/"msg":"web listening","port":(\d+)/)?.[1];
  assert.ok(port, seen);
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  // runService installs its signal listeners right after logging; give them a moment to be armed.
  await new Promise((r) => setTimeout(r, 200));
  child.kill("SIGTERM");
  const status = await child.status;
  await reader.cancel();
  assert.equal(status.code, 0);
});

Deno.test(
  "start() with WEB_OPEN_CUSTOMER_API on warns that the customer API answers without proof",
  opts,
  async () => {
    const warnings: string[] = [];
    const quiet = createLogger("test", "error");
    const log: Logger = { ...quiet, warn: (msg) => void warnings.push(msg) };
    const handle = await start(downConfig(), log, { ...TEST_CUSTOMER_AUTH, open: true });
    try {
      assert.ok(
        warnings.some((w) => /^WEB_OPEN_CUSTOMER_API is on: .*without proof/.test(w)),
        JSON.stringify(warnings),
      );
    } finally {
      await handle.stop();
    }
    const closed: string[] = [];
    const h2 = await start(
      downConfig(),
      { ...quiet, warn: (msg) => void closed.push(msg) },
      TEST_CUSTOMER_AUTH,
    );
    await h2.stop();
    assert.ok(!closed.some((w) => w.includes("WEB_OPEN_CUSTOMER_API")), "no warning when proof is required");
  },
);
