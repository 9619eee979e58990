/**
 * The menu page (`/`) against the real services, read as HTML: sections per category behind the
 * category bar, the search as a plain GET, pictures with their size, dietary badges, allergens and
 * prices in the shop's locale.
 */
import assert from "node:assert/strict";
import { createGateway } from "../gateway/mod.ts";
import { callOptions } from "../gateway/call_options.ts";
import { newTraceparent } from "../../services/common/trace.ts";
import { ADMIN_STAFF } from "../api/deps.ts";
import { pagesApp, startPagesSystem } from "../pages_testing.ts";
import { newVisitorMenusMade } from "./index.tsx";
import { DEFAULT_SHOP } from "../shop.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** The demo menu as the contract seeds it: category -> item ids in position order. */
const DEMO_SECTIONS: [string, string, string[]][] = [
  ["pizzas", "Pizzas", ["1", "2", "3", "4", "5", "6"]],
  ["salads", "Salads", ["11", "7", "12"]],
  ["desserts", "Desserts", ["8", "13"]],
  ["drinks", "Drinks", ["9", "10", "14"]],
];

interface SectionHtml {
  id: string;
  title: string;
  hidden: boolean;
  items: { id: string; hidden: boolean }[];
}

/** The menu's sections, in document order, with their items and whether each is hidden. */
function sectionsOf(html: string): SectionHtml[] {
  const out: SectionHtml[] = [];
  for (
    const m of html.matchAll(/<section id="([^"]+)" class="menu-section"([^>]*)>(.*?)<\/ul><\/section>/gs)
  ) {
    const body = m[3]!;
    out.push({
      id: m[1]!,
      hidden: /\shidden(?:\s|$|=)/.test(m[2]!),
      title: /<h2 id="[^"]+" class="section-title">([^<]*)<\/h2>/.exec(body)?.[1] ?? "",
      items: [
        ...body.matchAll(/<li class="product[^"]*" data-testid="product" data-item-id="([^"]+)"([^>]*)>/g),
      ]
        .map((i) => ({ id: i[1]!, hidden: /\shidden(?:\s|$|=)/.test(i[2]!) })),
    });
  }
  return out;
}

/** The category bar's links: [anchor, label, hidden]. */
function categoryLinks(html: string): [string, string, boolean][] {
  const nav = /<nav class="category-bar" aria-label="Menu categories"[^>]*>(.*?)<\/nav>/s.exec(html)?.[1] ??
    "";
  return [...nav.matchAll(/<li data-category-link="([^"]+)"([^>]*)><a href="#([^"]+)">([^<]*)<\/a><\/li>/g)]
    .map((m) => {
      assert.equal(m[1], m[3], "a link names the section it leads to");
      return [m[3]!, m[4]!, /\bhidden\b/.test(m[2]!)];
    });
}

/** The HTML of one item's card. */
function card(html: string, id: string): string {
  const re = new RegExp(
    `<li class="product[^"]*" data-testid="product" data-item-id="${id}"[^>]*>.*?</li>(?=<li class="product|</ul></section>)`,
    "s",
  );
  return re.exec(html)?.[0] ?? "";
}

function visibleIds(html: string): string[] {
  return sectionsOf(html).filter((s) => !s.hidden).flatMap((s) => s.items.filter((i) => !i.hidden))
    .map((i) => i.id);
}

