import assert from "node:assert/strict";
import { mismatches, parseExpectation, readmeSteps, valuesOf } from "./readme_examples.ts";

const block = (lines: string[]) =>
  ["# Title", "", "<!-- api-examples: run by a test -->", "```sh", ...lines, "```", "<!-- /api-examples -->"]
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
  assert.deepEqual(steps.map((s) => [s.kind, s.line]), [["curl", 6], ["curl", 9], ["assign", 13]]);
  const [products, customers, assign] = steps;
  assert.equal(products?.kind === "curl" && products.command, "curl localhost:8080/api/products");
  assert.equal(
    customers?.kind === "curl" && customers.command,
    "curl -X POST localhost:8080/api/customers -H 'x: y'",
  );
  assert.deepEqual(customers?.kind === "curl" && customers.expect.keys, ["customerId", "token"]);
  assert.deepEqual(assign?.kind === "assign" && assign.vars, [["C", "customerId"], ["T", "token"]]);
});

Deno.test("parseExpectation: status, keys, and the string values without '...'", () => {
  const e = parseExpectation(
    ' 422 {"error": {"code": "unknown_item", "field": "items[0].id", "message": "Unknown item \\"123\\". See"}}',
  );
  assert.equal(e.status, 422);
  assert.equal(e.json, true);
  assert.deepEqual(e.keys, ["error", "code", "field", "message"]);
  assert.deepEqual(e.values, [["code", "unknown_item"], ["field", "items[0].id"], [
    "message",
    'Unknown item "123". See',
  ]]);
  const loose = parseExpectation(' 201 {"id": "...", "number": 1001, "pickupAt": null}');
  assert.deepEqual([loose.keys, loose.values], [["id", "number", "pickupAt"], []]);
  assert.throws(() => parseExpectation(" ok"), /Expected "<status> <JSON sketch>"/);
});

Deno.test("readmeSteps refuses what a newcomer could not paste, naming the line", () => {
  assert.throws(() => readmeSteps("no block"), /no <!-- api-examples --> block/);
  assert.throws(() => readmeSteps(block(["curl x", "curl y", "# → 200 {}"])), /line 5: curl command without/);
  assert.throws(() => readmeSteps(block(["curl x"])), /line 5: curl command without/);
  assert.throws(() => readmeSteps(block(["# → 200 {}"])), /line 5: "# →" without a curl/);
  assert.throws(() => readmeSteps(block(["POST /api/webhooks/stripe"])), /line 5: neither a curl/);
  assert.throws(() => readmeSteps(block(["C=c-123"])), /line 5: neither/);
});

Deno.test("mismatches checks status, JSON, keys at any depth and promised values", () => {
  const e = parseExpectation(' 201 {"id": "...", "status": "waiting_payment", "details": {"name": "Ada"}}');
  const good = { id: "o1", status: "waiting_payment", details: { name: "Ada", phone: "1" } };
  assert.deepEqual(mismatches(e, 201, good), []);
  assert.deepEqual(mismatches(e, 202, good), ["status 202, expected 201"]);
  assert.deepEqual(mismatches(e, 201, { ...good, details: null }), ['no "name" in the answer']);
  assert.deepEqual(mismatches(e, 201, { ...good, status: "pending" }), [
    '"status" is "pending", expected "waiting_payment"',
  ]);
  assert.deepEqual(mismatches(e, 201, "<html>").slice(0, 1), ["the answer is not JSON"]);
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
