import assert from "node:assert/strict";
import type { OrderJson } from "./api/order_json.ts";
import { CONTENT_SECURITY_POLICY } from "./framework/security.ts";
import { decodeProps } from "./framework/serialize.ts";
import { IMMUTABLE } from "./framework/mod.ts";
import { pagesApp, startPagesSystem } from "./pages_testing.ts";
import { deadAddr, postJson, proofFor } from "./testing.ts";
import { connect } from "../services/common/grpc_client.ts";
import { StockServiceClient } from "../services/common/gen/oms/stock/v1/stock.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function islandProps(html: string, name: string): unknown[] {
  const out: unknown[] = [];
  for (const m of html.matchAll(new RegExp(`data-island="${name}" data-props="([^"]+)"`, "g"))) {
    const script = new RegExp(`<script type="application/json" id="${m[1]}">([^<]*)</script>`).exec(html);
    assert.ok(script, `props of ${m[1]}`);
    out.push(decodeProps(script[1]!));
  }
  return out;
}

function executableScripts(html: string): string[] {
  return (html.match(/<script\b[^>]*>/g) ?? []).filter((s) => !s.includes('type="application/json"'));
}

function assertPageHeaders(res: Response) {
  assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.match(res.headers.get("content-type") ?? "", /^text\/html; charset=utf-8/);
}

