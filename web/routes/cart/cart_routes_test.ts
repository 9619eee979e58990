import assert from "node:assert/strict";
import { decodeProps } from "../../framework/serialize.ts";
import type { CartView } from "../../lib/cart.ts";
import { type Browser, startPagesSystem } from "../../pages_testing.ts";
import { form, tokenOf } from "../../cart/form_testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

function cartProps(html: string): CartView {
  const id = /data-island="Cart" data-props="([^"]+)"/.exec(html)?.[1];
  const script = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  assert.ok(script, "the menu renders the cart island");
  return (decodeProps(script[1]!) as { cart: CartView }).cart;
}

async function menu(b: Browser): Promise<string> {
  const res = await b.get("/");
  assert.equal(res.status, 200);
  return await res.text();
}

Deno.test(
  "without JavaScript the cart is plain forms: add goes back to the item, update and remove to the cart, and the menu shows the lines",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      const html = await menu(b);
      const csrf = tokenOf(html);
      assert.match(html, /<form method="post" action="\/cart\/add" class="add-to-cart">/);
      assert.doesNotMatch(html, /Loading your cart/);

      const add = await b.get("/cart/add", form({ _csrf: csrf, id: "1" }));
      assert.equal(add.status, 303);
      assert.equal(add.headers.get("location"), "/#item-1");
      assert.match(
        add.headers.get("set-cookie") ?? "",
        /^oms_cart=[^;]+; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax/,
      );
      await b.get("/cart/add", form({ _csrf: csrf, id: "1" }));
      await b.get("/cart/add", form({ _csrf: csrf, id: "9" }));

      const withCart = await menu(b);
      const view = cartProps(withCart);
      assert.deepEqual(view.lines.map((l) => [l.id, l.name, l.quantity]), [["1", "Margherita", 2], [
        "9",
        "Lemonade",
        1,
      ]]);
      assert.match(
        view.key,
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        "a UUIDv7",
      );
      // "2 × €8.50" and the line's total, server-rendered
      assert.match(withCart, /data-testid="cart-each">2 × €8\.50</);
      assert.match(withCart, /<strong class="cart-sub">€17\.00<\/strong>/);
      assert.match(withCart, /data-testid="cart-total">€20\.50</);
      assert.match(withCart, />2 in cart</, "the item's button says how many are in the cart");
      assert.match(withCart, /<button type="submit" class="button small">Update<\/button>/);
      assert.match(
        withCart,
        /<a class="button primary wide" href="\/checkout" data-testid="checkout-link">Check out<\/a>/,
      );

      const update = await b.get(
        "/cart/update",
        form({ _csrf: csrf, id: "1", quantity: "3", back: "checkout" }),
      );
      assert.equal(update.status, 303);
      assert.equal(update.headers.get("location"), "/checkout");
      const remove = await b.get("/cart/update", form({ _csrf: csrf, id: "9", quantity: "0", back: "cart" }));
      assert.equal(remove.headers.get("location"), "/#cart");
      assert.deepEqual(cartProps(await menu(b)).lines.map((l) => [l.id, l.quantity]), [["1", 3]]);

      // more than is left is capped to what is left
      const levels = await sys.stockLevels();
      await b.get("/cart/update", form({ _csrf: csrf, id: "1", quantity: String(levels["1"]! + 5) }));
      assert.equal(cartProps(await menu(b)).lines[0]?.quantity, Math.min(levels["1"]!, 99));

      // emptying the cart removes the cookie
      const clear = await b.get("/cart/clear", form({ _csrf: csrf }));
      assert.equal(clear.headers.get("location"), "/");
      assert.match(clear.headers.get("set-cookie") ?? "", /^oms_cart=; Max-Age=0/);
      assert.match(await menu(b), /data-testid="cart-empty"/);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the islands send the same forms and get the cart as JSON; its checkout key changes with the cart",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      const csrf = tokenOf(await menu(b));
      const json = { accept: "application/json" };
      const first = await b.get("/cart/add", form({ _csrf: csrf, id: "10" }, json));
      assert.equal(first.status, 200);
      const a = (await first.json() as { cart: CartView }).cart;
      assert.deepEqual(a.lines, [
        {
          id: "10",
          name: "Espresso",
          unitPrice: { amount: 250, currency: "EUR" },
          quantity: 1,
          available: a.lines[0]!.available,
        },
      ]);
      const second =
        (await (await b.get("/cart/add", form({ _csrf: csrf, id: "10" }, json))).json() as { cart: CartView })
          .cart;
      assert.equal(second.lines[0]?.quantity, 2);
      assert.notEqual(second.key, a.key, "a changed cart is a new checkout");
      const same = await b.get("/cart/update", form({ _csrf: csrf, id: "10", quantity: "2" }, json));
      assert.equal(same.headers.get("set-cookie"), null, "nothing changed, no new cookie");
      assert.equal((await same.json() as { cart: CartView }).cart.key, second.key);
      const unknown = await b.get("/cart/add", form({ _csrf: csrf, id: "no-such-item" }, json));
      assert.equal(unknown.status, 422);
      await unknown.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "cart forms without this browser's token, or from another site, are refused and change nothing",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const b = sys.browser();
      const csrf = tokenOf(await menu(b));
      const other = sys.browser();
      const theirs = tokenOf(await menu(other));
      const refused: [string, RequestInit][] = [
        ["no token", form({ id: "1" })],
        ["another browser's token", form({ _csrf: theirs, id: "1" })],
        ["another site (Origin)", form({ _csrf: csrf, id: "1" }, { origin: "https://evil.example" })],
        ["another site (Sec-Fetch-Site)", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "cross-site" },
          body: new URLSearchParams({ _csrf: csrf, id: "1" }).toString(),
        }],
      ];
      for (const [why, init] of refused) {
        const res = await b.get("/cart/add", init);
        assert.equal(res.status, 403, why);
        assert.equal(res.headers.get("set-cookie"), null, why);
        await res.body?.cancel();
      }
      // Every cart route reads its form through the same check.
      for (const path of ["/cart/update", "/cart/clear"]) {
        for (
          const [why, body] of [["no token", { id: "1", quantity: "2" }], ["another browser's token", {
            _csrf: theirs,
            id: "1",
            quantity: "2",
          }]] as const
        ) {
          const res = await b.get(path, form(body));
          assert.equal(res.status, 403, `${path}: ${why}`);
          assert.equal(res.headers.get("set-cookie"), null, `${path}: ${why}`);
          await res.body?.cancel();
        }
      }
      assert.match(await menu(b), /data-testid="cart-empty"/);
      const get = await b.get("/cart/add");
      assert.equal(get.status, 405, "the cart changes only by POST");
      await get.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);
