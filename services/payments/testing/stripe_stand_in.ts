/**
 * A local HTTP stand-in for the subset of the Stripe API that payments uses, for tests only (Stripe
 * cannot be reached here). The real `stripe` SDK is pointed at it with `STRIPE_API_URL`. It speaks the
 * documented shapes: form-encoded `POST /v1/checkout/sessions` (honoring `Idempotency-Key`: the same
 * key and parameters return the same session, different parameters are an `idempotency_error`, a key
 * in flight is a 409), `GET /v1/checkout/sessions/{id}`, `POST /v1/checkout/sessions/{id}/expire` and
 * `POST /v1/refunds` (partial refunds by `amount`, `metadata`, refusing more than is left), and the list
 * endpoints reconciliation reads: `GET /v1/checkout/sessions` (`status`, `created`) and `GET /v1/events`
 * (`type` with `*` wildcards, `types`, `created`, `delivery_success`), newest first, paginated with
 * `limit` (1 to 100, default 10), `starting_after` / `ending_before` and `has_more`. It records every
 * request so tests can assert what was sent, and it builds and signs webhook events with the SDK's own
 * `generateTestHeaderStringAsync`.
 *
 * Webhooks: with {@linkcode StripeStandIn.setWebhook} the stand-in keeps an event log as Stripe does
 * (every outcome: {@linkcode StripeStandIn.complete}, an expiry by the API) and delivers each event to the
 * endpoint, signed, as {@linkcode StripeStandIn.deliveries} says: `deliver`, `drop` (never sent, so the
 * event stays undelivered, as with an endpoint that was down) or `duplicate` (sent twice). Failures on
 * purpose: {@linkcode StripeStandIn.failNext} answers requests with a 500 `api_error`.
 *
 * @module
 */
import Stripe from "stripe";

/** A form value as the SDK encodes it (`a[b][0][c]=v`), parsed back into objects and arrays. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

/** One request the stand-in received. */
export interface RecordedRequest {
  /** The HTTP method. */
  method: string;
  /** The URL path. */
  path: string;
  /** The `Idempotency-Key` header. */
  idempotencyKey: string | null;
  /** The `Authorization` header. */
  authorization: string | null;
  /** The parsed form body (POST) or query string (GET). */
  params: Record<string, FormValue>;
}

/**
 * A Checkout Session as the stand-in keeps it: the fields payments reads and tests assert, named and
 * typed as in Stripe's API reference (`line_items_params` is the stand-in's record of the lines sent).
 */
export interface StandInSession {
  id: string;
  object: "checkout.session";
  mode: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  url: string | null;
  expires_at: number;
  created: number;
  success_url: string | null;
  cancel_url: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string | null;
  payment_intent: string | null;
  line_items_params: FormValue;
}

/** A Refund as the stand-in keeps it, named and typed as in Stripe's API reference. */
export interface StandInRefund {
  id: string;
  object: "refund";
  payment_intent: string;
  amount: number;
  currency: string | null;
  status: "succeeded";
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

const REFUND_REASONS = ["duplicate", "fraudulent", "requested_by_customer"];

/** Parses an `application/x-www-form-urlencoded` body with Stripe's bracket notation. */
export function parseStripeForm(body: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = rawKey.replace(/\]/g, "").split("[");
    let node: Record<string, FormValue> | FormValue[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const container = node as Record<string, FormValue>;
      if (last) {
        container[part] = value;
      } else {
        container[part] ??= nextIsIndex ? [] : {};
        node = container[part] as Record<string, FormValue> | FormValue[];
      }
    });
  }
  return root;
}

function stripeError(status: number, type: string, message: string, extra: Record<string, unknown> = {}) {
  return Response.json({ error: { type, message, ...extra } }, { status });
}

