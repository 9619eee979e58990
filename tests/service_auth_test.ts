/**
 * The service credential across real processes: a caller without the deployment's token gets
 * UNAUTHENTICATED from every service (health excepted), over gRPC and over Connect alike, one with the token but without a staff claim
 * cannot act as staff, and no process starts without a token.
 */
import assert from "node:assert/strict";
import { credentials, Metadata, type ServiceError, status as GrpcStatus } from "@grpc/grpc-js";
import { connect, rpc } from "../services/common/grpc_client.ts";
import { OrdersServiceClient } from "../services/common/gen/oms/orders/v1/orders.ts";
import { StockServiceClient } from "../services/common/gen/oms/stock/v1/stock.ts";
import { DeadLettersServiceClient } from "../services/common/gen/oms/deadletters/v1/deadletters.ts";
import {
  HealthCheckResponse_ServingStatus,
  HealthClient,
} from "../services/common/gen/grpc/health/v1/health.ts";
import { STAFF_METADATA_KEY } from "../services/common/auth/staff_claim.ts";
import { startSystem } from "./system.ts";

/** The gRPC status a call ended with. */
async function statusOf(call: Promise<unknown>): Promise<GrpcStatus> {
  try {
    await call;
    return GrpcStatus.OK;
  } catch (err) {
    const cause = (err as { cause?: Partial<ServiceError> }).cause;
    assert.ok(typeof cause?.code === "number", `a gRPC failure, got ${err}`);
    return cause.code;
  }
}

Deno.test("without the service token every call is UNAUTHENTICATED; with it but no staff claim, admin does nothing", async () => {
  const sys = await startSystem({ without: ["kitchen", "web"] });
  const ordersAddr = `127.0.0.1:${sys.ports.orders}`;
  const raw = new OrdersServiceClient(ordersAddr, credentials.createInsecure());
  const rawStock = new StockServiceClient(`127.0.0.1:${sys.ports.stock}`, credentials.createInsecure());
  const rawDead = new DeadLettersServiceClient(ordersAddr, credentials.createInsecure());
  const wrong = connect(OrdersServiceClient, ordersAddr, `${sys.serviceToken}-wrong`);
  const notStaff = connect(OrdersServiceClient, ordersAddr, sys.serviceToken);
  const health = new HealthClient(ordersAddr, credentials.createInsecure());
  const wrongConnect = connect(
    OrdersServiceClient,
    `http://127.0.0.1:${sys.connectPorts.orders}`,
    `${sys.serviceToken}-wrong`,
  );
  try {
    const created = await rpc(sys.orders, "createOrder", {
      customerId: "alice",
      items: [{ itemId: "1", quantity: 1 }],
      idempotencyKey: "",
      details: undefined,
    });
    const orderId = created.order!.id;
    const cancelAsAdmin = { orderId, customerId: "", admin: true, reason: "" };
    const listAll = { status: 0, pageSize: 0, cursor: "" };

    for (const client of [raw, wrong]) {
      assert.equal(await statusOf(rpc(client, "listOrders", listAll)), GrpcStatus.UNAUTHENTICATED);
      assert.equal(await statusOf(rpc(client, "cancelOrder", cancelAsAdmin)), GrpcStatus.UNAUTHENTICATED);
      assert.equal(
        await statusOf(rpc(client, "getOrder", { orderId, customerId: "alice", admin: false })),
        GrpcStatus.UNAUTHENTICATED,
      );
    }
    // a hand-made staff claim without the token changes nothing
    const forged = new Metadata();
    forged.set(STAFF_METADATA_KEY, "eyJzdWIiOiJtYWxsb3J5Iiwicm9sZSI6Im93bmVyIiwiZXhwIjo0MTAyNDQ0ODAwfQ.AAAA");
    assert.equal(
      await statusOf(rpc(raw, "listOrders", listAll, { metadata: forged })),
      GrpcStatus.UNAUTHENTICATED,
    );
    assert.equal(
      await statusOf(rpc(rawStock, "reserveItems", { orderId: "x", items: [{ itemId: "1", quantity: 1 }] })),
      GrpcStatus.UNAUTHENTICATED,
    );
    assert.equal(await statusOf(rpc(rawDead, "listDeadLetters", { limit: 10 })), GrpcStatus.UNAUTHENTICATED);
    // the same over each service's Connect port: a wrong token through the client, none by hand
    for (const client of [wrongConnect]) {
      assert.equal(await statusOf(rpc(client, "listOrders", listAll)), GrpcStatus.UNAUTHENTICATED);
      assert.equal(await statusOf(rpc(client, "cancelOrder", cancelAsAdmin)), GrpcStatus.UNAUTHENTICATED);
    }
    for (
      const [name, path] of [
        ["orders", "/oms.orders.v1.OrdersService/ListOrders"],
        ["orders", "/oms.deadletters.v1.DeadLettersService/ListDeadLetters"],
        ["stock", "/oms.stock.v1.StockService/ReserveItems"],
        ["payments", "/oms.payments.v1.PaymentsService/CreatePaymentLink"],
      ] as const
    ) {
      const res = await fetch(`http://127.0.0.1:${sys.connectPorts[name]}${path}`, {
        method: "POST",
        headers: { "content-type": "application/proto", "x-oms-staff": "forged" },
        body: new Uint8Array(),
      });
      assert.equal(res.status, 401, `${name} ${path}`);
      assert.equal((await res.json()).code, "unauthenticated", `${name} ${path}`);
    }
    assert.equal(
      (await rpc(health, "check", { service: "" })).status,
      HealthCheckResponse_ServingStatus.SERVING,
      "health answers without the token",
    );

    // the token alone is a service's call, not staff's
    assert.equal(await statusOf(rpc(notStaff, "listOrders", listAll)), GrpcStatus.PERMISSION_DENIED);
    assert.equal(await statusOf(rpc(notStaff, "countOrders", {})), GrpcStatus.PERMISSION_DENIED);
    assert.equal(
      await statusOf(rpc(notStaff, "cancelOrder", { ...cancelAsAdmin, customerId: "mallory" })),
      GrpcStatus.NOT_FOUND,
    );
    const after = await rpc(sys.orders, "getOrder", { orderId, customerId: "", admin: true });
    assert.equal(after.order?.status, created.order?.status, "the order did not change");
  } finally {
    for (const c of [raw, rawStock, rawDead, wrong, notStaff, health, wrongConnect]) c.close();
    await sys.stop();
  }
});

Deno.test("no service and not web starts without OMS_SERVICE_TOKEN: exit 2 naming the variable", async () => {
  for (const entry of ["services/orders/main.ts", "services/stock/main.ts", "web/main.ts"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", entry],
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "/root",
        OMS_SERVICE_TOKEN: "short",
      },
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 2, entry);
    assert.match(
      new TextDecoder().decode(out.stderr),
      /invalid configuration: [^]*OMS_SERVICE_TOKEN must have 32/, // with any other problem, listed at once
      entry,
    );
  }
});
