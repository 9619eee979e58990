/**
 * The load generator's HTTP client for the OMS gateway: one request with a time limit, timed, with
 * every failure classified (HTTP status and error code, network error, timeout) so the report can
 * count errors by kind; or the opening of an event stream, classified the same way.
 *
 * @module
 */

/** Why a request did not succeed. */
export type Failure =
  | { type: "http"; status: number; code: string; message: string }
  | { type: "network"; message: string }
  | { type: "timeout"; afterMs: number }
  | { type: "protocol"; message: string };

/** The outcome of one request. */
export interface ApiResult {
  /** HTTP status, or 0 when there was no answer. */
  status: number;
  /** Parsed JSON body (text when not JSON; undefined when there was no answer). */
  body: unknown;
  /** Wall time of the request, body included, in ms. */
  ms: number;
  /** Set when the status is not 2xx or there was no answer. */
  failure?: Failure;
}

/** Options of one request. */
export interface RequestOptions {
  /** JSON body to send. */
  json?: unknown;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** A client of one gateway; every request is limited to `timeoutMs`. */
export class ApiClient {
  /** A client of the gateway at `baseUrl` (no trailing slash). */
  constructor(
    readonly baseUrl: string,
    readonly timeoutMs: number,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** Sends one request and classifies what came back; never throws for HTTP or network trouble. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResult> {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.json !== undefined) headers["content-type"] = "application/json";
    const started = performance.now();
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
        signal,
      });
      const text = await res.text();
      const ms = performance.now() - started;
      const body = parseBody(text, res.headers.get("content-type") ?? "");
      if (res.status >= 200 && res.status < 300) return { status: res.status, body, ms };
      const { code, message } = errorOf(body);
      return { status: res.status, body, ms, failure: { type: "http", status: res.status, code, message } };
    } catch (err) {
      const ms = performance.now() - started;
      if (signal.aborted) {
        return { status: 0, body: undefined, ms, failure: { type: "timeout", afterMs: ms } };
      }
      return {
        status: 0,
        body: undefined,
        ms,
        failure: { type: "network", message: err instanceof Error ? err.message : String(err) },
      };
    }
  }
  /**
   * Opens a server-sent-events stream at `path` (`Accept: text/event-stream`): its body once the
   * headers came within the time limit, or the failure classified as {@linkcode request} does. The
   * body stays open until it ends, the caller cancels it, or `signal` aborts.
   */
  async stream(
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ body: ReadableStream<Uint8Array> } | { failure: Failure }> {
    const started = performance.now();
    const opening = new AbortController(); // the time limit covers the headers, not the body
    const timer = setTimeout(() => opening.abort(), this.timeoutMs);
    try {
      const res = await this.fetchFn(`${this.baseUrl}${path}`, {
        headers: { accept: "text/event-stream", ...headers },
        signal: AbortSignal.any([signal, opening.signal]),
      });
      clearTimeout(timer);
      if (res.status >= 200 && res.status < 300 && res.body) return { body: res.body };
      const body = parseBody(await res.text(), res.headers.get("content-type") ?? "");
      const { code, message } = errorOf(body);
      return { failure: { type: "http", status: res.status, code, message } };
    } catch (err) {
      if (opening.signal.aborted) {
        return { failure: { type: "timeout", afterMs: performance.now() - started } };
      }
      return { failure: { type: "network", message: err instanceof Error ? err.message : String(err) } };
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseBody(text: string, contentType: string): unknown {
  if (!contentType.includes("json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The `{error: {code, message}}` of a gateway error body ("" when absent). */
export function errorOf(body: unknown): { code: string; message: string } {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  return {
    code: typeof error?.code === "string" ? error.code : "",
    message: typeof error?.message === "string"
      ? error.message
      : typeof body === "string"
      ? body.slice(0, 200)
      : "",
  };
}

/** The report's name for a failure of `step`, e.g. `checkout: HTTP 503 unavailable`. */
export function failureKind(step: string, failure: Failure): string {
  switch (failure.type) {
    case "http":
      return `${step}: HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ""}`;
    case "network":
      return `${step}: network error`;
    case "timeout":
      return `${step}: timeout`;
    case "protocol":
      return `${step}: unexpected response`;
  }
}

/** A one-line description of a failure, for the report's examples. */
export function failureMessage(failure: Failure): string {
  switch (failure.type) {
    case "http":
      return failure.message || `HTTP ${failure.status}`;
    case "network":
      return failure.message;
    case "timeout":
      return `no answer within ${Math.round(failure.afterMs)} ms`;
    case "protocol":
      return failure.message;
  }
}

/** True for a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The fields of an order the load generator reads. */
export interface OrderView {
  /** Order id. */
  id: string;
  /** Lowercase status, e.g. `waiting_payment`. */
  status: string;
  /** Checkout link ("" while pending). */
  paymentLink: string;
  /** When orders recorded the order paid (epoch ms, from its timeline; the server's clock), if it did. */
  paidAtMs?: number;
}

/** Reads an order from a response body; undefined when it does not look like one. */
export function asOrder(body: unknown): OrderView | undefined {
  if (!isRecord(body) || typeof body.id !== "string" || typeof body.status !== "string") return undefined;
  const paidAtMs = paidAtOf(body.timeline);
  return {
    id: body.id,
    status: body.status,
    paymentLink: typeof body.paymentLink === "string" ? body.paymentLink : "",
    ...(paidAtMs === undefined ? {} : { paidAtMs }),
  };
}

/** The time (epoch ms) of the `paid` entry of an order's `timeline`, if it has a valid one. */
export function paidAtOf(timeline: unknown): number | undefined {
  if (!Array.isArray(timeline)) return undefined;
  for (const e of timeline) {
    if (isRecord(e) && e.status === "paid" && typeof e.at === "string") {
      const ms = Date.parse(e.at);
      return Number.isNaN(ms) ? undefined : ms;
    }
  }
  return undefined;
}

/** A catalog item as the load generator sees it. */
export interface ProductView {
  /** Item id. */
  id: string;
  /** Units that can still be ordered. */
  available: number;
}

/** Reads `{products: [...]}`; undefined when the body does not look like a catalog. */
export function asProducts(body: unknown): ProductView[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.products)) return undefined;
  const out: ProductView[] = [];
  for (const p of body.products) {
    if (!isRecord(p) || typeof p.id !== "string" || typeof p.available !== "number") return undefined;
    out.push({ id: p.id, available: p.available });
  }
  return out;
}

/** The checkout session id of a local payment link: its last path segment ("" when there is none). */
export function sessionIdOf(paymentLink: string): string {
  try {
    const segments = new URL(paymentLink, "http://localhost").pathname.split("/").filter((s) => s);
    return decodeURIComponent(segments.at(-1) ?? "");
  } catch {
    return "";
  }
}
