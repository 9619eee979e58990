/**
 * A RabbitMQ cluster of this test's own: the installed `rabbitmq-server` booted as several local nodes
 * (their own names, ports, data folders and Erlang cookie; the shared broker on 5672 is never touched),
 * booted in parallel; the first starts alone and loads the test's definitions (users, permissions), the
 * others join it while they boot (classic peer discovery) and so take them. Test code only.
 *
 * @module
 */

import amqp from "amqplib";
import { freePort } from "../scripts/launcher.ts";

/** The broker's own start script (not Debian's wrapper, which switches to the rabbitmq user). */
export const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const RABBITMQCTL = "/usr/lib/rabbitmq/bin/rabbitmqctl";

/** True when RabbitMQ is installed here (the tests that boot nodes are skipped otherwise). */
export const rabbitmqInstalled: boolean = (() => {
  try {
    return Deno.statSync(RABBITMQ_SERVER).isFile && Deno.statSync(RABBITMQCTL).isFile;
  } catch {
    return false;
  }
})();

/** One node of a {@linkcode TestCluster}. */
export interface TestNode {
  /** Erlang node name, e.g. `oms-q1-1a2b3c4d@localhost`. */
  name: string;
  /** AMQP port on 127.0.0.1. */
  port: number;
}

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** Nodes (default 3). */
  size?: number;
  /** The administrator the nodes are reached as (created by the definitions). */
  admin: { user: string; password: string };
  /** RabbitMQ definitions the first node loads at boot (must create `admin`). */
  definitions: Record<string, unknown>;
  /** Give up on the cluster after this long (default 150 s: a busy CI machine boots nodes slowly). */
  timeoutMs?: number;
}

