import assert from "node:assert/strict";
import { envReads, isTestCode } from "./env_reads.ts";

Deno.test("the scanner finds a variable in each read style, templates expanded for the four services", () => {
  const reads = envReads(`
    const a = Deno.env.get("A_GET") ?? "x";
    const b = env.B_DOT;
    const c = process.env.C_PROCESS;
    const d = env["D_INDEX"] || 1;
    const e = envString("E_STRING", "x", env);
    const f = envInt("F_INT", 1, { min: 0 }, env);
    const g = envBool("G_BOOL", false, env);
    const h = envDuration("H_DURATION", "3s", env);
    const i = isSet(env, "I_ISSET");
    const j = env[\`\${service.toUpperCase()}_J_TEMPLATE\`];
    const k = envString(\`\${service.toUpperCase()}_K_TEMPLATE\`, "", env);
    envString(name, "v"); env.lowercase; cfg.NOT_ENV;
  `);
  const services = (suffix: string) =>
    ["ORDERS", "STOCK", "PAYMENTS", "KITCHEN"].map((s) => `${s}_${suffix}`);
  assert.deepEqual(
    [...reads].sort(),
    [
      "A_GET",
      "B_DOT",
      "C_PROCESS",
      "D_INDEX",
      "E_STRING",
      "F_INT",
      "G_BOOL",
      "H_DURATION",
      "I_ISSET",
      ...services("J_TEMPLATE"),
      ...services("K_TEMPLATE"),
    ].sort(),
  );
});

Deno.test("the scanner ignores examples in comments", () => {
  assert.deepEqual(
    [...envReads(`/** e.g. Deno.env.get("IN_DOC") */\n  // env.IN_LINE_COMMENT\nconst x = env.REAL;`)],
    ["REAL"],
  );
});

Deno.test("test code is left out of the scan: tests, testing helpers and testing folders", () => {
  for (const path of ["web/config_test.ts", "web/testing.ts", "services/orders/indexes_testing.ts"]) {
    assert.ok(isTestCode(path), path);
  }
  assert.ok(isTestCode("services/payments/testing/stripe_stand_in.ts"));
  assert.ok(!isTestCode("services/common/config.ts"));
  assert.ok(!isTestCode("scripts/dev.ts"));
});
