import assert from "node:assert/strict";
import { form, tokenOf } from "../../cart/form_testing.ts";
import { createGateway } from "../../gateway/mod.ts";
import { type Browser, type PagesSystem, startPagesSystem } from "../../pages_testing.ts";
import { DEFAULT_SHOP, parseHours } from "../../shop.ts";
import { postJson, proofFor } from "../../testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** A shop that is always open, so the tests do not depend on the time of day. */
const ALWAYS_OPEN = { ...DEFAULT_SHOP, hours: parseHours("Mo-Su 00:00-24:00") };

async function started(): Promise<PagesSystem> {
  const sys = await startPagesSystem();
  sys.deps.shop = ALWAYS_OPEN;
  return sys;
}

/** Opens the menu, puts `lines` in the cart with the plain forms, and returns the form token. */
async function fillCart(b: Browser, lines: [string, number][]): Promise<string> {
  const csrf = tokenOf(await (await b.get("/")).text());
  for (const [id, quantity] of lines) {
    const res = await b.get("/cart/add", form({ _csrf: csrf, id, quantity: String(quantity) }));
    assert.equal(res.status, 303);
  }
  return csrf;
}

function slotsOf(html: string): string[] {
  return [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]!);
}

Deno.test(
  "checkout without JavaScript: errors show next to their fields with the values kept; nothing is ordered",
  opts,
  async () => {
    const sys = await started();
    try {
      const b = sys.browser();
      const csrf = await fillCart(b, [["1", 2]]);
      const page = await b.get("/checkout");
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<form method="post" action="\/checkout" class="checkout-form" novalidate>/);
      for (const name of ["name", "phone", "email", "pickup", "note"]) {
        assert.match(html, new RegExp(`name="${name}"`), name);
      }
      assert.match(html, /<option value="asap" selected>As soon as possible<\/option>/);
      assert.match(html, /As soon as possible is about 15 minutes from now\./);
      const slots = slotsOf(html);
      assert.ok(slots.length > 1, "pickup slots are offered");
      assert.equal(new Set(slots).size, slots.length, "each slot once");
      assert.match(html, /data-testid="cart-each">2 × €8\.50</);

      const res = await b.get(
        "/checkout",
        form({
          _csrf: csrf,
          name: "",
          phone: "12ab",
          email: "",
          pickup: "asap",
          note: "No onions <b>please</b>",
        }),
      );
      assert.equal(res.status, 422);
      const failed = await res.text();
      assert.match(
        failed,
        /<p class="field-error" id="checkout-name-error" data-testid="checkout-name-error">Please enter your name\.<\/p>/,
      );
      assert.match(failed, /id="checkout-phone-error"[^>]*>Phone &quot;12ab&quot; may contain only digits/);
      assert.match(
        failed,
        /<input id="checkout-phone" aria-describedby="checkout-phone-error" aria-invalid="true" name="phone" type="tel"[^>]* value="12ab"/,
      );
      assert.match(failed, /No onions &lt;b>please&lt;\/b><\/textarea>/, "the note is kept, escaped");
      assert.match(failed, /Please check the 2 fields marked below\./);
      assert.doesNotMatch(failed, /checkout-email-error/);
      const orders = await (await b.get(`/api/customers/${b.customerId()}/orders`)).json() as {
        orders: unknown[];
      };
      assert.equal(orders.orders.length, 0, "nothing was ordered");

      const gone = await b.get(
        "/checkout",
        form({ _csrf: csrf, name: "Ada", phone: "030 1234567", pickup: "2020-01-01T10:00:00.000Z" }),
      );
      assert.equal(gone.status, 422);
      assert.match(await gone.text(), /id="checkout-pickup-error"[^>]*>[^<]*in the past/);

      const forged = await b.get("/checkout", form({ name: "Ada", phone: "030 1234567" }));
      assert.equal(forged.status, 403);
      await forged.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "checkout without JavaScript places the order with the details, empties the cart and goes to the payment; a second submit of the same cart is the same order",
  opts,
  async () => {
    const sys = await started();
    try {
      const b = sys.browser();
      const csrf = await fillCart(b, [["1", 2], ["9", 1]]);
      const slot = slotsOf(await (await b.get("/checkout")).text()).find((v) => v !== "asap")!;
      const cookieBefore = b.cookie;
      const fields = {
        _csrf: csrf,
        name: " Ada Lovelace ",
        phone: "+49 30 1234567",
        email: "",
        pickup: slot,
        note: "Ring twice\r\nplease",
      };
      const res = await b.get("/checkout", form(fields));
      assert.equal(res.status, 303);
      const location = res.headers.get("location") ?? "";
      assert.match(location, /\/pay\//);
      assert.match(res.headers.get("set-cookie") ?? "", /^oms_cart=; Max-Age=0/, "the cart is emptied");
      assert.match(await (await b.get("/")).text(), /data-testid="cart-empty"/);

      const list = await (await b.get(`/api/customers/${b.customerId()}/orders`)).json() as {
        orders: { id: string; paymentLink: string }[];
      };
      assert.equal(list.orders.length, 1);
      const [listed] = list.orders;
      assert.equal(listed!.paymentLink, location);
      const order = await createGateway(sys.deps.clients, () => ({})).orders.get(b.customerId(), listed!.id);
      assert.ok(order.number > 0, `a short number, got ${order.number}`);
      assert.deepEqual(order.details, {
        name: "Ada Lovelace",
        phone: "+49 30 1234567",
        email: "",
        note: "Ring twice\nplease",
        pickupAt: new Date(slot),
      });
      assert.deepEqual(order.items.map((l) => [l.itemId, l.quantity]), [["1", 2], ["9", 1]]);

      // the same form sent again with the cart it was sent with (a double click): the same order
      const again = await sys.pagesApp.request("/checkout", {
        ...form(fields),
        headers: { ...form(fields).headers as Record<string, string>, cookie: cookieBefore },
      });
      assert.equal(again.status, 303);
      assert.equal(again.headers.get("location"), location);
      const after = await (await b.get(`/api/customers/${b.customerId()}/orders`)).json() as {
        orders: unknown[];
      };
      assert.equal(after.orders.length, 1, "one order from two submits");
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "checkout without JavaScript: items sold out meanwhile lower the cart to what is left and say so; an empty cart says so",
  opts,
  async () => {
    const sys = await started();
    try {
      const b = sys.browser();
      const csrf = await fillCart(b, [["4", 2], ["9", 1]]);
      const left = (await sys.stockLevels())["4"]!;
      const bought = await sys.request(
        "/api/customers/someone-else/orders",
        postJson({ items: [{ id: "4", quantity: left - 1 }] }, await proofFor("someone-else")),
      );
      assert.equal(bought.status, 201);
      const res = await b.get(
        "/checkout",
        form({ _csrf: csrf, name: "Ada", email: "ada@example.com", pickup: "asap" }),
      );
      assert.equal(res.status, 409);
      const html = await res.text();
      assert.match(html, /sold out while you were choosing/);
      assert.match(html, /Quattro Formaggi: you asked for 2, 1 left/);
      assert.match(html, /value="ada@example\.com"/, "the details are kept");
      assert.match(html, /data-testid="cart-each">1 × €11\.50</, "the cart now holds what is left");

      await b.get("/cart/clear", form({ _csrf: csrf }));
      const empty = await b.get("/checkout", form({ _csrf: csrf, name: "Ada", email: "ada@example.com" }));
      assert.equal(empty.status, 422);
      assert.match(await empty.text(), /Your cart is empty/);
    } finally {
      await sys.stop();
    }
  },
);
