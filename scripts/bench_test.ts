/**
 * `deno task bench --quick` end to end: the real floor and the real system (its own processes on
 * RabbitMQ) under the real load generator for a few seconds. Asserts the report's shape and that every
 * figure is present and positive; no timing targets.
 */
import assert from "node:assert/strict";
import type { BenchReport } from "./bench/report.ts";

const ENTRY = new URL("./bench.ts", import.meta.url).pathname;

/** Runs `deno task bench --quick` with `args` into a fresh folder; resolves with its output and JSON files. */
async function runQuickBench(
  args: string[],
): Promise<{ stdout: string; stderr: string; files: string[]; out: string }> {
  const out = await Deno.makeTempDir({ prefix: "oms-bench-test-" });
  const res = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ENTRY, "--quick", ...args, "--out", out],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(res.stdout);
  const stderr = new TextDecoder().decode(res.stderr);
  const files = [...Deno.readDirSync(out)].map((e) => e.name);
  try {
    assert.equal(res.code, 0, `exit code\n${stderr}\n${stdout}`);
    assert.equal(files.length, 1, files.join(", "));
  } catch (err) {
    await Deno.remove(out, { recursive: true });
    throw err;
  }
  return { stdout, stderr, files, out };
}

Deno.test("deno task bench --quick --kv-census prints one table and saves a JSON report with every figure present and positive", async () => {
  const { stdout, stderr, files, out } = await runQuickBench(["--kv-census"]);
  try {
    assert.match(stderr, /bench: measuring the primitive floor/, "progress on stderr");
    // a warm-up load runs first (its own final check included), then the measured one
    const warm = stderr.indexOf("bench: warm-up: 4 shoppers for 1 s (not counted) ...");
    assert.ok(warm >= 0 && warm < stderr.indexOf("load: final check of"), "the warm-up, checked, first");
    // the CPU window ends after the kitchen's last tickets and before the load generator's final check
    const held = stderr.indexOf("load: visits done; holding the final check\n");
    const read = stderr.search(/bench: visits done; \d+ ms for the kitchen's last tickets, then CPU is read/);
    const check = stderr.lastIndexOf("load: final check of");
    assert.ok(0 <= held && held < read && read < check, `held ${held}, read ${read}, check ${check}`);
    assert.match(stdout, /OMS CPU per order [\d.]+ ms = [\d.]+x the reference lifecycle's floor/);

    assert.match(files[0]!, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ_[0-9a-f]+(\+dirty)?\.json$/);
    const r: BenchReport = JSON.parse(await Deno.readTextFile(`${out}/${files[0]}`));

    assert.equal(r.machine.cores, navigator.hardwareConcurrency);
    assert.match(r.commit, /^[0-9a-f]{4,}(\+dirty)?$/);
    assert.equal(r.options.quick, true);
    assert.equal(r.options.warmupS, 1);
    for (const p of ["http", "grpc", "kv", "amqp"] as const) {
      assert.ok(r.floor.primitives[p].cpuMs > 0, `floor ${p}: ${r.floor.primitives[p].cpuMs}`);
    }
    assert.ok(r.floor.primitives.amqp.otherCpuMs >= 0, "the broker's share is read");
    assert.ok(r.floor.lifecycleCpuMs > 0);
    assert.equal(r.floor.rounds?.length, 2, "the floor before the system started and after it stopped");
    assert.ok(r.floor.rounds.every((x) => x > 0), JSON.stringify(r.floor.rounds));
    assert.match(stderr, /bench: measuring the primitive floor again, the system stopped/);
    assert.equal(
      stderr.match(/bench: the machine (is quiet \(\d+% idle\)|did not get quiet)/g)?.length,
      2,
      "each floor waits for a quiet machine first",
    );
    assert.match(
      stdout,
      /floor measured 2 times: [\d.]+, [\d.]+ ms \(spread \d+%\); the figures above are their mean/,
    );
    assert.ok(r.load.ordersPlaced > 0 && r.load.ordersPerS > 0 && r.load.paid > 0, JSON.stringify(r.load));
    assert.equal(r.load.checkOk, true);
    assert.deepEqual(r.processes.map((p) => p.name), [
      "orders",
      "stock",
      "payments",
      "kitchen",
      "web",
      "rabbitmq",
      "load",
    ]);
    for (const p of r.processes) {
      assert.ok(p.cpuS > 0 && p.cpuMsPerOrder > 0, `${p.name} CPU ${p.cpuS}`);
      assert.ok(p.rssKb > 0 && p.rssMiB > 0, `${p.name} RSS ${p.rssKb}`);
    }
    assert.ok(r.total.cpuMsPerOrder > 0 && r.total.ratioToFloor > 0 && r.total.rssMiB > 0);
    // what the five held at once, sampled: at most the sum of their peaks, and less with the deno
    // binary's pages (shared by all five) counted once
    const m = r.total.memory;
    assert.ok(m && m.samples >= 2, JSON.stringify(m));
    assert.ok(m.peakRssSumMiB > 0 && m.peakRssSumMiB <= r.total.rssMiB * 1.02, JSON.stringify(r.total));
    assert.ok(m.peakSharedOnceMiB < m.peakRssSumMiB - 40, JSON.stringify(m));
    assert.match(
      stdout,
      /^OMS memory at once \(every 2 s, \d+ samples\): peak RSS sum [\d.]+ MiB; with the pages the 5 share/m,
    );
    // each OMS Deno process's CPU split by thread: the services' KV stores worked on their own threads,
    // web (no store) has none; the broker and the load generator are not split
    for (const p of r.processes) {
      if (p.name === "rabbitmq" || p.name === "load") {
        assert.equal(p.threads, undefined, `${p.name} by thread`);
        continue;
      }
      assert.ok(p.threads && p.threadsMsPerOrder, `${p.name} by thread`);
      assert.ok(p.threads.js > 0, `${p.name} JS thread ${JSON.stringify(p.threads)}`);
      const sum = Object.values(p.threads).reduce((a, b) => a + b, 0);
      assert.ok(sum <= p.cpuS + 0.05, `${p.name}: threads ${sum} s within the process's ${p.cpuS} s`);
      if (p.name === "web") assert.equal(p.threads.kv, 0, "web opens no KV store");
    }
    assert.ok(r.processes.find((p) => p.name === "orders")!.threads!.kv > 0, "orders' KV thread worked");
    assert.match(stdout, /^CPU-ms\/order by thread\s+JS thread\s+KV SQLite/m);
    const step = (name: string) => r.steps.find((s) => s.step.startsWith(name));
    for (const name of ["browse", "checkout", "pay (", "pay -> paid", "paid -> kitchen ticket"]) {
      const s = step(name);
      assert.ok(s, `step ${name} in ${r.steps.map((x) => x.step).join(", ")}`);
      assert.ok(s.count > 0 && s.p50 >= 0 && s.p99 >= s.p95 && s.p95 >= s.p50, JSON.stringify(s));
    }
    // --kv-census: each service's store counted its work over the load window, per order placed
    const census = Object.fromEntries((r.kvCensus ?? []).map((c) => [c.store, c]));
    for (const store of ["orders", "stock", "payments", "kitchen"]) {
      const c = census[store];
      assert.ok(c && c.commits > 0 && c.writes > 0 && c.reads > 0, `${store}: ${JSON.stringify(c)}`);
    }
    // every order is written, with its outbox record, and payments is told of each
    assert.ok(census.orders!.writesByPrefix.some(([p, n]) => p === "orders" && n >= 1), "orders written");
    assert.ok(census.orders!.writesByPrefix.some(([p]) => p === "outbox"), "events through the outbox");
    assert.match(stdout, /^KV work per order \(--kv-census\)\s+commits/m);
    assert.match(stdout, /^ {2}orders writes most: /m);
    assert.match(stdout, /note: --kv-census: every store counted its KV work/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("deno task bench --quick --one-process measures start:all's one process on RabbitMQ", async () => {
  const { stdout, stderr, files, out } = await runQuickBench(["--one-process"]);
  try {
    assert.match(
      stderr,
      /bench: starting the system as start:all does \(every service and web in one process\)/,
    );
    assert.match(stdout, /; start:all: every service and web in one process$/m);
    const r: BenchReport = JSON.parse(await Deno.readTextFile(`${out}/${files[0]}`));
    assert.equal(r.options.oneProcess, true);
    assert.deepEqual(r.processes.map((p) => p.name), ["oms", "rabbitmq", "load"]);
    for (const p of r.processes) {
      assert.ok(p.cpuS > 0 && p.cpuMsPerOrder > 0, `${p.name} CPU ${p.cpuS}`);
      assert.ok(p.rssKb > 0, `${p.name} RSS ${p.rssKb}`);
    }
    const oms = r.processes.find((p) => p.name === "oms")!;
    assert.equal(r.total.rssMiB, oms.rssMiB, "OMS RSS is the one process's");
    assert.ok(
      oms.threads && oms.threads.js > 0 && oms.threads.kv > 0,
      `oms by thread ${JSON.stringify(oms.threads)}`,
    );
    assert.ok(r.load.ordersPlaced > 0 && r.load.paid > 0 && r.load.checkOk, JSON.stringify(r.load));
    // every order the kitchen got is read back from its store: the one process's kitchen ran
    const ticket = r.steps.find((s) => s.step.startsWith("paid -> kitchen ticket"));
    assert.ok(ticket && ticket.count > 0, JSON.stringify(ticket));
    assert.equal(r.kvCensus, undefined, "no census unless asked for");
    assert.doesNotMatch(stdout, /KV work per order/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
