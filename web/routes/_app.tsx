/**
 * The document around every page: head (one stylesheet, no inline script or style), a header with
 * the shop's name and the site's navigation, the page in `<main>`, and a footer with the shop's
 * name, address, phone and opening hours (from `ctx.state.shop`, see `web/shop.ts`). Admin pages
 * (`/admin` and below) are an app of their own: no storefront header or footer; their layout
 * (`routes/admin/_layout.tsx`) draws the admin shell and its `<main>`.
 *
 * @module
 */
import { asset } from "../framework/static.ts";
import type { LayoutProps } from "../framework/types.ts";
import type { ShopState } from "../customer.ts";
import { hoursText, processShop, type ShopConfig } from "../shop.ts";

/** The heading font, preloaded so headings never swap fonts (and shift) after the first paint. */
export const HEADING_FONT = "/_static/fonts/fraunces-latin-600-normal.woff2";

/** `Mon–Fri 11:00–22:00` -> days and times apart, for a two-column list. */
function splitHours(line: string): [string, string] {
  const i = line.indexOf(" ");
  return i < 0 ? [line, ""] : [line.slice(0, i), line.slice(i + 1)];
}

/** The shop's footer: who, where, how to call, when open. */
function SiteFooter({ shop }: { shop: ShopConfig }) {
  return (
    <footer class="site-footer" data-testid="site-footer">
      <div class="footer-inner">
        <div class="footer-block">
          <h2 class="footer-title">{shop.name}</h2>
          <address data-testid="shop-address">
            {shop.address}
            {shop.phone && (
              <>
                <br />
                <a href={`tel:${shop.phone.replace(/[^\d+]/g, "")}`}>{shop.phone}</a>
              </>
            )}
          </address>
        </div>
        <div class="footer-block">
          <h2 class="footer-title">Opening hours</h2>
          <dl class="hours" data-testid="opening-hours">
            {hoursText(shop).map((line) => {
              const [days, times] = splitHours(line);
              return (
                <div key={line}>
                  <dt>{days}</dt>
                  <dd>{times}</dd>
                </div>
              );
            })}
          </dl>
        </div>
        <p class="footer-note">Prices include VAT. Order ahead and collect at the counter.</p>
      </div>
    </footer>
  );
}

/** True for the data of the error pages (`_404`, `_500`): they are not wrapped by the admin layout. */
function isErrorPage(data: unknown): boolean {
  return typeof data === "object" && data !== null && "status" in data && "message" in data &&
    typeof data.status === "number";
}

/** True for the admin app's paths. */
export function isAdminPath(path: string): boolean {
  return path === "/admin" || path.startsWith("/admin/");
}

/** The document. */
export default function App({ Component, state, url, data }: LayoutProps<unknown, Partial<ShopState>>) {
  const shop = state.shop ?? processShop();
  const title = state.title ? `${state.title} · ${shop.name}` : shop.name;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="preload" href={HEADING_FONT} as="font" type="font/woff2" crossorigin="anonymous" />
        <link rel="stylesheet" href={asset("/_static/styles.css")} />
        <link rel="icon" href={asset("/_static/favicon.svg")} type="image/svg+xml" />
      </head>
      {isAdminPath(url.pathname)
        ? (
          <body class="admin-body">
            <a class="skip-link" href="#main">Skip to content</a>
            {isErrorPage(data)
              ? (
                // an error page (403, 404, 500) has no admin layout around it: its own <main>
                <main id="main" class="admin admin-main admin-error">
                  <link rel="stylesheet" href={asset("/_static/admin.css")} />
                  <Component />
                </main>
              )
              : <Component />}
          </body>
        )
        : (
          <body>
            <a class="skip-link" href="#main">Skip to content</a>
            <header class="site-header">
              <nav class="site-nav" aria-label="Main">
                <a class="brand" href="/">
                  <img class="brand-mark" src={asset("/_static/favicon.svg")} width="28" height="28" alt="" />
                  <span>{shop.name}</span>
                </a>
                <a href="/">Menu</a>
                <a href="/orders">My orders</a>
              </nav>
            </header>
            <main id="main" class="site-main">
              <Component />
            </main>
            <SiteFooter shop={shop} />
          </body>
        )}
    </html>
  );
}
