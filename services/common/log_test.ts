import assert from "node:assert/strict";
import { createLogger, flushLogs, redirectLogLines } from "./log.ts";
import { LOG_FLUSH_MS } from "./log_writer.ts";

/** Replaces `Deno.stderr.writeSync` with a recorder (still writing nothing) until `restore()`. */
function spyStderr() {
  const stderr = Deno.stderr as unknown as { writeSync: (b: Uint8Array) => number };
  const original = stderr.writeSync;
  const writes: string[] = [];
  stderr.writeSync = (bytes: Uint8Array) => {
    writes.push(new TextDecoder().decode(bytes));
    return bytes.length;
  };
  return { writes, restore: () => void (stderr.writeSync = original) };
}

type Line = Record<string, string>;
const parse = (l: string) => JSON.parse(l) as Line;
const tick = () => new Promise((r) => setTimeout(r, 0));
const flushWindow = () => new Promise((r) => setTimeout(r, LOG_FLUSH_MS + 5));

Deno.test("lines logged within the flush window are written together, in order, as JSON lines, when it ends", async () => {
  flushLogs();
  const spy = spyStderr();
  try {
    const log = createLogger("unit", "info");
    log.info("one", { n: 1 });
    log.warn("two", { err: new Error("boom") });
    log.debug("not at info level");
    assert.equal(spy.writes.length, 0, "nothing is written while the turn runs");
    await tick();
    log.info("three");
    assert.equal(spy.writes.length, 0, "nor on the next turn: the window is still open");
    await flushWindow();
    assert.equal(spy.writes.length, 1, "one write for the window");
    const lines = spy.writes[0]!.split("\n");
    assert.equal(lines.pop(), "", "the write ends with a newline");
    const parsed = lines.map(parse);
    assert.deepEqual(parsed.map((l) => `${l.level} ${l.service} ${l.msg}`), [
      "info unit one",
      "warn unit two",
      "info unit three",
    ]);
    assert.equal(parsed[0]!.n, 1);
    assert.match(parsed[1]!.err!, /boom/, "an Error field is logged as its stack");
    assert.ok(!Number.isNaN(Date.parse(parsed[0]!.time!)));
  } finally {
    spy.restore();
  }
});

Deno.test("an error line is written at once, after the lines queued before it", () => {
  flushLogs();
  const spy = spyStderr();
  try {
    const log = createLogger("unit", "info");
    log.info("before");
    log.error("failed");
    assert.equal(spy.writes.length, 1);
    assert.deepEqual(spy.writes[0]!.trim().split("\n").map((l) => parse(l).msg), ["before", "failed"]);
    flushLogs();
    assert.equal(spy.writes.length, 1, "nothing was left queued");
  } finally {
    spy.restore();
  }
});

Deno.test("redirectLogLines hands each line to the sink as it is logged, until restored", async () => {
  flushLogs();
  const spy = spyStderr();
  const lines: string[] = [];
  try {
    const log = createLogger("unit", "info");
    const restore = redirectLogLines((line) => lines.push(line));
    log.info("captured");
    restore();
    log.info("to stderr");
    await flushWindow();
    assert.deepEqual(lines.map((l) => parse(l).msg), ["captured"]);
    assert.deepEqual(spy.writes.join("").trim().split("\n").map((l) => parse(l).msg), ["to stderr"]);
  } finally {
    spy.restore();
  }
});

for (const end of ["exit", "end"]) {
  Deno.test(`queued lines reach stderr when the process ends (${end === "exit" ? "Deno.exit" : "naturally"})`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", new URL("./testdata/log_then_exit.ts", import.meta.url).pathname, end],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(out.code, end === "exit" ? 3 : 0);
    const msgs = new TextDecoder().decode(out.stderr).trim().split("\n").map((l) => parse(l).msg);
    assert.deepEqual(msgs, ["first", "second"]);
  });
}
