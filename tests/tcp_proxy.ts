/**
 * A TCP proxy for tests that can be cut and restored: a real network outage of whatever is behind it,
 * as the processes connected through it see it, without touching the shared server. Test code only.
 *
 * Cut: every open connection is closed and new ones are accepted and closed at once (the peer sees its
 * connection drop, then every reconnect fail). Restore: new connections reach the target again.
 *
 * @module
 */

/** A running proxy. */
export interface TcpProxy {
  /** The local port to connect to instead of the target's. */
  port: number;
  /** True while cut. */
  readonly isCut: boolean;
  /** Closes every open connection and refuses new ones until {@linkcode restore}. */
  cut(): void;
  /** Lets new connections through again. */
  restore(): void;
  /** Stops listening and closes everything. */
  close(): Promise<void>;
}

/** Starts a proxy on a free 127.0.0.1 port that forwards to `target`. */
export function startTcpProxy(target: { hostname: string; port: number }): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let cut = false;

  const closeQuietly = (c: Deno.Conn) => {
    open.delete(c);
    try {
      c.close();
    } catch {
      // already closed
    }
  };

  async function pipe(client: Deno.Conn): Promise<void> {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect(target);
    } catch {
      closeQuietly(client);
      return;
    }
    if (cut) {
      closeQuietly(client);
      upstream.close();
      return;
    }
    open.add(upstream);
    const both = () => {
      closeQuietly(client);
      closeQuietly(upstream);
    };
    await Promise.allSettled([
      client.readable.pipeTo(upstream.writable, { preventClose: true }),
      upstream.readable.pipeTo(client.writable, { preventClose: true }),
    ].map((p) => p.finally(both)));
  }

  const accepting = (async () => {
    for await (const client of listener) {
      if (cut) {
        client.close();
        continue;
      }
      open.add(client);
      pipe(client).catch(() => closeQuietly(client));
    }
  })().catch(() => {});

  return {
    port: (listener.addr as Deno.NetAddr).port,
    get isCut() {
      return cut;
    },
    cut() {
      cut = true;
      for (const c of [...open]) closeQuietly(c);
    },
    restore() {
      cut = false;
    },
    async close() {
      cut = true;
      listener.close();
      for (const c of [...open]) closeQuietly(c);
      await accepting;
    },
  };
}
