/**
 * `deno task start:all`: every service and web in ONE process against the real RabbitMQ, each service as
 * its own broker user. An order placed and paid through web reaches paid with a kitchen ticket; SIGTERM
 * lets a request in flight finish, exits 0, and a restart on the same data loses nothing.
 */
import { METRIC } from "../services/common/metrics/names.ts";
import { parsePrometheusText } from "../services/common/metrics/prometheus_text.ts";
import assert from "node:assert/strict";
import { KitchenServiceClient } from "../services/common/gen/oms/kitchen/v1/kitchen.ts";
import { connect, rpc } from "../services/common/grpc_client.ts";
import { TEST_STAFF } from "../services/common/auth/testing.ts";
import { generateServiceToken } from "../services/common/auth/service_token.ts";
import { eventually, testAmqpUrl, type TestBus, testBusConfig } from "../services/common/bus/testing.ts";
import {
  freeMetricsPorts,
  freePort,
  metricsEnv,
  type Ports,
  systemEnv,
  waitForHttp,
} from "../scripts/launcher.ts";
import { amqpUrlVariable } from "../scripts/start_all_broker.ts";
import { BROKER_SERVICES } from "../scripts/broker_users.ts";

const ENTRY = new URL("../scripts/start_all.ts", import.meta.url).pathname;
const PAID_STATES = ["paid", "preparing", "ready", "completed"];

/** One `start_all.ts` process and what it wrote on stderr. */
class AllInOne {
  readonly lines: string[] = [];
  #child: Deno.ChildProcess;
  #pump: Promise<void>;

  constructor(env: Record<string, string>) {
    const child = this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", ENTRY],
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#pump = (async () => {
      let buf = "";
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
        buf += text;
        const parts = buf.split("\n");
        buf = parts.pop() ?? "";
        this.lines.push(...parts);
      }
    })();
  }

  get pid(): number {
    return this.#child.pid;
  }

  /** Sends `signal`; resolves with the exit code once the process has exited. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<number> {
    try {
      this.#child.kill(signal);
    } catch {
      // already gone
    }
    const { code } = await this.#child.status;
    await this.#pump;
    return code;
  }

  tail(n = 40): string {
    return this.lines.slice(-n).join("\n");
  }
}

/** The environment of a start:all of `bus` on `ports` with data in `dataDir`. */
function allEnv(bus: TestBus, ports: Ports, dataDir: string, extra: Record<string, string>) {
  return systemEnv(ports, {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/root",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    DATA_DIR: dataDir,
    OMS_BROKER_USER_PREFIX: bus.config.brokerUserPrefix ?? "",
    OMS_EXCHANGE: bus.config.exchange,
    OMS_QUEUE_PREFIX: bus.config.queuePrefix,
    OMS_RETRY_DELAYS_MS: bus.config.retryDelaysMs.join(","),
    OMS_SERVICE_TOKEN: generateServiceToken(),
    LOG_LEVEL: "info",
    KITCHEN_AUTO_PREP: "false",
    // customers' tokens outlive a restart only with a fixed secret (as in any deployment)
    WEB_COOKIE_SECRET: `test-${crypto.randomUUID()}`,
    ...extra,
  });
}

function freePorts(): Ports {
  return {
    orders: freePort(),
    stock: freePort(),
    payments: freePort(),
    kitchen: freePort(),
    web: freePort(),
  };
}

async function start(env: Record<string, string>, ports: Ports): Promise<AllInOne> {
  const proc = new AllInOne(env);
  try {
    await waitForHttp(`http://127.0.0.1:${ports.web}/readyz`, 90_000);
  } catch (err) {
    await proc.stop("SIGKILL");
    throw new Error(`start:all did not become ready: ${(err as Error).message}\n${proc.tail()}`);
  }
  return proc;
}

/** A customer of the shop: its id and the bearer token proving it. */
async function customer(base: string): Promise<{ id: string; auth: Record<string, string> }> {
  const issued = await (await fetch(`${base}/api/customers`, { method: "POST" })).json();
  return { id: issued.customerId, auth: { authorization: `Bearer ${issued.token}` } };
}

