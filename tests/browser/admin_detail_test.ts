/**
 * The admin order detail in Chromium against the whole system: the timeline fits 1280 px (no sideways
 * scrolling, every trace id on screen and linked to the trace UI), a staff note and a partial refund
 * through the page's forms (the timeline names the staff member), the same page at phone width, the
 * print view (no navigation, a
 * print stylesheet), and axe-core finding nothing on the detail and print pages. Screenshots are kept
 * in `artifacts/screenshots/`.
 */
import assert from "node:assert/strict";
import { rpc } from "../../services/common/grpc_client.ts";
import { OrderStatus } from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { System } from "../system.ts";
import { axeViolations, describeViolations } from "./axe.ts";
import { DESKTOP, PHONE, sharedFixture, type Tab, waitUntil } from "./browser.ts";
import { staffLogIn, TEST_OWNER } from "./staff_login.ts";

const JAEGER = "http://jaeger.test:16686";
const fixture = sharedFixture({
  env: { KITCHEN_AUTO_PREP: "false" },
  envFor: { web: { JAEGER_UI_URL: JAEGER } },
});

/** A paid order of two Margheritas and a lemonade for "Ada Lovelace", being prepared; its id and number. */
async function preparingOrder(sys: System, customer: string): Promise<{ id: string; number: number }> {
  const res = await sys.api(
    "POST",
    `/api/customers/${customer}/orders`,
    {
      items: [{ id: "1", quantity: 2 }, { id: "9", quantity: 1 }],
      details: { name: "Ada Lovelace", phone: "+49 30 1234567", note: "Extra basil, no onions" },
    },
    await sys.proof(customer),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const session = (res.body.paymentLink as string).match(/\/pay\/([^/?#]+)/)![1]!;
  const paid = await sys.api("POST", `/api/payments/local/${session}`, { outcome: "pay" });
  assert.equal(paid.status, 200, JSON.stringify(paid.body));
  await waitUntil(
    "ticket opened",
    () => rpc(sys.kitchen, "getTicket", { orderId: res.body.id }).catch(() => null),
    (t) => !!t?.ticket,
  );
  await rpc(sys.kitchen, "startTicket", { orderId: res.body.id });
  await waitUntil(
    "order preparing",
    async () =>
      (await rpc(sys.orders, "getOrder", { orderId: res.body.id, customerId: "", admin: true })).order,
    (o) => o?.status === OrderStatus.ORDER_STATUS_PREPARING,
  );
  return { id: res.body.id, number: res.body.number };
}

async function assertAccessible(tab: Tab, where: string): Promise<void> {
  const violations = await axeViolations(tab.page);
  assert.deepEqual(violations, [], describeViolations(where, violations));
}

/** Submits the form of `testId` and waits for the order page it redirects to. */
async function submit(tab: Tab, testId: string, button: string): Promise<void> {
  await Promise.all([
    tab.page.waitForNavigation({ waitUntil: "load" }),
    tab.page.getByTestId(testId).getByRole("button", { name: button }).click(),
  ]);
}

fixture.test("the order detail fits 1280 px with every trace id visible; a note and a partial refund through its forms land on the timeline with the staff member's name", async ({ sys, open }) => {
  const order = await preparingOrder(sys, "detail-1");
  const tab = await open({ viewport: DESKTOP });
  await staffLogIn(tab, `/admin/orders/${order.id}`);
  await tab.page.waitForURL(new RegExp(`/admin/orders/${order.id}$`));
  assert.equal(await tab.page.getByTestId("order-number").innerText(), `#${order.number}`);

  // the timeline at 1280 px: no sideways scrolling, each trace id inside the viewport, linked to Jaeger
  await tab.assertNoHorizontalScroll();
  const traces = tab.page.getByTestId("trace-id");
  const count = await traces.count();
  assert.ok(count >= 3, `trace ids on the timeline: ${count}`);
  for (let i = 0; i < count; i++) {
    const trace = traces.nth(i);
    assert.ok(await trace.isVisible(), `trace id ${i} is visible`);
    const box = (await trace.boundingBox())!;
    assert.ok(box.x >= 0 && box.x + box.width <= DESKTOP.width, `trace id ${i} fits: ${JSON.stringify(box)}`);
    const href = await trace.locator("xpath=..").getAttribute("href");
    assert.equal(href, `${JAEGER}/trace/${await trace.innerText()}`);
  }
  await assertAccessible(tab, "order detail");

  // an internal note, then one the customer sees
  await tab.page.getByLabel("Note", { exact: true }).fill("Customer called: running ten minutes late");
  await submit(tab, "note-form", "Add note");
  assert.match(await tab.page.getByTestId("flash").innerText(), /Internal note added/);
  await tab.page.getByLabel("Note", { exact: true }).fill("Sorry for the wait, your pizza is nearly ready");
  await tab.page.getByLabel("The customer too, on their order page").check();
  await submit(tab, "note-form", "Add note");
  const notes = tab.page.locator('[data-kind="note"]');
  assert.equal(await notes.count(), 2);
  assert.equal(await notes.nth(0).getAttribute("data-visibility"), "internal");
  assert.match(await notes.nth(0).innerText(), /Internal note[\s\S]*running ten minutes late[\s\S]*By admin/);
  assert.equal(await notes.nth(1).getAttribute("data-visibility"), "customer");

  // a partial refund: the amount is prefilled with what is left, the confirmation is in the same form
  const amount = tab.page.getByLabel(/^Amount/);
  assert.equal(await amount.inputValue(), "20.50");
  await amount.fill("3.50");
  await tab.page.getByLabel("Reason").fill("Cold pizza");
  await tab.page.getByLabel("Yes, give this money back to the customer now").check();
  await submit(tab, "refund-form", "Refund");
  assert.match(await tab.page.getByTestId("flash").innerText(), /Refunded €3\.50\./);
  const refundStep = tab.page.locator('[data-kind="step"]').filter({ hasText: "€3.50 refunded: Cold pizza" });
  assert.equal(await refundStep.count(), 1);
  assert.match(await refundStep.innerText(), new RegExp(`By ${TEST_OWNER.name}`));
  assert.equal(await tab.page.getByTestId("payment-state").getAttribute("data-state"), "partially_refunded");
  assert.equal(await tab.page.getByLabel(/^Amount/).inputValue(), "17.00", "prefilled with the rest now");
  assert.equal(await tab.page.getByTestId("admin-order").getAttribute("data-status"), "preparing");
  await tab.assertNoHorizontalScroll();
  await assertAccessible(tab, "order detail after a note and a refund");
  await tab.screenshot("admin-detail-1280");
  // usable on a phone too: the same page narrows without sideways scrolling
  await tab.page.setViewportSize(PHONE);
  await tab.assertNoHorizontalScroll();
  assert.ok(await tab.page.getByTestId("trace-id").last().isVisible());
  await tab.screenshot("admin-detail-phone");

  // the customer reads the visible note only
  const mine = await sys.api(
    "GET",
    `/api/customers/detail-1/orders/${order.id}`,
    undefined,
    await sys.proof("detail-1"),
  );
  assert.deepEqual(
    (mine.body.notes as { text: string }[]).map((n) => n.text),
    ["Sorry for the wait, your pizza is nearly ready"],
  );
});

fixture.test("the print view shows the order for the pass without navigation, prints without its screen hint, and passes axe", async ({ sys, open }) => {
  const order = await preparingOrder(sys, "detail-2");
  await rpc(sys.orders, "addOrderNote", {
    orderId: order.id,
    text: "Bag the lemonade separately",
    visibleToCustomer: false,
  });
  const tab = await open({ viewport: DESKTOP });
  await staffLogIn(tab, `/admin/orders/${order.id}`);
  await tab.page.waitForURL(new RegExp(`/admin/orders/${order.id}$`));
  await Promise.all([
    tab.page.waitForNavigation({ waitUntil: "load" }),
    tab.page.getByTestId("print-link").click(),
  ]);
  assert.equal(new URL(tab.page.url()).pathname, `/admin/orders/${order.id}/print`);
  assert.equal(await tab.page.locator("nav").count(), 0, "no navigation");
  assert.equal(await tab.page.getByTestId("print-number").innerText(), `#${order.number}`);
  assert.equal(await tab.page.getByTestId("print-customer").innerText(), "Ada Lovelace");
  assert.match(await tab.page.getByTestId("print-items").innerText(), /Margherita[\s\S]*Lemonade/);
  assert.match(await tab.page.getByTestId("print-total").innerText(), /€20\.50/);
  assert.match(
    await tab.page.getByTestId("print-notes").innerText(),
    /Internal.*Bag the lemonade separately/,
  );
  assert.match(await tab.page.getByTestId("print-kitchen-note").innerText(), /Extra basil/);
  await assertAccessible(tab, "print view");
  await tab.assertNoHorizontalScroll();
  await tab.screenshot("admin-detail-print");
  await tab.page.emulateMedia({ media: "print" });
  assert.equal(
    await tab.page.locator(".print-only-screen").isVisible(),
    false,
    "the screen hint is not printed",
  );
  const pdf = await tab.page.pdf({ format: "A4" });
  assert.ok(pdf.byteLength > 1000, "prints");
});
