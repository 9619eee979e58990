import assert from "node:assert/strict";
import type { ClientReadableStream } from "@grpc/grpc-js";
import { TEST_SERVICE_TOKEN, TEST_STAFF } from "../common/auth/testing.ts";
import { StaffClaims } from "../common/auth/staff_claim.ts";
import { connect } from "../common/grpc_client.ts";
import { startGrpcServer } from "../common/grpc_server.ts";
import { createLogger } from "../common/log.ts";
import {
  OrdersServiceClient,
  OrdersServiceService,
  OrderStatus,
  type WatchOrdersRequest,
  type WatchOrdersResponse,
} from "../common/gen/oms/orders/v1/orders.ts";
import { newOrder } from "./domain/order.ts";
import { transition } from "./domain/transition.ts";
import { recordChange } from "../common/change_feed/record.ts";
import { cursorFromNow, encodeCursor } from "../common/change_feed/cursor.ts";
import { addCreate, addUpdate, getOrder, ORDER_FEED, orderKey } from "./store.ts";
import { watchOrders } from "./watch.ts";

const log = createLogger("orders", "error");

interface Fixture {
  kv: Deno.Kv;
  client: OrdersServiceClient;
  staff: OrdersServiceClient;
}

async function withWatch(
  fn: (f: Fixture) => Promise<void>,
  watchKv: (kv: Deno.Kv) => Deno.Kv = (kv) => kv,
): Promise<void> {
  fixtureStart = Date.now();
  const kv = await Deno.openKv(":memory:");
  const server = await startGrpcServer("127.0.0.1", 0, [{
    definition: OrdersServiceService,
    name: "oms.orders.v1.OrdersService",
    implementation: {
      watchOrders: watchOrders({
        kv: watchKv(kv),
        log,
        staffClaims: new StaffClaims(TEST_SERVICE_TOKEN),
        settleMs: 200,
      }),
    },
  }], { serviceToken: TEST_SERVICE_TOKEN });
  const addr = `127.0.0.1:${server.port}`;
  const client = connect(OrdersServiceClient, addr, TEST_SERVICE_TOKEN);
  const staff = connect(OrdersServiceClient, addr, TEST_SERVICE_TOKEN, { staff: TEST_STAFF });
  try {
    await fn({ kv, client, staff });
  } finally {
    client.close();
    staff.close();
    await server.stop(100);
    kv.close();
  }
}

async function createOrder(kv: Deno.Kv, customerId: string): Promise<string> {
  const order = newOrder({
    id: crypto.randomUUID(),
    customerId,
    items: [],
    total: { currency: "EUR", amount: 100 },
    at: new Date(),
    cause: "customer",
    traceId: "",
  });
  assert.ok((await addCreate(kv.atomic(), order).commit()).ok);
  return order.id;
}

async function move(kv: Deno.Kv, id: string, to: "waiting_payment" | "paid" | "preparing" | "cancelled") {
  const entry = await getOrder(kv, id);
  if (!entry) throw new Error(`order ${id} not found`);
  const r = transition(entry.order, to, { cause: "test", at: new Date(), traceId: "" });
  if (!r.order) throw new Error(`order ${id} cannot move to ${to}`);
  const res = await addUpdate(kv.atomic(), entry, r.order).commit();
  if (!res.ok) throw new Error(`order ${id} changed meanwhile`);
}

/** Reads `n` messages of a watch, then cancels it; fails (not hangs) when they do not come in 20 s. */
function take(stream: ClientReadableStream<WatchOrdersResponse>, n: number): Promise<WatchOrdersResponse[]> {
  const got: WatchOrdersResponse[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.cancel();
      reject(new Error(`${got.length} of ${n} messages in 20 s: ${statuses(got)}`));
    }, 20_000);
    stream.on("data", (m: WatchOrdersResponse) => {
      got.push(m);
      if (got.length === n) {
        clearTimeout(timer);
        stream.cancel();
        resolve(got);
      }
    });
    stream.on("error", (err: Error & { code?: number }) => {
      if (err.code === 1 && got.length === n) return; // our own cancel
      clearTimeout(timer);
      reject(err);
    });
  });
}

function failure(stream: ClientReadableStream<WatchOrdersResponse>): Promise<Error & { code?: number }> {
  return new Promise((resolve) => stream.on("error", resolve));
}

/** When the running fixture started: a watch without a cursor starts there (see {@linkcode watch}). */
let fixtureStart = 0;

/**
 * A watch from `req.cursor`, else from the fixture's start: every change the test made is seen however
 * late the server takes the call (a watch "from now" misses what committed more than the settle
 * window before the server saw it, which a loaded machine can take).
 */
function watch(client: OrdersServiceClient, req: Partial<WatchOrdersRequest>) {
  const cursor = encodeCursor(cursorFromNow(fixtureStart, 0));
  return client.watchOrders({ cursor, orderId: "", customerId: "", ...req });
}

const statuses = (ms: WatchOrdersResponse[]) => ms.map((m) => `${m.order?.id.slice(0, 4)}:${m.status}`);

Deno.test("a customer's watch of one order gets each of its transitions in order, with the order", async () => {
  await withWatch(async ({ kv, client }) => {
    const id = await createOrder(kv, "alice");
    await createOrder(kv, "bob");
    const got = take(watch(client, { orderId: id, customerId: "alice" }), 3);
    await move(kv, id, "waiting_payment");
    await move(kv, id, "paid");
    const ms = await got;
    assert.deepEqual(ms.map((m) => m.status), [
      OrderStatus.ORDER_STATUS_PENDING,
      OrderStatus.ORDER_STATUS_WAITING_PAYMENT,
      OrderStatus.ORDER_STATUS_PAID,
    ]);
    assert.ok(ms.every((m) => m.order?.id === id && m.cursor !== ""));
  });
});

