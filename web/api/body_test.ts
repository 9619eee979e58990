import assert from "node:assert/strict";
import { ApiError } from "./errors.ts";
import { isJsonContentType, JSON_HEADER_HINT, readBodyBytes, readJsonBody } from "./body.ts";

Deno.test("isJsonContentType accepts application/json with an optional UTF-8 charset only", () => {
  for (
    const ok of [
      "application/json",
      "Application/JSON",
      "application/json; charset=utf-8",
      'application/json;charset="UTF-8"',
    ]
  ) {
    assert.equal(isJsonContentType(ok), true, ok);
  }
  for (
    const bad of [
      null,
      "",
      "text/plain",
      "application/jsonx",
      "application/json; charset=latin1",
      "multipart/form-data",
    ]
  ) {
    assert.equal(isJsonContentType(bad), false, String(bad));
  }
});

async function rejects(p: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, status);
    assert.match(err.message, message);
    return true;
  });
}

Deno.test("readBodyBytes returns the exact bytes and stops at the limit counted on the bytes read", async () => {
  const bytes = new Uint8Array([0, 1, 2, 255, 10, 13]);
  assert.deepEqual(await readBodyBytes(new Request("http://x/", { method: "POST", body: bytes }), 6), bytes);
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(100));
    },
  });
  await rejects(
    readBodyBytes(new Request("http://x/", { method: "POST", body: endless }), 1000),
    413,
    /1000 bytes/,
  );
  assert.ok(pulled <= 12, `read ${pulled} chunks of an endless body`);
});

Deno.test("readJsonBody labelled JSON: missing 400, not UTF-8 400, not JSON 400, a BOM is fine", async () => {
  const post = (body: BodyInit | null, type = "application/json") =>
    new Request("http://x/", { method: "POST", headers: { "content-type": type }, body });
  await rejects(readJsonBody(post(null), 100), 400, /missing/);
  await rejects(readJsonBody(post(new Uint8Array([0x7b, 0xff, 0x7d])), 100), 400, /not valid UTF-8/);
  await rejects(readJsonBody(post("{'a':1}"), 100), 400, /not valid JSON/);
  assert.deepEqual(await readJsonBody(post('\ufeff{"a":1}'), 100), { a: 1 });
});

Deno.test("readJsonBody accepts a JSON body whatever its label, as curl -d sends it", async () => {
  const body = '{"ID": 123, "Quantity": 2}';
  for (
    const type of [
      "application/x-www-form-urlencoded",
      "text/plain",
      "application/json; charset=latin1",
      null,
    ]
  ) {
    const headers: HeadersInit = type === null ? {} : { "content-type": type };
    const req = new Request("http://x/", { method: "POST", headers, body });
    if (type === null) req.headers.delete("content-type"); // a string body gets text/plain by default
    assert.deepEqual(await readJsonBody(req, 100), { ID: 123, Quantity: 2 }, String(type));
  }
});

Deno.test("readJsonBody: a body that is not JSON and not labelled JSON is 415 showing the header to add", async () => {
  const form = new Request("http://x/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "ID=123&Quantity=2",
  });
  await assert.rejects(readJsonBody(form, 100), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 415);
    assert.equal(err.code, "unsupported_media_type");
    assert.equal(err.field, "Content-Type");
    assert.match(err.message, /Content-Type "application\/x-www-form-urlencoded"/);
    assert.ok(err.message.includes(JSON_HEADER_HINT), err.message);
    return true;
  });
  assert.equal(JSON_HEADER_HINT, "-H 'Content-Type: application/json'");
  const bare = new Request("http://x/", { method: "POST", body: new Uint8Array([0x68, 0x69]) });
  await rejects(readJsonBody(bare, 100), 415, /no Content-Type/);
});

Deno.test("readJsonBody checks the size limit before looking at the content", async () => {
  const big = new Request("http://x/", {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: JSON.stringify({ pad: "x".repeat(200) }),
  });
  await rejects(readJsonBody(big, 100), 413, /100 bytes/);
});