Deno.test(
  "the menu lists every item with price and stock, sets a signed HttpOnly customer cookie and boots islands from one hashed external script",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const levels = await sys.stockLevels();
      const b = sys.browser();
      const res = await b.get("/");
      assert.equal(res.status, 200);
      assertPageHeaders(res);
      const setCookie = res.headers.get("set-cookie") ?? "";
      assert.match(
        setCookie,
        /^oms_customer=c-[A-Za-z0-9_-]{22}\.[^;]+; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      const html = await res.text();
      assert.equal(html.match(/data-testid="product"/g)?.length, Object.keys(levels).length);
      assert.match(html, /<h3 class="product-name" id="product-name-1">Margherita<\/h3>/);
      assert.match(html, /<p class="price">€8\.50<\/p>/);

      const carts = islandProps(html, "Cart") as { customerId: string; currency: string; csrf: string }[];
      assert.equal(carts.length, 1);
      assert.equal(carts[0]?.customerId, b.customerId());
      assert.equal(carts[0]?.currency, "EUR");
      assert.match(carts[0]?.csrf ?? "", /^[A-Za-z0-9_-]{43}$/, "the cart's forms carry the form token");
      const adds = islandProps(html, "AddToCart") as { item: { id: string; available: number } }[];
      assert.equal(adds.length, Object.keys(levels).length);
      // Every item once, with its stock level (the menu orders them by category, not by id).
      assert.deepEqual(Object.fromEntries(adds.map((a) => [a.item.id, a.item.available])), levels);

      const scripts = executableScripts(html);
      assert.equal(scripts.length, 1);
      const src = /src="(\/_islands\/client-[0-9a-f]{12}\.js)"/.exec(scripts[0]!)?.[1];
      assert.ok(src, scripts[0] ?? "no script");
      assert.match(scripts[0]!, /type="module"/);
      const js = await b.get(src);
      assert.equal(js.status, 200);
      assert.equal(js.headers.get("cache-control"), IMMUTABLE);
      assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
      const chunk = /AddToCart-[A-Z0-9]+\.js/.exec(await js.text())?.[0];
      assert.ok(chunk, "the entry loads the AddToCart chunk by its hashed name");
      const chunkRes = await b.get(`/_islands/${chunk}`);
      assert.equal(chunkRes.status, 200);
      assert.equal(chunkRes.headers.get("cache-control"), IMMUTABLE);
      await chunkRes.body?.cancel();
      assert.equal((await b.get("/_islands/client-000000000000.js")).status, 404);

      // The same browser keeps its id; a forged cookie gets a new one.
      const again = await b.get("/");
      assert.equal(again.headers.get("set-cookie"), null);
      assert.deepEqual(
        (islandProps(await again.text(), "Cart") as { customerId: string; csrf: string }[])
          .map((c) => [c.customerId, c.csrf]),
        [[b.customerId(), carts[0]?.csrf]],
      );
      const forged = await sys.pagesApp.request("/", {
        headers: { cookie: "oms_customer=c-AAAAAAAAAAAAAAAAAAAAAA.bad" },
      });
      assert.match(forged.headers.get("set-cookie") ?? "", /^oms_customer=c-/);
      assert.doesNotMatch(forged.headers.get("set-cookie") ?? "", /AAAAAAAAAAAAAAAAAAAAAA/);
      await forged.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "an item with few units says how many are left; a sold-out item says so and cannot be added",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const levels = await sys.stockLevels();
      const few = levels["2"]! - 3;
      const all = levels["3"]!;
      for (const [id, quantity] of [["2", few], ["3", all]] as const) {
        const res = await sys.request(
          "/api/customers/someone/orders",
          postJson({ items: [{ id, quantity }] }, await proofFor("someone")),
        );
        assert.equal(res.status, 201);
      }
      const html = await (await sys.browser().get("/")).text();
      const card = (id: string) =>
        new RegExp(
          `<li class="product[^"]*" data-testid="product" data-item-id="${id}"[^>]*>.*?</li>(?=<li class="product|</ul></section>)`,
        ).exec(html)
          ?.[0] ?? "";
      assert.match(card("2"), /data-testid="stock-state">3 left</);
      assert.match(card("3"), /class="product sold-out"/);
      assert.match(card("3"), /data-testid="stock-state">Sold out</);
      assert.match(card("3"), /<button type="submit" class="button primary" disabled/);
      const adds = islandProps(html, "AddToCart") as { item: { id: string; available: number } }[];
      assert.equal(adds.find((a) => a.item.id === "3")?.item.available, 0);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "My orders lists this browser's orders only, live (no script while there are none)",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      const empty = await b.get("/orders");
      assert.equal(empty.status, 200);
      assertPageHeaders(empty);
      const emptyHtml = await empty.text();
      assert.match(emptyHtml, /You have no orders yet/);
      assert.doesNotMatch(emptyHtml, /<script/i);

      const mine = await (await b.get(
        `/api/customers/${b.customerId()}/orders`,
        postJson({ items: [{ id: "1", quantity: 2 }] }),
      )).json() as OrderJson;
      const theirs = await (await sys.request(
        `/api/customers/other/orders`,
        postJson({ items: [{ id: "1", quantity: 1 }] }, await proofFor("other")),
      )).json() as OrderJson;
      const html = await (await b.get("/orders")).text();
      assert.ok(html.includes(`href="/orders/${mine.id}"`));
      assert.ok(!html.includes(theirs.id));
      assert.match(html, /2 × Margherita/);
      assert.match(html, /€17\.00/);
      assert.match(html, /Waiting for payment/);
      assert.deepEqual(islandProps(html, "MyOrdersLive").map((p) => (p as { first: boolean }).first), [true]);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the order page shows items, total, status and a live island; other customers' orders are a 404 page",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      await (await b.get("/")).body?.cancel();
      const order = await (await b.get(
        `/api/customers/${b.customerId()}/orders`,
        postJson({ items: [{ id: "1", quantity: 2 }, { id: "9", quantity: 1 }] }),
      )).json() as OrderJson;
      const res = await b.get(`/orders/${order.id}`);
      assert.equal(res.status, 200);
      assertPageHeaders(res);
      const html = await res.text();
      assert.match(html, /data-testid="order-status" data-status="waiting_payment">Waiting for payment</);
      assert.match(html, /<td>Margherita<\/td><td class="num">2<\/td>/);
      assert.match(html, /data-testid="order-total"><strong>€20\.50</);
      assert.match(html, /<a class="button primary" href="[^"]+\/pay\/[^"]+">Pay now<\/a>/);
      assert.match(html, />Cancel order</);
      const [live] = islandProps(html, "OrderLive") as { order: OrderJson; customerId: string }[];
      assert.equal(live?.order.id, order.id);
      assert.equal(live?.customerId, b.customerId());

      // the checkout's return URL carries the order id only; a customer in the query is no proof
      const back = await b.get(`/orders/${order.id}?paid=1`);
      assert.equal(back.status, 200);
      await back.body?.cancel();
      const stranger = sys.browser();
      const guessed = await stranger.get(`/orders/${order.id}?customer=${b.customerId()}&paid=1`);
      assert.equal(guessed.status, 404);
      await guessed.body?.cancel();
      const notYours = await stranger.get(`/orders/${order.id}`);
      assert.equal(notYours.status, 404);
      assertPageHeaders(notYours);
      const nf = await notYours.text();
      assert.match(nf, /<h1 id="nf-title">Page not found<\/h1>/);
      assert.match(nf, /<header class="site-header">/);
      assert.doesNotMatch(nf, /<script/i);
      const bad = await b.get("/orders/not-a-uuid");
      assert.equal(bad.status, 404);
      await bad.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);

async function readEvents(res: Response, until: (events: { event: string; data: string }[]) => boolean) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const events: { event: string; data: string }[] = [];
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) return { events, ended: true };
    text += value;
    let at;
    while ((at = text.indexOf("\n\n")) !== -1) {
      const block = text.slice(0, at);
      text = text.slice(at + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data !== undefined) events.push({ event, data });
    }
    if (until(events)) {
      await reader.cancel();
      return { events, ended: false };
    }
  }
  await reader.cancel();
  throw new Error(`Timed out; events so far: ${JSON.stringify(events)}`);
}

