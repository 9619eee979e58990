/**
 * Replicated queues on a real three-node RabbitMQ cluster of this test's own (tests/rabbit_cluster.ts;
 * the shared broker is never touched): the services declare their queues as quorum queues with a
 * replica on every node, and when the node every service is connected to (the first of their lists,
 * where every queue leader lives) crashes under load, nothing is lost: every event placed before,
 * during and after reaches the consumer and is applied exactly once, including events whose first
 * delivery fails and that go round a (quorum) retry queue.
 */
import assert from "node:assert/strict";
import type { CommonConfig } from "../services/common/config.ts";
import type { LogFields, Logger } from "../services/common/log.ts";
import { type Messaging, startMessaging } from "../services/common/bus/messaging.ts";
import { enqueueEvent } from "../services/common/bus/outbox.ts";
import { eventually, ignoringOtherBindings } from "../services/common/bus/testing.ts";
import { TEST_SERVICE_TOKEN } from "../services/common/auth/testing.ts";
import { definitionsOf, passwordHash } from "../scripts/broker_admin.ts";
import { BROKER_SERVICES, brokerUserSpec, randomPassword } from "../scripts/broker_users.ts";
import { rabbitmqInstalled, startCluster, type TestCluster } from "./rabbit_cluster.ts";

const NAMES = { prefix: "qt-", exchange: "qt.events", queuePrefix: "qt" };
const RETRY_DELAYS_MS = [50, 100];

