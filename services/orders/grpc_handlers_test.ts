import assert from "node:assert/strict";
import { DomainError, RpcError } from "../common/errors.ts";
import { connect, rpc } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { createLogger } from "../common/log.ts";
import { newTraceparent, traceIdOf, traceMetadata } from "../common/trace.ts";
import { OUTBOX_PREFIX } from "../common/bus/outbox.ts";
import type { OutboxRecord } from "../common/bus/types.ts";
import {
  type Order as OrderMessage,
  OrdersServiceClient,
  OrdersServiceService,
  OrderStatus,
  PaymentState,
} from "../common/gen/oms/orders/v1/orders.ts";
import { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import type { OrderDetails } from "../common/gen/oms/types/v1/types.ts";
import { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";
import type { OrderStatus as Status } from "./domain/order.ts";
import { requestRefund } from "./domain/refund.ts";
import { transition } from "./domain/transition.ts";
import { ordersServer } from "./grpc_handlers.ts";
import { changeOrder, LINK_FALLBACK_GRACE_MS, orderCreatedMessageId, OrdersApp } from "./app.ts";
import { KeyedOrderIds } from "./order_ids.ts";
import { v7 } from "uuid";
import { getOrder, idempotencyKey, ORDERS } from "./store.ts";
import { unitOfWork } from "../common/unit_of_work.ts";
import {
  deadAddr,
  type PaymentsMode,
  type StubPayments,
  stubPaymentsServer,
  type StubStock,
  stubStockServer,
} from "./stub_peers_test.ts";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";
import { Metadata, type ServiceError, status as GrpcStatus } from "@grpc/grpc-js";
import { OrderNumbers } from "./numbers.ts";
import { STAFF_METADATA_KEY, StaffClaims } from "../common/auth/staff_claim.ts";

const log = createLogger("orders", "error");

interface Fixture {
  /** A client with the service credential only (a customer's request as web makes it). */
  client: OrdersServiceClient;
  /** A client whose every call carries a valid staff claim (as web's admin makes them). */
  staff: OrdersServiceClient;
  /** The claims key of the server (to forge or expire claims in tests). */
  claims: StaffClaims;
  kv: Deno.Kv;
  stock: StubStock;
  payments: StubPayments;
  kicks: { count: number };
}

/** Runs `fn` against a real orders gRPC server on a temp KV file, with stub stock and payments peers. */
/** The deadline of the calls to payments in these tests. */
const PAYMENTS_TIMEOUT_MS = 1000;

async function withOrders(
  fn: (f: Fixture) => Promise<void>,
  opts: {
    payments?: PaymentsMode | "down";
    paymentsTimeoutMs?: number;
    /** Wraps the store the use cases see (to observe their reads). */
    appKv?: (kv: Deno.Kv) => Deno.Kv;
  } = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orders-grpc-" });
  const kv = await Deno.openKv(`${dir}/orders.kv`);
  const appKv = opts.appKv?.(kv) ?? kv;
  const stock = await stubStockServer();
  const payments = await stubPaymentsServer(opts.payments === "down" ? "ok" : opts.payments);
  const paymentsAddr = opts.payments === "down" ? await deadAddr() : payments.addr;
  const stockClient = connect(StockServiceClient, stock.addr, TEST_SERVICE_TOKEN);
  const paymentsClient = connect(PaymentsServiceClient, paymentsAddr, TEST_SERVICE_TOKEN);
  const kicks = { count: 0 };
  const claims = new StaffClaims(TEST_SERVICE_TOKEN);
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: OrdersServiceService,
    name: "oms.orders.v1.OrdersService",
    implementation: ordersServer({
      kv,
      app: new OrdersApp({
        kv: appKv,
        uow: unitOfWork({ kv: appKv, kick: () => kicks.count++, log }),
        stock: stockClient,
        payments: paymentsClient,
        log,
        stockTimeoutMs: 3000,
        paymentsTimeoutMs: opts.paymentsTimeoutMs ?? PAYMENTS_TIMEOUT_MS,
      }),
      staffClaims: claims,
      log,
    }),
  }], { serviceToken: TEST_SERVICE_TOKEN });
  const addr = `127.0.0.1:${server.port}`;
  const client = connect(OrdersServiceClient, addr, TEST_SERVICE_TOKEN);
  const staff = connect(OrdersServiceClient, addr, TEST_SERVICE_TOKEN, { staff: TEST_STAFF });
  try {
    await fn({ client, staff, claims, kv, stock, payments, kicks });
  } finally {
    client.close();
    staff.close();
    stockClient.close();
    paymentsClient.close();
    await server.stop(100);
    await stock.stop();
    await payments.stop();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const ITEMS = [{ itemId: "pizza", quantity: 2 }, { itemId: "cola", quantity: 1 }];

async function create(
  client: OrdersServiceClient,
  customerId = "alice",
  idempotencyKey = "",
): Promise<OrderMessage> {
  const res = await rpc(client, "createOrder", {
    customerId,
    items: ITEMS,
    idempotencyKey,
    details: undefined,
  });
  return res.order!;
}

/** Asserts `p` fails with `code` (and `field`): over gRPC an RpcError, from the use cases a DomainError. */
async function rejects(p: Promise<unknown>, code: string, field?: string): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DomainError, String(err));
    assert.equal(err.code, code, err.message);
    if (field !== undefined) assert.equal(err.field, field);
    return err;
  }
  assert.fail(`expected ${code}`);
}

async function outbox(kv: Deno.Kv): Promise<OutboxRecord[]> {
  const out: OutboxRecord[] = [];
  for await (const e of kv.list<OutboxRecord>({ prefix: OUTBOX_PREFIX })) out.push(e.value);
  return out;
}

/** Walks an order along legal edges to `path`'s last status, as events would. */
async function moveTo(kv: Deno.Kv, id: string, path: Status[]): Promise<void> {
  const uow = unitOfWork({ kv, kick: () => {}, log });
  for (const to of path) {
    await uow.run((tx) =>
      changeOrder(tx, id, (o) => {
        const r = transition(o, to, { cause: "test", at: new Date(), traceId: "" });
        return r.order ? { order: r.order, events: [] } : { ignored: r.ignored };
      })
    );
  }
}

