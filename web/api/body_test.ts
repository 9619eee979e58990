import assert from "node:assert/strict";
import { ApiError } from "./errors.ts";
import { isJsonContentType, readBodyBytes, readJsonBody } from "./body.ts";

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

Deno.test("readJsonBody: missing 400, wrong type 415, not UTF-8 400, not JSON 400", async () => {
  const post = (body: BodyInit | null, type = "application/json") =>
    new Request("http://x/", { method: "POST", headers: { "content-type": type }, body });
  await rejects(readJsonBody(post(null), 100), 400, /missing/);
  await rejects(readJsonBody(post("{}", "text/plain"), 100), 415, /got "text\/plain"/);
  await rejects(readJsonBody(post(new Uint8Array([0x7b, 0xff, 0x7d])), 100), 400, /not valid UTF-8/);
  await rejects(readJsonBody(post("{'a':1}"), 100), 400, /not valid JSON/);
  assert.deepEqual(await readJsonBody(post('\ufeff{"a":1}'), 100), { a: 1 });
});
