/**
 * The gateway's TCP front, which owns every client socket so that the app can close one.
 *
 * `Deno.serve` (2.9.6) offers no way to close a connection: while a request body is unfinished it
 * keeps the socket open for good, whatever the handler does (cancelling the body, answering with
 * `Connection: close`, throwing, failing the answer's body, aborting nothing per connection) — so a
 * client that sends headers and part of a body holds a socket forever.
 *
 * So the public port is a plain `Deno.listen`, and each connection is relayed byte for byte to
 * `Deno.serve` on a loopback port. The relay's local port is what `Deno.serve` reports as the peer,
 * which maps each request back to its client connection ({@linkcode ConnectionGuard.connectionOf}):
 * the app learns the client's real address and can end the connection
 * ({@linkcode GuardedConnection.end}). Nothing is parsed: bytes pass through as they come. A request
 * that reaches the loopback port directly keeps its loopback peer and cannot be ended.
 *
 * Ending: no more of the client's bytes are passed on and the server side sees EOF, which makes
 * `Deno.serve` close its socket after what it has written (once the request body is no longer held
 * by a reader); the relay passes that on and then closes the client's socket (at the latest
 * {@linkcode END_GRACE_MS} later). When `Deno.serve` closes a connection the relay closes the
 * client's; when the client half-closes, that is passed on.
 *
 * Cost (measured on the gateway's `GET /healthz`, server CPU): about 25 µs more per request on a
 * kept-alive connection (~115 → ~140 µs) and about 100 µs more per new connection (the second
 * socket); each open connection uses three sockets instead of one. `node:http` with
 * `requestTimeout` closes such connections too, but with a Hono adapter it cost more per kept-alive
 * request, and the adapter replaces the global `Request`/`Response`. `scripts/guard_cost.ts` measures
 * the relay against no relay; a relay of `conn.readable.pipeTo(other.writable)` both ways cost
 * several times more there than this read/write loop (~100 µs more per request instead of ~10-25).
 *
 * Not covered: a client that stalls its request headers (Deno.serve has no header timeout either).
 *
 * @module
 */

/** How long an ended connection may take to pass on the server's last bytes before it is cut. */
export const END_GRACE_MS = 5000;

/** A client connection as the app sees it. */
export interface GuardedConnection {
  /** The client's address. */
  readonly remoteAddr: Deno.NetAddr;
  /** Ends the connection after what the server has written so far (see the module doc). */
  end(): void;
  /** Closes both sockets now. */
  abort(): void;
}

/** The front: a listener whose connections are relayed to the server behind it. */
export interface ConnectionGuard {
  /** The public address. */
  readonly addr: Deno.NetAddr;
  /** Client connections open now. */
  readonly size: number;
  /** The client connection behind `peer`, the address `Deno.serve` saw a request come from. */
  connectionOf(peer: Deno.Addr): GuardedConnection | undefined;
  /** Stops accepting connections (open ones carry on). */
  close(): void;
  /** Closes every open connection now. */
  abortAll(): void;
}

/** Where to listen and where the server is. */
export interface GuardOptions {
  /** Public host to listen on. */
  hostname: string;
  /** Public port (0: any). */
  port: number;
  /** The loopback address of the `Deno.serve` behind. */
  backend: Deno.NetAddr;
}

/** Listens on the public address and relays each connection to `options.backend`. */
export function guardConnections(options: GuardOptions): ConnectionGuard {
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const byPeerPort = new Map<number, GuardedConnection>();
  let closed = false;
  (async () => {
    while (!closed) {
      let client: Deno.TcpConn;
      try {
        client = await listener.accept();
      } catch {
        if (closed) return;
        await new Promise((r) => setTimeout(r, 10)); // e.g. out of file descriptors: try again
        continue;
      }
      relay(client, options.backend, byPeerPort);
    }
  })();
  return {
    addr: listener.addr,
    get size() {
      return byPeerPort.size;
    },
    connectionOf(peer) {
      return peer.transport === "tcp" ? byPeerPort.get(peer.port) : undefined;
    },
    close() {
      if (closed) return;
      closed = true;
      listener.close();
    },
    abortAll() {
      for (const conn of [...byPeerPort.values()]) conn.abort();
    },
  };
}

