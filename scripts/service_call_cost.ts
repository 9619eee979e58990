/**
 * CPU per order of the payments, stock and kitchen use cases, in-process against a real KV file (no
 * gRPC, no broker): what one order costs each service's own code and store, old against new.
 *
 * ```sh
 * deno run -A scripts/service_call_cost.ts [--base <dir>] [--orders 300] [--rounds 5] [--only payments]
 * ```
 *
 * `--base` is another checkout of the services (e.g. `git archive <commit> services | tar -x -C <dir>`);
 * with it, each round runs the base and this tree alternately, each in a fresh process, and the medians
 * are printed with their ratio. Per order it runs:
 *
 * - payments: `createPaymentLink`, `order.created` (the payment already exists), the local pay page's
 *   Pay (`completeLocalCheckout`);
 * - stock: `reserveItems`, then the `order.created` and `order.paid` handlers, each committed as the
 *   consumer commits;
 * - kitchen: the `order.paid` handler (committed), and auto-prep passes every `prepMs / 4` of a clock that
 *   advances as orders arrive at ~20 per second (so ~120 tickets are in flight, as under the bench).
 *
 * CPU is the process's (`process.cpuUsage`, user + system) over the measured orders, after a warm-up.
 *
 * @module
 */
import process from "node:process";

const HERE = new URL("../", import.meta.url).pathname;
type Service = "payments" | "stock" | "kitchen";
const SERVICES: Service[] = ["payments", "stock", "kitchen"];

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] !== undefined ? Deno.args[i + 1]! : fallback;
}

/** CPU microseconds of this process so far. */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

// deno-lint-ignore no-explicit-any
type Module = any; // the modules of either tree, loaded by path (their types differ between trees)

async function load(root: string, path: string): Promise<Module> {
  return await import(`file://${root.replace(/\/$/, "")}/${path}`);
}

