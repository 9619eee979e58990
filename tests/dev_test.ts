/**
 * `deno task dev` as a newcomer meets it: `AMQP_URL=memory` runs everything in one process on the in-memory
 * bus (an order placed through web is paid and reaches the kitchen there), a user-set `PUBLIC_URL` is kept,
 * a taken port stops dev before anything starts, a process that exits during start-up stops dev with its
 * last lines, a service started alone refuses the in-memory bus, and a fresh checkout's first start shows
 * no "Ignored build scripts" box.
 *
 * Each test runs dev on ports, a data folder and (in-memory) bus of its own, and leaves no process behind.
 */
import assert from "node:assert/strict";
import { freeMetricsPorts, freePort, metricsEnv, type Ports } from "../scripts/launcher.ts";
import { listenersOn } from "../scripts/dev/ports.ts";
import { openStore } from "../services/common/kv.ts";
import { eventually } from "../services/common/bus/testing.ts";
import { generateServiceToken } from "../services/common/auth/service_token.ts";

/** The repository root (where `deno.json` is). */
const ROOT = new URL("..", import.meta.url).pathname;
/** Deno's once-per-project-folder warning about npm lifecycle scripts. */
const BUILD_SCRIPTS_BOX = /Ignored build scripts/;

function freePorts(): Ports {
  return {
    orders: freePort(),
    stock: freePort(),
    payments: freePort(),
    kitchen: freePort(),
    web: freePort(),
  };
}

/** The environment of one dev run: only what the test gives it, beside PATH, HOME and DENO_DIR. */
function devEnv(ports: Ports, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/root",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    AMQP_URL: "memory",
    DATA_DIR: dataDir,
    ORDERS_GRPC_PORT: String(ports.orders),
    STOCK_GRPC_PORT: String(ports.stock),
    PAYMENTS_GRPC_PORT: String(ports.payments),
    KITCHEN_GRPC_PORT: String(ports.kitchen),
    WEB_PORT: String(ports.web),
    // free Connect ports, not dev's fixed 50061-50064 (the previous test's processes may still hold them)
    ORDERS_CONNECT_PORT: String(freePort()),
    STOCK_CONNECT_PORT: String(freePort()),
    PAYMENTS_CONNECT_PORT: String(freePort()),
    KITCHEN_CONNECT_PORT: String(freePort()),
    // free metrics ports, not dev's fixed 9460-9465 (another dev on this host may hold them)
    ...metricsEnv(freeMetricsPorts()),
    OMS_SERVICE_TOKEN: generateServiceToken(),
    ...extra,
  };
}

/** One `deno` process of a test (dev, or a service), with what it printed. */
class Run {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #done: Promise<number>;

