import assert from "node:assert/strict";
import { parseListeners, portHolder, portProblems } from "./ports.ts";

Deno.test("ss -Hltnp output: every listener's port and the processes holding it", () => {
  const output = [
    'LISTEN 0      128    127.0.0.1:5672 0.0.0.0:* users:(("beam.smp",pid=2946,fd=35))   ',
    'LISTEN 0      511        [::1]:6379     [::]:* users:(("redis-server",pid=2217,fd=7))',
    'LISTEN 0      4096         *:8080         *:* users:(("deno",pid=10,fd=12),("deno",pid=11,fd=12))',
    "LISTEN 0      128      0.0.0.0:2024  0.0.0.0:*",
    "",
  ].join("\n");
  assert.deepEqual(parseListeners(output), [
    { port: 5672, processes: [{ name: "beam.smp", pid: 2946 }] },
    { port: 6379, processes: [{ name: "redis-server", pid: 2217 }] },
    { port: 8080, processes: [{ name: "deno", pid: 10 }, { name: "deno", pid: 11 }] },
    { port: 2024, processes: [] },
  ]);
});

Deno.test("a taken port is named with the variable that chose it and what holds it; free ports pass", async () => {
  const held = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (held.addr as Deno.NetAddr).port;
  const free = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const freePort = (free.addr as Deno.NetAddr).port;
  free.close();
  try {
    const problems = await portProblems([
      { variable: "WEB_PORT", host: "127.0.0.1", port },
      { variable: "ORDERS_GRPC_PORT", host: "127.0.0.1", port: freePort },
    ]);
    assert.equal(problems.length, 1, problems.join("\n"));
    const problem = problems[0]!;
    assert.match(problem, new RegExp(`^port ${port} \\(WEB_PORT\\) is already in use by `));
    // this test process holds it: ss names it, with its pid and command line
    assert.match(problem, new RegExp(`deno \\(pid ${Deno.pid}: .*deno`), problem);
    assert.match(await portHolder(port), new RegExp(`pid ${Deno.pid}`));
  } finally {
    held.close();
  }
});

Deno.test("the same port for two processes is named before anything starts", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const problems = await portProblems(
    [
      { variable: "ORDERS_GRPC_PORT", host: "127.0.0.1", port },
      { variable: "WEB_PORT", host: "127.0.0.1", port },
    ],
    () => Promise.resolve("nobody"),
  );
  assert.deepEqual(problems, [
    `ORDERS_GRPC_PORT and WEB_PORT are both ${port}: every process needs a port of its own`,
  ]);
});
