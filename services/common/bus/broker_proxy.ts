/**
 * A TCP proxy in front of the real RabbitMQ, for tests of a broker that is down, lost or restored
 * without stopping the shared broker: while "down" the proxy's port refuses connections; `cut()` drops
 * every proxied connection (as a broker restart would). Test code only.
 *
 * @module
 */

/** A proxy on 127.0.0.1 to `target`. */
export class BrokerProxy {
  #listener: Deno.Listener | undefined;
  #conns = new Set<Deno.Conn>();
  #accepting: Promise<void> = Promise.resolve();

  private constructor(readonly port: number, private readonly target: Deno.ConnectOptions) {}

  /** A proxy on a free port, down (refusing connections) until {@linkcode up}. */
  static create(target: Deno.ConnectOptions = { hostname: "127.0.0.1", port: 5672 }): BrokerProxy {
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = probe.addr.port;
    probe.close();
    return new BrokerProxy(port, target);
  }

  /** The AMQP URL through the proxy, with the credentials of `brokerUrl`. */
  url(brokerUrl: string): string {
    const u = new URL(brokerUrl);
    u.hostname = "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  /** Starts accepting and forwarding connections. */
  up(): void {
    if (this.#listener) return;
    const listener = this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.#accepting = (async () => {
      for await (const client of listener) this.#forward(client);
    })().catch(() => {});
  }

  async #forward(client: Deno.Conn): Promise<void> {
    let server: Deno.Conn;
    try {
      server = await Deno.connect(this.target);
    } catch {
      client.close();
      return;
    }
    this.#conns.add(client);
    this.#conns.add(server);
    const pipe = (from: Deno.Conn, to: Deno.Conn) => from.readable.pipeTo(to.writable).catch(() => {});
    await Promise.allSettled([pipe(client, server), pipe(server, client)]);
    for (const c of [client, server]) {
      this.#conns.delete(c);
      try {
        c.close();
      } catch {
        // already closed
      }
    }
  }

  /** Drops every proxied connection; the proxy keeps accepting new ones. */
  cut(): void {
    for (const c of this.#conns) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
    this.#conns.clear();
  }

  /** Stops accepting and drops every connection (the broker looks down). */
  async down(): Promise<void> {
    this.#listener?.close();
    this.#listener = undefined;
    await this.#accepting;
    this.cut();
  }
}