Deno.test("another customer's order cannot be watched (not found), every order only with a staff claim", async () => {
  await withWatch(async ({ kv, client, staff }) => {
    const id = await createOrder(kv, "alice");
    assert.equal((await failure(watch(client, { orderId: id, customerId: "mallory" }))).code, 5);
    assert.equal((await failure(watch(client, {}))).code, 7, "PERMISSION_DENIED without a claim");
    const all = take(watch(staff, {}), 2);
    const other = await createOrder(kv, "bob");
    await move(kv, other, "cancelled");
    const ms = await all;
    assert.ok(ms.some((m) => m.order?.customerId === "bob"));
  });
});

Deno.test("a customer's watch sees only that customer's orders", async () => {
  await withWatch(async ({ kv, client }) => {
    const got = take(watch(client, { customerId: "carol" }), 2);
    const a = await createOrder(kv, "dave");
    const b = await createOrder(kv, "carol");
    await move(kv, a, "cancelled");
    await move(kv, b, "cancelled");
    const ms = await got;
    assert.deepEqual(ms.map((m) => [m.order?.id, m.status]), [
      [b, OrderStatus.ORDER_STATUS_PENDING],
      [b, OrderStatus.ORDER_STATUS_CANCELLED],
    ]);
  });
});

Deno.test("a watcher that disconnects and resumes from its cursor receives every change it missed, once and in order", async () => {
  await withWatch(async ({ kv, staff }) => {
    const a = await createOrder(kv, "erin");
    const first = await take(watch(staff, {}), 1);
    assert.equal(first[0]!.order?.id, a);
    // disconnected (take cancelled the call) while four changes commit
    const b = await createOrder(kv, "frank");
    await move(kv, a, "waiting_payment");
    await move(kv, b, "cancelled");
    await move(kv, a, "paid");
    const resumed = await take(watch(staff, { cursor: first[0]!.cursor }), 4);
    assert.deepEqual(statuses(resumed), [
      `${b.slice(0, 4)}:${OrderStatus.ORDER_STATUS_PENDING}`,
      `${a.slice(0, 4)}:${OrderStatus.ORDER_STATUS_WAITING_PAYMENT}`,
      `${b.slice(0, 4)}:${OrderStatus.ORDER_STATUS_CANCELLED}`,
      `${a.slice(0, 4)}:${OrderStatus.ORDER_STATUS_PAID}`,
    ]);
    // and from the last of those: nothing again, only what comes next
    const next = take(watch(staff, { cursor: resumed[3]!.cursor }), 1);
    await move(kv, a, "preparing");
    assert.deepEqual((await next).map((m) => m.status), [OrderStatus.ORDER_STATUS_PREPARING]);
  });
});

Deno.test("a cursor that is not one ends the watch with INVALID_ARGUMENT", async () => {
  await withWatch(async ({ staff }) => {
    assert.equal((await failure(watch(staff, { cursor: "nope" }))).code, 3);
  });
});

/** `kv`, counting its single-key reads in `gets`. */
function countingGets(kv: Deno.Kv, gets: Deno.KvKey[]): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      if (prop === "get") {
        return (key: Deno.KvKey, o?: { consistency?: Deno.KvConsistencyLevel }) => {
          gets.push(key);
          return target.get(key, o);
        };
      }
      if (prop === "getMany") {
        // getOrder reads the order with its index marker in one round trip: count the order's key
        return (keys: Deno.KvKey[], o?: { consistency?: Deno.KvConsistencyLevel }) => {
          gets.push(keys[0]!);
          return target.getMany(keys, o);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test("changes committed in this process reach watchers with the order as committed, without reading it back", async () => {
  const gets: Deno.KvKey[] = [];
  await withWatch(async ({ kv, staff }) => {
    const all = take(watch(staff, {}), 3);
    const id = await createOrder(kv, "gina");
    await move(kv, id, "waiting_payment");
    await move(kv, id, "paid");
    const ms = await all;
    assert.deepEqual(ms.map((m) => [m.order?.id, m.status]), [
      [id, OrderStatus.ORDER_STATUS_PENDING],
      [id, OrderStatus.ORDER_STATUS_WAITING_PAYMENT],
      [id, OrderStatus.ORDER_STATUS_PAID],
    ]);
    assert.deepEqual(
      ms.map((m) => m.order?.status),
      ms.map((m) => m.status),
      "each with the order it committed",
    );
    assert.deepEqual(gets, [], "no order read per change");
  }, (kv) => countingGets(kv, gets));
});

Deno.test("a change committed elsewhere (no order remembered here) arrives with the order read from the store", async () => {
  const gets: Deno.KvKey[] = [];
  await withWatch(async ({ kv, staff }) => {
    const got = take(watch(staff, {}), 2);
    const id = await createOrder(kv, "hank");
    // as another process of the service would commit it: the record alone reaches this one
    const entry = (await getOrder(kv, id))!;
    const r = transition(entry.order, "cancelled", { cause: "test", at: new Date(), traceId: "" });
    const op = kv.atomic().check({ key: orderKey(id), versionstamp: entry.versionstamp })
      .set(orderKey(id), r.order!);
    recordChange(op, ORDER_FEED, { id, status: "cancelled", scope: "hank" });
    assert.ok((await op.commit()).ok);
    const ms = await got;
    assert.deepEqual(ms.map((m) => [m.order?.id, m.order?.status]), [
      [id, OrderStatus.ORDER_STATUS_PENDING],
      [id, OrderStatus.ORDER_STATUS_CANCELLED],
    ]);
    assert.deepEqual(gets, [orderKey(id)], "only the change committed elsewhere is read, once");
  }, (kv) => countingGets(kv, gets));
});
