import assert from "node:assert/strict";
import { ConfigError } from "../config.ts";
import { envVar, parseEnv, perService, processEnv } from "./schema.ts";
import { bool, int, text } from "./types.ts";

const P = processEnv("orders", {
  A_PORT: envVar({ type: int(1, 10), default: "5", doc: "a" }),
  A_FLAG: envVar({ type: bool(), default: "false", doc: "b" }),
  A_KEY: envVar({ type: text(), required: true, secret: true, doc: "c" }),
  A_NAME: envVar({ type: text(), doc: "d" }),
  ...perService("A_PATH", () => envVar({ type: text(), doc: "e" })),
}, [
  (v) =>
    v.A_PORT === 7 ? { variable: "A_PORT", message: "A_PORT may not be 7 when it is Tuesday" } : undefined,
]);

Deno.test("parseEnv gives typed values with defaults for unset and empty variables", () => {
  const v = parseEnv(P, { A_KEY: "k", A_FLAG: "", A_NAME: "x", STOCK_A_PATH: "/s" });
  assert.deepEqual(v, { A_PORT: 5, A_FLAG: false, A_KEY: "k", A_NAME: "x", STOCK_A_PATH: "/s" });
});

Deno.test("parseEnv lists every problem at once, naming each variable, showing values except secrets", () => {
  assert.throws(() => parseEnv(P, { A_PORT: "11", A_FLAG: "maybe", A_KEY: "" }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems.map((p) => p.variable), ["A_PORT", "A_FLAG", "A_KEY"]);
    assert.equal(err.variable, "A_PORT");
    assert.match(err.message, /^3 problems in the environment:\n/);
    assert.match(err.message, /- A_PORT must be an integer from 1 to 10, got "11"/);
    assert.match(err.message, /- A_FLAG must be true or false, got "maybe"/);
    assert.match(err.message, /- A_KEY is not set/);
    return true;
  });
});

Deno.test("a secret's value never appears in a problem; a URL's password is masked", () => {
  const S = processEnv("web", {
    S_TOKEN: envVar({ type: int(1, 2), secret: true, doc: "s" }),
    S_URL: envVar({ type: int(1, 2), doc: "u" }),
  });
  assert.throws(() => parseEnv(S, { S_TOKEN: "hunter2", S_URL: "amqp://u:pw@h" }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.ok(!err.message.includes("hunter2"), err.message);
    assert.ok(!err.message.includes("pw@"), err.message);
    assert.match(err.message, /S_URL must be an integer from 1 to 2, got "amqp:\/\/u:\*\*\*@h"/);
    return true;
  });
});

Deno.test("rules across variables run after each variable's own check, and add their problems", () => {
  assert.throws(() => parseEnv(P, { A_PORT: "7", A_KEY: "k" }), /A_PORT may not be 7 when it is Tuesday/);
  assert.throws(() => parseEnv(P, { A_PORT: "7" }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems.map((p) => p.variable), ["A_KEY", "A_PORT"]);
    return true;
  });
});