/** Places an order of one item 1; resolves with its id and its local checkout session. */
async function placeOrder(base: string, who: { id: string; auth: Record<string, string> }) {
  const res = await fetch(`${base}/api/customers/${who.id}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", ...who.auth },
    body: JSON.stringify({ ID: 1, Quantity: 1 }),
  });
  const order = await res.json();
  assert.equal(res.status, 201, JSON.stringify(order));
  return { id: String(order.id), session: String(order.paymentLink).split("/pay/")[1]! };
}

/** The established TCP connections (IPv4 and IPv6, this network namespace) to any of `ports`. */
async function establishedTo(ports: number[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await Deno.readTextFile(file).catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/);
      if (state !== "01" || !remote) continue; // 01: ESTABLISHED
      const port = parseInt(remote.split(":")[1]!, 16);
      if (ports.includes(port)) found.push(`${local} -> ${remote}`);
    }
  }
  return found;
}

/** Waits until the order is paid (or further) and kitchen holds its ticket. */
async function paidWithTicket(
  base: string,
  who: { id: string; auth: Record<string, string> },
  orderId: string,
  ports: Ports,
  token: string,
): Promise<void> {
  let last = "";
  await eventually(
    async () => {
      const r = await fetch(`${base}/api/customers/${who.id}/orders/${orderId}`, { headers: who.auth });
      last = await r.text();
      return PAID_STATES.includes(JSON.parse(last).status);
    },
    `order ${orderId} paid`,
    30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last answer ${last}`);
  });
  const kitchen = connect(KitchenServiceClient, `127.0.0.1:${ports.kitchen}`, token, { staff: TEST_STAFF });
  try {
    await eventually(
      async () => {
        const { tickets } = await rpc(kitchen, "listTickets", { status: 0 });
        return tickets.some((t) => t.orderId === orderId);
      },
      `kitchen ticket of ${orderId}`,
      30_000,
    );
  } finally {
    kitchen.close();
  }
}

Deno.test({
  name:
    "start:all runs everything in one process on RabbitMQ: an order placed and paid through web is paid with a ticket",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "oms-start-all-" });
    const bus = await testBusConfig(dataDir, [100, 200]);
    const ports = freePorts();
    const metricsPorts = freeMetricsPorts();
    // no <SERVICE>_AMQP_URL: start:all sets the run's users up as the administrator in AMQP_URL
    const env = allEnv(bus, ports, dataDir, { AMQP_URL: testAmqpUrl(), ...metricsEnv(metricsPorts) });
    let proc: AllInOne | undefined;
    try {
      proc = await start(env, ports);
      const base = `http://127.0.0.1:${ports.web}`;
      const who = await customer(base);
      const order = await placeOrder(base, who);
      const paid = await fetch(`${base}/api/payments/local/${order.session}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ outcome: "pay" }),
      });
      assert.equal(paid.status, 200, await paid.text());
      await paidWithTicket(base, who, order.id, ports, env.OMS_SERVICE_TOKEN!);
      // the parts called each other in-process (connect/in_process.ts): web and orders reached stock and
      // payments without a socket (this test itself connects only to kitchen)
      assert.deepEqual(
        await establishedTo([ports.stock, ports.payments]),
        [],
        "no TCP connection to stock's or payments' port",
      );
      // one metrics endpoint for the whole process (OMS_METRICS_PORT), every part's series in it
      const { samples } = parsePrometheusText(
        await (await fetch(`http://127.0.0.1:${metricsPorts.oms}/metrics`)).text(),
      );
      const served = new Set(
        samples.filter((x) => x.name === `${METRIC.rpcServerDuration}_count`).map((x) =>
          x.labels.rpc_service
        ),
      );
      assert.ok(
        served.has("oms.orders.v1.OrdersService") && served.has("oms.stock.v1.StockService"),
        [...served].join(),
      );
      assert.ok(
        samples.some((x) => x.name === METRIC.httpServerDuration + "_count"),
        "web's HTTP metrics too",
      );
      await assert.rejects(fetch(`http://127.0.0.1:${metricsPorts.orders}/metrics`), "no endpoint per part");
      const brokers = proc.lines.filter((l) => l.includes('"msg":"broker connected"'));
      for (const service of BROKER_SERVICES) {
        assert.ok(
          brokers.some((l) => l.includes(`//${bus.config.brokerUserPrefix}${service}:`)),
          `${service} connects as its own broker user:\n${brokers.join("\n")}`,
        );
      }
      assert.equal(await proc.stop("SIGTERM"), 0, proc.tail());
      proc = undefined;
    } finally {
      await proc?.stop("SIGKILL");
      await bus.cleanup();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});

