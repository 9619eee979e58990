import assert from "node:assert/strict";
import amqp from "amqplib";
import { testAmqpUrl } from "../services/common/bus/testing.ts";
import { type BrokerAdmin, connectBrokerAdmin, CtlBrokerAdmin, findRabbitmqctl } from "./broker_admin.ts";
import {
  type BrokerNames,
  brokerUserSpec,
  removeBrokerUsers,
  setUpBrokerUsers,
  urlAs,
} from "./broker_users.ts";

Deno.test("each service's permissions cover its exchange and queues, and its topic permission only its own keys", () => {
  const names = { prefix: "oms-", exchange: "oms.events", queuePrefix: "oms" };
  const orders = brokerUserSpec("orders", "pw", names);
  const stock = brokerUserSpec("stock", "pw", names);
  assert.equal(orders.name, "oms-orders");
  const re = (s: string) => new RegExp(s);
  // configure and write: the exchange and every service queue (each service declares the topology)
  for (const name of ["oms.events", "oms.orders", "oms.stock", "oms.orders.retry.1000ms"]) {
    assert.ok(re(orders.permissions.configure).test(name), name);
    assert.ok(re(orders.permissions.write).test(name), name);
  }
  assert.ok(re(orders.permissions.write).test("amq.default"), "retries and replays use the default exchange");
  for (const name of ["other.events", "omsXevents", "amq.topic", "oms"]) {
    assert.ok(!re(orders.permissions.configure).test(name), name);
    assert.ok(!re(orders.permissions.write).test(name), name);
  }
  // read: the exchange (to bind) and the service queues (declared with dead-letter arguments)
  assert.ok(re(orders.permissions.read).test("oms.orders"));
  assert.ok(re(orders.permissions.read).test("oms.orders.retry.1000ms"));
  assert.ok(!re(orders.permissions.read).test("other.orders"));
  // topic write: the routing keys it owns
  assert.deepEqual(orders.topic.exchange, "oms.events");
  assert.ok(re(orders.topic.write).test("order.paid"));
  assert.ok(!re(orders.topic.write).test("payment.succeeded"));
  assert.ok(!re(stock.topic.write).test("order.paid"));
  assert.ok(!re(stock.topic.write).test("stock.anything"));
  assert.ok(re(brokerUserSpec("payments", "pw", names).topic.write).test("payment.succeeded"));
  assert.ok(re(brokerUserSpec("kitchen", "pw", names).topic.write).test("kitchen.ticket_ready"));
});

Deno.test("urlAs keeps host, port and vhost and swaps the credentials (escaped)", () => {
  assert.equal(
    urlAs("amqp://guest:guest@10.0.0.1:5673/shop", "oms-orders", "a/b@c"),
    "amqp://oms-orders:a%2Fb%40c@10.0.0.1:5673/shop",
  );
  assert.equal(urlAs("amqps://h", "u", "p"), "amqps://u:p@h");
});

/** What one broker user may do on the real RabbitMQ. */
async function tryPublish(
  url: string,
  exchange: string,
  routingKey: string,
  userId?: string,
): Promise<"ok" | string> {
  const conn = await amqp.connect(url);
  conn.on("error", () => {});
  try {
    const ch = await conn.createConfirmChannel();
    let closedWith = "";
    ch.on("error", (err: Error) => closedWith = err.message);
    await ch.assertExchange(exchange, "topic", { durable: true });
    return await new Promise<"ok" | string>((resolve) => {
      ch.publish(exchange, routingKey, Buffer.from("{}"), userId ? { userId } : {}, (err: unknown) => {
        if (!err) resolve("ok");
        else setTimeout(() => resolve(closedWith || String(err)), 50);
      });
    });
  } finally {
    await conn.close().catch(() => {});
  }
}

async function canConsume(url: string, queue: string): Promise<boolean> {
  const conn = await amqp.connect(url);
  conn.on("error", () => {});
  try {
    const ch = await conn.createChannel();
    ch.on("error", () => {});
    await ch.consume(queue, () => {});
    return true;
  } catch {
    return false;
  } finally {
    await conn.close().catch(() => {});
  }
}

async function exercise(admin: BrokerAdmin) {
  const id = crypto.randomUUID().slice(0, 8);
  const names: BrokerNames = { prefix: `test-${id}-`, exchange: `test.${id}`, queuePrefix: `test-${id}` };
  const adminUrl = testAmqpUrl();
  const { urls } = await setUpBrokerUsers(admin, adminUrl, names);
  const conn = await amqp.connect(adminUrl);
  const ch = await conn.createChannel();
  try {
    await ch.assertExchange(names.exchange, "topic", { durable: true });
    await ch.assertQueue(`${names.queuePrefix}.orders`, { durable: true });
    assert.equal(await tryPublish(urls.orders, names.exchange, "order.created"), "ok");
    assert.equal(await tryPublish(urls.payments, names.exchange, "payment.succeeded"), "ok");
    assert.match(
      await tryPublish(urls.kitchen, names.exchange, "payment.succeeded"),
      /ACCESS_REFUSED.*payment\.succeeded/,
    );
    assert.match(await tryPublish(urls.stock, names.exchange, "order.paid"), /ACCESS_REFUSED/);
    // user_id is validated against the connection's user: kitchen cannot claim to be payments
    assert.match(
      await tryPublish(urls.kitchen, names.exchange, "kitchen.ticket_ready", `${names.prefix}payments`),
      /PRECONDITION_FAILED|user_id/i,
    );
    assert.equal(await canConsume(urls.orders, `${names.queuePrefix}.orders`), true);
  } finally {
    await ch.deleteQueue(`${names.queuePrefix}.orders`).catch(() => {});
    await ch.deleteExchange(names.exchange).catch(() => {});
    await conn.close();
    await removeBrokerUsers(admin, names.prefix);
  }
  await assert.rejects(() => amqp.connect(urls.orders), "a removed user cannot log in");
}

Deno.test("the users set up through the admin the harness picks publish only their own keys, and are removed", async () => {
  await exercise(await connectBrokerAdmin(testAmqpUrl()));
});

Deno.test({
  name: "the rabbitmqctl fallback sets up the same users in one import, with hashes RabbitMQ accepts",
  ignore: !findRabbitmqctl() || Deno.uid() !== 0,
  fn: async () => {
    await exercise(new CtlBrokerAdmin(findRabbitmqctl()!, "/"));
  },
});
