import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { OrderActionName, OrderJson } from "../../../api/order_json.ts";
import type { AdminState } from "../../../admin/state.ts";
import AdminOrder from "./[id].tsx";
import { DEFAULT_SHOP } from "../../../shop.ts";

function order(status: string, allowedActions: OrderActionName[]): OrderJson {
  return {
    id: "3f1c2a4e-0000-4000-8000-000000000001",
    customerId: "alice",
    status,
    items: [{ id: "1", name: "Margherita", quantity: 1, unitPrice: { amount: 900, currency: "EUR" } }],
    total: { amount: 900, currency: "EUR" },
    paymentLink: "",
    timeline: [],
    createdAt: null,
    updatedAt: null,
    allowedActions,
    number: 0,
    details: null,
  };
}

const state: AdminState = {
  customerId: "",
  adminEnabled: true,
  session: null,
  csrf: "t",
  flash: null,
  form: null,
  shop: DEFAULT_SHOP,
};

/** The action buttons of the admin order page rendered for `o`, by their `action` value. */
function buttons(o: OrderJson): string[] {
  const html = renderToString(
    <AdminOrder
      data={{ order: o, error: "" }}
      params={{ id: o.id }}
      url={new URL("http://x/")}
      state={state}
    />,
  );
  return [...html.matchAll(/name="action" value="([a-z]+)"/g)].map((m) => m[1]!);
}

Deno.test("the admin order page shows exactly the staff actions the order allows, whatever its status", () => {
  assert.deepEqual(buttons(order("waiting_payment", ["cancel", "pay"])), ["cancel"], "pay is the customer's");
  assert.deepEqual(buttons(order("paid", ["refund"])), ["refund"]);
  assert.deepEqual(buttons(order("ready", ["complete"])), ["complete"]);
  assert.deepEqual(buttons(order("completed", [])), []);
  // the page reads the data, not a copy of the rules: a status with other actions shows those
  assert.deepEqual(buttons(order("paid", ["cancel", "complete"])), ["cancel", "complete"]);
  assert.deepEqual(buttons(order("waiting_payment", [])), []);
});

Deno.test("the admin order page shows the number, who it is for, the pickup time in the shop's zone and the note", () => {
  const o: OrderJson = {
    ...order("paid", ["refund"]),
    number: 1042,
    details: {
      name: "Ada <Lovelace>",
      phone: "+49 30 1234567",
      email: "",
      note: "No onions",
      pickupAt: "2026-11-30T17:30:00.000Z",
    },
  };
  const html = renderToString(
    <AdminOrder
      data={{ order: o, error: "" }}
      params={{ id: o.id }}
      url={new URL("http://x/")}
      state={{ ...state, shop: DEFAULT_SHOP }}
    />,
  );
  assert.match(html, /<h1 id="order-title">Order <span data-testid="order-number">#1042<\/span><\/h1>/);
  assert.match(html, new RegExp(`<code data-testid="order-id">${o.id}</code>`));
  assert.match(html, /data-testid="order-name">Ada &lt;Lovelace></);
  assert.match(html, /data-testid="order-phone">\+49 30 1234567</);
  assert.match(html, /data-testid="order-email">—</);
  assert.match(
    html,
    /data-testid="order-pickup"><time datetime="2026-11-30T17:30:00.000Z">30 Nov 2026, 18:30<\/time>/,
    "18:30 in Berlin, not 17:30 UTC",
  );
  assert.match(html, /data-testid="order-note" class="note">No onions</);
  const asap = renderToString(
    <AdminOrder
      data={{ order: { ...o, details: { ...o.details!, pickupAt: null } }, error: "" }}
      params={{ id: o.id }}
      url={new URL("http://x/")}
      state={{ ...state, shop: DEFAULT_SHOP }}
    />,
  );
  assert.match(asap, /data-testid="order-pickup">As soon as possible</);
});

/** A Tokyo shop, so its clock differs from UTC and from the test machine's (which is not in Japan). */
const TOKYO = { ...DEFAULT_SHOP, timeZone: "Asia/Tokyo", locale: "de-DE" };

Deno.test("the admin order page shows when it was placed, changed and each step in the shop's zone, prices in its locale", () => {
  const o: OrderJson = {
    ...order("paid", ["refund"]),
    createdAt: "2026-11-30T17:30:00.000Z",
    updatedAt: "2026-11-30T17:31:05.000Z",
    timeline: [
      { status: "waiting_payment", at: "2026-11-30T17:30:00.000Z", cause: "created", traceId: "" },
      { status: "paid", at: "2026-11-30T17:31:05.000Z", cause: "payment", traceId: "" },
    ],
  };
  const html = renderToString(
    <AdminOrder
      data={{ order: o, error: "" }}
      params={{ id: o.id }}
      url={new URL("http://x/")}
      state={{ ...state, shop: TOKYO }}
    />,
  );
  // 17:30 UTC is 02:30 the next day in Tokyo; the <time> keeps the exact instant for machines
  assert.match(
    html,
    /data-testid="order-placed"><time datetime="2026-11-30T17:30:00.000Z">1\. Dez\. 2026, 02:30</,
  );
  assert.match(
    html,
    /data-testid="order-updated"><time datetime="2026-11-30T17:31:05.000Z">1\. Dez\. 2026, 02:31</,
  );
  const steps = [...html.matchAll(/<td data-label="Time"><time datetime="([^"]+)">([^<]+)<\/time>/g)]
    .map((m) => [m[1], m[2]]);
  assert.deepEqual(steps, [
    ["2026-11-30T17:30:00.000Z", "1. Dez. 2026, 02:30"],
    ["2026-11-30T17:31:05.000Z", "1. Dez. 2026, 02:31"],
  ]);
  assert.doesNotMatch(html.replace(/<[^>]*>/g, " "), /UTC|17:3\d/, "no UTC clock in the text anywhere");
  assert.match(html, /9,00\s€/, "prices in the shop's locale");
  assert.doesNotMatch(html, /€9\.00/);
});
