import assert from "node:assert/strict";
import { processArgs } from "./launcher.ts";

Deno.test("extra deno flags go after run -A and before the process's entry point", () => {
  assert.deepEqual(processArgs("orders"), ["run", "-A", "services/orders/main.ts"]);
  assert.deepEqual(processArgs("web", ["--inspect=127.0.0.1:9229"]), [
    "run",
    "-A",
    "--inspect=127.0.0.1:9229",
    "web/main.ts",
  ]);
});
