/**
 * The document around every page: head (one stylesheet, no inline script or style), a header with
 * the site's navigation, the page in `<main>`, and a footer.
 *
 * @module
 */
import { asset } from "../framework/static.ts";
import type { LayoutProps } from "../framework/types.ts";
import type { ShopState } from "../customer.ts";

/** The document. */
export default function App({ Component, state }: LayoutProps<unknown, Partial<ShopState>>) {
  const title = state.title ? `${state.title} · OMS Pizzeria` : "OMS Pizzeria";
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="stylesheet" href={asset("/_static/styles.css")} />
        <link rel="icon" href={asset("/_static/favicon.svg")} type="image/svg+xml" />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <nav class="site-nav" aria-label="Main">
            <a class="brand" href="/">OMS Pizzeria</a>
            <a href="/">Menu</a>
            <a href="/orders">My orders</a>
          </nav>
        </header>
        <main id="main" class="site-main">
          <Component />
        </main>
        <footer class="site-footer">
          <p>OMS Pizzeria · prices include VAT</p>
        </footer>
      </body>
    </html>
  );
}
