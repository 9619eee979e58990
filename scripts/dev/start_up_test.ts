import assert from "node:assert/strict";
import { ExitedError, startInOrder, type Supervised, watchExits } from "./start_up.ts";

/** A process under test: it exits when told to, and prints what it is given. */
class FakeProcess implements Supervised {
  started = false;
  #exit = Promise.withResolvers<number>();
  #exited: Promise<number> | undefined;
  constructor(readonly name: string, readonly lines: string[] = []) {}
  start() {
    this.started = true;
    this.#exited = this.#exit.promise;
  }
  get exited() {
    return this.#exited;
  }
  exit(code: number) {
    this.#exit.resolve(code);
  }
  tail(n = 20) {
    return this.lines.slice(-n).join("\n");
  }
}

Deno.test("start-up goes in order, each process once the one before is ready", async () => {
  const procs = [new FakeProcess("stock"), new FakeProcess("orders")];
  const order: string[] = [];
  await startInOrder(procs, (p) => {
    assert.deepEqual(procs.map((q) => q.started), procs.map((q) => q === p || order.includes(q.name)));
    order.push(p.name);
    return Promise.resolve();
  });
  assert.deepEqual(order, ["stock", "orders"]);
});

Deno.test("a process that exits before it is ready stops start-up with its exit code and last lines", async () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
  const stock = new FakeProcess("stock", lines);
  const orders = new FakeProcess("orders");
  const never = new Promise<void>(() => {});
  const starting = startInOrder([stock, orders], (p) => {
    if (p === stock) queueMicrotask(() => stock.exit(2));
    return never;
  });
  const err = await starting.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ExitedError);
  assert.equal(err.process, "stock");
  assert.equal(err.code, 2);
  assert.equal(orders.started, false, "nothing after it starts");
  const report = err.report();
  assert.match(report, /^stock exited with code 2; its last lines:\n {4}line 10\n/);
  assert.match(report, /line 29$/);
  assert.doesNotMatch(report, /line 9\n/);
  assert.match(
    err.report((l) => `stock | ${l}`),
    /\n {4}stock \| line 29$/,
    "lines shown as dev prints them",
  );
});

Deno.test("a readiness failure (a timeout) stops start-up with its own error", async () => {
  const stock = new FakeProcess("stock");
  await assert.rejects(
    startInOrder([stock], () => Promise.reject(new Error("127.0.0.1:1 did not report SERVING"))),
    /did not report SERVING/,
  );
});

Deno.test("after start-up the first process to exit is reported once", async () => {
  const procs = [new FakeProcess("stock", ["bye"]), new FakeProcess("web")];
  for (const p of procs) p.start();
  const told: ExitedError[] = [];
  watchExits(procs, (e) => told.push(e));
  procs[1]!.exit(1);
  procs[0]!.exit(0);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(told.length, 1);
  assert.equal(told[0]!.process, "web");
  assert.match(told[0]!.report(), /\(it printed nothing\)/);
});
