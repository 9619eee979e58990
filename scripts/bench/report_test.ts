import assert from "node:assert/strict";
import { type Floor, meanFloor } from "./floor/floor.ts";
import { type BenchInputs, buildBenchReport, formatBenchTable, resultFileName } from "./report.ts";

const cost = (cpuMs: number) => ({ cpuMs, otherCpuMs: 0, wallMs: 1, ops: 100, lanes: 16 });
const floor: Floor = {
  primitives: { http: cost(0.07), grpc: cost(0.29), kv: cost(0.24), amqp: cost(0.09) },
  lifecycleCpuMs: 4.55,
};
const summary = (p50: number) => ({
  count: 10,
  min: 1,
  mean: p50,
  p50,
  p95: p50 * 2,
  p99: p50 * 3,
  max: 100,
});

function inputs(ordersPlaced = 1000): BenchInputs {
  return {
    date: new Date("2026-01-02T03:04:05.678Z"),
    commit: "abc1234",
    machine: { cores: 2, os: "linux x86_64", hostname: "box" },
    options: { durationS: 30, concurrency: 64, floorLanes: 16, quick: false },
    floor,
    load: { ordersPlaced, ordersPerS: 33.3, paid: 850, durationS: 30, errors: 0, checkOk: true },
    readings: {
      orders: { cpuS: 10, rssKb: 200 * 1024 },
      stock: { cpuS: 5, rssKb: 100 * 1024 },
      payments: { cpuS: 4, rssKb: 100 * 1024 },
      kitchen: { cpuS: 2, rssKb: 100 * 1024 },
      web: { cpuS: 6, rssKb: 100 * 1024 },
      rabbitmq: { cpuS: 3, rssKb: 150 * 1024 },
      load: { cpuS: 7, rssKb: 50 * 1024 },
    },
    steps: [["checkout", summary(10)], ["paid -> kitchen ticket", { ...summary(0), count: 0 }]],
    notes: ["shared machine"],
  };
}

Deno.test("CPU-ms per order divides each process's CPU by the orders placed; the OMS total leaves the load generator out", () => {
  const r = buildBenchReport(inputs());
  const orders = r.processes.find((p) => p.name === "orders")!;
  assert.equal(orders.cpuMsPerOrder, 10); // 10 s / 1000 orders
  assert.equal(r.processes.find((p) => p.name === "load")!.cpuMsPerOrder, 7);
  assert.equal(r.total.cpuS, 30); // 10+5+4+2+6+3, not the load generator's 7
  assert.equal(r.total.cpuMsPerOrder, 30);
  assert.equal(r.total.ratioToFloor, 6.59); // 30 / 4.55
  // RSS: the five OMS processes (the shared broker and the load generator not counted)
  assert.equal(r.total.rssMiB, 600);
  assert.deepEqual(r.processes.map((p) => p.name), [
    "orders",
    "stock",
    "payments",
    "kitchen",
    "web",
    "rabbitmq",
    "load",
  ]);
  assert.deepEqual(r.steps[0], { step: "checkout", count: 10, p50: 10, p95: 20, p99: 30 });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, "JSON round trip");
});

Deno.test("a run that placed no orders has no per-order figures and says so", () => {
  assert.throws(() => buildBenchReport(inputs(0)), /placed no orders/);
});

Deno.test("the result file is named by date and commit, safe for file systems", () => {
  assert.equal(
    resultFileName({ date: "2026-01-02T03:04:05.678Z", commit: "abc1234+dirty" }),
    "2026-01-02T03-04-05Z_abc1234+dirty.json",
  );
});

