/**
 * Finding a RabbitMQ broker for `deno task dev` and `deno task test`: probe the AMQP port, start an
 * installed `rabbitmq-server` when nothing listens, and say plainly what happened.
 *
 * @module
 */

/** Host and port of an AMQP URL (of the first node, when it lists a cluster's nodes). */
export function amqpHostPort(url: string): { hostname: string; port: number } {
  const u = new URL(url.split(",")[0]!.trim().replace(/^amqps?:/, "http:"));
  return { hostname: u.hostname || "127.0.0.1", port: u.port ? Number(u.port) : 5672 };
}

/** True when something accepts TCP connections on the broker's port within `timeoutMs`. */
export async function brokerReachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = amqpHostPort(url);
  try {
    const conn = await Promise.race([
      Deno.connect({ hostname, port }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs)),
    ]);
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** The path of an installed `rabbitmq-server`, or undefined. */
export function findRabbitmqServer(): string | undefined {
  for (
    const p of [
      "/usr/sbin/rabbitmq-server",
      "/usr/lib/rabbitmq/bin/rabbitmq-server",
      "/usr/local/sbin/rabbitmq-server",
    ]
  ) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Starts the installed broker detached and waits until it accepts connections. */
export async function startInstalledBroker(
  url: string,
  binary: string,
  env: Record<string, string> = {},
  waitMs = 90_000,
): Promise<boolean> {
  const child = new Deno.Command(binary, { args: ["-detached"], env, stdout: "null", stderr: "null" })
    .spawn();
  await child.status;
  const end = Date.now() + waitMs;
  while (Date.now() < end) {
    if (await brokerReachable(url)) {
      // the port opens a moment before the broker accepts logins
      await new Promise((r) => setTimeout(r, 1500));
      return true;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
