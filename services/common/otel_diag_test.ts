import assert from "node:assert/strict";
import { DIAG_EVERY_MS, throttledDiag } from "./otel_diag.ts";
import type { Logger } from "./log.ts";

Deno.test("SDK warnings and errors are logged once a minute per message; info and debug never", () => {
  const lines: [string, Record<string, unknown> | undefined][] = [];
  const log = { warn: (m: string, f?: Record<string, unknown>) => lines.push([m, f]) } as unknown as Logger;
  let t = 1_000;
  const diag = throttledDiag(log, () => t);
  diag.error("export failed", new Error("ECONNREFUSED"));
  diag.warn("export failed", "again");
  diag.info("started");
  diag.debug("noise");
  diag.warn("another problem");
  assert.deepEqual(lines, [
    ["otel: export failed", { detail: "ECONNREFUSED" }],
    ["otel: another problem", {}],
  ]);
  t += DIAG_EVERY_MS;
  diag.warn("export failed", "later");
  assert.deepEqual(lines.at(-1), ["otel: export failed", { detail: "later" }]);
});