Deno.test("the table shows orders/s, the floor, every process, the total with its ratio, and each step", () => {
  const text = formatBenchTable(buildBenchReport(inputs()));
  assert.match(text, /orders\/s 33\.3 \(1000 placed, 850 paid, 0 errors, final check OK\)/);
  assert.match(text, /reference lifecycle \(4 HTTP \+ 5 gRPC \+ 8 KV \+ 10 AMQP\)\s+4\.55/);
  assert.match(text, /^orders\s+10\.00\s+10\.00\s+200\.0$/m);
  assert.match(text, /^load generator \(not OMS\)\s+7\.00\s+7\.00\s+50\.0$/m);
  assert.match(text, /^OMS total\s+30\.00\s+30\.00\s+600\.0$/m);
  assert.match(
    text,
    /OMS CPU per order 30\.00 ms = 6\.59x the reference lifecycle's floor \(4\.55 ms, same run\)/,
  );
  assert.match(text, /^checkout\s+10\s+10\.0\s+20\.0\s+30\.0$/m);
  assert.match(text, /^paid -> kitchen ticket\s+0\s+-\s+-\s+-$/m);
  assert.match(text, /note: shared machine/);
});

Deno.test("the table's first line says how long the uncounted warm-up was, when there was one", () => {
  const warm = inputs();
  warm.options = { ...warm.options, warmupS: 10 };
  assert.match(formatBenchTable(buildBenchReport(warm)), /; 64 shoppers for 30 s after a 10 s warm-up$/m);
  assert.match(formatBenchTable(buildBenchReport(inputs())), /; 64 shoppers for 30 s$/m);
});

Deno.test("a start:all run (--one-process) reports its one process, the broker and the load generator", () => {
  const one = inputs();
  one.options = { ...one.options, oneProcess: true };
  one.readings = {
    oms: { cpuS: 20, rssKb: 180 * 1024 },
    rabbitmq: { cpuS: 3, rssKb: 150 * 1024 },
    load: { cpuS: 7, rssKb: 50 * 1024 },
  };
  const r = buildBenchReport(one);
  assert.deepEqual(r.processes.map((p) => p.name), ["oms", "rabbitmq", "load"]);
  assert.equal(r.total.cpuS, 23, "the one process and the broker, not the load generator");
  assert.equal(r.total.cpuMsPerOrder, 23);
  assert.equal(r.total.rssMiB, 180, "the one process's RSS alone");
  const text = formatBenchTable(r);
  assert.match(text, /; 64 shoppers for 30 s; start:all: every service and web in one process$/m);
  assert.match(text, /^oms \(start:all\)\s+20\.00\s+20\.00\s+180\.0$/m);
  assert.doesNotMatch(text, /^orders\s/m, "no row for a process that did not run");
});

Deno.test("what the processes held at once: the sampled peaks in MiB, printed for five processes, not for one", () => {
  const i = inputs();
  i.memory = { sampledEveryMs: 1000, samples: 37, peakRssSumKb: 560 * 1024, peakSharedOnceKb: 400 * 1024 };
  const r = buildBenchReport(i);
  assert.deepEqual(r.total.memory, {
    sampledEveryMs: 1000,
    samples: 37,
    peakRssSumMiB: 560,
    peakSharedOnceMiB: 400,
  });
  assert.equal(r.total.rssMiB, 600, "the column's sum of peaks is kept as it was");
  assert.match(
    formatBenchTable(r),
    /^OMS memory at once \(every 1 s, 37 samples\): peak RSS sum 560\.0 MiB; with the pages the 5 share \(the deno binary's, the C libraries'\) counted once 400\.0 MiB$/m,
  );
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, "JSON round trip");
  // older reports, and start:all's one process, print no such line
  assert.doesNotMatch(formatBenchTable(buildBenchReport(inputs())), /OMS memory at once/);
  const one = inputs();
  one.readings = {
    oms: { cpuS: 20, rssKb: 180 * 1024 },
    rabbitmq: { cpuS: 3, rssKb: 1 },
    load: { cpuS: 1, rssKb: 1 },
  };
  one.memory = { sampledEveryMs: 1000, samples: 3, peakRssSumKb: 170 * 1024, peakSharedOnceKb: 170 * 1024 };
  assert.doesNotMatch(formatBenchTable(buildBenchReport(one)), /OMS memory at once/);
});