Deno.test("the menu page", opts, async (t) => {
  const sys = await startPagesSystem();
  try {
    const b = sys.browser();
    const html = await (await b.get("/")).text();

    await t.step("has a section per category in catalog order, each linked from the category bar", () => {
      const sections = sectionsOf(html);
      assert.deepEqual(
        sections.map((s) => [s.id, s.title, s.items.map((i) => i.id)]),
        DEMO_SECTIONS,
      );
      assert.ok(sections.every((s) => !s.hidden && s.items.every((i) => !i.hidden)), "nothing hidden");
      assert.deepEqual(categoryLinks(html), DEMO_SECTIONS.map(([id, title]) => [id, title, false]));
      assert.match(html, /<h1 id="menu-title">Menu<\/h1>/);
    });

    await t.step(
      "shows each item's picture with its width and height, and the picture is served",
      async () => {
        const imgs = [...html.matchAll(/<img class="product-img" ([^>]*)>/g)].map((m) => m[1]!);
        assert.equal(imgs.length, DEMO_SECTIONS.flatMap(([, , ids]) => ids).length);
        for (const attrs of imgs) {
          assert.match(attrs, /\bwidth="320" height="240"/, attrs);
          // `alt` with no value is `alt=""`: decorative, the name and description are beside it.
          assert.match(attrs, /\salt(?:="")?[\s/]/, "an empty alt");
        }
        const src = /<img class="product-img" src="([^"]+)"/.exec(card(html, "1"))?.[1] ?? "";
        assert.match(src, /^\/_static\/menu\/margherita\.[0-9a-f]{12}\.svg$/);
        const res = await b.get(src);
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type") ?? "", /^image\/svg\+xml(;|$)/);
        assert.match(await res.text(), /<title>Margherita/);
      },
    );

    await t.step("shows dietary tags as labelled badges and allergens in words", () => {
      const caprese = card(html, "11");
      assert.match(caprese, /<ul class="badges" aria-label="Dietary"[^>]*>/);
      assert.deepEqual(
        [...caprese.matchAll(/<li class="badge badge-([a-z-]+)">([^<]*)<\/li>/g)].map((m) => [m[1], m[2]]),
        [["vegetarian", "Vegetarian"], ["gluten-free", "Gluten-free"]],
      );
      assert.match(caprese, /<p class="allergens"[^>]*>Contains: milk<\/p>/);
      assert.match(card(html, "3"), /<li class="badge badge-spicy">Spicy<\/li>/);
      assert.match(card(html, "2"), /<li class="badge badge-vegan">Vegan<\/li>/);
      assert.match(card(html, "7"), />Contains: gluten, eggs, fish, milk</);
      assert.doesNotMatch(card(html, "5"), /class="badges"/, "Capricciosa has no tags");
      assert.doesNotMatch(card(html, "9"), /Contains:/, "Lemonade has no allergens");
    });

    await t.step(
      "/?q= filters on the server: non-matching items, empty sections and their links are hidden",
      async () => {
        const vegan = await (await b.get("/?q=vegan")).text();
        assert.deepEqual(visibleIds(vegan), ["2", "9", "10", "14"]);
        assert.deepEqual(
          sectionsOf(vegan).map((s) => [s.id, s.hidden]),
          [["pizzas", false], ["salads", true], ["desserts", true], ["drinks", false]],
        );
        assert.deepEqual(
          categoryLinks(vegan).map(([id, , hidden]) => [id, hidden]),
          [["pizzas", false], ["salads", true], ["desserts", true], ["drinks", false]],
        );
        assert.match(vegan, /<input [^>]*id="menu-q" type="search" name="q" value="vegan"/);
        assert.match(vegan, /<p role="status" data-testid="search-status">4 items match “vegan”.<\/p>/);
        assert.match(vegan, /<a href="\/">Show the whole menu<\/a>/);

        // The category, two words at once, any case and accents.
        assert.deepEqual(visibleIds(await (await b.get("/?q=Salads")).text()), ["11", "7", "12"]);
        assert.deepEqual(visibleIds(await (await b.get("/?q=spicy+PIZZA")).text()), ["3"]);
        assert.deepEqual(visibleIds(await (await b.get("/?q=tiramis%C3%B9")).text()), ["8"]);
      },
    );

    await t.step("a search that matches nothing says so, and the query is shown escaped", async () => {
      const res = await b.get(`/?q=${encodeURIComponent('<script>"x')}`);
      assert.equal(res.status, 200);
      const none = await res.text();
      assert.deepEqual(visibleIds(none), []);
      assert.ok(sectionsOf(none).every((s) => s.hidden));
      assert.match(none, /value="&lt;script>&quot;x"/);
      assert.match(none, /No items match “&lt;script>&quot;x”\./);
      assert.doesNotMatch(none, /<script>"x/);
    });

    await t.step("prices follow the shop's locale", async () => {
      const { app } = await pagesApp({ ...sys.deps, shop: { ...DEFAULT_SHOP, locale: "de-DE" } });
      const de = await (await app.request("/")).text();
      assert.match(card(de, "1"), /<p class="price">8,50\u00a0€<\/p>/);
      assert.match(card(html, "1"), /<p class="price">€8\.50<\/p>/);
    });
  } finally {
    await sys.stop();
  }
});

