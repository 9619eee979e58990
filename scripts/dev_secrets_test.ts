import assert from "node:assert/strict";
import { devSecret, readDevSecrets, SECRETS_FILE } from "./dev_secrets.ts";

Deno.test("a dev secret is made once, kept across calls, and other keys in the file are kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dev-secrets-" });
  try {
    assert.deepEqual(await readDevSecrets(dir), {});
    await Deno.writeTextFile(`${dir}/${SECRETS_FILE}`, JSON.stringify({ OTHER_PASSWORD: "kept" }));
    let made = 0;
    const make = () => `token-${++made}`;
    assert.equal(await devSecret(dir, "OMS_SERVICE_TOKEN", make), "token-1");
    assert.equal(await devSecret(dir, "OMS_SERVICE_TOKEN", make), "token-1", "the second call reads it back");
    assert.equal(made, 1);
    assert.deepEqual(await readDevSecrets(dir), { OTHER_PASSWORD: "kept", OMS_SERVICE_TOKEN: "token-1" });
    assert.equal((await Deno.stat(`${dir}/${SECRETS_FILE}`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