/** `created` of a list request (`created=ts` or `created[gte|gt|lte|lt]=ts`) as a test, or an error message. */
function createdFilter(value: FormValue | undefined): ((created: number) => boolean) | string {
  if (value === undefined) return () => true;
  const bounds = typeof value === "string" ? { eq: value } : value;
  if (Array.isArray(bounds)) return "Invalid created: must be an integer or a range";
  const tests: ((c: number) => boolean)[] = [];
  for (const [op, raw] of Object.entries(bounds)) {
    const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(n)) return `Invalid created[${op}]: must be an integer`;
    const test = {
      eq: (c: number) => c === n,
      gte: (c: number) => c >= n,
      gt: (c: number) => c > n,
      lte: (c: number) => c <= n,
      lt: (c: number) => c < n,
    }[op];
    if (!test) {
      return `Received unknown parameter: created[${op}]`;
    }
    tests.push(test);
  }
  return (c) => tests.every((t) => t(c));
}

/** An event `type` filter with `*` wildcards (e.g. `checkout.session.*`). */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/**
 * One page of `all` (newest first) as Stripe lists it: `limit` (1 to 100, default 10), the page after
 * `starting_after` or before `ending_before`, and `has_more`.
 */
function listResponse<T extends { id: string }>(
  url: string,
  all: T[],
  query: Record<string, FormValue>,
): Response {
  const limit = query.limit === undefined ? 10 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return stripeError(400, "invalid_request_error", "Invalid limit: must be between 1 and 100", {
      param: "limit",
    });
  }
  let rest = all;
  const cursor = (name: string) => {
    const id = query[name];
    return typeof id === "string" ? all.findIndex((o) => o.id === id) : undefined;
  };
  const after = cursor("starting_after");
  const before = cursor("ending_before");
  if (after === -1 || before === -1) {
    return stripeError(
      404,
      "invalid_request_error",
      `No such object: '${query.starting_after ?? query.ending_before}'`,
    );
  }
  if (after !== undefined) rest = all.slice(after + 1);
  if (before !== undefined) {
    const earlier = all.slice(0, before);
    const data = earlier.slice(-limit);
    return Response.json({ object: "list", url, has_more: earlier.length > limit, data });
  }
  return Response.json({ object: "list", url, has_more: rest.length > limit, data: rest.slice(0, limit) });
}

