import assert from "node:assert/strict";
import type { OrderJson } from "../../../api/order_json.ts";
import { newCustomerId } from "../../../customer.ts";
import { browserWithOrder, startPagesSystem } from "../../../pages_testing.ts";
import { postJson, proofFor } from "../../../testing.ts";
import { staffGateway } from "../../../gateway/mod.ts";
import { ADMIN_STAFF } from "../../../api/deps.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** The events of `res` until `until` holds (then the stream is cancelled) or the stream ends. */
async function readEvents(res: Response, until: (events: { event: string; data: string }[]) => boolean) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const events: { event: string; data: string }[] = [];
  while (true) {
    const { value, done } = await reader.read();
    if (done) return { events, ended: true };
    text += value;
    let at;
    while ((at = text.indexOf("\n\n")) !== -1) {
      const block = text.slice(0, at);
      text = text.slice(at + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data !== undefined) events.push({ event, data });
    }
    if (until(events)) {
      await reader.cancel();
      return { events, ended: false };
    }
  }
}

Deno.test(
  "order events accept the API's bearer token as proof (it wins over the cookie), keep other customers' orders gone, and refuse a bad token with 401",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const ownerId = newCustomerId();
      const owner = await proofFor(ownerId);
      const order = await (await sys.pagesApp.request(
        `/api/customers/${ownerId}/orders`,
        postJson({ items: [{ id: "1", quantity: 1 }] }, owner),
      )).json() as OrderJson;
      const path = `/orders/${order.id}/events`;

      // The owner's token, without any cookie: the order at once, then its change.
      const res = await sys.pagesApp.request(path, { headers: owner });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
      setTimeout(async () => {
        const cancel = `/api/customers/${ownerId}/orders/${order.id}/cancel`;
        await (await sys.pagesApp.request(cancel, { method: "POST", headers: owner })).body?.cancel();
      }, 300);
      const live = await readEvents(res, (evs) => evs.some((e) => JSON.parse(e.data).status === "cancelled"));
      assert.deepEqual(live.events.map((e) => e.event), ["order", "order"]);
      assert.deepEqual(live.events.map((e) => JSON.parse(e.data).status), ["waiting_payment", "cancelled"]);

      // A browser whose cookie is another customer's, with the owner's token: the token wins.
      const b = sys.browser();
      await (await b.get("/")).body?.cancel();
      const both = await readEvents(await b.get(path, { headers: owner }), () => false);
      assert.deepEqual(both.events.map((e) => JSON.parse(e.data).status), ["cancelled"]);
      // That browser alone, and another customer's token: gone, as before.
      const cookieOnly = await readEvents(await b.get(path), () => false);
      assert.deepEqual(cookieOnly.events.map((e) => e.event), ["gone"]);
      const other = await sys.pagesApp.request(path, {
        headers: await proofFor(newCustomerId()),
      });
      assert.equal(other.status, 200);
      assert.deepEqual((await readEvents(other, () => false)).events.map((e) => e.event), ["gone"]);

      // A token that does not verify is refused, not read as "no proof".
      const forged = await sys.pagesApp.request(path, { headers: { authorization: "Bearer forged.token" } });
      assert.equal(forged.status, 401);
      assert.match(forged.headers.get("www-authenticate") ?? "", /^Bearer /);
      await forged.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "an order's stream opened with a bearer token gets no visitor cookie; one opened without proof still does",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const ownerId = newCustomerId();
      const owner = await proofFor(ownerId);
      const order = await (await sys.pagesApp.request(
        `/api/customers/${ownerId}/orders`,
        postJson({ items: [{ id: "1", quantity: 1 }] }, owner),
      )).json() as OrderJson;
      const path = `/orders/${order.id}/events`;

      const withToken = await sys.pagesApp.request(path, { headers: owner });
      assert.equal(withToken.status, 200);
      assert.equal(withToken.headers.get("set-cookie"), null, "a token client is not given a cookie");
      const events = await readEvents(withToken, (evs) => evs.length > 0);
      assert.deepEqual(
        events.events.map((e) => JSON.parse(e.data).id),
        [order.id],
        "and its stream still works",
      );

      // a visitor without any proof is still given its cookie (and sees nothing of the order)
      const visitor = await sys.pagesApp.request(path);
      assert.match(visitor.headers.get("set-cookie") ?? "", /^oms_customer=c-[A-Za-z0-9_-]{22}\./);
      assert.deepEqual((await readEvents(visitor, () => false)).events.map((e) => e.event), ["gone"]);
    } finally {
      await sys.stop();
    }
  },
);

Deno.test(
  "the live streams of a customer's order show the shop's notes meant for them, never an internal note or a staff name",
  opts,
  async () => {
    const sys = await startPagesSystem();
    try {
      const { b, order } = await browserWithOrder(sys);
      const page = await b.get(`/orders/${order.id}/events`);
      const mine = await b.get("/orders/events");
      assert.equal(page.status, 200);
      assert.equal(mine.status, 200);
      const staff = staffGateway(sys.deps, ADMIN_STAFF);
      setTimeout(async () => {
        await staff.orders.addNote(order.id, "Internal: regular, knows the owner", false);
        await staff.orders.addNote(order.id, "Ready at six", true);
        await staff.orders.cancelAsStaff(order.id, "Kitchen closed early");
      }, 300);
      const done = (evs: { data: string }[]) => evs.some((e) => JSON.parse(e.data).status === "cancelled");
      for (const [name, res] of [["order page", page], ["my orders", mine]] as const) {
        const { events } = await readEvents(res, done);
        const last = JSON.parse(events.at(-1)!.data) as OrderJson;
        assert.deepEqual(
          last.notes?.map((n) => n.text),
          ["Ready at six"],
          `${name}: the customer's note only`,
        );
        for (const e of events) {
          assert.doesNotMatch(e.data, /regular, knows the owner/, `${name}: no internal note`);
          const o = JSON.parse(e.data) as OrderJson;
          // as staff see it, the cancel's entry has the actor "admin" and each note its author
          assert.ok(o.timeline.every((t) => !t.actor), `${name}: no staff name in the timeline: ${e.data}`);
          assert.ok((o.notes ?? []).every((n) => n.author === ""), `${name}: no note's author: ${e.data}`);
        }
      }
    } finally {
      await sys.stop();
    }
  },
);
