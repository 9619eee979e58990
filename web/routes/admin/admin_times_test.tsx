import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { OrderJson } from "../../api/order_json.ts";
import { bucketOrders } from "../../admin/chart.ts";
import type { AdminState } from "../../admin/state.ts";
import { ORDER_STATUSES } from "../../admin/view.ts";
import { NO_FILTERS } from "../../admin/order_filters.ts";
import { DEFAULT_SHOP, type ShopConfig } from "../../shop.ts";
import Dashboard from "./index.tsx";
import DeadLetters from "./dead-letters.tsx";
import Confirm from "./orders/[id]/confirm.tsx";

/** A shop in Tokyo writing German: its clock differs from UTC and from the test machine's. */
const TOKYO: ShopConfig = { ...DEFAULT_SHOP, timeZone: "Asia/Tokyo", locale: "de-DE" };

/** 17:30 UTC on 30 Nov 2026: 02:30 on 1 Dec 2026 in Tokyo. */
const AT = "2026-11-30T17:30:00.000Z";
const AT_TOKYO = "1. Dez. 2026, 02:30";

const state: AdminState = {
  customerId: "",
  adminEnabled: true,
  session: null,
  csrf: "t",
  flash: null,
  form: null,
  shop: TOKYO,
};

/** The text a person reads (attributes, where machines read the exact instant, dropped). */
function text(html: string): string {
  return html.replace(/<[^>]*>/g, " ");
}

Deno.test("the dashboard shows when each order was placed in the shop's zone, totals in its locale, and a chart of its days", () => {
  const html = renderToString(
    <Dashboard
      data={{
        view: {
          figures: {
            orders: 1,
            revenue: { amount: 1250, currency: "EUR" },
            averageTicketMs: 0,
            openTickets: 1,
            since: "2026-11-30T15:00:00.000Z",
          },
          list: {
            counts: Object.fromEntries(ORDER_STATUSES.map((s) => [s, s === "paid" ? 1 : 0])),
            rows: [{
              id: "3f1c2a4e-0000-4000-8000-000000000001",
              number: 1042,
              customerId: "alice",
              name: "Alice",
              status: "paid",
              payment: "paid",
              total: { amount: 1250, currency: "EUR" },
              createdAt: AT,
            }],
            nextCursor: "",
            notice: "",
          },
        },
        filters: NO_FILTERS,
        chart: {
          buckets: bucketOrders([new Date(AT)], "14d", new Date(AT), TOKYO),
          range: "14d",
          partial: false,
        },
      }}
      params={{}}
      url={new URL("http://x/admin")}
      state={state}
    />,
  );
  assert.match(html, new RegExp(`<td data-label="Placed"><time datetime="${AT}">${AT_TOKYO}</time></td>`));
  assert.match(html, /<td class="num" data-label="Total">12,50\s€<\/td>/, "the total in the shop's locale");
  assert.match(
    html,
    /data-testid="figure-revenue" data-amount="1250">12,50\s€</,
    "today's revenue in the locale",
  );
  assert.match(html, /\(times in Asia\/Tokyo\)/, "the chart says whose clock it counts by");
  // the order fell on 1 December in Tokyo (30 November in UTC): the last bucket is that local day
  assert.match(
    html,
    /<time datetime="2026-11-30T15:00:00.000Z">Di., 1. Dez. 2026<\/time><\/td><td class="num">1</,
  );
  assert.doesNotMatch(text(html), /UTC|17:30/, "no UTC clock for people");
});

Deno.test("the dead-letters page shows when each message was parked in the shop's zone", () => {
  const html = renderToString(
    <DeadLetters
      data={{
        groups: [{
          service: "orders",
          letters: [{
            id: "d1",
            messageId: "m1",
            routingKey: "payment.succeeded",
            payload: "{not json",
            reason: "unreadable",
            attempts: 3,
            parkedAt: AT,
            sizeBytes: 9,
            truncated: false,
          }],
          error: "",
          more: false,
        }],
        error: "",
      }}
      params={{}}
      url={new URL("http://x/admin/dead-letters")}
      state={state}
    />,
  );
  assert.match(html, new RegExp(`data-testid="parked-at"><time datetime="${AT}">${AT_TOKYO}</time>`));
  assert.doesNotMatch(text(html), /UTC|17:30/);
});

Deno.test("the confirmation page shows the order's total in the shop's locale", () => {
  const order: OrderJson = {
    id: "3f1c2a4e-0000-4000-8000-000000000001",
    customerId: "alice",
    status: "paid",
    items: [],
    total: { amount: 1250, currency: "EUR" },
    paymentLink: "",
    timeline: [],
    createdAt: AT,
    updatedAt: AT,
    allowedActions: ["refund"],
    number: 1042,
    details: null,
  };
  const html = renderToString(
    <Confirm
      data={{ order, action: "refund", error: "" }}
      params={{ id: order.id }}
      url={new URL("http://x/")}
      state={state}
    />,
  );
  assert.match(html, /· 12,50\s€/);
});
