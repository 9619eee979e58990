/**
 * `deno task dev` checks every port it is about to use before it starts anything: a port another program
 * holds stops dev at once, naming the port, the variable that chose it and what holds it (read from
 * `ss -ltnp` when that is installed, with the holder's command line from `/proc`; else "another
 * process"). Without the check each service would fail to bind, while the health checks reached the other
 * program and reported the system up.
 *
 * A port nobody listens on can still be taken: an outgoing connection takes its local port from the
 * system's ephemeral range (Linux: 32768-60999), which dev's default ports (50052-50064) lie in, and
 * while it is open (or closing) no listener may bind that port. Right after a run that made thousands of
 * connections (`deno task bench`) that happens now and then; the message then names the connection (from
 * `ss -tanp`) and says to try again once it has closed or to choose a port outside the range.
 *
 * @module
 */

/** A port dev is about to listen on. */
export interface WantedPort {
  /** The variable that chose it, e.g. `WEB_PORT`. */
  variable: string;
  /** The interface the process binds (`GRPC_HOST` / `WEB_HOST`, default 127.0.0.1). */
  host: string;
  port: number;
}

/** What holds a port: a description such as `deno (pid 1234: deno run -A web/main.ts)`. */
export type HolderOf = (port: number) => Promise<string>;

/**
 * One sentence per port dev cannot use (none when every port is free): used twice, held by another
 * program, or refused by the system.
 */
export async function portProblems(
  wanted: readonly WantedPort[],
  holderOf: HolderOf = portHolder,
): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Map<number, string>();
  for (const { variable, host, port } of wanted) {
    const first = seen.get(port);
    if (first) {
      problems.push(`${first} and ${variable} are both ${port}: every process needs a port of its own`);
      continue;
    }
    seen.set(port, variable);
    const error = tryListen(host, port);
    if (error instanceof Deno.errors.AddrInUse) {
      problems.push(`port ${port} (${variable}) is already in use by ${await holderOf(port)}`);
    } else if (error) {
      problems.push(`cannot listen on ${host}:${port} (${variable}): ${error.message}`);
    }
  }
  return problems;
}

/** Binds `host:port` and lets go at once; the error when that fails. */
function tryListen(host: string, port: number): Error | undefined {
  try {
    Deno.listen({ hostname: host, port }).close();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** One listening socket in `ss -ltnp` output: its port and the processes holding it. */
export interface Listener {
  port: number;
  processes: { name: string; pid: number }[];
}

/** One TCP socket in `ss -Htanp` output. */
export interface TcpSocket {
  /** `ss`'s state name, e.g. `LISTEN`, `ESTAB`, `TIME-WAIT`. */
  state: string;
  /** Its local port. */
  port: number;
  /** The peer's address and port (`0.0.0.0:*` for a listener). */
  peer: string;
  /** The processes holding it (none when `ss` may not tell). */
  processes: { name: string; pid: number }[];
}

/** The sockets of `ss -Htanp` (or `-Hltnp`) output (lines that do not parse are skipped). */
export function parseSockets(output: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  for (const line of output.split("\n")) {
    const fields = line.trim().split(/\s+/);
    // State Recv-Q Send-Q Local:Port Peer:Port [users:((...))]
    const [state, , , local, peer] = fields;
    const port = Number(local?.slice(local.lastIndexOf(":") + 1));
    if (!state || !local || !peer || !Number.isInteger(port) || port <= 0) continue;
    const processes = [...line.matchAll(/\("([^"]*)",pid=(\d+)/g)].map((m) => ({
      name: m[1]!,
      pid: Number(m[2]),
    }));
    sockets.push({ state, port, peer, processes });
  }
  return sockets;
}

/** The listening sockets of `ss -Hltnp` output (lines that do not parse are skipped). */
export function parseListeners(output: string): Listener[] {
  return parseSockets(output).map(({ port, processes }) => ({ port, processes }));
}

/** `ss` with `args` and a filter on local port `port`: its output, or undefined when `ss` failed. */
async function ss(args: string, port: number): Promise<string | undefined> {
  const { success, stdout } = await new Deno.Command("ss", {
    args: [args, `sport = :${port}`],
    stdout: "piped",
    stderr: "null",
  }).output();
  return success ? new TextDecoder().decode(stdout) : undefined;
}

/**
 * The processes listening on `port` as `ss -Hltnp` names them (none when `ss` is missing, or may not tell:
 * a process of another user, or in another network namespace).
 */
export async function listenersOn(port: number): Promise<{ name: string; pid: number }[]> {
  const output = await ss("-Hltnp", port);
  if (output === undefined) return [];
  const processes = parseListeners(output)
    .filter((l) => l.port === port)
    .flatMap((l) => l.processes);
  return [...new Map(processes.map((p) => [p.pid, p])).values()];
}

/** The sockets other than listeners on local port `port` (connections, open or closing). */
export async function connectionsOn(port: number): Promise<TcpSocket[]> {
  const output = await ss("-Htanp", port);
  if (output === undefined) return [];
  return parseSockets(output).filter((s) => s.port === port && s.state !== "LISTEN");
}

/**
 * What holds `port`: the processes `ss` names as listening on it (with their command lines); else a
 * connection whose local port it is, with what to do (see the module doc); else "another process".
 */
export async function portHolder(port: number): Promise<string> {
  let processes;
  let connections;
  try {
    processes = await listenersOn(port);
    connections = processes.length === 0 ? await connectionsOn(port) : [];
  } catch {
    return "another process (install iproute2's `ss` to see which)";
  }
  if (processes.length > 0) return processes.map((p) => describeProcess(p.name, p.pid)).join(", ");
  const first = mostTelling(connections);
  if (!first) return "another process";
  const holders = first.processes.map((p) => describeProcess(p.name, p.pid)).join(", ");
  const by = holders ? `, held by ${holders}` : "";
  const more = connections.length > 1 ? ` and ${connections.length - 1} more` : "";
  const range = ephemeralRange();
  const from = range ? `${range} (net.ipv4.ip_local_port_range)` : "the system's ephemeral range";
  return `a connection from that port (${first.state} to ${first.peer}${by}${more}): outgoing connections ` +
    `take their ports from ${from}; try again once it has closed, or choose a port outside that range`;
}

/**
 * The connection to name first among those on a port: one a process holds (it can be closed) before
 * one nobody holds, a live one before one in `TIME-WAIT` (it goes away by itself); else the first.
 */
export function mostTelling<S extends { state: string; processes: readonly unknown[] }>(
  connections: readonly S[],
): S | undefined {
  const rank = (s: S) => (s.processes.length > 0 ? 0 : 2) + (s.state === "TIME-WAIT" ? 1 : 0);
  return [...connections].sort((a, b) => rank(a) - rank(b))[0];
}

/** The system's ephemeral port range as `low-high` (Linux), or undefined when it cannot be read. */
function ephemeralRange(): string | undefined {
  try {
    const [low, high] = Deno.readTextFileSync("/proc/sys/net/ipv4/ip_local_port_range").trim().split(/\s+/);
    return low && high ? `${low}-${high}` : undefined;
  } catch {
    return undefined;
  }
}

/** `name (pid N: its command line)`, the command line cut to a readable length. */
function describeProcess(name: string, pid: number): string {
  let command = "";
  try {
    command = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").filter(Boolean).join(" ");
  } catch {
    // gone, or not ours to read
  }
  if (command.length > 120) command = `${command.slice(0, 117)}...`;
  return command ? `${name} (pid ${pid}: ${command})` : `${name} (pid ${pid})`;
}
