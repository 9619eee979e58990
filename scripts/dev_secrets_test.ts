import assert from "node:assert/strict";
import { devSecrets } from "./dev_secrets.ts";

Deno.test("dev secrets are made once, kept across calls, and keys others added survive", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dev-secrets-" });
  const path = `${dir}/data/dev-secrets.json`;
  try {
    let made = 0;
    const first = await devSecrets(path, { a: () => `a${++made}` });
    assert.equal(first.a, "a1");
    await Deno.writeTextFile(path, JSON.stringify({ ...first, other: "theirs" }));
    const second = await devSecrets(path, { a: () => `a${++made}`, b: () => "b" });
    assert.equal(second.a, "a1", "an existing secret is reused");
    assert.equal(second.b, "b");
    assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { a: "a1", other: "theirs", b: "b" });
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
