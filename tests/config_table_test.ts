/**
 * Configuration as a schema, held to the code and the README: README's configuration table is exactly
 * what the schemas generate (`deno task config:docs`), and every environment variable the code reads
 * (services/, web/, scripts/, test code left out) is declared in a schema.
 */
import assert from "node:assert/strict";
import { allVariables, SCHEMAS } from "../scripts/config/catalogue.ts";
import { START, table, tableProblems } from "../scripts/config/docs.ts";
import { codeReads } from "../scripts/config/env_reads.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const readme = () => Deno.readTextFile(`${ROOT}/README.md`);

Deno.test("README's configuration table agrees with the schemas (run `deno task config:docs` to mend)", async () => {
  assert.deepEqual(tableProblems(await readme(), SCHEMAS), []);
});

Deno.test("the table check fails on a variable missing from README, and on a changed default", async () => {
  const text = await readme();
  const row = text.split("\n").find((l) => l.startsWith("| `STOCK_TIMEOUT_MS`"));
  assert.ok(row, "README has STOCK_TIMEOUT_MS's row");
  assert.deepEqual(tableProblems(text.replace(`${row}\n`, ""), SCHEMAS), ["README lacks `STOCK_TIMEOUT_MS`"]);
  const changed = tableProblems(text.replace(row, row.replace("`5000`", "`6000`")), SCHEMAS);
  assert.equal(changed.length, 1);
  assert.match(changed[0]!, /README's row of `STOCK_TIMEOUT_MS`/);
  assert.ok(table(SCHEMAS).includes("`CONSUL_HTTP_TOKEN`"));
  assert.ok(text.includes(START));
});

/** The variables `root`'s code reads that no schema declares, with the files reading them. */
async function undeclared(root: string): Promise<string[]> {
  const reads = await codeReads(root, ["services", "web", "scripts"]);
  const declared = allVariables();
  return [...reads].filter(([name]) => !declared.has(name))
    .map(([name, files]) => `${name} (read in ${files.join(", ")})`);
}

Deno.test("every environment variable the code reads is declared in a schema", async () => {
  const reads = await codeReads(ROOT, ["services", "web", "scripts"]);
  assert.ok(reads.has("LOG_LEVEL") && reads.has("CONSUL_HTTP_TOKEN"), "the scan sees the code's reads");
  assert.deepEqual(await undeclared(ROOT), [], "declare these in the schema of the process that reads them");
});

Deno.test("the check fails on code reading a variable no schema declares; test code does not count", async () => {
  const root = await Deno.makeTempDir({ prefix: "config-scan-" });
  try {
    for (const dir of ["services/x", "web", "scripts"]) {
      await Deno.mkdir(`${root}/${dir}`, { recursive: true });
    }
    await Deno.writeTextFile(`${root}/services/x/a.ts`, `export const a = Deno.env.get("OMS_NEW_KNOB");`);
    await Deno.writeTextFile(
      `${root}/web/b.ts`,
      `export const b = (env: Record<string, string>) => env.LOG_LEVEL;`,
    );
    await Deno.writeTextFile(`${root}/web/b_test.ts`, `Deno.env.get("ONLY_A_TEST_READS_THIS");`);
    assert.deepEqual(await undeclared(root), ["OMS_NEW_KNOB (read in services/x/a.ts)"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
