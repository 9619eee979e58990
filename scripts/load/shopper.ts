/**
 * One simulated shopper. Each visit: browse the catalog (sometimes the storefront page too), put 1-3
 * available dishes in the cart, check out with an Idempotency-Key, then pay, let the payment be
 * declined or expire, or cancel, and follow the order until it reaches the state that should follow:
 * through its live stream as the storefront's order page does (`--follow stream`, see
 * `follow_stream.ts`), or by GETting it every `pollMs` (`--follow poll`).
 * Out of stock is an expected answer once stock runs low, not an error. Before its first checkout a
 * shopper signs up (`POST /api/customers`) and proves itself with that token on every customer route.
 *
 * @module
 */
import {
  type ApiClient,
  type ApiResult,
  asOrder,
  asProducts,
  failureKind,
  failureMessage,
  type OrderView,
  sessionIdOf,
} from "./client.ts";
import { randomUuidV7 } from "../../services/common/uuid_v7.ts";
import { type CustomerTokens, signUp } from "./customers.ts";
import { followStream } from "./follow_stream.ts";
import {
  type Expectation,
  expectedStates,
  type OrderLedger,
  PAID_STATES,
  type TrackedOrder,
} from "./ledger.ts";
import type { FollowMode } from "./options.ts";
import type { Intent, RunStats, Step } from "./stats.ts";

/** What shoppers share: the target, the counters and the run's limits. */
export interface ShopperContext {
  /** Client of the gateway. */
  client: ApiClient;
  /** Counters and latencies. */
  stats: RunStats;
  /** Every order created. */
  ledger: OrderLedger;
  /** The customers shoppers signed up as, with their tokens. */
  customers: CustomerTokens;
  /** Shares of orders cancelled, declined and left to expire (the rest are paid). */
  rates: { cancel: number; decline: number; expire: number };
  /** Share of visits that also load the storefront page `/`. */
  storefrontRate: number;
  /** How long an order may take to reach the state that should follow, in ms. */
  waitMs: number;
  /** How an order is followed: its live stream, or polling. */
  follow: FollowMode;
  /** Delay between two looks at an order (poll), or before opening a stream that ended early again, in ms. */
  pollMs: number;
  /** Pause after finding nothing to buy, in ms. */
  soldOutPauseMs: number;
  /** False once no new visit should start (time is up, or Ctrl-C). */
  shouldContinue(): boolean;
  /** Takes one slot of `--max-orders`; false when the bound is reached. */
  claimOrder(): boolean;
  /** Gives a slot back (the checkout did not create an order). */
  releaseOrder(): void;
  /** Uniform in [0, 1). */
  random(): number;
  /** Milliseconds since the run started. */
  elapsedMs(): number;
  /** True under `--chaos`: failure flags may decline payments, so a paid order may end cancelled. */
  chaos?: boolean;
}

/** Picks what a shopper does with the order from a uniform `r` in [0, 1). */
export function chooseIntent(r: number, rates: ShopperContext["rates"]): Intent {
  if (r < rates.cancel) return "cancel";
  if (r < rates.cancel + rates.decline) return "decline";
  if (r < rates.cancel + rates.decline + rates.expire) return "expire";
  return "pay";
}

/** One cart line. */
export interface CartLine {
  /** Item id. */
  id: string;
  /** Units. */
  quantity: number;
}

