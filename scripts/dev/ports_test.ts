import assert from "node:assert/strict";
import { mostTelling, parseListeners, parseSockets, portHolder, portProblems } from "./ports.ts";

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

Deno.test("ss -Htanp output: every socket's state, local port, peer and holders", () => {
  const output = [
    'LISTEN 0      128    127.0.0.1:5672 0.0.0.0:* users:(("beam.smp",pid=2946,fd=35))',
    'ESTAB  0      0      127.0.0.1:50054 127.0.0.1:5672 users:(("deno",pid=10,fd=21))',
    "TIME-WAIT 0   0      127.0.0.1:50062 127.0.0.1:31000",
    "",
  ].join("\n");
  assert.deepEqual(parseSockets(output), [
    { state: "LISTEN", port: 5672, peer: "0.0.0.0:*", processes: [{ name: "beam.smp", pid: 2946 }] },
    { state: "ESTAB", port: 50054, peer: "127.0.0.1:5672", processes: [{ name: "deno", pid: 10 }] },
    { state: "TIME-WAIT", port: 50062, peer: "127.0.0.1:31000", processes: [] },
  ]);
});

Deno.test("of the connections on a port, one a process holds is named first, a live one before TIME-WAIT", () => {
  const waiting = { state: "TIME-WAIT", port: 1, peer: "127.0.0.1:9", processes: [] };
  const unheld = { state: "ESTAB", port: 1, peer: "127.0.0.1:8", processes: [] };
  const held = { state: "ESTAB", port: 1, peer: "127.0.0.1:7", processes: [{ name: "deno", pid: 10 }] };
  const heldWaiting = { ...held, state: "TIME-WAIT" };
  assert.equal(mostTelling([waiting, unheld, held]), held);
  assert.equal(mostTelling([waiting, heldWaiting]), heldWaiting);
  assert.equal(mostTelling([waiting, unheld]), unheld);
  assert.equal(mostTelling([]), undefined);
});

Deno.test("a port taken by an outgoing connection (nobody listens on it) is named as such, with what to do", async () => {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serverPort = (server.addr as Deno.NetAddr).port;
  const accepted = server.accept();
  const client = await Deno.connect({ hostname: "127.0.0.1", port: serverPort });
  const conn = await accepted;
  const port = (client.localAddr as Deno.NetAddr).port; // an ephemeral port, as a connection takes one
  try {
    const problems = await portProblems([{ variable: "KITCHEN_GRPC_PORT", host: "127.0.0.1", port }]);
    assert.equal(problems.length, 1, problems.join("\n"));
    const problem = problems[0]!;
    assert.match(
      problem,
      new RegExp(`^port ${port} \\(KITCHEN_GRPC_PORT\\) is already in use by a connection`),
    );
    assert.match(problem, new RegExp(`ESTAB to 127\\.0\\.0\\.1:${serverPort}`), problem);
    assert.match(problem, new RegExp(`held by deno \\(pid ${Deno.pid}`), problem);
    assert.match(problem, /outgoing connections take their ports from \d+-\d+/, problem);
    assert.match(problem, /try again once it has closed, or choose a port outside that range$/, problem);
  } finally {
    client.close();
    conn.close();
    server.close();
  }
});
