import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { AdminState } from "../../admin/state.ts";
import type { TicketView } from "../../admin/view.ts";
import { DEFAULT_SHOP } from "../../shop.ts";
import Kitchen from "./kitchen.tsx";

const NOW = Date.parse("2026-05-12T12:30:00.000Z");

function ticket(orderId: string, status: string, paidMinutesAgo: number): TicketView {
  return {
    orderId,
    number: 1000 + paidMinutesAgo,
    name: "Ada",
    note: "",
    pickupAt: null,
    status,
    lines: ["1 × Margherita"],
    paidAt: new Date(NOW - paidMinutesAgo * 60_000).toISOString(),
    startedAt: status === "queued" ? null : new Date(NOW - 60_000).toISOString(),
    readyAt: status === "ready" ? new Date(NOW).toISOString() : null,
  };
}

const state: AdminState = {
  customerId: "",
  adminEnabled: true,
  session: null,
  csrf: "tok",
  flash: null,
  form: null,
  shop: { ...DEFAULT_SHOP, kitchenWarnMinutes: 5, kitchenLateMinutes: 15 },
};

function render(tickets: TicketView[]): string {
  return renderToString(
    <Kitchen
      data={{ tickets, error: "", offline: false, now: NOW }}
      params={{}}
      url={new URL("http://x/admin/kitchen")}
      state={state}
    />,
  );
}

/** The `<li>` of ticket `id` in `html`. */
function card(html: string, id: string): string {
  const m = new RegExp(`<li class="ticket[^"]*"[^>]*data-order-id="${id}".*?</form></li>`).exec(html);
  assert.ok(m, `ticket ${id} rendered`);
  return m[0];
}

Deno.test("the board renders each ticket's time since payment and its age state against the shop's thresholds", () => {
  const html = render([ticket("a", "queued", 2), ticket("b", "queued", 5), ticket("c", "preparing", 16)]);
  const a = card(html, "a");
  assert.match(a, /class="ticket age-fresh"/);
  assert.match(a, /data-age="fresh"/);
  assert.match(a, /data-testid="ticket-timer">2:00<\/span> since payment · <span[^>]*>On time</);
  const b = card(html, "b");
  assert.match(b, /data-age="warn"/);
  assert.match(b, />5:00<\/span> since payment · <span[^>]*>Waiting long</);
  const c = card(html, "c");
  assert.match(c, /class="ticket-age age-late"/);
  assert.match(c, />16:00<\/span> since payment · <span[^>]*>Late</);
});

Deno.test("every ticket's move is one direct POST to the board with the CSRF token, no confirmation page", () => {
  const html = render([ticket("q", "queued", 1), ticket("p", "preparing", 1), ticket("r", "ready", 1)]);
  assert.doesNotMatch(html, /confirm/);
  for (
    const [id, action, label] of [["q", "start", "Start"], ["p", "complete", "Complete"], [
      "r",
      "handover",
      "Mark completed",
    ]]
  ) {
    const li = card(html, id!);
    assert.match(li, /<form method="post" action="\/admin\/kitchen"/);
    assert.match(li, /name="_csrf" value="tok"/);
    assert.match(li, new RegExp(`name="orderId" value="${id}"`));
    assert.match(li, new RegExp(`name="action" value="${action}"`));
    assert.match(li, new RegExp(`<button type="submit"[^>]*>${label}</button>`));
  }
  // A ready ticket's timer stopped when it was ready.
  assert.match(card(html, "r"), />1:00<\/span> to ready · /);
});
