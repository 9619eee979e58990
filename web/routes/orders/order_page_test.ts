import assert from "node:assert/strict";
import { form, tokenOf } from "../../cart/form_testing.ts";
import { startPagesSystem } from "../../pages_testing.ts";
import { DEFAULT_SHOP, formatDateTime, formatTime } from "../../shop.ts";
import { postJson } from "../../testing.ts";
import { ADMIN_STAFF } from "../../api/deps.ts";
import { staffGateway } from "../../gateway/mod.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** A shop far from UTC, so a time in UTC could not pass for a local one. */
const TOKYO = { ...DEFAULT_SHOP, timeZone: "Asia/Tokyo", locale: "en-GB" };

Deno.test(
  "the order page shows the number, who and when, the note and local times; without JavaScript it refreshes itself and cancels with a plain form",
  opts,
  async () => {
    const sys = await startPagesSystem();
    sys.deps.shop = TOKYO;
    try {
      const b = sys.browser();
      await (await b.get("/")).body?.cancel();
      const pickupAt = new Date(Date.now() + 3 * 3600_000);
      pickupAt.setUTCSeconds(0, 0);
      const created = await b.get(
        `/api/customers/${b.customerId()}/orders`,
        postJson({
          items: [{ id: "1", quantity: 2 }],
          details: { name: "Ada <Lovelace>", phone: "030 1234567", note: "Ring twice\nplease", pickupAt },
        }),
      );
      assert.equal(created.status, 201);
      const order = await created.json() as { id: string; number: number; createdAt: string };
      assert.ok(order.number > 0);

      const res = await b.get(`/orders/${order.id}`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(
        html,
        new RegExp(
          `<h1 id="order-title">Order <span data-testid="order-number">#${order.number}</span></h1>`,
        ),
      );
      assert.match(html, new RegExp(`<code data-testid="order-id">${order.id}</code>`), "the UUID, small");
      assert.match(html, new RegExp(`<title>Order #${order.number} · `));
      assert.match(html, /data-testid="order-name">Ada &lt;Lovelace></, "escaped");
      assert.match(html, /data-testid="order-phone">030 1234567</);
      assert.match(html, /data-testid="order-note">Ring twice\nplease</);
      const pickup = formatDateTime(pickupAt, TOKYO);
      assert.match(
        html,
        new RegExp(`data-testid="order-pickup"><time datetime="${pickupAt.toISOString()}">${pickup}</time>`),
      );
      assert.match(html, new RegExp(`Placed ${formatDateTime(new Date(order.createdAt), TOKYO)}`));
      // timeline times in Tokyo, never UTC
      const times = [...html.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)].filter((m) =>
        m[1] !== pickupAt.toISOString()
      );
      assert.ok(times.length >= 2, "timeline times");
      for (const [, iso, text] of times) assert.equal(text, formatTime(new Date(iso!), TOKYO));
      assert.doesNotMatch(html, /UTC/);
      assert.match(html, /data-testid="order-total"><strong>€17\.00</);
      // without JavaScript: refresh while the order can change; cancel is a form with the token
      assert.match(html, /<noscript><meta http-equiv="refresh" content="5"\/><\/noscript>/);
      assert.match(html, new RegExp(`<form method="post" action="/orders/${order.id}/cancel">`));

      const forged = await b.get(`/orders/${order.id}/cancel`, form({ _csrf: "nope" }));
      assert.equal(forged.status, 403);
      await forged.body?.cancel();
      const stranger = sys.browser();
      const strangerToken = tokenOf(await (await stranger.get("/")).text());
      const notTheirs = await stranger.get(`/orders/${order.id}/cancel`, form({ _csrf: strangerToken }));
      assert.equal(notTheirs.status, 404, "someone else's order is not found");
      await notTheirs.body?.cancel();

      const cancel = await b.get(`/orders/${order.id}/cancel`, form({ _csrf: tokenOf(html) }));
      assert.equal(cancel.status, 303);
      assert.equal(cancel.headers.get("location"), `/orders/${order.id}`);
      const after = await (await b.get(`/orders/${order.id}`)).text();
      assert.match(after, /data-testid="order-status" data-status="cancelled"/);
      assert.doesNotMatch(after, /http-equiv="refresh"/, "a final order does not refresh");
      // a second click of a stale form is harmless
      const again = await b.get(`/orders/${order.id}/cancel`, form({ _csrf: tokenOf(html) }));
      assert.equal(again.headers.get("location"), `/orders/${order.id}`);
      // a refused cancel (paid meanwhile) comes back with a reason
      assert.match(
        await (await b.get(`/orders/${order.id}?cancel=refused`)).text(),
        /can no longer be cancelled/,
      );

      // My orders: by number, with the local time
      const mine = await (await b.get("/orders")).text();
      assert.match(mine, new RegExp(`Order #${order.number}</strong>`));
      assert.match(mine, new RegExp(formatDateTime(new Date(order.createdAt), TOKYO)));
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the customer's order page shows the shop's notes meant for them and never an internal one",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      await (await b.get("/")).body?.cancel();
      const created = await b.get(
        `/api/customers/${b.customerId()}/orders`,
        postJson({ items: [{ id: "1", quantity: 1 }], details: { name: "Ada", phone: "030 1234567" } }),
      );
      assert.equal(created.status, 201);
      const order = await created.json() as { id: string };
      const staff = staffGateway(sys.deps, ADMIN_STAFF);
      await staff.orders.addNote(order.id, "Internal: regular, knows the owner", false);
      await staff.orders.addNote(order.id, "Your order will be ready at six <sharp>", true);
      const html = await (await b.get(`/orders/${order.id}`)).text();
      assert.match(html, /<h2 id="shop-notes-title">From the shop<\/h2>/);
      assert.match(
        html,
        /data-testid="shop-note"><time datetime="[^"]+">[^<]+<\/time>: Your order will be ready at six &lt;sharp></,
      );
      assert.doesNotMatch(
        html,
        /regular, knows the owner/,
        "an internal note never reaches the customer's page",
      );
    } finally {
      await sys.stop();
    }
  },
);
