/**
 * The RabbitMQ users compose.yaml sets up, tried on a real broker. `deploy/rabbitmq/entrypoint.sh`
 * renders `deploy/rabbitmq/definitions.json` with generated passwords (as the container does), a
 * private RabbitMQ node (the installed rabbitmq-server, on its own ports, data folder and Erlang cookie)
 * loads it at boot through `deploy/rabbitmq/rabbitmq.conf`, and then: there is no guest, each service's
 * user can declare the topology the services declare, and the broker lets each publish only its own
 * routing keys, under its own `user_id`.
 */
import amqp from "amqplib";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { queuesOf } from "../services/common/topology.ts";
import { freePort } from "../scripts/launcher.ts";

const ROOT = new URL("../", import.meta.url);
/** The broker's own start script (not Debian's wrapper, which switches to the rabbitmq user). */
const SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const EXCHANGE = "oms.events";
const SERVICES = ["orders", "stock", "payments", "kitchen"] as const;
type Service = typeof SERVICES[number];

const installed = (() => {
  try {
    return Deno.statSync(SERVER).isFile;
  } catch {
    return false;
  }
})();

/** A private broker loaded with compose's definitions; passwords by user. */
interface Broker {
  port: number;
  passwords: Record<string, string>;
  stop(): Promise<void>;
}