/** What the shoppers of the drain test saw. */
interface Shopping {
  /** Orders answered 201, with whether their payment was answered 200. */
  orders: Map<string, { who: { id: string; auth: Record<string, string> }; paid: boolean }>;
  /** Answers of 500 or more (none may come: web drains before the services stop). */
  failures: string[];
  /** Answers received after SIGTERM was sent. */
  answeredWhileStopping: number;
}

/**
 * A shopper placing and paying orders until the gateway stops answering (a refused or reset connection:
 * the request never reached a handler). Every answer must be definitive (below 500).
 */
async function shop(base: string, seen: Shopping, stopping: () => boolean): Promise<void> {
  const answered = (res: Response, what: string, body: string) => {
    if (stopping()) seen.answeredWhileStopping += 1;
    if (res.status >= 500) seen.failures.push(`${what}: ${res.status} ${body}`);
  };
  try {
    const issued = await fetch(`${base}/api/customers`, { method: "POST" });
    const { customerId, token } = await issued.json();
    const who = { id: String(customerId), auth: { authorization: `Bearer ${token}` } };
    while (true) {
      const res = await fetch(`${base}/api/customers/${who.id}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", ...who.auth },
        body: JSON.stringify({ ID: 2, Quantity: 1 }),
      });
      const text = await res.text();
      answered(res, "place", text);
      if (res.status !== 201) return;
      const order = JSON.parse(text);
      const entry = { who, paid: false };
      seen.orders.set(String(order.id), entry);
      const session = String(order.paymentLink).split("/pay/")[1];
      const pay = await fetch(`${base}/api/payments/local/${session}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ outcome: "pay" }),
      });
      const payText = await pay.text();
      answered(pay, "pay", payText);
      if (pay.status !== 200) return;
      entry.paid = true;
    }
  } catch {
    // the gateway stopped taking connections: this shopper is done
  }
}

Deno.test({
  name:
    "start:all drains on SIGTERM under load: every request it took is answered, it exits 0, and after a restart every paid order has its ticket",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "oms-start-all-" });
    const bus = await testBusConfig(dataDir, [100, 200]);
    const ports = freePorts();
    // each service's own broker user given explicitly, as a deployment does
    const urls = Object.fromEntries(BROKER_SERVICES.map((s) => [amqpUrlVariable(s), bus.urls[s]]));
    const env = allEnv(bus, ports, dataDir, { ...urls, LOG_LEVEL: "warn" });
    let proc: AllInOne | undefined;
    try {
      proc = await start(env, ports);
      const running = proc;
      const base = `http://127.0.0.1:${ports.web}`;
      const seen: Shopping = { orders: new Map(), failures: [], answeredWhileStopping: 0 };
      let stopping = false;
      const shoppers = Array.from({ length: 4 }, () => shop(base, seen, () => stopping));
      await eventually(() => [...seen.orders.values()].filter((o) => o.paid).length >= 4, "orders paid");
      stopping = true; // from here on, every answer came from a draining process
      const code = await running.stop("SIGTERM");
      await Promise.all(shoppers);
      proc = undefined;
      assert.equal(code, 0, running.tail());
      assert.deepEqual(seen.failures, [], "every request the gateway took got a definitive answer");

      proc = await start(env, ports);
      for (const [orderId, { who, paid }] of seen.orders) {
        if (paid) {
          await paidWithTicket(base, who, orderId, ports, env.OMS_SERVICE_TOKEN!);
        } else {
          const r = await fetch(`${base}/api/customers/${who.id}/orders/${orderId}`, { headers: who.auth });
          assert.equal(r.status, 200, `order ${orderId}, answered 201 before the stop, still exists`);
          await r.body?.cancel();
        }
      }
      assert.equal(await proc.stop("SIGTERM"), 0, proc.tail());
      proc = undefined;
      console.log(
        `drain: ${seen.orders.size} orders placed, ${seen.answeredWhileStopping} answers while stopping`,
      );
    } finally {
      await proc?.stop("SIGKILL");
      await bus.cleanup();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
