import assert from "node:assert/strict";
import { jaegerTraceUrl } from "./jaeger.ts";

const ID = "0af7651916cd43dd8448eb211c80319c";

Deno.test("jaegerTraceUrl links a trace id to Jaeger's trace page under JAEGER_UI_URL", () => {
  assert.equal(jaegerTraceUrl(ID, "http://localhost:16686"), `http://localhost:16686/trace/${ID}`);
  assert.equal(jaegerTraceUrl(ID, "https://jaeger.example/ui/"), `https://jaeger.example/ui/trace/${ID}`);
});

Deno.test("jaegerTraceUrl gives no link without JAEGER_UI_URL, with a non-http one, or for a bad trace id", () => {
  assert.equal(jaegerTraceUrl(ID, undefined), undefined);
  assert.equal(jaegerTraceUrl(ID, ""), undefined);
  assert.equal(jaegerTraceUrl(ID, "javascript:alert(1)"), undefined);
  for (const bad of [undefined, "", "0".repeat(32), ID.toUpperCase(), `${ID}0`, "not-a-trace"]) {
    assert.equal(jaegerTraceUrl(bad, "http://localhost:16686"), undefined, String(bad));
  }
});