Deno.test(
  "a new visitor's menu, made once for every such visitor, is the page rendered for them and carries only their own id and form token",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const csrfOf = (html: string) => [...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]!);
      const first = sys.browser();
      const firstPage = await (await first.get("/")).text();
      const second = sys.browser();
      const secondPage = await (await second.get("/")).text();
      assert.notEqual(first.customerId(), second.customerId());
      for (const [b, html, other] of [[first, firstPage, second], [second, secondPage, first]] as const) {
        assert.ok(html.includes(b.customerId()), "the page holds its visitor's id (the cart island's props)");
        assert.ok(!html.includes(other.customerId()), "and never another visitor's");
        const tokens = new Set(csrfOf(html));
        assert.equal(tokens.size, 1, "one form token in every form");
        assert.ok(!csrfOf(other === first ? firstPage : secondPage).includes([...tokens][0]!), "its own");
        assert.doesNotMatch(html, /oms-slot-/);
      }
      // the same visitor, rendered afresh (a query string skips the kept page): byte for byte the same
      const fresh = await (await second.get("/?from=test")).text();
      assert.equal(secondPage, fresh);
      // a cart is the visitor's own: that page is rendered for them (the item shows as in the cart)
      const add = await second.get("/cart/add", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrfOf(secondPage)[0]!, id: "1" }).toString(),
      });
      await add.body?.cancel();
      const withCart = await (await second.get("/")).text();
      assert.notEqual(withCart, secondPage);
      assert.equal(withCart, await (await second.get("/?from=test")).text());
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "a new visitor's menu is made again only when an order changes what it shows, not for every stock level",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const as = (staff?: typeof ADMIN_STAFF) =>
        createGateway(
          sys.deps.clients,
          () => callOptions({ traceparent: newTraceparent(), ...(staff ? { staff } : {}) }, sys.deps),
        );
      const customer = as();
      const staff = as(ADMIN_STAFF);
      const page = async () => {
        const b = sys.browser();
        const html = await (await b.get("/")).text();
        const token = html.match(/name="_csrf" value="([^"]+)"/)![1]!;
        return html.replaceAll(b.customerId(), "ID").replaceAll(token, "TOKEN");
      };
      const level = async (id: string) => (await sys.stockLevels())[id]!;
      // item 1 well above a cart line's limit (99), item 2 two units above "few left" (10)
      await staff.stock.restock("1", 500 - await level("1"));
      const extra = await level("2") - 12;
      if (extra > 0) await customer.orders.create("menu-carol", [{ itemId: "2", quantity: extra }], "");
      if (extra < 0) await staff.stock.restock("2", -extra);
      assert.equal(await level("2"), 12);
      const before = newVisitorMenusMade();
      const first = await page();
      assert.equal(newVisitorMenusMade(), before + 1);

      // an order of item 1 (500 -> 498 units): the catalog is read again, the menu shows the same
      await customer.orders.create("menu-alice", [{ itemId: "1", quantity: 2 }], "");
      assert.equal(await level("1"), 498);
      assert.equal(await page(), first, "the same page");
      assert.equal(newVisitorMenusMade(), before + 1, "made once");
      const fresh = async () => {
        const b = sys.browser();
        const kept = await (await b.get("/")).text();
        assert.equal(kept, await (await b.get("/?from=test")).text(), "the kept page is a fresh render");
      };
      await fresh();

      // an order of item 2 (12 -> 10 units): now "10 left", so the menu is made again
      await customer.orders.create("menu-bob", [{ itemId: "2", quantity: 2 }], "");
      const third = await page();
      assert.notEqual(third, first);
      assert.match(card(third, "2"), /10 left/);
      assert.equal(newVisitorMenusMade(), before + 2);
      await fresh();
    } finally {
      await sys.stop();
    }
  },
);
