import assert from "node:assert/strict";
import { connectionCloser, type ConnectionGuard, guardConnections, serveEnv } from "./connection_guard.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Reads until EOF: the text, or null when the connection was reset. A connection still open after
 * 10 s (a failure, not a timing target: it keeps a broken guard from hanging the test) gives "open".
 */
async function readToEnd(conn: Deno.Conn): Promise<string | null> {
  const buf = new Uint8Array(4096);
  let text = "";
  let stillOpen = false;
  const timer = setTimeout(() => {
    stillOpen = true;
    conn.close();
  }, 10_000);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) return text;
      text += dec.decode(buf.subarray(0, n));
    }
  } catch {
    return stillOpen ? "open" : null;
  } finally {
    clearTimeout(timer);
  }
}

/** A raw backend that echoes each connection and closes it when the client's side ends. */
function echoBackend(): Deno.TcpListener {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of l) {
      (async () => {
        await conn.readable.pipeTo(conn.writable).catch(() => {});
      })();
    }
  })().catch(() => {});
  return l;
}

async function connect(guard: ConnectionGuard): Promise<Deno.TcpConn> {
  return await Deno.connect({ hostname: "127.0.0.1", port: guard.addr.port });
}

Deno.test("bytes pass both ways unchanged; the client's half-close reaches the server, the server's close the client", async () => {
  const backend = echoBackend();
  const guard = guardConnections({ hostname: "127.0.0.1", port: 0, backend: backend.addr });
  try {
    const conn = await connect(guard);
    const payload = "x".repeat(100_000) + "end";
    await conn.write(enc.encode(payload));
    await conn.closeWrite();
    assert.equal(await readToEnd(conn), payload, "everything echoed, then EOF once the backend closed");
    conn.close();
  } finally {
    guard.close();
    guard.abortAll();
    backend.close();
  }
});

Deno.test("connectionOf maps Deno.serve's peer to the client; end() closes the connection after the answer", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req, info) => {
    const env = serveEnv(guard, info);
    const addr = env.remoteAddr as Deno.NetAddr;
    seen.push(`${addr.hostname}:${addr.port}`);
    // answer without reading the body, then end the connection once the answer is out
    req.body?.cancel();
    connectionCloser(env)!();
    return new Response("answered", { headers: { Connection: "close" } });
  });
  const guard = guardConnections({ hostname: "127.0.0.1", port: 0, backend: server.addr });
  try {
    const conn = await connect(guard);
    // headers and 10 of 1000 body bytes, then nothing more
    await conn.write(enc.encode("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n0123456789"));
    const text = await readToEnd(conn);
    assert.match(text ?? "", /^HTTP\/1\.1 200 [^]*\r\n\r\nanswered$/, "the answer, then EOF");
    assert.deepEqual(seen, [`127.0.0.1:${conn.localAddr.port}`], "the client's own address");
    conn.close();
    assert.equal(guard.size, 0);
  } finally {
    guard.close();
    await server.shutdown();
  }
});

Deno.test("a request that did not come through the guard keeps Deno.serve's peer and has no closer", () => {
  const backend = echoBackend();
  const guard = guardConnections({ hostname: "127.0.0.1", port: 0, backend: backend.addr });
  try {
    const remoteAddr: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };
    const info = { remoteAddr, completed: Promise.resolve() } as Deno.ServeHandlerInfo<Deno.NetAddr>;
    const env = serveEnv(guard, info);
    assert.deepEqual(env, { remoteAddr });
    assert.equal(connectionCloser(env), undefined);
    assert.equal(connectionCloser(undefined), undefined);
  } finally {
    guard.close();
    backend.close();
  }
});

Deno.test("abortAll() closes open connections; close() stops accepting", async () => {
  const backend = echoBackend();
  const guard = guardConnections({ hostname: "127.0.0.1", port: 0, backend: backend.addr });
  try {
    const conns = await Promise.all([connect(guard), connect(guard), connect(guard)]);
    // a round trip on each, so the guard has set each one up
    for (const c of conns) {
      await c.write(enc.encode("ping"));
      const buf = new Uint8Array(4);
      assert.equal(await c.read(buf), 4);
    }
    assert.equal(guard.size, 3);
    guard.close();
    guard.abortAll();
    assert.equal(guard.size, 0);
    for (const c of conns) {
      const rest = await readToEnd(c);
      assert.ok(rest === "" || rest === null, "EOF or reset, nothing more");
      c.close();
    }
    await assert.rejects(connect(guard));
  } finally {
    guard.close();
    backend.close();
  }
});