function recordingLogger(): Logger & { lines: { msg: string; fields: LogFields }[] } {
  const lines: { msg: string; fields: LogFields }[] = [];
  const keep = (msg: string, fields: LogFields = {}) => void lines.push({ msg, fields });
  return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

/** The cluster's definitions: an administrator and each service's user, as `deno task dev` makes them. */
async function definitions(admin: { user: string; password: string }) {
  const passwords = Object.fromEntries(BROKER_SERVICES.map((s) => [s, randomPassword()]));
  const specs = BROKER_SERVICES.map((s) => brokerUserSpec(s, passwords[s]!, NAMES));
  const services = await definitionsOf(specs, "/");
  return {
    passwords,
    definitions: {
      vhosts: [{ name: "/" }],
      users: [
        {
          name: admin.user,
          password_hash: await passwordHash(admin.password),
          hashing_algorithm: "rabbit_password_hashing_sha256",
          tags: ["administrator"],
        },
        ...services.users as unknown[],
      ],
      permissions: [
        { user: admin.user, vhost: "/", configure: ".*", write: ".*", read: ".*" },
        ...services.permissions as unknown[],
      ],
      topic_permissions: services.topic_permissions,
    },
  };
}

/** `rabbitmqctl list_queues` on node `i`: name -> type and replica count. */
async function listQueues(
  cluster: TestCluster,
  i: number,
): Promise<Map<string, { type: string; members: number }>> {
  const out = await cluster.ctl(i, ["list_queues", "name", "type", "members", "--formatter", "json"]);
  const rows = JSON.parse(out) as { name: string; type: string; members?: string[] | string }[];
  return new Map(rows.map((r) => [r.name, {
    type: r.type,
    members: Array.isArray(r.members) ? r.members.length : 0,
  }]));
}

Deno.test({
  name:
    "quorum queues on a three-node cluster: declared quorum with three replicas; the first node crashes under load and every event is applied exactly once",
  // Opt-in (OMS_TEST_RABBIT_CLUSTER=1): booting three RabbitMQ nodes on a 2-core machine fails in
  // RabbitMQ's own start-up about 1 run in 4, which would make CI flaky; failover itself is proven in
  // every run by services/common/bus/amqp_failover_test.ts and quorum declaration by queue_arguments_test.ts.
  ignore: !rabbitmqInstalled || Deno.env.get("OMS_TEST_RABBIT_CLUSTER") !== "1",
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  const started = performance.now();
  const admin = { user: "qt-admin", password: randomPassword() };
  const { passwords, definitions: defs } = await definitions(admin);
  // Booting three RabbitMQ nodes on a loaded 2-core machine now and then fails in RabbitMQ's own start-up
  // (a node's application or vhost not up in time); that is the test's set-up, not what it tests, so a
  // failed boot (already cleaned up by startCluster) is tried once more with fresh nodes.
  const cluster = await startCluster({ admin, definitions: defs }).catch((err) => {
    console.error(
      `quorum test: the test cluster did not boot, trying once more: ${
        (err as Error).message.split("\n")[0]
      }`,
    );
    return startCluster({ admin, definitions: defs });
  });
  const bootMs = Math.round(performance.now() - started);
  const nodes = (user: string, password: string) =>
    cluster.nodes.map((_, i) => cluster.url(i, user, password)).join(",");
  const config: CommonConfig = {
    amqpUrl: nodes(admin.user, admin.password),
    amqpUrls: {
      orders: nodes("qt-orders", passwords.orders!),
      kitchen: nodes("qt-kitchen", passwords.kitchen!),
    },
    exchange: NAMES.exchange,
    queuePrefix: NAMES.queuePrefix,
    brokerUserPrefix: NAMES.prefix,
    dataDir: ":memory:",
    retryDelaysMs: RETRY_DELAYS_MS,
    serviceToken: TEST_SERVICE_TOKEN,
  };
  const ordersKv = await Deno.openKv(":memory:");
  const kitchenKv = await Deno.openKv(":memory:");
  const ordersLog = recordingLogger();
  const kitchenLog = recordingLogger();
  let orders: Messaging | undefined;
  let kitchen: Messaging | undefined;
  try {
    orders = await startMessaging({ service: "orders", kv: ordersKv, config, log: ordersLog });
    kitchen = await startMessaging({
      service: "kitchen",
      kv: kitchenKv,
      config,
      log: kitchenLog,
      handlers: ignoringOtherBindings("kitchen", {
        "order.paid": (ev, ctx) => {
          // every fifth event fails its first delivery: it goes round the retry queue
          if (ev.number % 5 === 0 && ctx.attempt === 1) throw new Error("kitchen printer jammed");
          ctx.op.sum(["applied", ev.orderId], 1n);
          return Promise.resolve();
        },
      }),
    });
    const queues = listQueues(cluster, 1); // while the load runs

    let placed = 0;
    const ids: string[] = [];
    const place = async () => {
      const orderId = `o-${++placed}`;
      ids.push(orderId);
      const op = ordersKv.atomic();
      const record = enqueueEvent(op, "order.paid", {
        orderId,
        customerId: "c1",
        items: [],
        paidAt: new Date(),
        number: placed,
        details: undefined,
      });
      await op.commit();
      orders!.kick([record]);
    };
    let loading = true;
    const load = (async () => {
      while (loading) {
        await place();
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const applied = async () =>
      await Promise.all(
        ids.map(async (id) => (await kitchenKv.get<Deno.KvU64>(["applied", id])).value?.value ?? 0n),
      );

    await eventually(
      async () => placed >= 40 && (await applied()).filter((c) => c > 0n).length >= 20,
      "load running",
      20_000,
    );
    const beforeCrash = placed;
    await cluster.kill(0);
    await eventually(
      () => kitchenLog.lines.some((l) => l.msg === "broker connection restored"),
      "kitchen reconnected",
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000)); // and a while after
    loading = false;
    await load;
    const total = placed;
    await eventually(
      async () => (await applied()).every((c) => c > 0n),
      `all ${total} events applied`,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500)); // a duplicate applied late would show as 2
    const counts = await applied();
    assert.deepEqual(
      ids.filter((_, i) => counts[i] !== 1n),
      [],
      `each of ${total} events (${beforeCrash} placed before the crash) applied exactly once`,
    );
    // a record whose confirm the crash took is published again (the copy is dropped by the inbox)
    await eventually(
      async () => (await Array.fromAsync(ordersKv.list({ prefix: ["outbox"] }))).length === 0,
      "the outbox empty",
      20_000,
    );
    assert.ok(kitchen.consumer!.stats.retry > 0, "some events went round the retry queue");
    assert.equal(kitchen.consumer!.stats.parked, 0, "nothing parked");

    const declared = await queues;
    for (const service of ["orders", "stock", "payments", "kitchen"]) {
      for (const q of [`qt.${service}`, `qt.${service}.dead`]) {
        assert.deepEqual(
          declared.get(q),
          { type: "quorum", members: 3 },
          `${q} is a quorum queue on 3 nodes`,
        );
      }
    }
    for (const d of RETRY_DELAYS_MS) {
      assert.equal(declared.get(`qt.kitchen.retry.${d}ms`)?.type, "quorum", `retry queue ${d}ms is quorum`);
    }
    const node = (i: number) => new RegExp(`:${cluster.nodes[i]!.port}\\b`);
    for (const [who, log] of [["orders", ordersLog], ["kitchen", kitchenLog]] as const) {
      const first = log.lines.find((l) => l.msg === "broker connected");
      assert.match(String(first?.fields.broker), node(0), `${who} started on node 1`);
      const restored = log.lines.find((l) => l.msg === "broker connection restored");
      assert.match(String(restored?.fields.broker), node(1), `${who} moved to node 2, the next in its list`);
    }
    console.log(
      `cluster up in ${bootMs} ms; ${total} events (${beforeCrash} before the crash); ` +
        `${Math.round(performance.now() - started)} ms in all`,
    );
  } catch (err) {
    // what the services saw and where the queues are, for a failure on a CI machine
    console.error("kitchen:", kitchen?.consumer?.stats, JSON.stringify(kitchenLog.lines.slice(0, 30)));
    console.error("orders:", JSON.stringify(ordersLog.lines.slice(0, 30)));
    console.error(
      await cluster.ctl(1, ["list_queues", "name", "type", "messages", "leader", "online"]).catch((e) => e),
    );
    throw err;
  } finally {
    await kitchen?.stop().catch(() => {});
    await orders?.stop().catch(() => {});
    ordersKv.close();
    kitchenKv.close();
    await cluster.stop();
  }
});
