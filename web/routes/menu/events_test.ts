/**
 * The storefront's live menu: `/menu/events` pushes an item staff take off the menu (and back, and a
 * price change) through web's one shared items watch; a checkout that races the 86 is refused with a
 * message a customer understands, and the item leaves the cart.
 */
import assert from "node:assert/strict";
import { form, tokenOf } from "../../cart/form_testing.ts";
import { createGateway } from "../../gateway/mod.ts";
import { TEST_STAFF } from "../../../services/common/auth/testing.ts";
import { callOptions } from "../../gateway/call_options.ts";
import { newTraceparent } from "../../../services/common/trace.ts";
import { startPagesSystem } from "../../pages_testing.ts";
import { DEFAULT_SHOP, parseHours } from "../../shop.ts";
import { liveHub } from "../../live/hub.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** Reads SSE events from `body` until `until` says stop; the events read. */
async function readEvents(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  until: (events: { event: string; data: unknown }[]) => boolean,
): Promise<{ event: string; data: unknown }[]> {
  const events: { event: string; data: unknown }[] = [];
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const deadline = setTimeout(() => reader.cancel(), 10_000);
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let at;
      while ((at = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => {});
  }
  return events;
}

Deno.test(
  "/menu/events pushes 86, back on and price changes to every storefront, one upstream for all",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const staff = createGateway(
        sys.deps.clients,
        () => callOptions({ traceparent: newTraceparent(), staff: TEST_STAFF }, sys.deps),
      );
      const a = await sys.pagesApp.request("/menu/events");
      const b = await sys.pagesApp.request("/menu/events");
      assert.equal(a.status, 200);
      assert.equal(a.headers.get("content-type"), "text/event-stream");
      const reading = readEvents(a.body!, (e) => e.length >= 3);
      const other = readEvents(b.body!, (e) => e.length >= 1);
      await new Promise((r) => setTimeout(r, 300)); // the upstream opens
      assert.equal(liveHub(sys.deps).items.opens, 1, "one watch of stock for both browsers");
      await staff.stock.setOffMenu("8", true);
      await staff.stock.update("8", { price: { amount: 650, currency: "EUR" } });
      await staff.stock.setOffMenu("8", false);
      const events = await reading;
      assert.deepEqual(
        events.map((e) =>
          e.event === "item" &&
          e.data as { id: string; offMenu: boolean; available: number; price: { amount: number } }
        )
          .map((d) => d && [d.id, d.offMenu, d.available > 0, d.price.amount]),
        [["8", true, false, 600], ["8", true, false, 650], ["8", false, true, 650]],
      );
      assert.equal((await other).length, 1);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "a checkout that races an 86 is refused with a clear message and the item leaves the cart",
  opts,
  async () => {
    const sys = await startPagesSystem();
    sys.deps.shop = { ...DEFAULT_SHOP, hours: parseHours("Mo-Su 00:00-24:00") };
    try {
      const staff = createGateway(
        sys.deps.clients,
        () => callOptions({ traceparent: newTraceparent(), staff: TEST_STAFF }, sys.deps),
      );
      const before = await sys.stockLevels();
      const b = sys.browser();
      const csrf = tokenOf(await (await b.get("/")).text());
      for (const id of ["1", "8"]) {
        assert.equal(
          (await b.get("/cart/add", form({ _csrf: csrf, id, quantity: "1" }))).status,
          303,
        );
      }
      await staff.stock.setOffMenu("8", true); // while the customer fills in the form
      const res = await b.get(
        "/checkout",
        form({ _csrf: csrf, name: "Ada", phone: "+49 30 1234567", pickup: "asap", note: "" }),
      );
      assert.equal(res.status, 409);
      const html = await res.text();
      assert.match(
        html,
        /Sorry, something in your cart is not available today, so we took it out of your cart/,
      );
      assert.match(html, /Tiramisu: not available today/);
      assert.deepEqual(await sys.stockLevels(), before, "nothing reserved");
      const cart = await (await b.get("/checkout")).text();
      assert.doesNotMatch(cart, /data-item-id="8"/, "the cart no longer holds it");
      assert.match(cart, /class="cart-line[^"]*" data-item-id="1"|data-item-id="1"/, "the other item stays");
    } finally {
      await sys.stop();
    }
  },
);
