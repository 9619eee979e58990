/**
 * `deno task dev` checks every port it is about to use before it starts anything: a port another program
 * holds stops dev at once, naming the port, the variable that chose it and what holds it (read from
 * `ss -ltnp` when that is installed, with the holder's command line from `/proc`; else "another
 * process"). Without the check each service would fail to bind, while the health checks reached the other
 * program and reported the system up.
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

/** The listening sockets of `ss -Hltnp` output (lines that do not parse are skipped). */
export function parseListeners(output: string): Listener[] {
  const listeners: Listener[] = [];
  for (const line of output.split("\n")) {
    const fields = line.trim().split(/\s+/);
    // State Recv-Q Send-Q Local:Port Peer:Port [users:((...))]
    const local = fields[3];
    const port = Number(local?.slice(local.lastIndexOf(":") + 1));
    if (!local || !Number.isInteger(port) || port <= 0) continue;
    const processes = [...line.matchAll(/\("([^"]*)",pid=(\d+)/g)].map((m) => ({
      name: m[1]!,
      pid: Number(m[2]),
    }));
    listeners.push({ port, processes });
  }
  return listeners;
}

/**
 * The processes listening on `port` as `ss -Hltnp` names them (none when `ss` is missing, or may not tell:
 * a process of another user, or in another network namespace).
 */
export async function listenersOn(port: number): Promise<{ name: string; pid: number }[]> {
  const { success, stdout } = await new Deno.Command("ss", {
    args: ["-Hltnp", `sport = :${port}`],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!success) return [];
  const processes = parseListeners(new TextDecoder().decode(stdout))
    .filter((l) => l.port === port)
    .flatMap((l) => l.processes);
  return [...new Map(processes.map((p) => [p.pid, p])).values()];
}

/**
 * What holds `port`: the processes `ss` names (with their command lines), else "another process".
 */
export async function portHolder(port: number): Promise<string> {
  let processes;
  try {
    processes = await listenersOn(port);
  } catch {
    return "another process (install iproute2's `ss` to see which)";
  }
  if (processes.length === 0) return "another process";
  return processes.map((p) => describeProcess(p.name, p.pid)).join(", ");
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