async function startBroker(): Promise<Broker> {
  const dir = await Deno.makeTempDir({ prefix: "oms-compose-broker-" });
  const hex = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join("");
  const secrets: Record<string, string> = {
    RABBITMQ_ADMIN_PASSWORD: hex(),
    ORDERS_AMQP_PASSWORD: hex(),
    STOCK_AMQP_PASSWORD: hex(),
    PAYMENTS_AMQP_PASSWORD: hex(),
    KITCHEN_AMQP_PASSWORD: hex(),
  };
  const definitions = `${dir}/definitions.json`;
  const render = await new Deno.Command("sh", {
    args: [new URL("deploy/rabbitmq/entrypoint.sh", ROOT).pathname, "true"],
    env: {
      ...secrets,
      OMS_DEFINITIONS_TEMPLATE: new URL("deploy/rabbitmq/definitions.json", ROOT).pathname,
      RABBITMQ_DEFINITIONS_FILE: definitions,
    },
  }).output();
  assert.equal(render.code, 0, `entrypoint.sh failed: ${new TextDecoder().decode(render.stderr)}`);

  const port = freePort();
  const conf = (await Deno.readTextFile(new URL("deploy/rabbitmq/rabbitmq.conf", ROOT)))
    .replace("/etc/rabbitmq/definitions.json", definitions);
  assert.ok(
    conf.includes(`load_definitions = ${definitions}`),
    "rabbitmq.conf loads the rendered definitions",
  );
  await Deno.writeTextFile(`${dir}/rabbitmq.conf`, `${conf}\nlisteners.tcp.default = ${port}\n`);
  await Deno.writeTextFile(`${dir}/enabled_plugins`, "[].\n");
  const node = new Deno.Command(SERVER, {
    env: {
      HOME: dir, // its own Erlang cookie
      RABBITMQ_NODENAME: `oms-compose-${crypto.randomUUID().slice(0, 8)}@localhost`,
      RABBITMQ_DIST_PORT: String(freePort()),
      RABBITMQ_CONFIG_FILE: `${dir}/rabbitmq.conf`,
      RABBITMQ_ENABLED_PLUGINS_FILE: `${dir}/enabled_plugins`,
      RABBITMQ_MNESIA_BASE: `${dir}/mnesia`,
      RABBITMQ_LOG_BASE: `${dir}/log`,
    },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const passwords = {
    "oms-admin": secrets.RABBITMQ_ADMIN_PASSWORD!,
    "oms-orders": secrets.ORDERS_AMQP_PASSWORD!,
    "oms-stock": secrets.STOCK_AMQP_PASSWORD!,
    "oms-payments": secrets.PAYMENTS_AMQP_PASSWORD!,
    "oms-kitchen": secrets.KITCHEN_AMQP_PASSWORD!,
  };
  const stop = async () => {
    try {
      node.kill("SIGTERM");
    } catch {
      // exited already
    }
    await node.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const conn = await amqp.connect(url(port, "oms-admin", passwords["oms-admin"]));
      await conn.close();
      return { port, passwords, stop };
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the private broker did not accept oms-admin within 90 s: ${err}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function url(port: number, user: string, password: string): string {
  return `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
}

/** Publishes on a fresh confirm channel; resolves to the broker's refusal, or undefined when confirmed. */
async function tryPublish(
  conn: amqp.ChannelModel,
  routingKey: string,
  userId: string,
): Promise<string | undefined> {
  const ch = await conn.createConfirmChannel();
  let refusal: string | undefined;
  const closed = new Promise<void>((resolve) => ch.on("close", () => resolve()));
  ch.on("error", (err: Error) => refusal = err.message);
  const confirmed = await new Promise<boolean>((resolve) => {
    try {
      ch.publish(
        EXCHANGE,
        routingKey,
        Buffer.from("{}"),
        { userId, persistent: true },
        (err) => resolve(!err),
      );
    } catch {
      resolve(false);
    }
  });
  if (confirmed) {
    await ch.close();
    return undefined;
  }
  await closed;
  return refusal ?? "refused";
}

/** What the services do on connect (services/common/bus/amqp_transport.ts): exchange, every queue, bindings, a retry queue. */
async function declareTopology(conn: amqp.ChannelModel, service: Service): Promise<void> {
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange(EXCHANGE, "topic", { durable: true });
  for (const q of queuesOf("oms")) {
    await ch.assertQueue(q.queue, { durable: true });
    for (const key of q.bindings) await ch.bindQueue(q.queue, EXCHANGE, key);
  }
  const retry = `oms.${service}.retry.1000ms`;
  await ch.assertQueue(retry, {
    durable: true,
    arguments: {
      "x-message-ttl": 1000,
      "x-dead-letter-exchange": "",
      "x-dead-letter-routing-key": `oms.${service}`,
    },
  });
  await new Promise<void>((resolve, reject) =>
    ch.sendToQueue(retry, Buffer.from("{}"), { persistent: true }, (err) => err ? reject(err) : resolve())
  );
  await ch.close();
}

const OWN: Record<Service, string[]> = {
  orders: ["order.created", "order.paid"],
  stock: [],
  payments: ["payment.succeeded"],
  kitchen: ["kitchen.ticket_ready"],
};
const FOREIGN: Record<Service, string[]> = {
  orders: ["payment.succeeded", "kitchen.ticket_ready", "orders.created", "order.created.extra"],
  stock: ["order.created", "payment.succeeded", "kitchen.ticket_ready", "stock.reserved"],
  payments: ["order.paid", "kitchen.ticket_ready"],
  kitchen: ["order.paid", "payment.succeeded"],
};

Deno.test({
  name:
    "compose's RabbitMQ definitions: no guest, each service's user declares the topology and publishes only its own facts",
  ignore: !installed,
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const broker = await startBroker();
  try {
    await t.step("guest cannot log in, nor a service with a wrong password", async () => {
      await assert.rejects(amqp.connect(url(broker.port, "guest", "guest")), /ACCESS_REFUSED|403/);
      await assert.rejects(
        amqp.connect(url(broker.port, "oms-orders", "wrong-password")),
        /ACCESS_REFUSED|403/,
      );
    });
    for (const service of SERVICES) {
      await t.step(
        `oms-${service}: declares the topology, publishes ${OWN[service].join(", ") || "nothing"}`,
        async () => {
          const user = `oms-${service}`;
          const conn = await amqp.connect(url(broker.port, user, broker.passwords[user]!));
          try {
            await declareTopology(conn, service);
            for (const key of OWN[service]) {
              assert.equal(await tryPublish(conn, key, user), undefined, `${user} may publish ${key}`);
            }
            for (const key of FOREIGN[service]) {
              assert.match(
                await tryPublish(conn, key, user) ?? "confirmed",
                /ACCESS_REFUSED|403/,
                `${user} may not publish ${key}`,
              );
            }
            const other = service === "payments" ? "oms-orders" : "oms-payments";
            const own = OWN[service][0];
            if (own) {
              assert.match(
                await tryPublish(conn, own, other) ?? "confirmed",
                /PRECONDITION_FAILED|406/,
                `${user} may not publish as ${other} (user_id)`,
              );
            }
          } finally {
            await conn.close();
          }
        },
      );
    }
  } finally {
    await broker.stop();
  }
});
