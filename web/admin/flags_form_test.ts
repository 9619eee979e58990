import assert from "node:assert/strict";
import { doneText, parseFlagsAction, showValue } from "./flags_form.ts";

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

Deno.test("parseFlagsAction reads a rate, milliseconds, on/off and all-off, and names what is wrong", () => {
  assert.deepEqual(parseFlagsAction(form({ action: "set", flag: "paymentDeclineRate", value: "0.25" })), {
    kind: "set",
    flag: "paymentDeclineRate",
    value: 0.25,
  });
  assert.deepEqual(parseFlagsAction(form({ action: "set", flag: "stockSlowMs", value: "300" })), {
    kind: "set",
    flag: "stockSlowMs",
    value: 300,
  });
  assert.deepEqual(parseFlagsAction(form({ action: "set", flag: "stockUnavailable", value: "on" })), {
    kind: "set",
    flag: "stockUnavailable",
    value: true,
  });
  const off = parseFlagsAction(form({ action: "all-off" }));
  assert.ok(typeof off === "object" && off.kind === "all-off" && off.values.stockUnavailable === false);
  assert.match(
    String(parseFlagsAction(form({ action: "set", flag: "paymentDeclineRate", value: "2" }))),
    /share from 0 to 1/,
  );
  assert.match(
    String(parseFlagsAction(form({ action: "set", flag: "stockSlowMs", value: "1.5" }))),
    /whole milliseconds/,
  );
  assert.match(
    String(parseFlagsAction(form({ action: "set", flag: "stockSlowMs", value: "" }))),
    /whole milliseconds/,
  );
  assert.match(
    String(parseFlagsAction(form({ action: "set", flag: "stockUnavailable", value: "yes" }))),
    /on or off/,
  );
  assert.match(
    String(parseFlagsAction(form({ action: "set", flag: "nope", value: "1" }))),
    /Unknown flag "nope"/,
  );
  assert.match(String(parseFlagsAction(form({ action: "drop" }))), /Unknown action "drop"/);
});

Deno.test("showValue and doneText say values the way people read them", () => {
  assert.equal(showValue("paymentDeclineRate", 0.25), "25%");
  assert.equal(showValue("paymentDeclineRate", 0), "off");
  assert.equal(showValue("stockSlowMs", 300), "300 ms");
  assert.equal(showValue("stockUnavailable", true), "on");
  assert.equal(doneText({ kind: "set", flag: "stockSlowMs", value: 0 }), "stockSlowMs is now off.");
});
