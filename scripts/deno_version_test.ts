import assert from "node:assert/strict";
import { PINNED_DENO, versionWarning } from "./deno_version.ts";

Deno.test("the pinned Deno version matches .ci/run and only another version is warned about", async () => {
  const ci = await Deno.readTextFile(new URL("../.ci/run", import.meta.url));
  assert.match(ci, new RegExp(`DENO_VERSION=${PINNED_DENO.replaceAll(".", "\\.")}\\b`));
  assert.equal(versionWarning(PINNED_DENO), undefined);
  assert.match(versionWarning("2.0.0") ?? "", /pinned to Deno 2\.9\.6 but this is Deno 2\.0\.0/);
});
