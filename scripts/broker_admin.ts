/**
 * Managing RabbitMQ users as the broker's administrator: through the management HTTP API when it is
 * reachable (fast), else through `rabbitmqctl` on this machine (about a second per call, so users are
 * created with one `import_definitions` call).
 *
 * @module
 */
import type { BrokerUserSpec } from "./broker_users.ts";

/** Creates, updates and deletes broker users. */
export interface BrokerAdmin {
  /** "management API at http://..." or "rabbitmqctl". */
  readonly description: string;
  /** Creates or updates each user, its permissions in the vhost and its topic permissions. */
  putUsers(specs: BrokerUserSpec[]): Promise<void>;
  /** Deletes the users (missing ones are fine). */
  deleteUsers(names: string[]): Promise<void>;
}

/** Options of {@linkcode connectBrokerAdmin}. */
export interface BrokerAdminOptions {
  /** The management API's base URL (default `RABBITMQ_MANAGEMENT_URL`, else the AMQP host on 15672). */
  managementUrl?: string;
  /** The Erlang node `rabbitmqctl` talks to (`-n`), for a private broker. */
  node?: string;
  /** The `rabbitmqctl` binary (default found on the usual paths); `false` to never use it. */
  rabbitmqctl?: string | false;
}

/** The vhost, user and password of an AMQP URL. */
export function adminCredentials(adminUrl: string): { vhost: string; user: string; password: string } {
  const u = new URL(adminUrl.replace(/^amqps?:/, "http:"));
  const path = decodeURIComponent(u.pathname.replace(/^\//, ""));
  return {
    vhost: path === "" ? "/" : path,
    user: u.username ? decodeURIComponent(u.username) : "guest",
    password: u.username ? decodeURIComponent(u.password) : "guest",
  };
}

/** The default management API URL for the broker of `adminUrl`. */
export function managementUrlOf(adminUrl: string): string {
  const fromEnv = Deno.env.get("RABBITMQ_MANAGEMENT_URL");
  if (fromEnv) return fromEnv.replace(/\/$/, "");
  const u = new URL(adminUrl.replace(/^amqps?:/, "http:"));
  return `http://${u.hostname || "127.0.0.1"}:15672`;
}

/** True when the management API of the broker of `adminUrl` answers its administrator. */
export async function managementReachable(adminUrl: string): Promise<boolean> {
  return await new HttpBrokerAdmin(managementUrlOf(adminUrl), adminCredentials(adminUrl)).probe() === "ok";
}

/** The path of an installed `rabbitmqctl`, or undefined. */
export function findRabbitmqctl(): string | undefined {
  for (
    const p of ["/usr/sbin/rabbitmqctl", "/usr/lib/rabbitmq/bin/rabbitmqctl", "/usr/local/sbin/rabbitmqctl"]
  ) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The admin for the broker of `adminUrl`: the management API when it answers with these credentials,
 * else `rabbitmqctl`; throws saying what was tried when neither is available.
 */
export async function connectBrokerAdmin(
  adminUrl: string,
  opts: BrokerAdminOptions = {},
): Promise<BrokerAdmin> {
  const creds = adminCredentials(adminUrl);
  const base = opts.managementUrl ?? managementUrlOf(adminUrl);
  const http = new HttpBrokerAdmin(base, creds);
  const probe = await http.probe();
  if (probe === "ok") return http;
  const ctl = opts.rabbitmqctl === false ? undefined : opts.rabbitmqctl ?? findRabbitmqctl();
  if (ctl) return new CtlBrokerAdmin(ctl, creds.vhost, opts.node);
  throw new Error(
    `Cannot manage RabbitMQ users: the management API at ${base} ${probe} and rabbitmqctl is not installed. ` +
      "Enable the management plugin (rabbitmq-plugins enable rabbitmq_management) or give an administrator's AMQP URL.",
  );
}

/** {@linkcode BrokerAdmin} over the management HTTP API. */
export class HttpBrokerAdmin implements BrokerAdmin {
  readonly description: string;
  readonly #auth: string;

  /** Creates the admin for the API at `base` with the administrator's credentials. */
  constructor(
    private readonly base: string,
    private readonly creds: { vhost: string; user: string; password: string },
  ) {
    this.description = `the RabbitMQ management API at ${base}`;
    this.#auth = `Basic ${btoa(`${creds.user}:${creds.password}`)}`;
  }

  /** "ok" when the API answers these credentials as an administrator, else why not. */
  async probe(): Promise<string> {
    try {
      const res = await this.#call("GET", "/api/whoami", undefined, 2000);
      const body = await res.json() as { tags?: string[] | string };
      if (!res.ok) return `answered ${res.status}`;
      const tags = Array.isArray(body.tags) ? body.tags : String(body.tags ?? "").split(",");
      return tags.includes("administrator") ? "ok" : `says "${this.creds.user}" is not an administrator`;
    } catch (err) {
      return `is not reachable (${(err as Error).message})`;
    }
  }

  async #call(method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<Response> {
    return await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: this.#auth,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  async #ok(method: string, path: string, body?: unknown, allow: number[] = []): Promise<void> {
    const res = await this.#call(method, path, body);
    const text = await res.text();
    if (!res.ok && !allow.includes(res.status)) {
      throw new Error(
        `RabbitMQ management API: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`,
      );
    }
  }

  async putUsers(specs: BrokerUserSpec[]): Promise<void> {
    const vhost = encodeURIComponent(this.creds.vhost);
    await Promise.all(specs.map(async (s) => {
      const user = encodeURIComponent(s.name);
      await this.#ok("PUT", `/api/users/${user}`, { password: s.password, tags: "" });
      await this.#ok("PUT", `/api/permissions/${vhost}/${user}`, s.permissions);
      await this.#ok("PUT", `/api/topic-permissions/${vhost}/${user}`, s.topic);
    }));
  }

  async deleteUsers(names: string[]): Promise<void> {
    await Promise.all(
      names.map((n) => this.#ok("DELETE", `/api/users/${encodeURIComponent(n)}`, undefined, [404])),
    );
  }
}

/** {@linkcode BrokerAdmin} over `rabbitmqctl` (run as root or the rabbitmq user on the broker's machine). */
export class CtlBrokerAdmin implements BrokerAdmin {
  readonly description: string;

  /** Creates the admin for `vhost` through the `rabbitmqctl` at `binary` (node `node`, if given). */
  constructor(
    private readonly binary: string,
    private readonly vhost: string,
    private readonly node?: string,
  ) {
    this.description = `rabbitmqctl${node ? ` -n ${node}` : ""}`;
  }

  async #run(args: string[], input?: string): Promise<string> {
    const child = new Deno.Command(this.binary, {
      args: [...(this.node ? ["-n", this.node] : []), "-q", ...args],
      stdin: input === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (input !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(input));
      await w.close();
    }
    const out = await child.output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(
        `rabbitmqctl ${args[0]} failed: ${new TextDecoder().decode(out.stderr).trim() || text.trim()}`,
      );
    }
    return text;
  }

  async putUsers(specs: BrokerUserSpec[]): Promise<void> {
    // one call for everything (each rabbitmqctl call costs about a second); the definitions go through
    // stdin, since the broker node (another OS user) reads a file argument itself
    const definitions = JSON.stringify(await definitionsOf(specs, this.vhost));
    await this.#run(["import_definitions", "--format", "json"], definitions);
    // the import finishes asynchronously: wait until every topic permission is there
    for (let i = 0; i < 50; i++) {
      const listed = await this.#run(["list_topic_permissions", "-p", this.vhost, "--no-table-headers"]);
      const lines = listed.split("\n");
      if (specs.every((s) => lines.some((l) => l.startsWith(`${s.name}\t${s.topic.exchange}\t`)))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error("rabbitmqctl import_definitions did not create the broker users");
  }

  async deleteUsers(names: string[]): Promise<void> {
    await Promise.all(names.map((n) =>
      this.#run(["delete_user", n]).catch((err: Error) => {
        if (!/no_such_user|does not exist/i.test(err.message)) throw err;
      })
    ));
  }
}

/**
 * RabbitMQ definitions (the format of `import_definitions` and compose's definitions file) creating
 * `specs` in `vhost`, with salted SHA-256 password hashes (`rabbit_password_hashing_sha256`).
 */
export async function definitionsOf(
  specs: BrokerUserSpec[],
  vhost: string,
): Promise<Record<string, unknown>> {
  return {
    users: await Promise.all(specs.map(async (s) => ({
      name: s.name,
      password_hash: await passwordHash(s.password),
      hashing_algorithm: "rabbit_password_hashing_sha256",
      tags: [],
    }))),
    permissions: specs.map((s) => ({ user: s.name, vhost, ...s.permissions })),
    topic_permissions: specs.map((s) => ({ user: s.name, vhost, ...s.topic })),
  };
}

/** RabbitMQ's salted SHA-256 password hash: base64(salt ++ sha256(salt ++ utf8(password))), 4-byte salt. */
export async function passwordHash(
  password: string,
  salt = crypto.getRandomValues(new Uint8Array(4)),
): Promise<string> {
  const pw = new TextEncoder().encode(password);
  const input = new Uint8Array(salt.length + pw.length);
  input.set(salt);
  input.set(pw, salt.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  const all = new Uint8Array(salt.length + digest.length);
  all.set(salt);
  all.set(digest, salt.length);
  return btoa(String.fromCharCode(...all));
}