Deno.test("CPU by thread: each Deno process's split per order, a row that sums them, none for the broker", () => {
  const i = inputs();
  const t = (js: number, kv: number, v8 = 0.5, io = 0, other = 0) => ({ js, kv, v8, io, other });
  i.readings.orders = { ...i.readings.orders!, threads: t(6, 3, 1) };
  i.readings.web = { ...i.readings.web!, threads: t(5, 0, 1) };
  const r = buildBenchReport(i);
  assert.deepEqual(r.processes.find((p) => p.name === "orders")!.threadsMsPerOrder, t(6, 3, 1));
  assert.equal(r.processes.find((p) => p.name === "stock")!.threadsMsPerOrder, undefined);
  const text = formatBenchTable(r);
  assert.match(text, /^CPU-ms\/order by thread\s+JS thread\s+KV SQLite\s+V8 GC\+JIT\s+I\/O pool\s+other$/m);
  assert.match(text, /^orders\s+6\.00\s+3\.00\s+1\.00\s+0\.00\s+0\.00$/m);
  assert.match(text, /^web\s+5\.00\s+0\.00\s+1\.00\s+0\.00\s+0\.00$/m);
  assert.match(text, /^together\s+11\.00\s+3\.00\s+2\.00\s+0\.00\s+0\.00$/m);
  assert.doesNotMatch(text.split("by thread")[1]!, /^rabbitmq/m);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, "JSON round trip");
  // a report without thread readings (older runs) prints no such table
  assert.doesNotMatch(formatBenchTable(buildBenchReport(inputs())), /by thread/);
});

Deno.test("two floors of one run: each primitive's mean, weighted by operations, and each round's lifecycle", () => {
  const at = (cpuMs: number, ops: number) => ({ cpuMs, otherCpuMs: cpuMs / 2, wallMs: 1, ops, lanes: 16 });
  const one: Floor = {
    primitives: { http: at(0.1, 100), grpc: at(0.3, 100), kv: at(0.2, 100), amqp: at(0.1, 100) },
    lifecycleCpuMs: 4.9,
  };
  const two: Floor = {
    primitives: { http: at(0.2, 300), grpc: at(0.5, 100), kv: at(0.2, 100), amqp: at(0.3, 100) },
    lifecycleCpuMs: 7.9,
  };
  const mean = meanFloor([one, two]);
  assert.ok(Math.abs(mean.primitives.http.cpuMs - 0.175) < 1e-9, "(0.1 x 100 + 0.2 x 300) / 400");
  assert.equal(mean.primitives.http.ops, 400);
  assert.ok(Math.abs(mean.primitives.grpc.cpuMs - 0.4) < 1e-9);
  assert.ok(Math.abs(mean.primitives.amqp.otherCpuMs - 0.1) < 1e-9);
  // 4 x 0.175 + 5 x 0.4 + 8 x 0.2 + 10 x 0.2
  assert.ok(Math.abs(mean.lifecycleCpuMs - 6.3) < 1e-9, String(mean.lifecycleCpuMs));
  assert.deepEqual(mean.rounds, [4.9, 7.9]);
  assert.deepEqual(meanFloor([mean, one]).rounds, [4.9, 7.9, 4.9], "rounds of rounds stay flat");
  assert.throws(() => meanFloor([]), RangeError);
});

Deno.test("the table says how many times the floor was measured and how far apart, when more than once", () => {
  const twice = { ...inputs(), floor: { ...floor, lifecycleCpuMs: 5, rounds: [4, 6] } };
  const text = formatBenchTable(buildBenchReport(twice));
  assert.match(
    text,
    /floor measured 2 times: 4\.00, 6\.00 ms \(spread 50%\); the figures above are their mean/,
  );
  assert.match(text, /= 6\.00x the reference lifecycle's floor \(5\.00 ms, same run\)/);
  assert.doesNotMatch(formatBenchTable(buildBenchReport(inputs())), /floor measured/, "one floor: no line");
});
