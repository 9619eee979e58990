/**
 * The broker nodes of an AMQP URL setting. `AMQP_URL` (and each `<SERVICE>_AMQP_URL`) names one node or
 * several, comma-separated, so a service can fail over between the nodes of a RabbitMQ cluster:
 *
 * ```
 * AMQP_URL=amqp://oms-orders:pw@rabbit-1:5672,amqp://oms-orders:pw@rabbit-2:5672,amqp://oms-orders:pw@rabbit-3:5672
 * AMQP_URL=amqp://oms-orders:pw@rabbit-1:5672,rabbit-2:5672,rabbit-3      (the same: later nodes as host[:port])
 * ```
 *
 * A later node given as `host[:port]` takes the scheme, credentials, vhost and query of the first; the
 * port defaults to the first node's (5672 or 5671 when it names none). Every node must name the same user:
 * the service publishes as that user (`user_id`), whichever node it is connected to.
 *
 * @module
 */

/** Why an AMQP URL setting cannot be used; `variable` names the setting. */
export class AmqpUrlError extends Error {
  /** Creates the error for `variable`. */
  constructor(readonly variable: string, message: string) {
    super(message);
    this.name = "AmqpUrlError";
  }
}

const SCHEME = /^amqps?:\/\//;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/;

/** After the credentials: a host (or bracketed IPv6), an optional port, then the path, query or end. */
const AFTER_CREDENTIALS = /^(?:\[[^\]@]*\]|[^@/?#:\[\]\s]*)(?::\d*)?(?:[/?#]|$)/;

/**
 * `url` with its password replaced by `***` (for logs and messages), the rest as given. The credentials
 * end at the last `@` that a host follows, so an unencoded `@` (or `/`, `?`, `#`) in a password is
 * masked with it, and an empty user (`amqp://:pw@host`) still has its password masked. The user is
 * kept (it is up to the first `:`); without a `:` there is no password and nothing changes. When no
 * host can be told after any `@`, everything between `//` and the last `@` is masked: when in doubt
 * more is hidden, never less. A value without `//` is read as starting with the credentials.
 */
export function redactUrl(url: string): string {
  const scheme = url.indexOf("//");
  const start = scheme === -1 ? 0 : scheme + 2;
  const rest = url.slice(start);
  let at = -1;
  for (let i = rest.lastIndexOf("@"); i !== -1; i = i === 0 ? -1 : rest.lastIndexOf("@", i - 1)) {
    if (AFTER_CREDENTIALS.test(rest.slice(i + 1))) {
      at = i;
      break;
    }
  }
  if (at === -1) at = rest.lastIndexOf("@");
  if (at === -1) return url;
  const credentials = rest.slice(0, at);
  const colon = credentials.indexOf(":");
  if (colon === -1) return url;
  return `${url.slice(0, start)}${credentials.slice(0, colon)}:***${rest.slice(at)}`;
}

/**
 * The node URLs of `raw` (one URL, or several comma-separated), each a full `amqp://` or `amqps://` URL.
 * Throws an {@linkcode AmqpUrlError} naming `variable` when an entry is not a URL or `host[:port]`, or
 * when the nodes name different users; messages never show a password.
 */
export function parseAmqpUrls(raw: string, variable = "AMQP_URL"): string[] {
  const entries = raw.split(",").map((e) => e.trim()).filter((e) => e !== "");
  const first = entries[0];
  if (first === undefined || !SCHEME.test(first)) {
    throw new AmqpUrlError(
      variable,
      `${variable} must start with amqp:// or amqps://, got "${redactUrl(first ?? raw)}"`,
    );
  }
  const base = parse(first, variable);
  const urls = entries.map((entry, i) => {
    if (i === 0) return first;
    if (SCHEME.test(entry)) {
      parse(entry, variable);
      return entry;
    }
    if (!HOST_PORT.test(entry)) {
      throw new AmqpUrlError(
        variable,
        `${variable} node ${i + 1} must be an amqp(s):// URL or host[:port], got "${redactUrl(entry)}"`,
      );
    }
    const u = new URL(base.href);
    const [, host, port] = HOST_PORT.exec(entry)!;
    u.hostname = host!;
    if (port) u.port = port.slice(1);
    return u.href.replace(/^http:/, first.startsWith("amqps:") ? "amqps:" : "amqp:");
  });
  const user = userOf(base);
  for (const [i, url] of urls.entries()) {
    const other = userOf(parse(url, variable));
    if (other !== user) {
      throw new AmqpUrlError(
        variable,
        `${variable} names user "${user}" for node 1 but "${other}" for node ${i + 1}: every node must ` +
          "use the same user (the service publishes as it, whichever node it is connected to)",
      );
    }
  }
  return urls;
}

/** The URLs as one log-safe line: `amqp://u:***@a:5672, amqp://u:***@b:5672`. */
export function describeNodes(urls: readonly string[]): string {
  return urls.map(redactUrl).join(", ");
}

function parse(url: string, variable: string): URL {
  try {
    const u = new URL(url.replace(SCHEME, "http://"));
    if (u.hostname === "") throw new Error("no host");
    return u;
  } catch {
    throw new AmqpUrlError(variable, `${variable} has a node that is not a URL: "${redactUrl(url)}"`);
  }
}

function userOf(u: URL): string {
  return u.username ? decodeURIComponent(u.username) : "guest";
}
