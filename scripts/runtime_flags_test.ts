import assert from "node:assert/strict";
import { processArgs, PROCESSES, type ProgramName, startTask } from "./launcher.ts";
import { ONE_PROCESS_V8_FLAGS, PROCESS_V8_FLAGS, runtimeFlags } from "./runtime_flags.ts";

const PROGRAMS: readonly ProgramName[] = [...PROCESSES, "oms"];
const ROOT = new URL("../", import.meta.url);

Deno.test("the launcher runs web and orders with 16 MB semi-spaces, the light services and start:all's one process with 8 MB, all with the old generation's limit (start:all's tighter)", () => {
  for (const name of ["web", "orders"] as const) {
    const args = processArgs(name);
    assert.deepEqual(args.slice(0, 3), [
      "run",
      "-A",
      "--v8-flags=--max-semi-space-size=16,--heap-growing-percent=100",
    ], name);
  }
  for (const name of ["stock", "payments", "kitchen"] as const) {
    assert.deepEqual(processArgs(name).slice(0, 3), [
      "run",
      "-A",
      "--v8-flags=--max-semi-space-size=8,--heap-growing-percent=100",
    ], name);
  }
  assert.deepEqual(processArgs("oms").slice(0, 3), [
    "run",
    "-A",
    "--v8-flags=--max-semi-space-size=8,--heap-growing-percent=25",
  ], "start:all: its target is memory");
  assert.deepEqual([...PROCESSES].sort(), ["kitchen", "orders", "payments", "stock", "web"]);
  assert.deepEqual(PROCESS_V8_FLAGS, ["--max-semi-space-size=16", "--heap-growing-percent=100"]);
});

Deno.test("deno.json's start tasks (what the Dockerfile and compose.yaml run) are the launcher's command", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    tasks: Record<string, string>;
  };
  for (const name of PROGRAMS) {
    assert.equal(tasks[startTask(name)], `deno ${processArgs(name).join(" ")}`, startTask(name));
  }
});

Deno.test("Deno takes the runtime flags: a process started with them has a smaller young generation", async () => {
  // V8's heap limit is the old generation's plus three semi-spaces (V8 15's default semi-space: 32 MiB)
  const script = `import v8 from "node:v8"; console.log(v8.getHeapStatistics().heap_size_limit);`;
  const limit = async (flags: readonly string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", ...flags, script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return Number(new TextDecoder().decode(out.stdout).trim());
  };
  const semiMb = Number(
    ONE_PROCESS_V8_FLAGS.find((f) => f.startsWith("--max-semi-space-size="))!.split("=")[1],
  );
  const flags = runtimeFlags("oms");
  const [limited, unlimited] = await Promise.all([limit(flags), limit([])]);
  assert.ok(
    unlimited - limited >= 3 * semiMb * 1024 * 1024,
    `heap limit ${limited} B with ${flags.join(" ")}, ${unlimited} B without`,
  );
});