Deno.test(
  "order events stream the order at once, push a change, and end when the order is final",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      await (await b.get("/")).body?.cancel();
      const api = `/api/customers/${b.customerId()}/orders`;
      const order = await (await b.get(api, postJson({ items: [{ id: "1", quantity: 1 }] })))
        .json() as OrderJson;
      const res = await b.get(`/orders/${order.id}/events`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
      assert.equal(res.headers.get("cache-control"), "no-store");
      setTimeout(
        () => b.get(`${api}/${order.id}/cancel`, { method: "POST" }).then((r) => r.body?.cancel()),
        300,
      );
      const { events } = await readEvents(
        res,
        (evs) => evs.some((e) => JSON.parse(e.data).status === "cancelled"),
      );
      const statuses = events.map((e) => (JSON.parse(e.data) as OrderJson).status);
      assert.equal(events[0]?.event, "order");
      assert.equal(statuses[0], "waiting_payment");
      assert.equal(statuses.at(-1), "cancelled");

      // A final order: one event, then the stream ends.
      const final = await readEvents(await b.get(`/orders/${order.id}/events`), () => false);
      assert.ok(final.ended);
      assert.deepEqual(final.events.map((e) => JSON.parse(e.data).status), ["cancelled"]);
      // Someone else's order: gone.
      const other = await readEvents(await sys.browser().get(`/orders/${order.id}/events`), () => false);
      assert.deepEqual(other.events.map((e) => e.event), ["gone"]);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the local pay page offers Pay, Decline and Let it expire; the form post completes the checkout and goes to the order",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      await (await b.get("/")).body?.cancel();
      const order = await (await b.get(
        `/api/customers/${b.customerId()}/orders`,
        postJson({ items: [{ id: "4", quantity: 1 }] }),
      )).json() as OrderJson;
      const path = new URL(order.paymentLink).pathname;
      assert.match(path, /^\/pay\//);
      const page = await b.get(path);
      assert.equal(page.status, 200);
      assertPageHeaders(page);
      const html = await page.text();
      for (const [value, label] of [["pay", "Pay"], ["decline", "Decline"], ["expire", "Let it expire"]]) {
        assert.match(
          html,
          new RegExp(`<button type="submit" name="outcome" value="${value}"[^>]*>${label}</button>`),
        );
      }
      assert.match(html, /<form method="post" action="\/pay\/[^"]+" class="pay-actions">/);
      assert.match(html, /<td>Quattro Formaggi<\/td>/);
      assert.deepEqual(islandProps(html, "PayActions"), [{
        sessionId: decodeURIComponent(path.slice(5)),
        orderId: order.id,
        csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1],
      }]);

      const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
      const done = await b.get(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf, outcome: "pay" }).toString(),
      });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get("location"), `/orders/${order.id}`);
      const after = await (await b.get(path)).text();
      assert.match(after, /data-testid="pay-closed">This checkout is paid\./);
      assert.doesNotMatch(after, /<script/i);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "user input in error pages is escaped; unknown pages get the site's 404 while the API keeps JSON",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      const evil = encodeURIComponent('"><script>alert(1)</script>');
      const res = await b.get(`/pay/${evil}`);
      assert.equal(res.status, 400);
      assertPageHeaders(res);
      const html = await res.text();
      assert.doesNotMatch(html, /<script>alert/);
      assert.match(html, /&quot;>&lt;script>alert\(1\)&lt;\/script>/);
      assert.doesNotMatch(html, /<script/i);

      const nf = await b.get("/no/such/page");
      assert.equal(nf.status, 404);
      assertPageHeaders(nf);
      assert.match(await nf.text(), /Page not found/);
      const apiNf = await b.get("/api/nope");
      assert.equal(apiNf.status, 404);
      assert.match(apiNf.headers.get("content-type") ?? "", /application\/json/);
      await apiNf.body?.cancel();
      const post = await b.get("/no/such/page", { method: "POST" });
      assert.equal(post.status, 404);
      await post.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("static files: hashed names are immutable, plain names revalidate with an ETag", opts, async () => {
  const sys = await startPagesSystem();
  try {
    const html = await (await sys.browser().get("/orders")).text();
    const href = /<link rel="stylesheet" href="(\/_static\/styles\.[0-9a-f]{12}\.css)"\/>/.exec(html)?.[1];
    assert.ok(href, "the page links the hashed stylesheet");
    const hashed = await sys.pagesApp.request(href);
    assert.equal(hashed.status, 200);
    assert.equal(hashed.headers.get("cache-control"), IMMUTABLE);
    assert.match(hashed.headers.get("content-type") ?? "", /^text\/css/);
    assert.match(
      await hashed.text(),
      /oms-island \{ display: contents; \}|oms-island\s*\{\s*display:\s*contents/,
    );
    const plain = await sys.pagesApp.request("/_static/styles.css");
    assert.equal(plain.headers.get("cache-control"), "no-cache");
    const etag = plain.headers.get("etag")!;
    await plain.body?.cancel();
    const revalidated = await sys.pagesApp.request("/_static/styles.css", {
      headers: { "if-none-match": etag },
    });
    assert.equal(revalidated.status, 304);
    assert.equal((await sys.pagesApp.request("/_static/nope.css")).status, 404);
  } finally {
    await sys.stop();
  }
});

Deno.test(
  "the menu is gzipped for browsers that accept it and revalidates with its ETag (304)",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      await (await b.get("/")).body?.cancel(); // the customer cookie
      const gzip = { "accept-encoding": "gzip, deflate, br" };
      const res = await b.get("/", { headers: gzip });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-encoding"), "gzip");
      assert.equal(res.headers.get("cache-control"), "private, no-cache");
      const etag = res.headers.get("etag");
      assert.match(etag ?? "", /^W\/"[0-9a-f]{40}"$/);
      const html = await new Response(res.body!.pipeThrough(new DecompressionStream("gzip"))).text();
      assert.match(html, /Margherita/);
      const again = await b.get("/", { headers: { ...gzip, "if-none-match": etag! } });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), "");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test("when stock is down the menu answers 503 with the site's error page", opts, async () => {
  const sys = await startPagesSystem();
  const stock = connect(StockServiceClient, deadAddr(), TEST_SERVICE_TOKEN);
  try {
    const { app } = await pagesApp({
      ...sys.deps,
      clients: { ...sys.deps.clients, stock },
      rpcTimeoutMs: 500,
    });
    const res = await app.request("/");
    assert.equal(res.status, 503);
    assertPageHeaders(res);
    const html = await res.text();
    assert.match(html, /The shop is busy/);
    assert.match(html, /stock service is unavailable/);
    assert.doesNotMatch(html, /<script/i);
  } finally {
    stock.close();
    await sys.stop();
  }
});