function randomId(prefix: string): string {
  return `${prefix}_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/** An event the stand-in emitted, with its webhook deliveries. */
export interface StandInEvent {
  /** The event as Stripe sends it (its `data.object` a snapshot of the session then). */
  event: Record<string, unknown> & { id: string; type: string; created: number };
  /** True once an endpoint answered a delivery 2xx (or no endpoint is set); false while undelivered. */
  delivered: boolean;
  /** The HTTP statuses of the delivery attempts, in order. */
  attempts: number[];
}

/** What happens to the next webhook deliveries. */
export type DeliveryMode = "deliver" | "drop" | "duplicate";

/** Options of {@linkcode StripeStandIn.start}. */
export interface StandInOptions {
  /** Delay before answering a session creation, to make concurrent requests overlap. */
  createLatencyMs?: number;
}

/** The running stand-in. */
export class StripeStandIn {
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Sessions by id. */
  readonly sessions = new Map<string, StandInSession>();
  /** Refunds by id. */
  readonly refunds = new Map<string, StandInRefund>();
  readonly #idempotent = new Map<string, { params: string; response: unknown }>();
  readonly #inFlight = new Set<string>();
  /** Events emitted, oldest first (the Events API lists them newest first). */
  readonly events: StandInEvent[] = [];
  /** What happens to the next webhook deliveries (default: delivered once). */
  deliveries: DeliveryMode = "deliver";
  readonly #sdk = new Stripe("sk_test_stand_in");
  #server!: Deno.HttpServer<Deno.NetAddr>;
  #options: StandInOptions = {};
  #webhook: { url: string; secret: string } | undefined;
  readonly #sending = new Set<Promise<void>>();
  #failures: { pathPrefix: string; remaining: number } | undefined;

  /** Starts the stand-in on a free port of 127.0.0.1. */
  static start(options: StandInOptions = {}): StripeStandIn {
    const s = new StripeStandIn();
    s.#options = options;
    s.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => s.#handle(req));
    return s;
  }

  /** The base URL to give `STRIPE_API_URL`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Requests to `POST /v1/checkout/sessions`. */
  get sessionCreations(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
  }

  /** Requests to `POST /v1/refunds` (replays of an idempotency key included). */
  get refundCreations(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "POST" && r.path === "/v1/refunds");
  }

  /** The refunds made of payment intent `pi`, oldest first. */
  refundsOf(pi: string): StandInRefund[] {
    return [...this.refunds.values()].filter((r) => r.payment_intent === pi);
  }

  /** Stops the server (after the webhook deliveries in flight). */
  async stop(): Promise<void> {
    await this.settled();
    await this.#server.shutdown();
  }

  /** Sends every later event to the webhook endpoint at `url`, signed with `secret`. */
  setWebhook(url: string, secret: string): void {
    this.#webhook = { url, secret };
  }

  /** Resolves once every webhook delivery started so far has been answered. */
  async settled(): Promise<void> {
    while (this.#sending.size > 0) await Promise.allSettled([...this.#sending]);
  }

  /**
   * The next `count` API requests whose path starts with `pathPrefix` are answered 500 `api_error` with
   * `Stripe-Should-Retry: false` (so the SDK does not retry them); `Infinity` until {@linkcode clearFailures}.
   */
  failNext(count: number, pathPrefix = "/v1/"): void {
    this.#failures = { pathPrefix, remaining: count };
  }

  /** Answers every request normally again. */
  clearFailures(): void {
    this.#failures = undefined;
  }

  /** The events about `sessionId`, oldest first. */
  eventsOf(sessionId: string): StandInEvent[] {
    return this.events.filter((e) => (e.event.data as { object: { id: string } }).object.id === sessionId);
  }

  /**
   * The customer pays the session: it becomes complete and paid, and `checkout.session.completed` is
   * emitted and delivered as {@linkcode deliveries} says. Resolves once the deliveries were answered.
   */
  async complete(sessionId: string): Promise<StandInEvent> {
    this.pay(sessionId);
    const emitted = this.#emit("checkout.session.completed", sessionId);
    await this.settled();
    return emitted;
  }

  /** Records an event of `type` about the session and delivers it (in the background). */
  #emit(type: string, sessionId: string): StandInEvent {
    const event = structuredClone(this.event(type, sessionId)) as StandInEvent["event"];
    const emitted: StandInEvent = { event, delivered: this.#webhook === undefined, attempts: [] };
    this.events.push(emitted);
    const webhook = this.#webhook;
    if (!webhook || this.deliveries === "drop") {
      if (webhook) emitted.delivered = false;
      return emitted;
    }
    const times = this.deliveries === "duplicate" ? 2 : 1;
    const sending = (async () => {
      const { payload, signature } = await this.signed(event, webhook.secret);
      for (let i = 0; i < times; i++) {
        const status = await fetch(webhook.url, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": signature },
          body: new Uint8Array(payload),
        }).then(async (r) => (await r.body?.cancel(), r.status)).catch(() => 0);
        emitted.attempts.push(status);
        if (status >= 200 && status < 300) emitted.delivered = true;
      }
    })();
    this.#sending.add(sending);
    sending.finally(() => this.#sending.delete(sending));
    return emitted;
  }

  /** Marks a session paid, as a customer finishing checkout would; returns it. */
  pay(sessionId: string): StandInSession {
    const s = this.#session(sessionId);
    s.status = "complete";
    s.payment_status = "paid";
    s.payment_intent ??= randomId("pi");
    return s;
  }

  /** A webhook event of `type` about the session, as Stripe would send it. */
  event(type: string, sessionId: string, id = randomId("evt")): Record<string, unknown> {
    return {
      id,
      object: "event",
      api_version: "2026-10-28.endive",
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: this.#session(sessionId) },
    };
  }

  /** Serializes `event` and signs it for `secret` with the SDK's own test helper. */
  async signed(
    event: Record<string, unknown>,
    secret: string,
  ): Promise<{ payload: Uint8Array; signature: string }> {
    const payload = JSON.stringify(event);
    const signature = await this.#sdk.webhooks.generateTestHeaderStringAsync({ payload, secret });
    return { payload: new TextEncoder().encode(payload), signature };
  }

  #session(id: string): StandInSession {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`Stand-in has no checkout session "${id}"`);
    return s;
  }

  async #handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const params = parseStripeForm(req.method === "POST" ? await req.text() : url.search.slice(1));
    const idempotencyKey = req.headers.get("idempotency-key");
    this.requests.push({
      method: req.method,
      path: url.pathname,
      idempotencyKey,
      authorization: req.headers.get("authorization"),
      params,
    });
    if (!req.headers.get("authorization")?.startsWith("Bearer sk_")) {
      return stripeError(401, "invalid_request_error", "You did not provide an API key.");
    }
    const failing = this.#failures;
    if (failing && failing.remaining > 0 && url.pathname.startsWith(failing.pathPrefix)) {
      failing.remaining--;
      const res = stripeError(500, "api_error", "An unknown error occurred (the stand-in fails on purpose).");
      res.headers.set("stripe-should-retry", "false");
      return res;
    }
    const query = params;
    if (req.method === "GET" && url.pathname === "/v1/checkout/sessions") {
      const status = query.status;
      const created = createdFilter(query.created);
      if (typeof created === "string") return stripeError(400, "invalid_request_error", created);
      return listResponse(
        url.pathname,
        [...this.sessions.values()].reverse().filter((s) =>
          (status === undefined || s.status === status) && created(s.created)
        ),
        query,
      );
    }
    if (req.method === "GET" && url.pathname === "/v1/events") {
      if (query.type !== undefined && query.types !== undefined) {
        return stripeError(
          400,
          "invalid_request_error",
          "You may pass either `type` or `types`, but not both.",
        );
      }
      const types = Array.isArray(query.types) ? query.types.map(String) : undefined;
      if (types && types.length > 20) {
        return stripeError(400, "invalid_request_error", "`types` takes up to 20 event types.", {
          param: "types",
        });
      }
      const type = typeof query.type === "string" ? wildcard(query.type) : undefined;
      const created = createdFilter(query.created);
      if (typeof created === "string") return stripeError(400, "invalid_request_error", created);
      const delivery = query.delivery_success;
      return listResponse(
        url.pathname,
        [...this.events].reverse().filter((e) =>
          (!types || types.includes(e.event.type)) && (!type || type.test(e.event.type)) &&
          created(e.event.created) &&
          (delivery === undefined || String(e.delivered) === delivery)
        ).map((e) => e.event),
        query,
      );
    }
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      return await this.#idempotently(idempotencyKey, params, async () => {
        if (this.#options.createLatencyMs) {
          await new Promise((r) => setTimeout(r, this.#options.createLatencyMs));
        }
        return this.#createSession(params);
      });
    }
    if (req.method === "GET" && parts.length === 4 && parts[1] === "checkout" && parts[2] === "sessions") {
      const s = this.sessions.get(parts[3]!);
      return s
        ? Response.json(s)
        : stripeError(404, "invalid_request_error", `No such checkout.session: '${parts[3]}'`);
    }
    if (req.method === "POST" && parts.length === 5 && parts[2] === "sessions" && parts[4] === "expire") {
      const s = this.sessions.get(parts[3]!);
      if (!s) return stripeError(404, "invalid_request_error", `No such checkout.session: '${parts[3]}'`);
      if (s.status !== "open") {
        return stripeError(
          400,
          "invalid_request_error",
          `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`,
        );
      }
      s.status = "expired";
      s.url = null;
      this.#emit("checkout.session.expired", s.id);
      return Response.json(s);
    }
    if (req.method === "POST" && url.pathname === "/v1/refunds") {
      return await this.#idempotently(
        idempotencyKey,
        params,
        () => Promise.resolve(this.#createRefund(params)),
      );
    }
    return stripeError(
      404,
      "invalid_request_error",
      `Unrecognized request URL (${req.method}: ${url.pathname}).`,
    );
  }

  async #idempotently(
    key: string | null,
    params: Record<string, FormValue>,
    create: () => Promise<Response>,
  ): Promise<Response> {
    if (!key) return await create();
    const canonical = JSON.stringify(params);
    const seen = this.#idempotent.get(key);
    if (seen) {
      if (seen.params !== canonical) {
        return stripeError(
          400,
          "idempotency_error",
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      return Response.json(seen.response, { headers: { "idempotent-replayed": "true" } });
    }
    if (this.#inFlight.has(key)) {
      return stripeError(
        409,
        "idempotency_error",
        "There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): " +
          key,
        { code: "idempotency_key_in_use" },
      );
    }
    this.#inFlight.add(key);
    try {
      const res = await create();
      if (res.ok) this.#idempotent.set(key, { params: canonical, response: await res.clone().json() });
      return res;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  #createSession(p: Record<string, FormValue>): Response {
    if (p.mode !== "payment") {
      return stripeError(400, "invalid_request_error", "Missing required param: mode.");
    }
    const lines = p.line_items;
    if (!Array.isArray(lines) || lines.length === 0) {
      return stripeError(400, "invalid_request_error", "You must provide at least one line item.");
    }
    let total = 0;
    let currency: string | null = null;
    for (const line of lines) {
      const l = line as Record<string, FormValue>;
      const pd = l.price_data as Record<string, string> | undefined;
      if (!pd?.currency || !pd.unit_amount || !(l.price_data as Record<string, FormValue>).product_data) {
        return stripeError(400, "invalid_request_error", "Each line item needs price or price_data.");
      }
      currency = pd.currency;
      total += Number(pd.unit_amount) * Number(l.quantity ?? "1");
    }
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = p.expires_at ? Number(p.expires_at) : now + 24 * 3600;
    if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600) {
      return stripeError(
        400,
        "invalid_request_error",
        "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
        { param: "expires_at" },
      );
    }
    const id = randomId("cs");
    const session: StandInSession = {
      id,
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      url: `https://checkout.stripe.com/c/pay/${id}`,
      expires_at: expiresAt,
      created: now,
      success_url: typeof p.success_url === "string" ? p.success_url : null,
      cancel_url: typeof p.cancel_url === "string" ? p.cancel_url : null,
      client_reference_id: typeof p.client_reference_id === "string" ? p.client_reference_id : null,
      metadata: (p.metadata ?? {}) as Record<string, string>,
      amount_total: total,
      currency,
      payment_intent: null,
      line_items_params: lines,
    };
    this.sessions.set(id, session);
    return Response.json(session);
  }

  /**
   * `POST /v1/refunds` as Stripe documents it: `payment_intent` (required here), `amount` (optional:
   * the rest of the charge), `reason` (one of duplicate, fraudulent, requested_by_customer),
   * `metadata`. A charge refunded in full is `charge_already_refunded`; more than is left is
   * `amount_too_large`.
   */
  #createRefund(p: Record<string, FormValue>): Response {
    const pi = p.payment_intent;
    if (typeof pi !== "string") {
      return stripeError(400, "invalid_request_error", "Missing required param: payment_intent.");
    }
    const session = [...this.sessions.values()].find((s) => s.payment_intent === pi);
    if (!session) return stripeError(404, "invalid_request_error", `No such payment_intent: '${pi}'`);
    const refunded = this.refundsOf(pi).reduce((n, r) => n + r.amount, 0);
    const left = session.amount_total - refunded;
    if (left <= 0) {
      return stripeError(
        400,
        "invalid_request_error",
        `Charge for payment intent ${pi} has already been refunded.`,
        {
          code: "charge_already_refunded",
        },
      );
    }
    let amount = left;
    if (p.amount !== undefined) {
      amount = typeof p.amount === "string" && /^\d+$/.test(p.amount) ? Number(p.amount) : NaN;
      if (!Number.isSafeInteger(amount) || amount < 1) {
        return stripeError(400, "invalid_request_error", "Invalid positive integer", { param: "amount" });
      }
      if (amount > left) {
        return stripeError(
          400,
          "invalid_request_error",
          `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
          { param: "amount", code: "amount_too_large" },
        );
      }
    }
    const reason = p.reason;
    if (reason !== undefined && (typeof reason !== "string" || !REFUND_REASONS.includes(reason))) {
      return stripeError(
        400,
        "invalid_request_error",
        `Invalid reason: must be one of ${REFUND_REASONS.join(", ")}`,
        {
          param: "reason",
        },
      );
    }
    const refund: StandInRefund = {
      id: randomId("re"),
      object: "refund",
      payment_intent: pi,
      amount,
      currency: session.currency,
      status: "succeeded",
      reason: reason ?? null,
      metadata: (p.metadata ?? {}) as Record<string, string>,
      created: Math.floor(Date.now() / 1000),
    };
    this.refunds.set(refund.id, refund);
    return Response.json(refund);
  }
}
