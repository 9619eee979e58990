import assert from "node:assert/strict";
import { hasMutableHeaders } from "./mutable_headers.ts";

Deno.test("an answer made with new Response has headers that can change; a redirect's and an error's cannot", () => {
  const made = new Response("<p>hi</p>", { headers: { "content-type": "text/html" } });
  assert.equal(hasMutableHeaders(made), true);
  assert.deepEqual([...made.headers], [["content-type", "text/html"]], "the probe leaves nothing behind");
  assert.equal(hasMutableHeaders(Response.redirect("http://example.test/", 303)), false);
  assert.equal(hasMutableHeaders(Response.error()), false);
});
