import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import App, { HEADING_FONT } from "./_app.tsx";
import { DEFAULT_SHOP, loadShop, type ShopConfig } from "../shop.ts";

function page(shop: ShopConfig | undefined, title?: string): string {
  return renderToString(
    <App
      Component={() => <p>content</p>}
      data={undefined}
      params={{}}
      url={new URL("http://localhost/")}
      state={{ customerId: "c-test", shop, title }}
    />,
  );
}

function footer(html: string): string {
  return /<footer class="site-footer"[^>]*>.*<\/footer>/s.exec(html)?.[0] ?? "";
}

Deno.test("the header and the title carry the shop's name", () => {
  const shop = { ...DEFAULT_SHOP, name: "Trattoria Nonna" };
  const html = page(shop, "Menu");
  assert.match(html, /<title>Menu · Trattoria Nonna<\/title>/);
  assert.match(html, /<a class="brand" href="\/">.*<span>Trattoria Nonna<\/span><\/a>/);
  assert.match(page(shop), /<title>Trattoria Nonna<\/title>/);
  assert.match(html, /<main id="main" class="site-main"><p>content<\/p><\/main>/);
});

Deno.test("the footer gives the shop's name, address and opening hours, and no phone when none is set", () => {
  const shop = loadShop({ SHOP_HOURS: "Mo-Fr 11:00-22:00; Sa,Su 12:00-23:00" });
  const f = footer(page(shop));
  assert.match(f, /<h2 class="footer-title">OMS Pizzeria<\/h2>/);
  assert.match(f, /<address data-testid="shop-address">Via Roma 1, 10115 Berlin<\/address>/);
  assert.doesNotMatch(f, /tel:/);
  const hours = [...f.matchAll(/<div><dt>([^<]*)<\/dt><dd>([^<]*)<\/dd><\/div>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(hours, [["Mon–Fri", "11:00–22:00"], ["Sat–Sun", "12:00–23:00"]]);
});

Deno.test("a phone number in the footer is a tel: link", () => {
  const f = footer(page(loadShop({ SHOP_PHONE: "+49 (30) 1234-5678" })));
  assert.match(
    f,
    /<address data-testid="shop-address">Via Roma 1, 10115 Berlin<br\/><a href="tel:\+493012345678">\+49 \(30\) 1234-5678<\/a><\/address>/,
  );
});

Deno.test("the heading font is preloaded from the path the stylesheet's @font-face names", async () => {
  assert.match(page(DEFAULT_SHOP), new RegExp(`<link rel="preload" href="${HEADING_FONT}" as="font"`));
  const css = await Deno.readTextFile(new URL("../static/styles.css", import.meta.url));
  const src = /@font-face\s*{[^}]*src: url\("([^"]+)"\)/.exec(css)?.[1];
  assert.equal(`/_static/${src}`, HEADING_FONT);
  assert.match(css, /font-display: optional/, "a late font is never swapped in (no layout shift)");
  await Deno.stat(new URL(`../static/${src}`, import.meta.url));
});
