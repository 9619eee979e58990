import assert from "node:assert/strict";
import { ConfigError } from "../config.ts";
import { flagsConfig } from "./config.ts";

Deno.test("flagsConfig: nothing set is no source, a file path is the file, FLAGD_HOST wins over the file", () => {
  assert.deepEqual(flagsConfig({}), { source: "none" });
  assert.deepEqual(flagsConfig({ OMS_FLAGS_FILE: "/d/flags.json" }), {
    source: "file",
    path: "/d/flags.json",
  });
  assert.deepEqual(flagsConfig({ OMS_FLAGS_FILE: "/d/flags.json", FLAGD_HOST: "flagd" }), {
    source: "flagd",
    host: "flagd",
    port: 8013,
  });
  assert.deepEqual(flagsConfig({ FLAGD_HOST: "flagd", FLAGD_PORT: "9013" }), {
    source: "flagd",
    host: "flagd",
    port: 9013,
  });
});

Deno.test("flagsConfig refuses a port that is not one, naming FLAGD_PORT", () => {
  assert.throws(() => flagsConfig({ FLAGD_HOST: "flagd", FLAGD_PORT: "80x" }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.variable, "FLAGD_PORT");
    return true;
  });
});
