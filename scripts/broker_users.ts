/**
 * The services' RabbitMQ users: service S connects as `<prefix>S` with plain permissions limited to what
 * it uses (the exchange, its queues, the default exchange for retries and replays) and topic
 * permissions on the exchange that let it publish only its own routing keys (orders `order.*`, payments
 * `payment.*`, kitchen `kitchen.*`, stock nothing). Used by `deno task dev` and the test harness; compose
 * sets the same users up through its definitions file.
 *
 * Plain permissions (RabbitMQ access control): declaring the exchange or a queue needs `configure` on
 * it, binding a queue needs `write` on the queue and `read` on the exchange, publishing needs `write` on
 * the exchange (`amq.default` for the default exchange, which retries and replays use and which
 * retry queues dead-letter through), consuming needs `read` on the queue. Every service declares the
 * whole topology (so nothing is published into the void), hence `configure`/`write` on every queue under
 * the queue prefix; and since every service queue is declared with dead-letter arguments (declaring a
 * queue with a dead-letter exchange needs `read` on it), `read` covers those queues too. Topic permissions: `write` is matched against the
 * routing key of a publish, `read` against binding keys, so `read` stays open (consumers bind other
 * services' keys). A user without topic permissions on an exchange may publish any key there, so every
 * exchange a service uses needs its entry (tests use a unique exchange per run).
 *
 * @module
 */
import { brokerUser } from "../services/common/bus/owner.ts";
import type { BrokerAdmin } from "./broker_admin.ts";

/** The services that connect to the broker. */
export const BROKER_SERVICES = ["orders", "stock", "payments", "kitchen"] as const;
/** One of {@linkcode BROKER_SERVICES}. */
export type BrokerService = typeof BROKER_SERVICES[number];

/** The routing keys each service may publish (a regex over the routing key; stock: none). */
export const PUBLISHES: Readonly<Record<BrokerService, string>> = {
  orders: "^order\\.",
  stock: "^$",
  payments: "^payment\\.",
  kitchen: "^kitchen\\.",
};

/** Everything the broker needs to know about one service's user. */
export interface BrokerUserSpec {
  service: BrokerService;
  name: string;
  password: string;
  /** Plain permissions (regexes over resource names) in the vhost. */
  permissions: { configure: string; write: string; read: string };
  /** Topic permissions on the exchange (regexes over routing keys). */
  topic: { exchange: string; write: string; read: string };
}

/** Where the users apply: user prefix, exchange and queue prefix. */
export interface BrokerNames {
  /** `OMS_BROKER_USER_PREFIX` (e.g. `oms-`). */
  prefix: string;
  /** `OMS_EXCHANGE`. */
  exchange: string;
  /** `OMS_QUEUE_PREFIX`. */
  queuePrefix: string;
}

/** `s` with regex metacharacters escaped. */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/** The user spec of `service` with `password`. */
export function brokerUserSpec(service: BrokerService, password: string, names: BrokerNames): BrokerUserSpec {
  const ex = escapeRegex(names.exchange);
  const queues = `${escapeRegex(names.queuePrefix)}\\..+`;
  return {
    service,
    name: brokerUser(names.prefix, service),
    password,
    permissions: {
      configure: `^(${ex}|${queues})$`,
      write: `^(${ex}|amq\\.default|${queues})$`,
      read: `^(${ex}|${queues})$`,
    },
    topic: { exchange: names.exchange, write: PUBLISHES[service], read: ".*" },
  };
}

/** A random password (24 bytes, base64url). */
export function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** `adminUrl` with the credentials replaced by `user` and `password` (same host, port and vhost). */
export function urlAs(adminUrl: string, user: string, password: string): string {
  const scheme = adminUrl.startsWith("amqps:") ? "amqps:" : "amqp:";
  const u = new URL(adminUrl.replace(/^amqps?:/, "http:"));
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString().replace(/^http:/, scheme).replace(/\/$/, "");
}

/**
 * Creates or updates every service's user (passwords from `passwords`, new random ones for the rest)
 * through `admin`; returns each service's AMQP URL (same host as `adminUrl`) and the passwords used.
 */
export async function setUpBrokerUsers(
  admin: BrokerAdmin,
  adminUrl: string,
  names: BrokerNames,
  passwords: Partial<Record<BrokerService, string>> = {},
): Promise<{ urls: Record<BrokerService, string>; passwords: Record<BrokerService, string> }> {
  const specs = BROKER_SERVICES.map((s) => brokerUserSpec(s, passwords[s] ?? randomPassword(), names));
  await admin.putUsers(specs);
  const urls = {} as Record<BrokerService, string>;
  const used = {} as Record<BrokerService, string>;
  for (const s of specs) {
    urls[s.service] = urlAs(adminUrl, s.name, s.password);
    used[s.service] = s.password;
  }
  return { urls, passwords: used };
}

/** Removes every service's user under `prefix`. */
export async function removeBrokerUsers(admin: BrokerAdmin, prefix: string): Promise<void> {
  await admin.deleteUsers(BROKER_SERVICES.map((s) => brokerUser(prefix, s)));
}
