import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { OrderActionName, OrderJson } from "../../../api/order_json.ts";
import type { AdminState } from "../../../admin/state.ts";
import AdminOrder, { type AdminOrderData } from "./[id].tsx";
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
    paymentState: ["waiting_payment", "pending", "cancelled"].includes(status) ? "unpaid" : "paid",
    refunded: { amount: 0, currency: "EUR" },
    refunds: [],
    notes: [],
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

function page(o: OrderJson, extra: Partial<AdminOrderData> = {}, s: AdminState = state): string {
  return renderToString(
    <AdminOrder
      data={{ order: o, error: "", ...extra }}
      params={{ id: o.id }}
      url={new URL("http://x/")}
      state={s}
    />,
  );
}

/** The staff actions the admin order page offers for `o`: confirm-page buttons and the refund form. */
function buttons(o: OrderJson): string[] {
  const html = page(o);
  const confirm = [...html.matchAll(/name="action" value="([a-z]+)"/g)].map((m) => m[1]!)
    .filter((a) => a !== "note");
  return confirm;
}

Deno.test("the admin order page offers exactly the staff actions the order allows, whatever its status", () => {
  assert.deepEqual(buttons(order("waiting_payment", ["cancel", "pay"])), ["cancel"], "pay is the customer's");
  assert.deepEqual(buttons(order("paid", ["refund"])), ["refund"], "as the refund form");
  assert.deepEqual(buttons(order("ready", ["complete", "refund"])), ["complete", "refund"]);
  assert.deepEqual(buttons(order("completed", [])), []);
  // the page reads the data, not a copy of the rules: a status with other actions shows those
  assert.deepEqual(buttons(order("paid", ["cancel", "complete"])), ["cancel", "complete"]);
  assert.deepEqual(buttons(order("waiting_payment", [])), []);
  assert.match(page(order("paid", ["refund"])), /data-testid="refund-form"/);
  assert.doesNotMatch(page(order("completed", [])), /data-testid="refund-form"/);
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
      { status: "waiting_payment", at: "2026-11-30T17:30:00.000Z", cause: "created", traceId: "", actor: "" },
      { status: "paid", at: "2026-11-30T17:31:05.000Z", cause: "payment", traceId: "", actor: "" },
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
  const steps = [
    ...html.matchAll(
      /<li class="tl-item"[^>]*><div class="tl-head">.*?<time datetime="([^"]+)">([^<]+)<\/time>/g,
    ),
  ]
    .map((m) => [m[1], m[2]]);
  assert.deepEqual(steps, [
    ["2026-11-30T17:30:00.000Z", "1. Dez. 2026, 02:30"],
    ["2026-11-30T17:31:05.000Z", "1. Dez. 2026, 02:31"],
  ]);
  assert.doesNotMatch(html.replace(/<[^>]*>/g, " "), /UTC|17:3\d/, "no UTC clock in the text anywhere");
  assert.match(html, /9,00\s€/, "prices in the shop's locale");
  assert.doesNotMatch(html, /€9\.00/);
});

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

Deno.test("the timeline lists each step with its cause, who did it and its trace id, and the notes by time, internal ones marked", () => {
  const o: OrderJson = {
    ...order("preparing", ["refund"]),
    timeline: [
      {
        status: "paid",
        at: "2026-11-30T17:31:00.000Z",
        cause: "payment.succeeded",
        traceId: TRACE,
        actor: "",
      },
      {
        status: "preparing",
        at: "2026-11-30T17:40:00.000Z",
        cause: "€5.00 refunded: Cold",
        traceId: "",
        actor: "anna",
      },
    ],
    notes: [
      {
        id: "n1",
        at: "2026-11-30T17:35:00.000Z",
        author: "ben",
        text: "VIP <regular>",
        visibleToCustomer: false,
      },
      {
        id: "n2",
        at: "2026-11-30T17:45:00.000Z",
        author: "anna",
        text: "Ready soon",
        visibleToCustomer: true,
      },
    ],
  };
  const html = page(o);
  const items = [...html.matchAll(/<li class="tl-item[^"]*" data-(kind="[a-z]+")/g)].map((m) => m[1]);
  assert.deepEqual(items, ['kind="step"', 'kind="note"', 'kind="step"', 'kind="note"'], "merged by time");
  assert.match(html, /data-visibility="internal".*?Internal note.*?VIP &lt;regular>.*?By<\/span> ben/s);
  assert.match(html, /data-visibility="customer".*?Note · customer sees it.*?Ready soon/s);
  assert.match(
    html,
    /€5\.00 refunded: Cold<\/p><p class="tl-meta"><span class="tl-actor" data-testid="timeline-actor"><span class="tl-label">By<\/span> anna/,
  );
  assert.match(html, new RegExp(`data-testid="trace-id">${TRACE}</code>`));
  assert.doesNotMatch(html, /<table class="admin-table cards" data-testid="admin-timeline"/, "no wide table");
  assert.match(html, /href="\/admin\/orders\/[^"]+\/print"/, "a link to the print view");
});

Deno.test("the refund form is prefilled with what is left and, after a refused submit, shows the values and the error at its field", () => {
  const o: OrderJson = {
    ...order("ready", ["complete", "refund"]),
    total: { amount: 2050, currency: "EUR" },
    paymentState: "partially_refunded",
    refunded: { amount: 500, currency: "EUR" },
    refunds: [{
      id: "r1",
      amount: { amount: 500, currency: "EUR" },
      reason: "Cold",
      by: "anna",
      at: "2026-11-30T17:40:00.000Z",
      providerRefundId: "re_1",
    }],
  };
  const fresh = page(o);
  assert.match(fresh, /id="refund-amount" name="amount"[^>]*value="15\.50"/);
  assert.match(fresh, /data-refund-id="r1"><strong>€5\.00<\/strong> · Cold · anna/);
  assert.match(fresh, /data-testid="payment-state" data-state="partially_refunded">Partly refunded/);
  const refused = page(o, {
    refund: {
      values: { amount: "3", reason: "", confirmed: true, key: "form-key-1" },
      error: { field: "reason", message: "Say why you refund" },
    },
  });
  assert.match(refused, /id="refund-amount" name="amount"[^>]*value="3"/);
  assert.match(
    refused,
    /name="refund_key" value="form-key-1"/,
    "the same refund id again: a resubmit refunds once",
  );
  assert.match(fresh, /name="refund_key" value="[0-9a-f-]{36}"/);
  assert.match(
    refused,
    /id="refund-reason" name="reason"[^>]*aria-invalid="true" aria-describedby="refund-reason-error"/,
  );
  assert.match(
    refused,
    /<p class="field-error" id="refund-reason-error" data-testid="error-reason">Say why you refund<\/p>/,
  );
});

Deno.test("a refund still in flight is offered again with its own id, so submitting it finishes that refund once", () => {
  const o: OrderJson = {
    ...order("paid", ["refund"]),
    total: { amount: 2050, currency: "EUR" },
    refunds: [{
      id: "form-7",
      amount: { amount: 2050, currency: "EUR" },
      reason: "Oven broke down",
      by: "anna",
      at: "2026-11-30T17:40:00.000Z",
      providerRefundId: "",
    }],
  };
  const html = page(o);
  assert.match(html, /data-testid="refund-pending">A refund of €20\.50 asked for at/);
  assert.match(html, /name="refund_key" value="form-7"/);
  assert.match(html, /id="refund-amount" name="amount"[^>]*value="20\.50"/);
  assert.match(html, /id="refund-reason" name="reason"[^>]*value="Oven broke down"/);
  assert.match(html, /data-refund-id="form-7">.*in progress/);
});
