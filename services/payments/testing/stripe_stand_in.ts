/**
 * A local HTTP stand-in for the subset of the Stripe API that payments uses, for tests only (Stripe
 * cannot be reached here). The real `stripe` SDK is pointed at it with `STRIPE_API_URL`. It speaks the
 * documented shapes: form-encoded `POST /v1/checkout/sessions` (honoring `Idempotency-Key`: the same
 * key and parameters return the same session, different parameters are an `idempotency_error`, a key
 * in flight is a 409), `GET /v1/checkout/sessions/{id}`, `POST /v1/checkout/sessions/{id}/expire` and
 * `POST /v1/refunds` (partial refunds by `amount`, `metadata`, refusing more than is left). It records every request so tests can assert what was sent, and it builds and
 * signs webhook events with the SDK's own `generateTestHeaderStringAsync`.
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
  /** The parsed form body. */
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

function randomId(prefix: string): string {
  return `${prefix}_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

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
  readonly #sdk = new Stripe("sk_test_stand_in");
  #server!: Deno.HttpServer<Deno.NetAddr>;
  #options: StandInOptions = {};

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

  /** Stops the server. */
  async stop(): Promise<void> {
    await this.#server.shutdown();
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
    const params = req.method === "POST" ? parseStripeForm(await req.text()) : {};
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
