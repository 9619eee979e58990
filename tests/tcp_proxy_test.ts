import assert from "node:assert/strict";
import { startTcpProxy } from "./tcp_proxy.ts";

/** An echo server; resolves its port. */
function echo(): { port: number; close(): void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const c of l) c.readable.pipeTo(c.writable).catch(() => {});
  })().catch(() => {});
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

async function roundTrip(port: number, text: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(text));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return n === null ? "<closed>" : new TextDecoder().decode(buf.subarray(0, n));
  } finally {
    try {
      conn.close();
    } catch {
      // closed by the proxy
    }
  }
}

Deno.test("the proxy forwards, drops open connections and refuses new ones while cut, then forwards again", async () => {
  const server = echo();
  const proxy = startTcpProxy({ hostname: "127.0.0.1", port: server.port });
  try {
    assert.equal(await roundTrip(proxy.port, "one"), "one");
    const held = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
    await held.write(new TextEncoder().encode("x"));
    await held.read(new Uint8Array(8));
    proxy.cut();
    assert.equal(await held.read(new Uint8Array(8)), null, "an open connection is dropped");
    held.close();
    assert.equal(await roundTrip(proxy.port, "two"), "<closed>", "a new one is closed at once");
    proxy.restore();
    assert.equal(await roundTrip(proxy.port, "three"), "three");
  } finally {
    await proxy.close();
    server.close();
  }
});
