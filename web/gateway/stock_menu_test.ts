import assert from "node:assert/strict";
import { rejectsWith, startGatewaySystem, TEST_OPTS } from "./testing.ts";

Deno.test(
  "stock facade: menu control is for staff; 86 answers 409 item_unavailable to orders",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      // without a staff claim (a customer's request): 403, nothing changes
      await rejectsWith(sys.customer.stock.update("1", { name: "X" }), 403, "permission_denied");
      await rejectsWith(sys.customer.stock.setOffMenu("1", true), 403, "permission_denied");
      await rejectsWith(sys.customer.stock.setBusyMinutes(30), 403, "permission_denied");
      assert.equal((await sys.customer.stock.get("1")).name, "Margherita");
      assert.equal((await sys.customer.stock.shopStatus()).busyMinutes, 0);

      const edited = await sys.staff.stock.update("1", {
        price: { amount: 900, currency: "EUR" },
        station: "oven",
      });
      assert.deepEqual([edited.price?.amount, edited.station, edited.name], [900, "oven", "Margherita"]);
      const bad = await rejectsWith(
        sys.staff.stock.update("1", { category: "c".repeat(41) }),
        422,
        "invalid_argument",
      );
      assert.equal(bad.field, "category");

      assert.equal((await sys.staff.stock.setOffMenu("1", true)).offMenu, true);
      const refused = await rejectsWith(
        sys.customer.orders.create("c-1", [{ itemId: "1", quantity: 1 }], "k-1"),
        409,
        "item_unavailable",
      );
      assert.match(refused.message, /^Margherita is not available today/);
      assert.deepEqual(refused.items, [{ id: "1", name: "Margherita", requested: 1, available: 0 }]);

      assert.equal((await sys.staff.stock.setBusyMinutes(20)).busyMinutes, 20);
      assert.equal((await sys.customer.stock.shopStatus()).busyMinutes, 20, "anyone reads it");
    } finally {
      await sys.stop();
    }
  },
);
