/**
 * Events are facts only their owner can state. Each service connects to RabbitMQ as its own broker user
 * `<prefix><service>` and sets the AMQP `user_id` property, which RabbitMQ checks against the
 * connection's user. A consumer accepts `order.*` only from `<prefix>orders`, `payment.*` only from
 * `<prefix>payments`, `kitchen.*` only from `<prefix>kitchen`; anything else is parked at once.
 *
 * A consumer's own retries and dead-letter replays are re-published by the consuming service's user,
 * so they carry the original publisher in the header {@linkcode ORIGINAL_USER_HEADER}; that header is
 * trusted only on a message whose (broker-validated) `user_id` is the consuming service's own user.
 *
 * @module
 */
import type { ServiceName } from "../config.ts";
import type { WireMessage } from "./transport.ts";

/** The default `OMS_BROKER_USER_PREFIX`. */
export const DEFAULT_BROKER_USER_PREFIX = "oms-";

/** Header carrying the original publisher's user on a consumer's retry or replay. */
export const ORIGINAL_USER_HEADER = "x-oms-original-user-id";

/** The service that owns each routing-key family (the first word of the key). */
export const OWNERS: Readonly<Record<string, ServiceName>> = {
  order: "orders",
  payment: "payments",
  kitchen: "kitchen",
};

/** The broker user of `service`: `<prefix><service>`. */
export function brokerUser(prefix: string, service: string): string {
  return `${prefix}${service}`;
}

/** The service that alone may state facts with `routingKey`, or undefined for a key nobody owns. */
export function ownerOf(routingKey: string): ServiceName | undefined {
  const family = routingKey.split(".", 1)[0] ?? "";
  return Object.hasOwn(OWNERS, family) ? OWNERS[family] : undefined;
}

/**
 * Who stated `message`: its `user_id`, or, when that is the consuming service's own user (its retry or
 * replay), the original publisher it carried along. Undefined when the message names nobody.
 */
export function publisherOf(message: WireMessage, ownUser: string): string | undefined {
  if (message.userId === ownUser && message.originalUserId) return message.originalUserId;
  return message.userId;
}

/**
 * Why `message` is refused (its publisher is not its routing key's owner), or undefined when it is
 * accepted. Keys nobody owns are left to the consumer's other checks.
 */
export function ownerRefusal(message: WireMessage, prefix: string, ownUser: string): string | undefined {
  const owner = ownerOf(message.routingKey);
  if (!owner) return undefined;
  const expected = brokerUser(prefix, owner);
  const publisher = publisherOf(message, ownUser);
  if (publisher === expected) return undefined;
  return `${message.routingKey} may only come from broker user "${expected}", ` +
    `but this one came from ${
      publisher === undefined ? "a publisher that set no user_id" : `"${publisher}"`
    }`;
}

/** The user name of an AMQP URL (`guest` when it names none, as RabbitMQ clients default). */
export function userOfUrl(url: string): string {
  const u = new URL(url.replace(/^amqps?:/, "http:"));
  return u.username ? decodeURIComponent(u.username) : "guest";
}

/**
 * Throws a clear error when `url` does not connect as `service`'s own broker user: a service that
 * publishes as another user would have every event refused by the broker or parked by its consumers.
 */
export function checkConnectionUser(url: string, prefix: string, service: string): string {
  const user = userOfUrl(url);
  const expected = brokerUser(prefix, service);
  if (user !== expected) {
    throw new Error(
      `${service} must connect to RabbitMQ as its own broker user "${expected}", but its AMQP URL ` +
        `names "${user}". Give it amqp://${expected}:<password>@<host> (OMS_BROKER_USER_PREFIX is ` +
        `"${prefix}"); \`deno task dev\` and the tests create these users (README, "Broker users").`,
    );
  }
  return user;
}