Deno.test("CreateOrder reserves stock, gets the link, then stores the priced order waiting for payment, with no order.created", async () => {
  await withOrders(async ({ client, kv, stock, payments, kicks }) => {
    const order = await create(client);
    assert.equal(order.status, OrderStatus.ORDER_STATUS_WAITING_PAYMENT);
    assert.equal(order.paymentLink, `http://127.0.0.1:8080/pay/s-${order.id}`);
    assert.match(order.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(order.total, { amount: 2050, currency: "EUR" });
    assert.deepEqual(order.items.map((i) => [i.itemId, i.name, i.quantity, i.unitPrice?.amount]), [
      ["pizza", "Pizza", 2, 900],
      ["cola", "Cola", 1, 250],
    ]);
    assert.deepEqual(order.timeline.map((t) => [t.status, t.cause]), [
      [OrderStatus.ORDER_STATUS_PENDING, "customer"],
      [OrderStatus.ORDER_STATUS_WAITING_PAYMENT, "payments.create_link"],
    ]);
    assert.deepEqual(stock.reserveCalls.map((c) => c.orderId), [order.id]);
    assert.deepEqual(payments.linkCalls, [order.id]);
    assert.deepEqual(await outbox(kv), [], "no order.created: the order has its link");
    assert.equal(kicks.count, 0, "nothing for the relay to send");
    assert.equal((await getOrder(kv, order.id))?.order.status, "waiting_payment");
  });
});

Deno.test("CreateOrder stores and links the order without reading it back (the commits' checks guard it)", async () => {
  const reads: Deno.KvKey[] = [];
  const counting = (kv: Deno.Kv) =>
    new Proxy(kv, {
      get(target, prop) {
        if (prop === "get") {
          return (key: Deno.KvKey) => {
            reads.push(key);
            return target.get(key);
          };
        }
        if (prop === "getMany") {
          return (keys: Deno.KvKey[]) => {
            reads.push(...keys);
            return target.getMany(keys);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  await withOrders(async ({ client, kv }) => {
    const order = await create(client);
    assert.equal(order.status, OrderStatus.ORDER_STATUS_WAITING_PAYMENT);
    // the only read: the number counter, when this process reserves its first block of numbers
    assert.deepEqual(
      reads,
      [["order_number_next"]],
      "no order read in CreateOrder without an idempotency key",
    );
    reads.length = 0;
    await create(client);
    assert.deepEqual(reads, [], "the next create takes its number from the block in memory: no KV read");
    assert.equal((await getOrder(kv, order.id))?.order.status, "waiting_payment");
  }, { appKv: counting });
});

Deno.test("CreateOrder with payments up commits the order once, linked: one change record, nothing held", async () => {
  const commits: string[][] = [];
  const counting = (kv: Deno.Kv) =>
    new Proxy(kv, {
      get(target, prop) {
        if (prop === "atomic") {
          return () => {
            const op = target.atomic();
            const keys: string[] = [];
            const set = op.set.bind(op);
            op.set = (key: Deno.KvKey, value: unknown, options?: { expireIn?: number }) => {
              keys.push(String(key[0]));
              return set(key, value, options);
            };
            const commit = op.commit.bind(op);
            op.commit = () => {
              commits.push(keys);
              return commit();
            };
            return op;
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  await withOrders(async ({ client, kv }) => {
    const order = await create(client);
    assert.equal(order.status, OrderStatus.ORDER_STATUS_WAITING_PAYMENT);
    const ofOrder = commits.filter((keys) => keys.includes("orders"));
    assert.equal(ofOrder.length, 1, "one commit writes the order");
    assert.equal(ofOrder[0]!.filter((k) => k === "change_feed").length, 1, "with one change record");
    assert.ok(!ofOrder[0]!.includes("outbox"), "and no outbox record, held or not");
    const feed = [];
    for await (const e of kv.list({ prefix: ["change_feed"] })) feed.push(e);
    assert.equal(feed.length, 1, "watchers see the order once, waiting for payment");
    assert.equal((await getOrder(kv, order.id))?.order.status, "waiting_payment");
  }, { appKv: counting });
});

Deno.test("CreateOrder carries the caller's traceparent to stock, the timeline and the outbox", async () => {
  await withOrders(async ({ client, kv, stock }) => {
    const tp = newTraceparent();
    const res = await rpc(client, "createOrder", {
      customerId: "alice",
      items: ITEMS,
      idempotencyKey: "",
      details: undefined,
    }, {
      metadata: traceMetadata(tp),
    });
    const order = res.order!;
    assert.deepEqual(order.timeline.map((t) => t.traceId), [traceIdOf(tp)]);
    assert.equal(stock.traceparents[0], tp);
    assert.equal((await outbox(kv))[0]!.traceparent, tp, "the held order.created");
  }, { payments: "down" });
});

Deno.test("CreateOrder with payments down still stores the pending order and its order.created, held for the relay until the call's deadline and 2 s", async () => {
  await withOrders(async ({ client, kv, kicks }) => {
    const before = Date.now();
    const order = await create(client);
    assert.equal(order.status, OrderStatus.ORDER_STATUS_PENDING);
    assert.equal(order.paymentLink, "");
    const events = await outbox(kv);
    assert.deepEqual(events.map((e) => [e.routingKey, e.id]), [[
      "order.created",
      orderCreatedMessageId(order.id),
    ]]);
    const body = JSON.parse(events[0]!.body);
    assert.equal(body.orderId, order.id);
    assert.equal(body.customerId, "alice");
    assert.deepEqual(body.total, { amount: 2050, currency: "EUR" });
    assert.equal(body.items.length, 2);
    const hold = events[0]!.notBefore! - before;
    assert.ok(
      hold >= PAYMENTS_TIMEOUT_MS + LINK_FALLBACK_GRACE_MS && hold < PAYMENTS_TIMEOUT_MS + 10_000,
      `held ${hold} ms`,
    );
    assert.equal(kicks.count, 0, "held: not handed to the relay");
    assert.equal((await getOrder(kv, order.id))?.order.status, "pending");
  }, { payments: "down" });
});

Deno.test("CreateOrder with payments slower than its deadline returns the pending order in time", async () => {
  await withOrders(async ({ client, payments }) => {
    const started = Date.now();
    const order = await create(client);
    assert.equal(order.status, OrderStatus.ORDER_STATUS_PENDING);
    assert.ok(Date.now() - started < 1900, "did not wait for the slow payments");
    assert.deepEqual(payments.linkCalls, [order.id]);
  }, { payments: "slow", paymentsTimeoutMs: 300 });
});

Deno.test("CreateOrder with payments failing returns the pending order", async () => {
  await withOrders(async ({ client }) => {
    assert.equal((await create(client)).status, OrderStatus.ORDER_STATUS_PENDING);
  }, { payments: "fail" });
});

Deno.test("CreateOrder rejects bad input with the field at fault and calls nobody", async () => {
  await withOrders(async ({ client, stock }) => {
    await rejects(
      rpc(client, "createOrder", {
        customerId: "bad id!",
        items: ITEMS,
        idempotencyKey: "",
        details: undefined,
      }),
      "invalid_argument",
      "customer_id",
    );
    await rejects(
      rpc(client, "createOrder", { customerId: "alice", items: [], idempotencyKey: "", details: undefined }),
      "invalid_argument",
      "items",
    );
    await rejects(
      rpc(client, "createOrder", {
        customerId: "alice",
        items: [{ itemId: "pizza", quantity: 1 }, { itemId: "cola", quantity: 1001 }],
        idempotencyKey: "",
        details: undefined,
      }),
      "invalid_argument",
      "items[1].quantity",
    );
    assert.equal(stock.reserveCalls.length, 0);
  });
});

Deno.test("CreateOrder passes stock's out_of_stock (with shortages) and unknown_item through and stores nothing", async () => {
  await withOrders(async ({ client, staff, kv }) => {
    const err = await rejects(
      rpc(client, "createOrder", {
        customerId: "alice",
        items: [{ itemId: "pizza", quantity: 101 }],
        idempotencyKey: "",
        details: undefined,
      }),
      "out_of_stock",
    );
    assert.deepEqual(err.shortages, [{ itemId: "pizza", name: "Pizza", requested: 101, available: 100 }]);
    await rejects(
      rpc(client, "createOrder", {
        customerId: "alice",
        items: [{ itemId: "sushi", quantity: 1 }],
        idempotencyKey: "",
        details: undefined,
      }),
      "unknown_item",
      "items[0].item_id",
    );
    assert.equal((await outbox(kv)).length, 0);
    const res = await rpc(staff, "listOrders", { status: 0, pageSize: 0, cursor: "" });
    assert.equal(res.orders.length, 0);
  });
});

Deno.test("CreateOrder sends payments the order's placing time with its lines, so the checkout's expiry is fixed without a draft", async () => {
  await withOrders(async ({ client, payments }) => {
    const order = await create(client, "alice");
    const [req] = payments.linkRequests;
    assert.equal(req?.orderId, order.id);
    assert.equal(req?.placedAt?.getTime(), order.createdAt?.getTime());
    assert.deepEqual(req?.total, order.total);
    assert.deepEqual(req?.items.map((l) => [l.itemId, l.quantity]), [["pizza", 2], ["cola", 1]]);
  });
});

Deno.test("CreateOrder with a repeated idempotency key returns the first order", async () => {
  await withOrders(async ({ client, stock, payments }) => {
    const first = await create(client, "alice", "key-1");
    const again = await create(client, "alice", "key-1");
    assert.equal(again.id, first.id);
    assert.equal(stock.reserveCalls.length, 1);
    assert.equal(payments.linkCalls.length, 1);
    const other = await create(client, "bob", "key-1");
    assert.notEqual(other.id, first.id, "keys are per customer");
  });
});

Deno.test("two concurrent CreateOrder calls with one idempotency key make one order and one reservation", async () => {
  await withOrders(async ({ client, stock, kv }) => {
    stock.delayMs = 300;
    const [a, b] = await Promise.all([create(client, "alice", "k-conc"), create(client, "alice", "k-conc")]);
    assert.equal(a.id, b.id);
    assert.equal(stock.reserveCalls.length, 1);
    const res = await rpc(client, "listCustomerOrders", { customerId: "alice", pageSize: 0, cursor: "" });
    assert.equal(res.orders.length, 1);
    assert.equal((await outbox(kv)).length, 1, "one order.created, held (payments is down)");
  }, { payments: "down" });
});

Deno.test("a retry after a failed first attempt with the same idempotency key runs again", async () => {
  await withOrders(async ({ client, stock }) => {
    stock.catalog.get("pizza")!.available = 1;
    await rejects(create(client, "alice", "k-retry"), "out_of_stock");
    stock.catalog.get("pizza")!.available = 10;
    const order = await create(client, "alice", "k-retry");
    assert.equal(order.status, OrderStatus.ORDER_STATUS_WAITING_PAYMENT);
    assert.equal(stock.reserveCalls.length, 2);
  });
});

/** Details as a customer gives them at checkout (pickup in an hour). */
function ada(overrides: Partial<OrderDetails> = {}): OrderDetails {
  return {
    name: "Ada Lovelace",
    phone: "+44 20 7946 0958",
    email: "ada@example.org",
    note: "No basil, please",
    pickupAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

Deno.test("CreateOrder stores the details and a short number, GetOrder returns them, order.created leaves the contact out", async () => {
  await withOrders(async ({ client, kv }) => {
    const details = ada();
    const res = await rpc(client, "createOrder", {
      customerId: "alice",
      items: ITEMS,
      idempotencyKey: "",
      details: { ...details, name: "  Ada Lovelace  " },
    });
    const order = res.order!;
    assert.deepEqual(order.details, details, "trimmed and returned");
    assert.ok(order.number >= 1001, `a short number, got ${order.number}`);
    const got = await rpc(client, "getOrder", { orderId: order.id, customerId: "alice", admin: false });
    assert.deepEqual(got.order?.details, details);
    assert.equal(got.order?.number, order.number);
    const second = await create(client);
    assert.notEqual(second.number, order.number, "unique per shop");
    assert.equal(second.details, undefined, "API clients may leave details out");
    const body = JSON.parse((await outbox(kv)).find((r) => JSON.parse(r.body).orderId === order.id)!.body);
    assert.equal(Number(body.number), order.number);
    assert.deepEqual(body.details, {
      name: "Ada Lovelace",
      note: "No basil, please",
      pickupAt: details.pickupAt!.toISOString(),
    }, "no phone, no email in the event");
  }, { payments: "down" }); // so the order keeps its held order.created to read
});

Deno.test("CreateOrder with invalid details answers invalid_argument naming the detail and calls nobody", async () => {
  await withOrders(async ({ client, stock }) => {
    const attempt = (details: OrderDetails) =>
      rpc(client, "createOrder", { customerId: "alice", items: ITEMS, idempotencyKey: "", details });
    await rejects(attempt(ada({ name: "" })), "invalid_argument", "details.name");
    await rejects(attempt(ada({ phone: "", email: "" })), "invalid_argument", "details.phone");
    await rejects(attempt(ada({ email: "ada@" })), "invalid_argument", "details.email");
    await rejects(attempt(ada({ note: "n".repeat(501) })), "invalid_argument", "details.note");
    await rejects(
      attempt(ada({ pickupAt: new Date(Date.now() - 3_600_000) })),
      "invalid_argument",
      "details.pickupAt",
    );
    assert.equal(stock.reserveCalls.length, 0);
  });
});

Deno.test("an idempotency key reused with other items or details is refused; the same body returns the first order and number", async () => {
  await withOrders(async ({ client, stock }) => {
    const details = ada();
    const send = (items: typeof ITEMS, d: OrderDetails | undefined) =>
      rpc(client, "createOrder", { customerId: "alice", items, idempotencyKey: "k-body", details: d });
    const first = (await send(ITEMS, details)).order!;
    const again = (await send([...ITEMS].reverse(), { ...details })).order!;
    assert.equal(again.id, first.id, "the same body (lines in another order) is a retry");
    assert.equal(again.number, first.number, "with the number stored with the order");
    for (
      const [items, d] of [
        [[{ itemId: "pizza", quantity: 3 }], details],
        [ITEMS, { ...details, note: "Extra basil" }],
        [ITEMS, undefined],
      ] as const
    ) {
      const err = await rejects(send([...items], d), "idempotency_key_reused");
      assert.match(err.message, /Idempotency key "k-body" was already used for a different order/);
      assert.equal((err.cause as ServiceError).code, GrpcStatus.FAILED_PRECONDITION);
    }
    assert.equal(stock.reserveCalls.length, 1, "a refused body reserves nothing");
  });
});

Deno.test("concurrent creates on two orders processes sharing one store get unique numbers without conflicting commits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "orders-numbers-" });
  const kv = await Deno.openKv(`${dir}/orders.kv`);
  const stock = await stubStockServer({ pizza: { name: "Pizza", price: 900, available: 10_000 } });
  const payments = await stubPaymentsServer();
  const stockClient = connect(StockServiceClient, stock.addr, TEST_SERVICE_TOKEN);
  const paymentsClient = connect(PaymentsServiceClient, payments.addr, TEST_SERVICE_TOKEN);
  const commits = { ok: 0, conflicts: 0 };
  // keys written by committed operations, by their first part
  const written = new Map<string, number>();
  // the use cases' commits, counted (the number blocks are counted by their allocators)
  const counted = new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          const sets: string[] = [];
          const set = op.set.bind(op);
          op.set = (key, value, options) => (sets.push(String(key[0])), set(key, value, options));
          const commit = op.commit.bind(op);
          op.commit = async () => {
            const res = await commit();
            if (res.ok) commits.ok++;
            else commits.conflicts++;
            if (res.ok) { for (const s of sets) written.set(s, (written.get(s) ?? 0) + 1); }
            return res;
          };
          return op;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  // One store, two processes: each its own allocator (its block in memory) and unit of work. (Two
  // handles on one SQLite file in one process answer "database is locked" under load; replicas share a
  // store through KV Connect, where the same check-and-set applies.)
  const numbers = [new OrderNumbers(kv, { blockSize: 50 }), new OrderNumbers(kv, { blockSize: 50 })];
  const apps = numbers.map((n) =>
    new OrdersApp({
      kv: counted,
      uow: unitOfWork({ kv: counted, kick: () => {}, log }),
      stock: stockClient,
      payments: paymentsClient,
      log,
      stockTimeoutMs: 5000,
      paymentsTimeoutMs: 5000,
      numbers: n,
      keyedIds: new KeyedOrderIds(kv), // made once per store, like the blocks, not counted
    })
  );
  try {
    const perProcess = 60;
    const orders = await Promise.all(
      Array.from({ length: perProcess * 2 }, (_, i) =>
        apps[i % 2]!.createOrder(
          { customerId: `c${i}`, items: [{ itemId: "pizza", quantity: 1 }], idempotencyKey: `k${i}` },
          newTraceparent(),
        )),
    );
    const got = orders.map((o) => o.number ?? 0);
    assert.equal(new Set(got).size, got.length, "no number twice");
    assert.ok(got.every((n) => n >= 1001));
    for (const o of orders) assert.equal((await getOrder(kv, o.id))?.order.number, o.number, "stored");
    assert.equal(commits.conflicts, 0, `creates never conflict with each other: ${JSON.stringify(commits)}`);
    // creates waiting while another commits share its successor's commit (services/common/group_commit.ts)
    assert.ok(commits.ok <= orders.length, `at most one commit per create: ${commits.ok}`);
    assert.equal(
      written.get("idempotency"),
      orders.length,
      "each key written once: no claim before the create",
    );
    assert.equal(written.get("orders"), orders.length, "each order written once");
    // 60 numbers per process in blocks of 50: two reservations each, not one per order
    assert.deepEqual(numbers.map((n) => n.stats.reservations), [2, 2]);
    assert.ok(numbers.every((n) => n.stats.conflicts <= 2), JSON.stringify(numbers.map((n) => n.stats)));
  } finally {
    stockClient.close();
    paymentsClient.close();
    await stock.stop();
    await payments.stop();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("GetOrder answers not_found to another customer, exactly as for a missing order", async () => {
  await withOrders(async ({ client, staff }) => {
    const order = await create(client, "alice");
    const own = await rpc(client, "getOrder", { orderId: order.id, customerId: "alice", admin: false });
    assert.equal(own.order?.id, order.id);
    const admin = await rpc(staff, "getOrder", { orderId: order.id, customerId: "", admin: true });
    assert.equal(admin.order?.id, order.id);
    const stranger = await rejects(
      rpc(client, "getOrder", { orderId: order.id, customerId: "mallory", admin: false }),
      "not_found",
    );
    assert.equal(stranger.message, `Order "${order.id}" not found`);
    const missing = await rejects(
      rpc(client, "getOrder", { orderId: "no-such-order", customerId: "alice", admin: false }),
      "not_found",
    );
    assert.equal(missing.message, `Order "no-such-order" not found`);
    await rejects(
      rpc(client, "getOrder", { orderId: order.id, customerId: "", admin: false }),
      "invalid_argument",
      "customer_id",
    );
  });
});

Deno.test("ListOrders pages newest first by cursor and filters by status; counts follow", async () => {
  await withOrders(async ({ client, staff, kv }) => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create(client, i % 2 ? "bob" : "alice")).id);
      await new Promise((r) => setTimeout(r, 2));
    }
    const newestFirst = [...ids].reverse();
    const p1 = await rpc(staff, "listOrders", { status: 0, pageSize: 2, cursor: "" });
    assert.deepEqual(p1.orders.map((o) => o.id), newestFirst.slice(0, 2));
    assert.notEqual(p1.nextCursor, "");
    const p2 = await rpc(staff, "listOrders", { status: 0, pageSize: 2, cursor: p1.nextCursor });
    assert.deepEqual(p2.orders.map((o) => o.id), newestFirst.slice(2, 4));
    const p3 = await rpc(staff, "listOrders", { status: 0, pageSize: 2, cursor: p2.nextCursor });
    assert.deepEqual(p3.orders.map((o) => o.id), newestFirst.slice(4));
    assert.equal(p3.nextCursor, "", "the last page has no next cursor");

    await moveTo(kv, ids[1]!, ["paid"]);
    await moveTo(kv, ids[3]!, ["paid"]);
    const paid = await rpc(staff, "listOrders", {
      status: OrderStatus.ORDER_STATUS_PAID,
      pageSize: 1,
      cursor: "",
    });
    assert.deepEqual(paid.orders.map((o) => o.id), [ids[3]]);
    const paid2 = await rpc(staff, "listOrders", {
      status: OrderStatus.ORDER_STATUS_PAID,
      pageSize: 1,
      cursor: paid.nextCursor,
    });
    assert.deepEqual(paid2.orders.map((o) => o.id), [ids[1]]);
    const waiting = await rpc(staff, "listOrders", {
      status: OrderStatus.ORDER_STATUS_WAITING_PAYMENT,
      pageSize: 100,
      cursor: "",
    });
    assert.deepEqual(waiting.orders.map((o) => o.id), [ids[4], ids[2], ids[0]]);

    const bob = await rpc(client, "listCustomerOrders", { customerId: "bob", pageSize: 0, cursor: "" });
    assert.deepEqual(bob.orders.map((o) => o.id), [ids[3], ids[1]]);
    assert.equal(bob.nextCursor, "");

    const counts = await rpc(staff, "countOrders", {});
    const byStatus = Object.fromEntries(counts.counts.map((c) => [c.status, c.count]));
    assert.equal(counts.counts.length, 8);
    assert.equal(byStatus[OrderStatus.ORDER_STATUS_WAITING_PAYMENT], 3);
    assert.equal(byStatus[OrderStatus.ORDER_STATUS_PAID], 2);
    assert.equal(byStatus[OrderStatus.ORDER_STATUS_PENDING], 0);
    assert.equal(byStatus[OrderStatus.ORDER_STATUS_CANCELLED], 0);
  });
});

Deno.test("listing rejects a page size over 100, an unknown status and a bad cursor", async () => {
  await withOrders(async ({ client, staff }) => {
    await rejects(
      rpc(staff, "listOrders", { status: 0, pageSize: 101, cursor: "" }),
      "invalid_argument",
      "page_size",
    );
    await rejects(
      rpc(staff, "listOrders", { status: 42 as OrderStatus, pageSize: 0, cursor: "" }),
      "invalid_argument",
      "status",
    );
    await rejects(
      rpc(client, "listCustomerOrders", { customerId: "alice", pageSize: -1, cursor: "" }),
      "invalid_argument",
      "page_size",
    );
    await rejects(
      rpc(staff, "listOrders", { status: 0, pageSize: 0, cursor: "not a cursor!" }),
      "invalid_argument",
      "cursor",
    );
  });
});

Deno.test("CancelOrder cancels an unpaid order once with order.cancelled and refuses a paid one", async () => {
  await withOrders(async ({ client, staff, kv }) => {
    const order = await create(client, "alice");
    await rejects(
      rpc(client, "cancelOrder", { orderId: order.id, customerId: "mallory", admin: false, reason: "" }),
      "not_found",
    );
    const res = await rpc(client, "cancelOrder", {
      orderId: order.id,
      customerId: "alice",
      admin: false,
      reason: "",
    });
    assert.equal(res.order?.status, OrderStatus.ORDER_STATUS_CANCELLED);
    assert.equal(res.order?.timeline.at(-1)?.cause, "customer");
    const again = await rpc(client, "cancelOrder", {
      orderId: order.id,
      customerId: "alice",
      admin: false,
      reason: "",
    });
    assert.equal(again.order?.timeline.length, res.order?.timeline.length, "a repeat changes nothing");
    const cancels = (await outbox(kv)).filter((e) => e.routingKey === "order.cancelled");
    assert.equal(cancels.length, 1);
    assert.equal(JSON.parse(cancels[0]!.body).reason, "Cancelled by customer");

    const paid = await create(client, "alice");
    await moveTo(kv, paid.id, ["paid"]);
    const err = await rejects(
      rpc(staff, "cancelOrder", { orderId: paid.id, customerId: "", admin: true, reason: "too late" }),
      "illegal_transition",
    );
    assert.equal(err.message, `Order ${paid.id} is paid; only pending or unpaid orders can be cancelled`);
  });
});

Deno.test("AdvanceOrder completes a ready order with order.completed and refuses any other", async () => {
  await withOrders(async ({ client, staff, kv }) => {
    const order = await create(client, "alice");
    await rejects(rpc(staff, "advanceOrder", { orderId: order.id }), "illegal_transition");
    await moveTo(kv, order.id, ["paid", "preparing", "ready"]);
    const res = await rpc(staff, "advanceOrder", { orderId: order.id });
    assert.equal(res.order?.status, OrderStatus.ORDER_STATUS_COMPLETED);
    assert.equal(res.order?.timeline.at(-1)?.cause, "admin");
    assert.equal((await outbox(kv)).filter((e) => e.routingKey === "order.completed").length, 1);
    await rejects(rpc(staff, "advanceOrder", { orderId: "nope" }), "not_found");
  });
});

Deno.test("RefundOrder: a partial refund keeps the status and names the staff member; the rest makes it refunded with order.refunded; a failed one changes nothing", async () => {
  await withOrders(async ({ client, staff, kv, payments }) => {
    const unpaid = await create(client, "alice");
    await rejects(rpc(staff, "refundOrder", { orderId: unpaid.id, reason: "x" }), "illegal_transition");
    assert.equal(payments.refundCalls.length, 0);

    const order = await create(client, "alice"); // 2050 EUR
    await moveTo(kv, order.id, ["paid", "preparing"]);
    await rejects(
      rpc(staff, "refundOrder", { orderId: order.id, reason: " " }),
      "invalid_argument",
      "reason",
    );
    await rejects(
      rpc(staff, "refundOrder", {
        orderId: order.id,
        reason: "x",
        amount: { amount: 2051, currency: "EUR" },
      }),
      "invalid_argument",
      "amount.amount",
    );
    await rejects(
      rpc(staff, "refundOrder", { orderId: order.id, reason: "x", amount: { amount: 100, currency: "USD" } }),
      "invalid_argument",
      "amount.currency",
    );
    assert.equal(payments.refundCalls.length, 0, "invalid requests never reach payments");

    payments.refundError = new RpcError("unavailable", "Provider is down");
    await rejects(
      rpc(staff, "refundOrder", {
        orderId: order.id,
        reason: "cold",
        amount: { amount: 500, currency: "EUR" },
      }),
      "unavailable",
    );
    const afterFailure = (await getOrder(kv, order.id))!.order;
    assert.equal(afterFailure.status, "preparing", "a failed refund leaves the order as it was");
    assert.deepEqual(afterFailure.refunds, [], "and forgets the refund (nothing moved)");

    payments.refundError = undefined;
    const part = await rpc(staff, "refundOrder", {
      orderId: order.id,
      reason: "Cold pizza",
      amount: { amount: 500, currency: "EUR" },
    });
    assert.equal(part.order?.status, OrderStatus.ORDER_STATUS_PREPARING, "a partial refund keeps the status");
    assert.equal(part.order?.paymentState, PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED);
    assert.deepEqual(part.order?.refunded, { amount: 500, currency: "EUR" });
    const [refund] = part.order!.refunds;
    assert.equal(refund?.by, TEST_STAFF.sub);
    assert.equal(refund?.reason, "Cold pizza");
    const sent = payments.refundRequests.at(-1)!;
    assert.deepEqual(sent.amount, { amount: 500, currency: "EUR" });
    assert.equal(sent.refundId, refund?.id, "orders' refund id is the provider call's idempotency key");
    assert.equal(refund?.providerRefundId, `re-${refund?.id}`);
    const entry = part.order!.timeline.at(-1)!;
    assert.equal(entry.actor, TEST_STAFF.sub, "the timeline names the staff member");
    assert.equal(entry.status, OrderStatus.ORDER_STATUS_PREPARING);
    assert.match(entry.cause, /€5\.00 refunded: Cold pizza/);

    const rest = await rpc(staff, "refundOrder", { orderId: order.id, reason: "Order lost" });
    assert.equal(rest.order?.status, OrderStatus.ORDER_STATUS_REFUNDED);
    assert.equal(rest.order?.paymentState, PaymentState.PAYMENT_STATE_REFUNDED);
    assert.deepEqual(
      payments.refundRequests.at(-1)!.amount,
      { amount: 1550, currency: "EUR" },
      "unset: the rest",
    );
    assert.equal(rest.order?.timeline.at(-1)?.actor, TEST_STAFF.sub);
    const refunded = (await outbox(kv)).filter((e) => e.routingKey === "order.refunded");
    assert.equal(refunded.length, 1);
    assert.equal(JSON.parse(refunded[0]!.body).reason, "Order lost");

    const calls = payments.refundCalls.length;
    const retried = await rpc(staff, "refundOrder", {
      orderId: order.id,
      reason: "Order lost",
      refundId: refund!.id,
    });
    assert.equal(
      retried.order?.status,
      OrderStatus.ORDER_STATUS_REFUNDED,
      "a retried refund id answers the order",
    );
    assert.equal(payments.refundCalls.length, calls, "and refunds nothing more");
    await rejects(rpc(staff, "refundOrder", { orderId: order.id, reason: "again" }), "illegal_transition");
    assert.equal(
      payments.refundCalls.length,
      calls,
      "refunding a refunded order does not call payments again",
    );
    await rejects(rpc(client, "refundOrder", { orderId: order.id, reason: "x" }), "permission_denied");
  });
});

Deno.test("a kitchen account's claim may neither refund nor add notes", async () => {
  await withOrders(async ({ client, claims, kv }) => {
    const order = await create(client, "alice");
    await moveTo(kv, order.id, ["paid"]);
    const metadata = claimMetadata(claims.sign({ sub: "carla", role: "kitchen" }));
    const err = await rejects(
      rpc(client, "refundOrder", { orderId: order.id, reason: "x" }, { metadata }),
      "permission_denied",
    );
    assert.equal(err.message, "A kitchen account cannot refund orders; an owner or a manager can");
    await rejects(
      rpc(client, "addOrderNote", { orderId: order.id, text: "x", visibleToCustomer: false }, { metadata }),
      "permission_denied",
    );
  });
});

Deno.test("AddOrderNote: staff notes carry the author from the claim; a customer's read carries only the visible ones", async () => {
  await withOrders(async ({ client, staff }) => {
    const order = await create(client, "alice");
    await rejects(
      rpc(client, "addOrderNote", { orderId: order.id, text: "hi", visibleToCustomer: true }),
      "permission_denied",
    );
    await rejects(
      rpc(staff, "addOrderNote", { orderId: order.id, text: "  ", visibleToCustomer: false }),
      "invalid_argument",
      "text",
    );
    await rejects(
      rpc(staff, "addOrderNote", { orderId: order.id, text: "x".repeat(1001), visibleToCustomer: false }),
      "invalid_argument",
      "text",
    );
    await rpc(staff, "addOrderNote", { orderId: order.id, text: "Regular, VIP", visibleToCustomer: false });
    const res = await rpc(staff, "addOrderNote", {
      orderId: order.id,
      text: "Your pizza is in the oven",
      visibleToCustomer: true,
    });
    assert.deepEqual(res.order!.notes.map((n) => [n.text, n.author, n.visibleToCustomer]), [
      ["Regular, VIP", TEST_STAFF.sub, false],
      ["Your pizza is in the oven", TEST_STAFF.sub, true],
    ]);
    const asStaff = await rpc(staff, "getOrder", { orderId: order.id, customerId: "", admin: true });
    assert.equal(asStaff.order!.notes.length, 2);
    const asCustomer = await rpc(client, "getOrder", {
      orderId: order.id,
      customerId: "alice",
      admin: false,
    });
    assert.deepEqual(asCustomer.order!.notes.map((n) => [n.text, n.author]), [[
      "Your pizza is in the oven",
      "",
    ]]);
    const listed = await rpc(client, "listCustomerOrders", { customerId: "alice", pageSize: 10, cursor: "" });
    assert.ok(listed.orders.every((o) => o.notes.every((n) => n.visibleToCustomer)), "nor in their list");
    await rejects(
      rpc(staff, "addOrderNote", { orderId: "nope", text: "x", visibleToCustomer: false }),
      "not_found",
    );
  });
});

Deno.test("staff cancel and complete record the staff member as the timeline's actor", async () => {
  await withOrders(async ({ client, staff, kv }) => {
    const a = await create(client, "alice");
    const cancelled = await rpc(staff, "cancelOrder", {
      orderId: a.id,
      customerId: "",
      admin: true,
      reason: "",
    });
    assert.equal(cancelled.order!.timeline.at(-1)?.actor, TEST_STAFF.sub);
    const b = await create(client, "alice");
    await moveTo(kv, b.id, ["paid", "preparing", "ready"]);
    const done = await rpc(staff, "advanceOrder", { orderId: b.id });
    assert.equal(done.order!.timeline.at(-1)?.actor, TEST_STAFF.sub);
    const c = await create(client, "alice");
    const byCustomer = await rpc(client, "cancelOrder", {
      orderId: c.id,
      customerId: "alice",
      admin: false,
      reason: "",
    });
    assert.equal(
      byCustomer.order!.timeline.at(-1)?.actor,
      undefined,
      "a customer's cancel has no staff actor",
    );
  });
});

/** Orders' use cases over `kv` with stock and payments clients (one orders process). */
function ordersApp(kv: Deno.Kv, stock: StockServiceClient, payments: PaymentsServiceClient): OrdersApp {
  return new OrdersApp({
    kv,
    uow: unitOfWork({ kv, kick: () => {}, log }),
    stock,
    payments,
    log,
    stockTimeoutMs: 3000,
    paymentsTimeoutMs: 1000,
  });
}

/** Runs `fn` with a temp orders store, stub stock and payments, and clients of both. */
async function withPeers(
  fn: (p: {
    kv: Deno.Kv;
    stock: StubStock;
    stockClient: StockServiceClient;
    paymentsClient: PaymentsServiceClient;
  }) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orders-keyed-" });
  const kv = await Deno.openKv(`${dir}/orders.kv`);
  const stock = await stubStockServer();
  const payments = await stubPaymentsServer();
  const stockClient = connect(StockServiceClient, stock.addr, TEST_SERVICE_TOKEN);
  const paymentsClient = connect(PaymentsServiceClient, payments.addr, TEST_SERVICE_TOKEN);
  try {
    await fn({ kv, stock, stockClient, paymentsClient });
  } finally {
    stockClient.close();
    paymentsClient.close();
    await stock.stop();
    await payments.stop();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The orders stored in `kv`. */
async function storedOrders(kv: Deno.Kv): Promise<OrderMessage[]> {
  const orders: OrderMessage[] = [];
  for await (const e of kv.list<OrderMessage>({ prefix: ORDERS })) orders.push(e.value);
  return orders;
}

Deno.test("a keyed create that died after reserving is finished by a retry under the same order id, its stock held once", async () => {
  await withPeers(async ({ kv, stock, stockClient, paymentsClient }) => {
    const api = ordersApp(kv, stockClient, paymentsClient);
    const req = { customerId: "alice", items: ITEMS, idempotencyKey: "k-crash" };
    // The first attempt reserved under the key's order id, then orders died before its commit.
    const id = await new KeyedOrderIds(kv).idFor("alice", "k-crash");
    await rpc(stockClient, "reserveItems", { orderId: id, items: ITEMS });
    const order = await api.createOrder(req, newTraceparent());
    assert.equal(order.id, id);
    assert.deepEqual(stock.reserveCalls.map((c) => c.orderId), [id, id]);
    assert.equal(stock.reservations.size, 1);
    assert.equal(stock.catalog.get("pizza")!.available, 98, "two pizzas held once");
    assert.equal((await api.createOrder(req, newTraceparent())).id, id);
    assert.equal(stock.reserveCalls.length, 2, "a retry of a stored order calls nobody");
    assert.equal((await storedOrders(kv)).length, 1);
  });
});

Deno.test("a key an earlier version claimed before storing, whose attempt died, is finished under that order id", async () => {
  await withPeers(async ({ kv, stock, stockClient, paymentsClient }) => {
    const api = ordersApp(kv, stockClient, paymentsClient);
    await kv.set(idempotencyKey("alice", "k-old"), { orderId: "order-of-first-attempt", claimedAt: 0 });
    const req = { customerId: "alice", items: ITEMS, idempotencyKey: "k-old" };
    const order = await api.createOrder(req, newTraceparent());
    assert.equal(order.id, "order-of-first-attempt");
    assert.deepEqual(stock.reserveCalls.map((c) => c.orderId), ["order-of-first-attempt"]);
    assert.equal((await api.createOrder(req, newTraceparent())).id, order.id);
    const claim =
      (await kv.get<{ orderId: string; fingerprint?: string }>(idempotencyKey("alice", "k-old"))).value;
    assert.equal(claim?.orderId, order.id);
    assert.ok(claim?.fingerprint, "the key now carries the body's fingerprint");
    await rejects(
      api.createOrder({ ...req, items: [{ itemId: "pizza", quantity: 5 }] }, newTraceparent()),
      "idempotency_key_reused",
    );
  });
});

Deno.test("two orders processes sharing one store, sent one key at once, make one order and hold its stock once", async () => {
  await withPeers(async ({ kv, stock, stockClient, paymentsClient }) => {
    stock.delayMs = 200;
    const a = ordersApp(kv, stockClient, paymentsClient);
    const b = ordersApp(kv, stockClient, paymentsClient);
    const req = { customerId: "alice", items: ITEMS, idempotencyKey: "k-two" };
    const [x, y] = await Promise.all([
      a.createOrder(req, newTraceparent()),
      b.createOrder(req, newTraceparent()),
    ]);
    assert.equal(x.id, y.id, "both processes derive the same order id (one secret, made once)");
    assert.equal(x.number, y.number, "the loser answers with the order the winner stored");
    assert.equal(stock.reservations.size, 1);
    assert.equal(stock.catalog.get("pizza")!.available, 98);
    assert.deepEqual((await storedOrders(kv)).map((o) => o.id), [x.id]);
  });
});

Deno.test("one key sent at once with two bodies to two orders processes: one order, the other idempotency_key_reused", async () => {
  await withPeers(async ({ kv, stock, stockClient, paymentsClient }) => {
    stock.delayMs = 200;
    const a = ordersApp(kv, stockClient, paymentsClient);
    const b = ordersApp(kv, stockClient, paymentsClient);
    const other = [{ itemId: "pizza", quantity: 3 }];
    const results = await Promise.allSettled([
      a.createOrder({ customerId: "alice", items: ITEMS, idempotencyKey: "k-bodies" }, newTraceparent()),
      b.createOrder({ customerId: "alice", items: other, idempotencyKey: "k-bodies" }, newTraceparent()),
    ]);
    const made = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(made.length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.equal(refused.length, 1);
    await rejects(Promise.reject(refused[0]!.reason), "idempotency_key_reused");
    const stored = await storedOrders(kv);
    assert.equal(stored.length, 1);
    assert.deepEqual(
      stored[0]!.items.map((l) => [l.itemId, l.quantity]),
      made[0]!.value.items.map((l) => [l.itemId, l.quantity]),
      "the order stored is the body that was answered",
    );
    assert.equal(stock.reservations.size, 1);
  });
});

Deno.test("admin: true without a valid staff claim (none, forged, expired) does nothing; staff-only calls are refused", async () => {
  await withOrders(async ({ client, staff, claims, kv, payments }) => {
    const order = await create(client, "alice");
    const forger = new StaffClaims(`${TEST_SERVICE_TOKEN}-another-deployment`);
    const callers: [string, Metadata | undefined][] = [
      ["no claim", undefined],
      ["a claim signed under another token", claimMetadata(forger.sign(TEST_STAFF))],
      ["an expired claim", claimMetadata(claims.sign(TEST_STAFF, { now: Date.now() - 120_000 }))],
      ["a claim that is not one", claimMetadata("admin")],
    ];
    for (const [who, metadata] of callers) {
      const opts = metadata ? { metadata } : {};
      // treated as the request of the customer it names: "mallory" does not own alice's order
      await rejects(
        rpc(client, "getOrder", { orderId: order.id, customerId: "mallory", admin: true }, opts),
        "not_found",
      );
      await rejects(
        rpc(
          client,
          "cancelOrder",
          { orderId: order.id, customerId: "mallory", admin: true, reason: "" },
          opts,
        ),
        "not_found",
      );
      await rejects(
        rpc(client, "getOrder", { orderId: order.id, customerId: "", admin: true }, opts),
        "invalid_argument",
        "customer_id",
      );
      for (
        const call of [
          rpc(client, "listOrders", { status: 0, pageSize: 0, cursor: "" }, opts),
          rpc(client, "countOrders", {}, opts),
          rpc(client, "advanceOrder", { orderId: order.id }, opts),
          rpc(client, "refundOrder", { orderId: order.id, reason: "" }, opts),
        ]
      ) {
        const err = await rejects(call, "permission_denied");
        assert.match(err.message, /is for staff only/, who);
      }
    }
    assert.equal((await getOrder(kv, order.id))?.order.status, "waiting_payment", "nothing changed");
    assert.equal((await outbox(kv)).filter((e) => e.routingKey === "order.cancelled").length, 0);
    assert.equal(payments.refundCalls.length, 0);

    // with the claim web signs, the same requests are staff requests
    const cancelled = await rpc(staff, "cancelOrder", {
      orderId: order.id,
      customerId: "",
      admin: true,
      reason: "",
    });
    assert.equal(cancelled.order?.status, OrderStatus.ORDER_STATUS_CANCELLED);
    assert.equal(cancelled.order?.timeline.at(-1)?.cause, "admin");
    const signed = claimMetadata(claims.sign(TEST_STAFF));
    const listed = await rpc(client, "listOrders", { status: 0, pageSize: 0, cursor: "" }, {
      metadata: signed,
    });
    assert.deepEqual(listed.orders.map((o) => o.id), [order.id]);
  });
});

function claimMetadata(value: string): Metadata {
  const md = new Metadata();
  md.set(STAFF_METADATA_KEY, value);
  return md;
}

Deno.test("a refund left in flight by a call that died is resumed by a retry with its id: payments asked once more, the refund recorded once", async () => {
  await withOrders(async ({ client, staff, kv, payments }) => {
    const order = await create(client, "alice");
    await moveTo(kv, order.id, ["paid"]);
    // the first call recorded the refund, then died before payments answered
    await unitOfWork({ kv, kick: () => {}, log }).run((tx) =>
      changeOrder(tx, order.id, (o) => ({
        order: requestRefund(o, {
          id: "form-7",
          amount: { amount: 700, currency: "EUR" },
          reason: "Cold",
          by: TEST_STAFF.sub,
          at: new Date(Date.now() - 60_000),
        }).order,
        events: [],
      }))
    );
    await rejects(
      rpc(staff, "refundOrder", { orderId: order.id, reason: "Other", refundId: "form-8" }),
      "illegal_transition",
      undefined,
    );
    const res = await rpc(staff, "refundOrder", { orderId: order.id, reason: "Cold", refundId: "form-7" });
    assert.deepEqual(payments.refundRequests.map((r) => [r.refundId, r.amount?.amount]), [["form-7", 700]]);
    assert.deepEqual(res.order!.refunds.map((r) => [r.id, r.providerRefundId]), [["form-7", "re-form-7"]]);
    assert.equal(res.order!.paymentState, PaymentState.PAYMENT_STATE_PARTIALLY_REFUNDED);
  });
});

Deno.test("an order cancelled while pending takes back its held order.created: only order.cancelled is left to send", async () => {
  await withOrders(async ({ client, kv }) => {
    const order = await create(client);
    assert.equal(order.status, OrderStatus.ORDER_STATUS_PENDING);
    assert.deepEqual((await outbox(kv)).map((e) => e.id), [orderCreatedMessageId(order.id)]);
    const res = await rpc(client, "cancelOrder", {
      orderId: order.id,
      customerId: "alice",
      admin: false,
      reason: "",
    });
    assert.equal(res.order?.status, OrderStatus.ORDER_STATUS_CANCELLED);
    assert.deepEqual((await outbox(kv)).map((e) => e.routingKey), ["order.cancelled"]);
  }, { payments: "down" });
});

Deno.test("orders placed with UUIDv7 keys or without a key get ids in the order they were placed, so the store lists them so", async () => {
  await withOrders(async ({ client, kv }) => {
    const tick = () => new Promise((r) => setTimeout(r, 3));
    const placed: string[] = [];
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      keys.push(v7());
      placed.push((await create(client, "alice", keys.at(-1))).id);
      await tick();
      placed.push((await create(client, "bob")).id);
      await tick();
    }
    assert.deepEqual([...placed].sort(), placed, "the ids sort as the orders were placed");
    const stored: string[] = [];
    for await (const e of kv.list({ prefix: ORDERS })) stored.push(String(e.key[1]));
    assert.deepEqual(stored, placed, "and so do their records");
    assert.equal(
      (await create(client, "alice", keys[1])).id,
      placed[2],
      "a retry with its key finds its order",
    );
  });
});
