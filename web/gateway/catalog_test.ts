import assert from "node:assert/strict";
import { startGatewaySystem, TEST_OPTS } from "./testing.ts";

Deno.test(
  "the customers' catalog is shared for a moment and read again after web changes stock",
  TEST_OPTS,
  async () => {
    const sys = await startGatewaySystem();
    try {
      const availableOf = async (id: string) =>
        (await sys.customer.stock.catalog()).find((i) => i.id === id)!.available;
      const first = await availableOf("1");
      assert.equal((await sys.stockLevels())["1"], first);
      await sys.staff.stock.restock("1", 2); // through web: invalidates
      assert.equal(await availableOf("1"), first + 2, "a restock through web is seen at once");
      assert.equal(await availableOf("1"), first + 2);

      await sys.customer.orders.create("cat-alice", [{ itemId: "1", quantity: 3 }], "");
      assert.equal(await availableOf("1"), first - 1, "an order placed through web is seen at once");

      const staffList = await sys.staff.stock.list();
      assert.equal(staffList.find((i) => i.id === "1")!.available, first - 1, "staff read stock directly");
    } finally {
      await sys.stop();
    }
  },
);