/** Picks 1-3 distinct available items, 1-2 units each (never more than is available). */
export function pickCart(products: { id: string; available: number }[], random: () => number): CartLine[] {
  const pool = products.filter((p) => p.available > 0);
  const want = Math.min(pool.length, 1 + Math.floor(random() * 3));
  const cart: CartLine[] = [];
  for (let i = 0; i < want; i++) {
    const [p] = pool.splice(Math.floor(random() * pool.length), 1);
    cart.push({ id: p!.id, quantity: 1 + Math.floor(random() * Math.min(2, p!.available)) });
  }
  return cart;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const TERMINAL = ["completed", "cancelled", "refunded"];

/** A shopper; {@linkcode Shopper.run} loops over visits until the run says stop. */
export class Shopper {
  /** The customer id this shopper orders as ("" until it signed up). */
  customerId = "";

  /** Shopper number `index` of the run. */
  constructor(private readonly ctx: ShopperContext, readonly index: number) {}

  /** Visits until time is up or `--max-orders` is reached. */
  async run(): Promise<void> {
    while (this.ctx.shouldContinue()) {
      if (!(await this.visit())) return;
    }
  }

  /** One visit; false when the shopper should stop (the order bound is reached). */
  async visit(): Promise<boolean> {
    const { ctx } = this;
    const catalog = await this.#call("browse", "GET", "/api/products");
    if (catalog.failure) return await this.#pause(200);
    const products = asProducts(catalog.body);
    if (!products) {
      this.#protocolError("browse", "GET /api/products did not answer {products: [...]}");
      return await this.#pause(200);
    }
    if (ctx.random() < ctx.storefrontRate) await this.#call("storefront", "GET", "/");

    const cart = pickCart(products, ctx.random);
    if (cart.length === 0) {
      ctx.stats.soldOut++;
      ctx.stats.shortage(ctx.elapsedMs());
      return await this.#pause(ctx.soldOutPauseMs);
    }
    if (!this.customerId && !(await this.#signUp())) return await this.#pause(200);
    if (!ctx.claimOrder()) return false;
    const order = await this.#checkout(cart);
    if (!order) {
      ctx.releaseOrder();
      return true;
    }
    const intent = chooseIntent(ctx.random(), ctx.rates);
    ctx.stats.intents[intent]++;
    const tracked: TrackedOrder = {
      id: order.id,
      customerId: this.customerId,
      // under --chaos a payment may be declined on purpose (failure flag paymentDeclineRate)
      expectation: intent === "pay" && ctx.chaos ? "pay-or-declined" : intent,
      status: order.status,
    };
    ctx.ledger.add(tracked);
    await this.#finish(tracked, intent, order.paymentLink);
    return true;
  }

  /** Becomes a customer with a token; false (the error counted) when the gateway would not say. */
  async #signUp(): Promise<boolean> {
    const res = await signUp(this.ctx.client);
    if ("failure" in res) {
      this.ctx.stats.error(failureKind("signup", res.failure), failureMessage(res.failure));
      return false;
    }
    this.ctx.customers.set(res.customerId, res.token);
    this.customerId = res.customerId;
    return true;
  }

  /** The headers proving this shopper's customer. */
  #proof(): Record<string, string> {
    return this.ctx.customers.proof(this.customerId);
  }

  async #pause(ms: number): Promise<true> {
    if (this.ctx.shouldContinue()) await sleep(ms);
    return true;
  }

  /** Checks out; retried with the same Idempotency-Key when there was no clear answer. */
  async #checkout(
    cart: CartLine[],
  ): Promise<{ id: string; status: string; paymentLink: string } | undefined> {
    const { ctx } = this;
    // a UUIDv7, as the storefront's: orders then makes a time-ordered order id of it (order_ids.ts)
    const key = randomUuidV7();
    const path = `/api/customers/${this.customerId}/orders`;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const res = await ctx.client.request("POST", path, {
        json: { items: cart },
        headers: { "idempotency-key": key, ...this.#proof() },
      });
      const f = res.failure;
      if (!f) {
        const order = asOrder(res.body);
        if (!order) {
          this.#protocolError("checkout", `POST ${path} answered ${res.status} without an order`);
          return undefined;
        }
        ctx.stats.steps.checkout.record(res.ms);
        if (ctx.ledger.get(order.id) === undefined) ctx.stats.ordersPlaced++;
        return order;
      }
      if (f.type === "http" && f.status === 409 && f.code === "out_of_stock") {
        ctx.stats.outOfStock++;
        ctx.stats.shortage(ctx.elapsedMs());
        return undefined;
      }
      ctx.stats.error(failureKind("checkout", f), failureMessage(f));
      const retry = f.type === "network" || f.type === "timeout" || (f.type === "http" && f.status === 503);
      if (!retry || attempt === 3) return undefined;
      await sleep(200 * attempt);
    }
    return undefined;
  }

  /** Pays, lets fail, or cancels the order, then follows it to the state that should follow. */
  async #finish(order: TrackedOrder, intent: Intent, paymentLink: string): Promise<void> {
    let link = paymentLink;
    if (!link && intent !== "cancel") {
      const seen = await this.#follow(order, (o) => o.paymentLink !== "" || TERMINAL.includes(o.status));
      link = seen?.paymentLink ?? "";
      if (!link) {
        this.ctx.stats.error(
          "follow: no payment link",
          `order ${order.id} had no payment link after ${this.ctx.waitMs} ms`,
        );
        order.expectation = "cancel";
        await this.#cancel(order);
        return;
      }
    }
    if (intent === "cancel") {
      await this.#cancel(order);
      return;
    }
    const sessionId = sessionIdOf(link);
    const outcome = intent === "pay" ? "pay" : intent === "decline" ? "decline" : "expire";
    const started = performance.now();
    const startedWall = Date.now();
    const paid = await this.#call("pay", "POST", `/api/payments/local/${encodeURIComponent(sessionId)}`, {
      outcome,
    });
    if (paid.failure) {
      // Whether the payment went through is unknown: clean up, and accept either ending.
      order.expectation = "either";
      await this.#cancel(order, "either");
      return;
    }
    const want = expectedStates(order.expectation);
    const seen = await this.#follow(order, (o) => want.includes(o.status) || TERMINAL.includes(o.status));
    if (seen && want.includes(seen.status)) {
      const paid = PAID_STATES.includes(seen.status); // a payment may be declined on purpose (--chaos)
      this.ctx.stats.steps[paid ? "timeToPaid" : "timeToCancelled"].record(performance.now() - started);
      if (paid && seen.paidAtMs !== undefined) {
        this.ctx.stats.steps.payToPaid.record(Math.max(0, seen.paidAtMs - startedWall));
      }
    } else {
      this.#unsettled(order, want, seen?.status);
    }
  }

  /** Cancels the order (retrying once without a clear answer); `expectation` is what to expect after. */
  async #cancel(order: TrackedOrder, expectation: Expectation = "cancel"): Promise<void> {
    const path = `/api/customers/${this.customerId}/orders/${order.id}/cancel`;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const res = await this.ctx.client.request("POST", path, { headers: this.#proof() });
      const f = res.failure;
      if (!f) {
        this.ctx.stats.steps.cancel.record(res.ms);
        const o = asOrder(res.body);
        if (o) order.status = o.status;
        if (o?.status !== "cancelled") {
          this.#protocolError("cancel", `cancelling order ${order.id} answered status ${o?.status}`);
        }
        return;
      }
      // After a failed payment call, "not cancellable" means it was paid after all.
      if (expectation === "either" && f.type === "http" && f.status === 409) return;
      this.ctx.stats.error(failureKind("cancel", f), failureMessage(f));
      const retry = f.type === "network" || f.type === "timeout" || (f.type === "http" && f.status === 503);
      if (!retry) return;
    }
  }

  /** Follows the order until `done` holds or `--wait` runs out; the last view, if any. */
  async #follow(
    order: TrackedOrder,
    done: (o: OrderView) => boolean,
  ): Promise<OrderView | undefined> {
    const { ctx } = this;
    if (ctx.follow === "poll") return await this.#poll(order, done);
    const seen = await followStream(ctx.client, {
      orderId: order.id,
      headers: this.#proof(),
      deadline: performance.now() + ctx.waitMs,
      reopenMs: ctx.pollMs,
      done,
      onFailure: (f) => ctx.stats.error(failureKind("follow", f), failureMessage(f)),
    });
    if (seen) order.status = seen.status;
    return seen;
  }

  /** GETs the order every `pollMs` until `done` holds or `--wait` runs out; the last view, if any. */
  async #poll(
    order: TrackedOrder,
    done: (o: OrderView) => boolean,
  ): Promise<OrderView | undefined> {
    const { ctx } = this;
    const path = `/api/customers/${this.customerId}/orders/${order.id}`;
    const deadline = performance.now() + ctx.waitMs;
    let last: OrderView | undefined;
    while (true) {
      const res = await ctx.client.request("GET", path, { headers: this.#proof() });
      if (res.failure) {
        ctx.stats.error(failureKind("follow", res.failure), failureMessage(res.failure));
      } else {
        const o = asOrder(res.body);
        if (o) {
          last = o;
          order.status = o.status;
          if (done(o)) return o;
        } else {
          this.#protocolError("follow", `GET ${path} answered without an order`);
        }
      }
      if (performance.now() + ctx.pollMs > deadline) return last;
      await sleep(ctx.pollMs);
    }
  }

  #unsettled(order: TrackedOrder, want: readonly string[], status: string | undefined): void {
    const expected = want === PAID_STATES ? "paid" : want.join("/");
    if (status && TERMINAL.includes(status)) {
      this.ctx.stats.error(
        `follow: ended ${status}, expected ${expected}`,
        `order ${order.id} ended ${status}, expected ${expected}`,
      );
    } else {
      this.ctx.stats.error(
        `follow: not ${expected} within --wait`,
        `order ${order.id} was still ${status ?? "unknown"} after ${this.ctx.waitMs} ms`,
      );
    }
  }

  /** Sends a request and records its latency under `step` when it succeeds, its error when not. */
  async #call(step: Step, method: string, path: string, json?: unknown): Promise<ApiResult> {
    const res = await this.ctx.client.request(method, path, json === undefined ? {} : { json });
    if (res.failure) this.ctx.stats.error(failureKind(step, res.failure), failureMessage(res.failure));
    else this.ctx.stats.steps[step].record(res.ms);
    return res;
  }

  #protocolError(step: string, message: string): void {
    this.ctx.stats.error(failureKind(step, { type: "protocol", message }), message);
  }
}
