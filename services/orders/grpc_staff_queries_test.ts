import assert from "node:assert/strict";
import { DomainError } from "../common/errors.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { createLogger } from "../common/log.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import {
  OrdersServiceClient,
  OrdersServiceService,
  OrderStatus,
  PaymentState,
} from "../common/gen/oms/orders/v1/orders.ts";
import { staffQueryHandlers } from "./grpc_staff_queries.ts";
import { StaffQueries } from "./staff_queries.ts";
import { create, details, move, withKv } from "./indexes_testing.ts";

const log = createLogger("orders", "error");

async function withServer(
  fn: (c: { kv: Deno.Kv; staff: OrdersServiceClient; anon: OrdersServiceClient }) => Promise<void>,
) {
  await withKv(async (kv) => {
    const server = await startGrpcServer("127.0.0.1", 0, [{
      definition: OrdersServiceService,
      name: "oms.orders.v1.OrdersService",
      implementation: staffQueryHandlers({
        queries: new StaffQueries(kv),
        staffClaims: new StaffClaims(TEST_SERVICE_TOKEN),
        log,
      }),
    }], { serviceToken: TEST_SERVICE_TOKEN });
    const addr = `127.0.0.1:${server.port}`;
    const staff = connect(OrdersServiceClient, addr, TEST_SERVICE_TOKEN, { staff: TEST_STAFF });
    const anon = connect(OrdersServiceClient, addr, TEST_SERVICE_TOKEN);
    try {
      await fn({ kv, staff, anon });
    } finally {
      staff.close();
      anon.close();
      await server.stop(100);
    }
  });
}

const SEARCH = {
  query: "",
  statuses: [],
  paymentStates: [],
  createdFrom: undefined,
  createdUntil: undefined,
  pageSize: 0,
  cursor: "",
};

Deno.test("search, figures and customers over gRPC: staff only, enums and bad input mapped", async () => {
  await withServer(async ({ kv, staff, anon }) => {
    const at = Date.now() - 60_000;
    const o = await create(kv, { customerId: "grpc-c", number: 77, at, details: details("Nia Nakamura") });
    await move(kv, o.id, at + 1000, "paid");

    const found = await rpc(staff, "searchOrders", {
      ...SEARCH,
      query: "#77",
      statuses: [OrderStatus.ORDER_STATUS_PAID],
      paymentStates: [PaymentState.PAYMENT_STATE_PAID],
    });
    assert.deepEqual(found.orders.map((x) => x.id), [o.id]);
    const stats = await rpc(staff, "getOrderStats", { since: new Date(at - 1000), until: undefined });
    assert.equal(Number(stats.orders), 1);
    assert.deepEqual(stats.revenue, { amount: 1000, currency: "EUR" });
    assert.equal(Number(stats.openTickets), 1);
    const customers = await rpc(staff, "listCustomers", { query: "nia", pageSize: 0, cursor: "" });
    assert.deepEqual(customers.customers.map((c) => [c.customerId, c.name, Number(c.orderCount)]), [
      ["grpc-c", "Nia Nakamura", 1],
    ]);
    const one = await rpc(staff, "getCustomer", { customerId: "grpc-c" });
    assert.deepEqual(one.customer?.totalSpent, { amount: 1000, currency: "EUR" });

    for (
      const call of [
        rpc(anon, "searchOrders", SEARCH),
        rpc(anon, "getOrderStats", { since: new Date(), until: undefined }),
        rpc(anon, "listCustomers", { query: "", pageSize: 0, cursor: "" }),
        rpc(anon, "getCustomer", { customerId: "grpc-c" }),
      ]
    ) {
      await assert.rejects(call, (e) => e instanceof DomainError && e.code === "permission_denied");
    }
    await assert.rejects(
      rpc(staff, "searchOrders", { ...SEARCH, pageSize: 501 }),
      (e) => e instanceof DomainError && e.code === "invalid_argument" && e.field === "page_size",
    );
    await assert.rejects(
      rpc(staff, "getCustomer", { customerId: "nobody" }),
      (e) => e instanceof DomainError && e.code === "not_found",
    );
    await assert.rejects(
      rpc(staff, "getOrderStats", { since: undefined, until: undefined }),
      (e) => e instanceof DomainError && e.code === "invalid_argument",
    );
  });
});
