/**
 * The admin order page's forms against a real system (services in process, the local provider): a
 * refund needs an amount, a reason and the ticked confirmation (422 with the field otherwise, nothing
 * refunded); the same form submitted twice refunds once; a note is added and comes back as a flash.
 */
import assert from "node:assert/strict";
import { Metadata } from "@grpc/grpc-js";
import { eventually } from "../../../../services/common/bus/testing.ts";
import { rpc } from "../../../../services/common/grpc_client.ts";
import { TEST_STAFF } from "../../../../services/common/auth/testing.ts";
import type { OrderJson } from "../../../api/order_json.ts";
import { adminClient, startAdminSystem } from "../../../admin/admin_testing.ts";
import type { PagesSystem } from "../../../pages_testing.ts";
import { postJson, proofFor } from "../../../testing.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function staffOrder(sys: PagesSystem, id: string) {
  const metadata = sys.deps.staffClaims.attach(new Metadata(), TEST_STAFF);
  return (await rpc(sys.deps.clients.orders, "getOrder", { orderId: id, customerId: "", admin: true }, {
    metadata,
  })).order!;
}

/** A paid order of two Margheritas (17.00 EUR). */
async function paidOrder(sys: PagesSystem, customerId: string): Promise<OrderJson> {
  const res = await sys.request(
    `/api/customers/${customerId}/orders`,
    postJson({ items: [{ id: "1", quantity: 2 }] }, await proofFor(customerId)),
  );
  assert.equal(res.status, 201, await res.clone().text());
  const order = await res.json() as OrderJson;
  const sessionId = decodeURIComponent(new URL(order.paymentLink).pathname.slice("/pay/".length));
  const paid = await sys.request(`/api/payments/local/${sessionId}`, postJson({ outcome: "pay" }));
  assert.equal(paid.status, 200);
  await paid.body?.cancel();
  await eventually(async () => (await staffOrder(sys, order.id)).status === 3, "order paid");
  return order;
}

Deno.test(
  "the refund form: each missing part is a 422 at its field with nothing refunded; the same form twice refunds once",
  opts,
  async () => {
    const sys = await startAdminSystem();
    try {
      const admin = adminClient(sys);
      await (await admin.login()).body?.cancel();
      const order = await paidOrder(sys, "detail-post-1");
      const page = await (await admin.fetch(`/admin/orders/${order.id}`)).text();
      const key = page.match(/name="refund_key" value="([0-9a-f-]{36})"/)![1]!;
      const csrf = await admin.csrf(`/admin/orders/${order.id}`);
      const base = { _csrf: csrf, action: "refund", refund_key: key };
      for (
        const [fields, field] of [
          [{ amount: "", reason: "Cold", confirm: "yes" }, "amount"],
          [{ amount: "17.01", reason: "Cold", confirm: "yes" }, "amount"],
          [{ amount: "2", reason: "", confirm: "yes" }, "reason"],
          [{ amount: "2", reason: "Cold" }, "confirm"],
        ] as const
      ) {
        const res = await admin.post(`/admin/orders/${order.id}`, { ...base, ...fields });
        assert.equal(res.status, 422, JSON.stringify(fields));
        assert.match(await res.text(), new RegExp(`data-testid="error-${field}"`));
      }
      assert.equal((await staffOrder(sys, order.id)).refunds.length, 0, "nothing refunded");

      const form = { ...base, amount: "2.50", reason: "Cold pizza", confirm: "yes" };
      const first = await admin.post(`/admin/orders/${order.id}`, form);
      assert.equal(first.status, 303, await first.clone().text());
      const second = await admin.post(`/admin/orders/${order.id}`, form);
      assert.equal(second.status, 303, "a second submit of the same form is answered like the first");
      const after = await staffOrder(sys, order.id);
      assert.deepEqual(after.refunds.map((r) => [r.id, r.amount?.amount, r.by]), [[key, 250, "admin"]]);
      const html = await (await admin.fetch(`/admin/orders/${order.id}`)).text();
      assert.match(html, /data-testid="flash" data-kind="success">Refunded €2\.50\./);
      assert.match(html, /€2\.50 refunded: Cold pizza/);
      assert.match(html, /id="refund-amount" name="amount"[^>]*value="14\.50"/);

      const note = await admin.post(`/admin/orders/${order.id}`, {
        _csrf: csrf,
        action: "note",
        text: "Customer is a regular",
        visibility: "internal",
      });
      assert.equal(note.status, 303);
      const empty = await admin.post(`/admin/orders/${order.id}`, { _csrf: csrf, action: "note", text: " " });
      assert.equal(empty.status, 422);
      assert.match(await empty.text(), /data-testid="error-text">Write the note/);
      const noted = await staffOrder(sys, order.id);
      assert.deepEqual(noted.notes.map((n) => [n.text, n.author, n.visibleToCustomer]), [[
        "Customer is a regular",
        "admin",
        false,
      ]]);
      const forged = await admin.post(`/admin/orders/${order.id}`, {
        ...form,
        _csrf: "nope",
        refund_key: "other",
      });
      assert.equal(forged.status, 403, "no refund without the CSRF token");
      await forged.body?.cancel();
    } finally {
      await sys.stop();
    }
  },
);