async function relay(
  client: Deno.TcpConn,
  backend: Deno.NetAddr,
  byPeerPort: Map<number, GuardedConnection>,
) {
  let upstream: Deno.TcpConn;
  try {
    upstream = await Deno.connect({ hostname: backend.hostname, port: backend.port });
  } catch {
    tryClose(client);
    return;
  }
  try {
    client.setNoDelay(true);
    upstream.setNoDelay(true);
  } catch {
    tryClose(client); // the client left already
    tryClose(upstream);
    return;
  }
  const peerPort = upstream.localAddr.port;
  let ending = false;
  let done = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const conn: GuardedConnection = {
    remoteAddr: client.remoteAddr,
    end() {
      if (ending || done) return;
      ending = true;
      upstream.closeWrite().catch(conn.abort);
      graceTimer = setTimeout(conn.abort, END_GRACE_MS);
    },
    abort() {
      if (done) return;
      done = true;
      clearTimeout(graceTimer);
      if (byPeerPort.get(peerPort) === conn) byPeerPort.delete(peerPort);
      tryClose(client);
      tryClose(upstream);
    },
  };
  byPeerPort.set(peerPort, conn);
  // client -> server: the client's EOF is passed on as a half-close; once ending, bytes are dropped
  pump(client, upstream, () => ending).then((eof) => {
    if (!eof) conn.abort();
    else if (!ending) upstream.closeWrite().catch(conn.abort);
  });
  // server -> client: when the server is done with the connection, so is the client
  pump(upstream, client, () => false).then(conn.abort);
}

/** Copies `from` to `to` until EOF (true) or an error (false); `drop()` true: read but not written. */
async function pump(from: Deno.Conn, to: Deno.Conn, drop: () => boolean): Promise<boolean> {
  const buf = new Uint8Array(16 * 1024);
  try {
    for (;;) {
      const n = await from.read(buf);
      if (n === null) return true;
      if (drop()) continue;
      let written = 0;
      while (written < n) written += await to.write(buf.subarray(written, n));
    }
  } catch {
    return false;
  }
}

function tryClose(conn: Deno.Conn) {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/** What `start()` passes to the app as `env` with each request. */
export interface ServeEnv {
  /** The client's address (as in `Deno.serve`'s handler info, which the app used to get). */
  remoteAddr: Deno.Addr;
  /** Ends the client's connection once this request's answer has been sent (absent: not guarded). */
  closeConnection?: () => void;
  /** Ends the client's connection now, answer or not (absent: not guarded). */
  endConnection?: () => void;
}

/** The env of a request that `Deno.serve` handed over with `info`, seen through `guard`. */
export function serveEnv(guard: ConnectionGuard, info: Deno.ServeHandlerInfo): ServeEnv {
  const conn = guard.connectionOf(info.remoteAddr);
  if (!conn) return { remoteAddr: info.remoteAddr };
  return {
    remoteAddr: conn.remoteAddr,
    // `completed` must be taken before the answer is handed back (Deno settles it only if asked by then)
    closeConnection: () => void info.completed.then(conn.end, conn.end),
    endConnection: conn.end,
  };
}

/** `env.endConnection` when the app runs behind the guard. */
export function connectionEnder(env: unknown): (() => void) | undefined {
  const end = (env as Partial<ServeEnv> | undefined)?.endConnection;
  return typeof end === "function" ? end : undefined;
}

/** `env.closeConnection` when the app runs behind the guard. */
export function connectionCloser(env: unknown): (() => void) | undefined {
  const close = (env as Partial<ServeEnv> | undefined)?.closeConnection;
  return typeof close === "function" ? close : undefined;
}