/** Runs `orders` orders of `service` from the tree at `root`; prints the CPU-ms per measured order. */
async function child(root: string, service: Service, orders: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "svc-cost-" });
  const kv = await Deno.openKv(`${dir}/${service}.kv`);
  const { createLogger } = await load(root, "services/common/log.ts");
  const { unitOfWork } = await load(root, "services/common/unit_of_work.ts");
  const log = createLogger(service, "error");
  const uow = unitOfWork({ kv, kick: () => {}, log });
  const warmup = Math.max(20, Math.floor(orders / 5));
  let measuredFrom = 0;
  const ctx = (routingKey: string) => ({
    kv,
    op: kv.atomic(),
    messageId: crypto.randomUUID(),
    routingKey,
    attempt: 1,
  });
  const items = [
    { itemId: "1", name: "Margherita", quantity: 2, unitPrice: { amount: 850, currency: "EUR" } },
    { itemId: "3", name: "Cola", quantity: 1, unitPrice: { amount: 250, currency: "EUR" } },
  ];
  let run: (i: number) => Promise<void>;
  if (service === "payments") {
    const { PaymentsApp } = await load(root, "services/payments/app.ts");
    const { LocalPaymentProvider } = await load(root, "services/payments/providers/local.ts");
    const { paymentsEventHandlers } = await load(root, "services/payments/event_handlers.ts");
    const app = new PaymentsApp({
      kv,
      uow,
      provider: new LocalPaymentProvider("http://shop.test"),
      publicUrl: "http://shop.test",
      expiryMinutes: 30,
      log,
    });
    const handlers = paymentsEventHandlers(app);
    run = async (i) => {
      const order = { orderId: `o-${i}`, customerId: "c-1", items, total: { amount: 1950, currency: "EUR" } };
      const payment = await app.createPaymentLink(order);
      const c = ctx("order.created");
      await handlers["order.created"](
        { ...order, createdAt: new Date(), number: i, details: undefined },
        c,
      );
      await app.completeLocalCheckout(payment.sessionId, "succeeded");
    };
  } else if (service === "stock") {
    const { seedCatalog } = await load(root, "services/stock/store.ts");
    const { reserveItems, restock } = await load(root, "services/stock/app.ts");
    const { stockEventHandlers } = await load(root, "services/stock/event_handlers.ts");
    await seedCatalog(kv);
    for (const id of ["1", "3"]) await restock(uow, id, 1_000_000);
    const handlers = stockEventHandlers(log);
    run = async (i) => {
      const orderId = `o-${i}`;
      await reserveItems(uow, orderId, items.map((l) => ({ itemId: l.itemId, quantity: l.quantity })));
      const c = ctx("order.paid");
      await handlers["order.paid"]({ orderId, customerId: "c-1", items, paidAt: new Date(), number: i }, c);
      await c.op.commit();
    };
  } else {
    const { KitchenApp } = await load(root, "services/kitchen/app.ts");
    const { startAutoPrep } = await load(root, "services/kitchen/auto_prep.ts");
    const { kitchenEventHandlers } = await load(root, "services/kitchen/event_handlers.ts");
    let clock = Date.now();
    const app = new KitchenApp({ kv, uow, log, now: () => new Date(clock) });
    const handlers = kitchenEventHandlers(app, log);
    const prepMs = 3000;
    const auto = startAutoPrep({ app, log, prepMs, intervalMs: 3_600_000, now: () => new Date(clock) });
    const perPass = 15; // ~20 orders/s, a pass every 750 ms
    run = async (i) => {
      const c = ctx("order.paid");
      const orderId = `o-${i}`;
      await handlers["order.paid"](
        { orderId, customerId: "c-1", items, paidAt: new Date(clock), number: i, details: undefined },
        c,
      );
      await c.op.commit();
      if (i % perPass === perPass - 1) {
        clock += prepMs / 4;
        await auto.tick();
      }
    };
    const done = run;
    run = async (i) => {
      await done(i);
      if (i === orders - 1) await auto.stop();
    };
  }
  let start = 0;
  for (let i = 0; i < orders; i++) {
    if (i === warmup) {
      start = cpuUs();
      measuredFrom = i;
    }
    await run(i);
  }
  const ms = (cpuUs() - start) / 1000 / (orders - measuredFrom);
  kv.close();
  await Deno.remove(dir, { recursive: true });
  console.log(JSON.stringify({ service, msPerOrder: ms }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs one child process; resolves with its CPU-ms per order. */
async function measure(root: string, service: Service, orders: number): Promise<number> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-kv",
      new URL(import.meta.url).pathname,
      "--child",
      "--root",
      root,
      "--service",
      service,
      "--orders",
      String(orders),
    ],
    stdout: "piped",
    stderr: "inherit",
  });
  const out = await cmd.output();
  if (!out.success) throw new Error(`${service} from ${root} failed`);
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!;
  return (JSON.parse(line) as { msPerOrder: number }).msPerOrder;
}

async function main(): Promise<void> {
  const orders = Number(arg("orders", "300"));
  if (Deno.args.includes("--child")) {
    await child(arg("root", HERE), arg("service", "payments") as Service, orders);
    return;
  }
  const rounds = Number(arg("rounds", "5"));
  const base = arg("base", "");
  const only = arg("only", "");
  const services = only ? SERVICES.filter((s) => s === only) : SERVICES;
  const trees = base ? [["base", base], ["new", HERE]] as const : [["this", HERE]] as const;
  const got: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    for (const service of services) {
      for (const [name, root] of trees) {
        (got[`${service} ${name}`] ??= []).push(await measure(root, service, orders));
      }
    }
  }
  console.log(`CPU-ms per order, median of ${rounds} rounds of ${orders} orders (alternating trees):`);
  for (const service of services) {
    const cells = trees.map(([name]) => `${name} ${median(got[`${service} ${name}`]!).toFixed(3)}`);
    const ratio = base
      ? `  new/base ${(median(got[`${service} new`]!) / median(got[`${service} base`]!)).toFixed(2)}`
      : "";
    console.log(`  ${service.padEnd(9)} ${cells.join("  ")}${ratio}`);
  }
}

if (import.meta.main) await main();
