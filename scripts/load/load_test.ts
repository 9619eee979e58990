/**
 * `deno task load` end to end: the real system (every service as its own process on RabbitMQ, the
 * kitchen preparing by itself) loaded for about 5 seconds by the real entry point, once per way of
 * following orders (the live stream, the default; polling).
 */
import assert from "node:assert/strict";
import { startSystem } from "../../tests/system.ts";
import { main } from "../load.ts";
import type { Report } from "./report.ts";

const ENTRY = new URL("../load.ts", import.meta.url).pathname;

for (const follow of ["stream", "poll"] as const) {
  Deno.test(`[--follow ${follow}] deno task load against the real system places orders, reports per-step percentiles and every order passes the final check`, async () => {
    const sys = await startSystem({ env: { KITCHEN_AUTO_PREP: "true", KITCHEN_PREP_MS: "50" } });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          ENTRY,
          "--url",
          sys.url,
          "--duration",
          "5",
          "--concurrency",
          "4",
          "--follow",
          follow,
          "--json",
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      const stdout = new TextDecoder().decode(out.stdout);
      assert.equal(out.code, 0, `exit code\n${stderr}\n${stdout}`);
      const report: Report = JSON.parse(stdout);

      assert.ok(report.orders.placed > 0, "orders were placed");
      assert.ok(report.orders.perSecond > 0);
      assert.ok(report.durationS > 4 && report.durationS <= 5, `duration ${report.durationS}`);
      assert.equal(report.concurrency, 4);
      assert.equal(report.follow, follow);
      assert.equal(
        report.orders.paid + report.orders.cancelled + report.orders.declined + report.orders.expired,
        report.orders.placed,
      );

      assert.equal(report.check.ok, true, JSON.stringify(report.check.problems));
      assert.equal(report.check.checked, report.orders.placed);
      assert.deepEqual(report.check.problems, []);
      const states = Object.keys(report.check.byState);
      for (const s of states) {
        assert.ok(["paid", "preparing", "ready", "completed", "cancelled"].includes(s), s);
      }

      for (const step of ["browse", "checkout", "pay", "timeToPaid"] as const) {
        const l = report.latencyMs[step];
        assert.ok(l.count > 0, `${step} measured`);
        assert.ok(
          0 < l.p50 && l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.max,
          `${step}: ${JSON.stringify(l)}`,
        );
      }
      // Errors are allowed only as expected outcomes, which are counted apart.
      assert.equal(report.errors.total, 0, JSON.stringify(report.errors.byKind));

      assert.match(stderr, /load: 4 shoppers against http:\/\/127\.0\.0\.1:\d+ for 5 s/);
      assert.match(stderr, /load: \d+\.\d s {2}orders \d+ {2}\d+\.\d\/s {2}errors 0/, "progress on stderr");
    } finally {
      await sys.stop();
    }
  });
}

Deno.test("the entry point refuses a remote target, bad flags and an unreachable target with exit code 2", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.join(" "));
  try {
    assert.equal(await main(["--url", "https://shop.example.com"]), 2);
    assert.match(errors.at(-1)!, /^load: Refusing to load https:\/\/shop\.example\.com: .*--allow-remote/);
    assert.equal(await main(["--concurrency", "many"]), 2);
    assert.match(errors.at(-1)!, /^load: --concurrency must be a whole number from 1 to 256, got "many"$/);
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    assert.equal(await main(["--url", `http://127.0.0.1:${port}`, "--request-timeout", "2"]), 2);
    assert.match(
      errors.at(-1)!,
      /^load: Cannot reach the OMS gateway at http:\/\/127\.0\.0\.1:\d+ .*deno task dev/,
    );
  } finally {
    console.error = original;
  }
});
