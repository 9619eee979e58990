import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { type ClientReadableStream, Metadata } from "@grpc/grpc-js";
import { openStream } from "./stream.ts";

class FakeStream extends EventEmitter {
  cancelled = 0;
  cancel() {
    this.cancelled++;
    this.emit("close");
  }
}

function fakeMethod() {
  const calls: { req: string; metadata: Metadata; stream: FakeStream }[] = [];
  const method = (req: string, metadata: Metadata) => {
    const stream = new FakeStream();
    calls.push({ req, metadata, stream });
    return stream as unknown as ClientReadableStream<string>;
  };
  return { calls, method };
}

const opts = () => {
  const metadata = new Metadata();
  metadata.set("x-test", "1");
  return { metadata, timeoutMs: 5000 };
};

Deno.test("a watch is called with the request and the metadata of the call options", () => {
  const { calls, method } = fakeMethod();
  openStream(method, "req", opts);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.req, "req");
  assert.deepEqual(calls[0]!.metadata.get("x-test"), ["1"]);
});

Deno.test("aborting the signal cancels the stream, once; an already aborted signal cancels at once", () => {
  const { calls, method } = fakeMethod();
  const ac = new AbortController();
  openStream(method, "a", opts, ac.signal);
  assert.equal(calls[0]!.stream.cancelled, 0);
  ac.abort();
  ac.abort();
  assert.equal(calls[0]!.stream.cancelled, 1);

  openStream(method, "b", opts, AbortSignal.abort());
  assert.equal(calls[1]!.stream.cancelled, 1);
});
