import assert from "node:assert/strict";
import { isRuntimeAbort, isRuntimeCrash } from "./runtime_abort.ts";

const LINE = "deno: nghttp2/lib/nghttp2_session.c:2402: int find_stream_on_goaway_func(void *, void *): " +
  "Assertion `stream->closed_next == NULL' failed.";

Deno.test("only the nghttp2 abort of the runtime is recognised, never an ordinary test failure", () => {
  assert.equal(isRuntimeAbort(`ok\n${LINE}\n`, { code: 134, signal: null }), true);
  assert.equal(isRuntimeAbort(LINE, { code: 1, signal: "SIGABRT" }), true);
  assert.equal(isRuntimeAbort("FAILED | 3 passed | 1 failed", { code: 1, signal: null }), false);
  assert.equal(isRuntimeAbort(LINE, { code: 1, signal: null }), false, "exit code of a failed test run");
  assert.equal(isRuntimeAbort("Segmentation fault", { code: 139, signal: null }), false);
});

Deno.test("a runtime crash is a death by SIGSEGV or SIGABRT, never the exit code of failed tests", () => {
  assert.equal(isRuntimeCrash({ code: 139, signal: null }), true);
  assert.equal(isRuntimeCrash({ code: 0, signal: "SIGSEGV" }), true);
  assert.equal(isRuntimeCrash({ code: 134, signal: null }), true);
  assert.equal(isRuntimeCrash({ code: 1, signal: null }), false, "failed tests");
  assert.equal(isRuntimeCrash({ code: 0, signal: null }), false);
});
