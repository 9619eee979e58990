import assert from "node:assert/strict";
import { untilLineOrEnd } from "./load.ts";

/** A stream whose chunks are pushed by the test. */
function pushed() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => controller = c });
  return {
    stream,
    push: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

const settled = async (p: Promise<void>) =>
  await Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);

Deno.test("--hold-check's wait ends at the first newline, not before", async () => {
  const input = pushed();
  const waiting = untilLineOrEnd(input.stream);
  input.push("go");
  assert.equal(await settled(waiting), false, "no newline yet");
  input.push(" on\nrest");
  assert.equal(await settled(waiting), true);
});

Deno.test("--hold-check's wait ends when stdin ends without a newline", async () => {
  const input = pushed();
  const waiting = untilLineOrEnd(input.stream);
  assert.equal(await settled(waiting), false);
  input.end();
  assert.equal(await settled(waiting), true);
});
