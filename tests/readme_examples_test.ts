import assert from "node:assert/strict";
import {
  mismatches,
  parseExpectation,
  readmeSteps,
  sketchJson,
  sketchMismatches,
  valuesOf,
} from "./readme_examples.ts";

const block = (lines: string[]) =>
  [
    "# Title",
    "",
    "<!-- api-examples: run by a test -->",
    "",
    "```sh",
    ...lines,
    "```",
    "",
    "<!-- /api-examples -->",
  ]
    .join("\n");

Deno.test("readmeSteps reads commands (with continued lines), their answers and assignments, in order", () => {
  const steps = readmeSteps(block([
    "# a comment",
    "curl localhost:8080/api/products",
    '# → 200 {"products": [{"id": "1", "name": "Margherita", ...}]}',
    "",
    "curl -X POST localhost:8080/api/customers \\",
    "     -H 'x: y'",
    '# → 201 {"customerId": "c-Hk3...",',
    '#         "token": "eyJ..."}',
    "C=<customerId>; T=<token>   # from the answer",
  ]));
  assert.deepEqual(steps.map((s) => [s.kind, s.line]), [["curl", 7], ["curl", 10], ["assign", 14]]);
  const [products, customers, assign] = steps;
  assert.equal(products?.kind === "curl" && products.command, "curl localhost:8080/api/products");
  assert.equal(
    customers?.kind === "curl" && customers.command,
    "curl -X POST localhost:8080/api/customers -H 'x: y'",
  );
  assert.deepEqual(customers?.kind === "curl" && customers.expect.sketch, {
    customerId: "c-Hk3...",
    token: "eyJ...",
  });
  assert.deepEqual(assign?.kind === "assign" && assign.vars, [["C", "customerId"], ["T", "token"]]);
});

Deno.test("parseExpectation reads the status and the sketch, '...' left out (kept inside strings)", () => {
  const e = parseExpectation(
    ' 422 {"error": {"code": "unknown_item", "message": "Unknown item \\"123\\". See ..."}}',
  );
  assert.equal(e.status, 422);
  assert.deepEqual(e.sketch, { error: { code: "unknown_item", message: 'Unknown item "123". See ...' } });
  assert.deepEqual(parseExpectation(' 200 {"orders": [...], "next": "", ...}').sketch, {
    orders: [],
    next: "",
  });
  assert.deepEqual(parseExpectation(" 200 {...}").sketch, {});
  assert.deepEqual(parseExpectation(' 201 {..., "a": 1, ..., "b": [1, ...]}').sketch, { a: 1, b: [1] });
  assert.equal(parseExpectation(" 204").sketch, undefined);
  assert.deepEqual(JSON.parse(sketchJson('{"a": "x, ...", ...}')), { a: "x, ..." });
  assert.throws(() => parseExpectation(" ok"), /Expected "<status> <JSON sketch>"/);
  assert.throws(() => parseExpectation(" 200 {a: 1}"), /is not JSON with/);
});

Deno.test("readmeSteps refuses what a newcomer could not paste, naming the line", () => {
  assert.throws(() => readmeSteps("no block"), /no <!-- api-examples --> block/);
  assert.throws(() => readmeSteps(block(["curl x", "curl y", "# → 200 {}"])), /line 6: curl command without/);
  assert.throws(() => readmeSteps(block(["curl x"])), /line 6: curl command without/);
  assert.throws(() => readmeSteps(block(["# → 200 {}"])), /line 6: "# →" without a curl/);
  assert.throws(() => readmeSteps(block(["POST /api/webhooks/stripe"])), /line 6: neither a curl/);
  assert.throws(() => readmeSteps(block(["C=c-123"])), /line 6: neither/);
});

Deno.test("mismatches checks the status and the sketch, key by key at the sketch's own paths", () => {
  const e = parseExpectation(
    ' 201 {"id": "...", "number": 1001, "status": "waiting_payment", "items": [{"id": "1"}], "details": {"name": "Ada", "pickupAt": null}}',
  );
  const good = {
    id: "o1",
    number: 7,
    status: "waiting_payment",
    items: [{ id: "3", name: "Diavola" }, { id: "1", name: "Margherita" }],
    details: { name: "Ada", phone: "1", pickupAt: null },
  };
  assert.deepEqual(mismatches(e, 201, good), []);
  assert.deepEqual(mismatches(e, 202, good), ["status 202, expected 201"]);
  assert.deepEqual(mismatches(e, 201, { ...good, details: null }), ["$.details is null, expected a object"]);
  assert.deepEqual(mismatches(e, 201, { ...good, status: "pending" }), [
    '$.status is "pending", expected "waiting_payment"',
  ]);
  const { number: _, ...unnumbered } = good;
  assert.deepEqual(mismatches(e, 201, unnumbered), ['$ has no "number"']);
  assert.deepEqual(mismatches(e, 201, { ...good, items: [{ id: "3" }] }), [
    '$.items has no element like {"id":"1"} (sketch element 0)',
  ]);
  assert.deepEqual(mismatches(e, 201, "<html>"), ['$ is "<html>", expected a object']);
  assert.deepEqual(sketchMismatches({ a: "x..." }, { a: 1 }), ["$.a is 1, expected a string"]);
  assert.deepEqual(sketchMismatches({ a: 1 }, {}), ['$ has no "a"']);
  assert.deepEqual(valuesOf({ a: [{ b: 1 }, { b: 2, c: { b: 3 } }] }, "b"), [1, 2, 3]);
});

Deno.test("README's own api-examples block parses: every curl has an answer to check", async () => {
  const steps = readmeSteps(await Deno.readTextFile(new URL("../README.md", import.meta.url)));
  const curls = steps.filter((s) => s.kind === "curl");
  assert.ok(curls.length >= 10, `only ${curls.length} curl examples`);
  assert.ok(
    curls.some((s) =>
      s.command === `curl -X POST localhost:8080/api/customers/2/orders -d '{"ID": 1, "Quantity": 2}'`
    ),
  );
});