  constructor(args: string[], env: Record<string, string>, cwd = ROOT) {
    const child = this.#child = new Deno.Command(Deno.execPath(), {
      args,
      cwd,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const pumps = [Run.#pump(child.stdout, this.stdout), Run.#pump(child.stderr, this.stderr)];
    this.#done = child.status.then(async ({ code }) => {
      await Promise.all(pumps);
      return code;
    });
  }

  static async #pump(stream: ReadableStream<Uint8Array<ArrayBuffer>>, into: string[]): Promise<void> {
    let buf = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      buf += text;
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      into.push(...parts);
    }
    if (buf) into.push(buf);
  }

  get pid(): number {
    return this.#child.pid;
  }

  /** Everything printed so far, for a failing assertion's message. */
  output(): string {
    return `--- stdout\n${this.stdout.join("\n")}\n--- stderr\n${this.stderr.join("\n")}`;
  }

  /** Resolves with the exit code, or rejects after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<number> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        this.#done,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until stdout has a line matching `pattern`; fails at once when the process exits first. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    let exited: number | undefined;
    this.#done.then((code) => exited = code);
    const end = Date.now() + timeoutMs;
    while (!this.stdout.some((l) => pattern.test(l))) {
      if (exited !== undefined) {
        throw new Error(`exited with ${exited} before printing ${pattern}\n${this.output()}`);
      }
      if (Date.now() > end) throw new Error(`no ${pattern} within ${timeoutMs} ms\n${this.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited in `timeoutMs`; the exit code. */
  async stop(timeoutMs = 30_000): Promise<number> {
    this.#signal("SIGTERM");
    try {
      return await this.exit(timeoutMs);
    } catch {
      this.#signal("SIGKILL");
      return await this.#done;
    }
  }

  #signal(signal: Deno.Signal) {
    try {
      this.#child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Ends whatever still listens on the test's own `ports` (a child dev left behind when it was killed). */
async function freeOurPorts(ports: Ports): Promise<void> {
  for (const port of Object.values(ports)) {
    for (const { pid } of await listenersOn(port)) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}

/** The processes listening on each of `ports`. */
async function holders(ports: Ports): Promise<number[][]> {
  return await Promise.all(Object.values(ports).map(async (p) => (await listenersOn(p)).map((l) => l.pid)));
}

Deno.test({
  name:
    "AMQP_URL=memory dev runs everything in ONE process on the in-memory bus: an order placed through web is paid and reaches the kitchen, its payment link on the user's PUBLIC_URL",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "oms-dev-memory-" });
    const ports = freePorts();
    const publicUrl = `http://oms-public.test:${ports.web}`;
    const dev = new Run(
      ["run", "-A", "scripts/dev.ts"],
      devEnv(ports, dataDir, { PUBLIC_URL: publicUrl, KITCHEN_PREP_MS: "100", LOG_LEVEL: "warn" }),
    );
    try {
      await dev.waitFor(/OMS is running/, 180_000);
      const out = dev.stdout.join("\n");
      assert.match(out, /dev: AMQP_URL=memory: every service and web in ONE process on the in-memory bus/);
      assert.match(out, new RegExp(`public URL +${publicUrl}/`), "dev prints the user's PUBLIC_URL");
      // dev prints the first owner's name and the password it made; they sign in
      const owner = /first owner: (\S+) \/ ([0-9a-f]{12,}),/.exec(out);
      assert.ok(owner, `dev prints the first owner:\n${out}`);
      assert.equal(owner[1], "admin");

      // one process listens on every port, and it is not dev itself
      const pids = await holders(ports);
      const all = new Set(pids.flat());
      assert.equal(all.size, 1, `one process holds every port: ${JSON.stringify(pids)}`);
      assert.ok(pids.every((p) => p.length === 1), JSON.stringify(pids));
      assert.ok(!all.has(dev.pid), "the services run in dev's child, not in dev");

      const base = `http://127.0.0.1:${ports.web}`;
      const login = await fetch(`${base}/admin/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ name: owner[1]!, password: owner[2]! }).toString(),
        redirect: "manual",
      });
      await login.body?.cancel();
      assert.equal(login.status, 303, "the printed owner signs in");
      const issued = await (await fetch(`${base}/api/customers`, { method: "POST" })).json();
      const auth = { authorization: `Bearer ${issued.token}` };
      const res = await fetch(`${base}/api/customers/${issued.customerId}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ ID: 1, Quantity: 1 }),
      });
      const order = await res.json();
      assert.equal(res.status, 201, JSON.stringify(order));
      const link = String(order.paymentLink);
      assert.ok(link.startsWith(`${publicUrl}/pay/`), `payment link on PUBLIC_URL: ${link}`);
      const paid = await fetch(`${base}/api/payments/local/${link.split("/pay/")[1]}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ outcome: "pay" }),
      });
      assert.equal(paid.status, 200, await paid.text());
      let status = "";
      await eventually(
        async () => {
          const r = await fetch(`${base}/api/customers/${issued.customerId}/orders/${order.id}`, {
            headers: auth,
          });
          status = (await r.json()).status;
          return status === "ready"; // paid, and the kitchen prepared its ticket
        },
        "order paid and prepared by the kitchen",
        30_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message} (last status ${status})\n${dev.output()}`);
      });

      assert.equal(await dev.stop(), 0, dev.output());
      assert.deepEqual(
        await holders(ports),
        Object.values(ports).map(() => []),
        "stopping dev stops its child",
      );
      assert.doesNotMatch(dev.stderr.join("\n"), BUILD_SCRIPTS_BOX);
    } finally {
      await dev.stop();
      await freeOurPorts(ports);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "a taken port stops dev before anything starts, naming the port, its variable and what holds it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "oms-dev-port-" });
    const dataDir = `${tmp}/data`;
    const ports = freePorts();
    const held = Deno.listen({ hostname: "127.0.0.1", port: ports.payments });
    const dev = new Run(["run", "-A", "scripts/dev.ts"], devEnv(ports, dataDir));
    try {
      const code = await dev.exit(120_000);
      assert.equal(code, 1, dev.output());
      const err = dev.stderr.join("\n");
      assert.match(
        err,
        new RegExp(
          `dev: port ${ports.payments} \\(PAYMENTS_GRPC_PORT\\) is already in use by deno \\(pid ${Deno.pid}`,
        ),
        dev.output(),
      );
      assert.match(err, /nothing was started/);
      assert.doesNotMatch(dev.stdout.join("\n"), /OMS is running|\| /, "no process started, none printed");
      assert.equal(await Deno.stat(dataDir).then(() => true, () => false), false, "not even the data folder");
      for (const [name, port] of Object.entries(ports)) {
        if (name !== "payments") assert.deepEqual(await listenersOn(port), [], `${name}'s port ${port}`);
      }
    } finally {
      held.close();
      await dev.stop();
      await freeOurPorts(ports);
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name:
    "a process that exits during start-up stops dev with its last log lines and exit code 1, and the rest is stopped",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "oms-dev-exit-" });
    const ports = freePorts();
    // orders' KV file held here: the one process starts stock, payments and kitchen, then orders refuses
    const held = await openStore(`${dataDir}/orders.kv`);
    const dev = new Run(["run", "-A", "scripts/dev.ts"], devEnv(ports, dataDir, { LOG_LEVEL: "warn" }));
    try {
      const code = await dev.exit(180_000);
      assert.equal(code, 1, dev.output());
      const err = dev.stderr.join("\n");
      assert.match(err, /dev: oms exited with code 2; its last lines:/, dev.output());
      assert.match(err, /\n {4}.*Another process already uses the store .*orders\.kv/, dev.output());
      assert.doesNotMatch(dev.stdout.join("\n"), /OMS is running/);
      assert.deepEqual(await holders(ports), Object.values(ports).map(() => []), "nothing left listening");
    } finally {
      held.close();
      await dev.stop();
      await freeOurPorts(ports);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name:
    "each service started alone with AMQP_URL=memory refuses (exit 2), saying a paid order would stay waiting_payment and what to run instead",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "oms-alone-" });
    const ports = freePorts();
    try {
      for (const service of ["orders", "stock", "payments", "kitchen"]) {
        const run = new Run(["run", "-A", `services/${service}/main.ts`], devEnv(ports, dataDir));
        const code = await run.exit(120_000);
        assert.equal(code, 2, run.output());
        const err = run.stderr.join("\n");
        assert.match(
          err,
          new RegExp(`${service}: invalid configuration: AMQP_URL=memory is an in-process bus`),
        );
        assert.match(err, /a paid order would stay waiting_payment/);
        assert.match(err, /AMQP_URL=memory deno task dev/);
      }
      assert.deepEqual(await holders(ports), Object.values(ports).map(() => []), "none bound a port");
    } finally {
      await freeOurPorts(ports);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "a fresh checkout's first `deno task dev` prints no 'Ignored build scripts' box",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // Deno prints the box once per project folder: a copy of the checkout in a new folder is a first start.
    const copy = await Deno.makeTempDir({ prefix: "oms-fresh-checkout-" });
    const ports = freePorts();
    // a taken port stops this dev right after `deno task` has resolved the npm packages, where the box comes
    const held = Deno.listen({ hostname: "127.0.0.1", port: ports.web });
    let dev: Run | undefined;
    try {
      const files = await new Deno.Command("git", {
        args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd: ROOT,
        stdout: "piped",
      }).output();
      for (const file of new TextDecoder().decode(files.stdout).split("\0").filter(Boolean)) {
        const from = `${ROOT}${file}`;
        if (!await Deno.stat(from).then((s) => s.isFile, () => false)) continue; // deleted in the work tree
        const to = `${copy}/${file}`;
        await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
        await Deno.copyFile(from, to);
      }
      dev = new Run(["task", "dev"], devEnv(ports, `${copy}/data`), copy);
      assert.equal(await dev.exit(180_000), 1, dev.output());
      assert.match(dev.stderr.join("\n"), new RegExp(`port ${ports.web} \\(WEB_PORT\\) is already in use`));
      assert.doesNotMatch(dev.stderr.join("\n"), BUILD_SCRIPTS_BOX, dev.output());
    } finally {
      held.close();
      await dev?.stop();
      await freeOurPorts(ports);
      await Deno.remove(copy, { recursive: true }).catch(() => {});
    }
  },
});