/** A running test cluster. */
export interface TestCluster {
  nodes: TestNode[];
  /** The AMQP URL of node `i` for `user`. */
  url(i: number, user: string, password: string): string;
  /** The administrator's AMQP URL of node `i`. */
  adminUrl(i: number): string;
  /** Runs `rabbitmqctl -n <node i> ...args`; its standard output. */
  ctl(i: number, args: string[]): Promise<string>;
  /** Kills node `i` at once (SIGKILL of its Erlang VM: a crash, no goodbye to clients or peers). */
  kill(i: number): Promise<void>;
  /** Stops every node still running and deletes the data folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Boots `size` nodes in parallel, joins them into one cluster, and returns it; cleans up on failure. */
export async function startCluster(opts: ClusterOptions): Promise<TestCluster> {
  const size = opts.size ?? 3;
  const dir = await Deno.makeTempDir({ prefix: "oms-cluster-" });
  const id = crypto.randomUUID().slice(0, 8);
  const cookie = Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) => (b % 26 + 65)).map((c) =>
    String.fromCharCode(c)
  ).join("");
  await Deno.writeTextFile(`${dir}/.erlang.cookie`, cookie, { mode: 0o400 });
  await Deno.writeTextFile(`${dir}/definitions.json`, JSON.stringify(opts.definitions));
  await Deno.writeTextFile(`${dir}/enabled_plugins`, "[].\n");
  const env = { HOME: dir, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
  const nodes: (TestNode & { dir: string; child?: Deno.ChildProcess })[] = [];
  for (let i = 0; i < size; i++) {
    nodes.push({ name: `oms-q${i + 1}-${id}@localhost`, port: freePort(), dir: `${dir}/n${i + 1}` });
  }
  let stopped = false;
  const pidOf = async (i: number) => Number((await Deno.readTextFile(`${nodes[i]!.dir}/pid`)).trim());
  const killVm = async (i: number, signal: Deno.Signal) => {
    try {
      Deno.kill(await pidOf(i), signal);
    } catch {
      // not started, or gone already
    }
  };
  const cluster: TestCluster = {
    nodes: nodes.map(({ name, port }) => ({ name, port })),
    url: (i, user, password) =>
      `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${nodes[i]!.port}`,
    adminUrl: (i) => cluster.url(i, opts.admin.user, opts.admin.password),
    async ctl(i, args) {
      const out = await new Deno.Command(RABBITMQCTL, {
        args: ["-n", nodes[i]!.name, "-q", ...args],
        env,
        stdin: "null",
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      if (!out.success) {
        throw new Error(
          `rabbitmqctl ${args.join(" ")} on ${nodes[i]!.name} failed: ${
            new TextDecoder().decode(out.stderr).trim() || text.trim()
          }`,
        );
      }
      return text;
    },
    async kill(i) {
      await killVm(i, "SIGKILL");
      await nodes[i]!.child?.status;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(nodes.map(async (n, i) => {
        await killVm(i, "SIGKILL");
        try {
          n.child?.kill("SIGKILL");
        } catch {
          // exited already
        }
        await n.child?.status;
      }));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
  try {
    await Promise.all(nodes.map(async (n, i) => {
      await Deno.mkdir(n.dir);
      const conf = [
        `listeners.tcp.default = ${n.port}`,
        // small write-ahead logs: a test node holds a few hundred messages (the default is 512 MiB)
        "raft.wal_max_size_bytes = 8000000",
        // the first node starts alone with the definitions; the others join it as they boot, retrying
        // until it is up (classic peer discovery), so nothing is joined by hand afterwards
        ...(i === 0 ? [`load_definitions = ${dir}/definitions.json`] : [
          "cluster_formation.peer_discovery_backend = classic_config",
          `cluster_formation.classic_config.nodes.1 = ${nodes[0]!.name}`,
          "cluster_formation.discovery_retry_limit = 300",
          "cluster_formation.discovery_retry_interval = 300",
        ]),
      ].join("\n");
      await Deno.writeTextFile(`${n.dir}/rabbitmq.conf`, `${conf}\n`);
      n.child = new Deno.Command(RABBITMQ_SERVER, {
        env: {
          ...env,
          RABBITMQ_NODENAME: n.name,
          RABBITMQ_NODE_PORT: String(n.port),
          RABBITMQ_DIST_PORT: String(freePort()),
          RABBITMQ_CONFIG_FILE: `${n.dir}/rabbitmq.conf`,
          RABBITMQ_ENABLED_PLUGINS_FILE: `${dir}/enabled_plugins`,
          RABBITMQ_MNESIA_BASE: `${n.dir}/mnesia`,
          RABBITMQ_LOG_BASE: `${n.dir}/log`,
          RABBITMQ_PID_FILE: `${n.dir}/pid`,
          // idle schedulers sleep instead of spinning: three nodes share the machine with the test
          RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "+sbwt none +sbwtdcpu none +sbwtdio none",
        },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
    }));
    // ready when the administrator (whom only the first node's definitions create) logs in on every
    // node: the others have joined the first by then
    const deadline = Date.now() + (opts.timeoutMs ?? 150_000);
    await Promise.all(nodes.map(async (_, i) => {
      for (;;) {
        try {
          const conn = await amqp.connect(cluster.adminUrl(i));
          await conn.close();
          return;
        } catch (err) {
          if (stopped) throw new Error("cluster stopped while starting");
          if (Date.now() > deadline) {
            throw new Error(`node ${nodes[i]!.name} did not accept ${opts.admin.user} in time: ${err}`);
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    }));
    return cluster;
  } catch (err) {
    const logs = await Promise.all(nodes.map((n) => tailOfLogs(n.dir)));
    await cluster.stop();
    throw new Error(`${(err as Error).message}\n${logs.join("\n")}`, { cause: err });
  }
}

/** The last lines of a node's log files (for a failure message). */
async function tailOfLogs(dir: string, lines = 15): Promise<string> {
  const out: string[] = [];
  try {
    for await (const f of Deno.readDir(`${dir}/log`)) {
      if (!f.isFile || !f.name.endsWith(".log")) continue;
      const text = await Deno.readTextFile(`${dir}/log/${f.name}`);
      out.push(`--- ${dir}/log/${f.name}`, ...text.trimEnd().split("\n").slice(-lines));
    }
  } catch {
    out.push(`--- no logs in ${dir}`);
  }
  return out.join("\n");
}
