/**
 * Orders' use cases: one method per command, query and followed event. The only code that sequences
 * store reads, the remote calls to stock and payments, and events. State changes run in a unit-of-work
 * transaction ({@linkcode Tx}): the commands through {@linkcode UnitOfWork.run}, the event use cases in
 * the consumer's operation (the adapter passes `consumerTx(ctx)`), so each commits its order, indexes,
 * counters and outbox records in one atomic operation and re-runs on a conflict.
 *
 * Access: the caller says whether it acts as staff (`admin`); the gRPC adapter decides that from the
 * signed staff claim. A customer sees only their own orders; another customer's order is `not_found`.
 *
 * @module
 */
import { recordOrderChange } from "./metrics.ts";
import type { StaffClaim } from "../common/auth/staff_claim.ts";
import { DomainError } from "../common/domain_error.ts";
import { emitAll } from "../common/domain_event.ts";
import type { EventPayload, RoutingKey } from "../common/events.ts";
import { rpc } from "../common/grpc_client.ts";
import type { Logger } from "../common/log.ts";
import { traceIdOf, traceMetadata } from "../common/trace.ts";
import type { Tx, UnitOfWork } from "../common/unit_of_work.ts";
import { outboxKey } from "../common/bus/outbox.ts";
import type { LookupOrdersResponse } from "../common/gen/oms/orders/v1/orders.ts";
import type { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";
import type { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import type { Money, OrderDetails } from "../common/gen/oms/types/v1/types.ts";
import { KeyedOrderIds, newOrderId } from "./order_ids.ts";
import * as lifecycle from "./domain/lifecycle.ts";
import type { Decision } from "./domain/lifecycle.ts";
import {
  confirmRefund,
  dropRefund,
  requestRefund,
  sameRefund,
  validateRefundId,
  validateRefundReason,
} from "./domain/refund.ts";
import { requestFingerprint } from "./domain/request_fingerprint.ts";
import { reopenOrder, ReopenTooEarly } from "./domain/reopen.ts";
import { addNote } from "./domain/staff_note.ts";
import { OrderNumbers } from "./numbers.ts";
import { type Order, ORDER_STATUSES, type OrderNote, type OrderStatus } from "./domain/order.ts";
import type { TransitionCause } from "./domain/transition.ts";
import {
  validateCreateOrder,
  validateCustomerId,
  validateOrderId,
  validatePageSize,
  type ValidCreateOrder,
} from "./domain/validate.ts";
import { lookupOrders } from "./lookup.ts";
import {
  addClaim,
  addCreate,
  addUpdate,
  type ClaimEntry,
  countOrders,
  getOrder,
  type IdempotencyClaim,
  listCustomerOrders,
  listOrders,
  type OrderEntry,
  type OrderPage,
  readKeyed,
} from "./store.ts";

/** What the use cases need. */
export interface OrdersDeps {
  /** Orders' store (reads of the queries). */
  kv: Deno.Kv;
  /** Commits state + events (over the same store). */
  uow: UnitOfWork;
  /** Client of the stock service. */
  stock: StockServiceClient;
  /** Client of the payments service. */
  payments: PaymentsServiceClient;
  log: Logger;
  /** Deadline of Stock.ReserveItems (ms). */
  stockTimeoutMs: number;
  /** Deadline of Payments.CreatePaymentLink and Payments.Refund (ms). */
  paymentsTimeoutMs: number;
  /** Order ids of keyed creates (default: derived under the secret in `kv`, see `order_ids.ts`). */
  keyedIds?: KeyedOrderIds;
  /** The clock (tests). */
  now?: () => Date;
  /** This process's order numbers (default: blocks reserved in `kv`, see `numbers.ts`). */
  numbers?: OrderNumbers;
}

/** What a followed event carries besides its payload. */
export interface EventMeta {
  routingKey: RoutingKey;
  messageId: string;
  /** The message's trace context (passed on to the events it causes). */
  traceparent?: string;
}

/** Thrown when an event arrived before the one it depends on; the consumer retries it later. */
export class EventTooEarlyError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "EventTooEarlyError";
  }
}

const MAX_REASON = 500;

/** How a keyed create goes on: the request's fingerprint and the key's record as first read. */
interface KeyedCreate {
  fingerprint: string;
  seen: ClaimEntry | null;
}

function keyReused(key: string): DomainError {
  return new DomainError(
    "idempotency_key_reused",
    `Idempotency key "${key}" was already used for a different order ` +
      "(other items or details); send a new key for a new order",
  );
}

/** Throws `idempotency_key_reused` unless `claim` was made for the same body (or before fingerprints). */
function assertSameBody(claim: IdempotencyClaim, fingerprint: string, key: string): void {
  if (claim.fingerprint !== undefined && claim.fingerprint !== fingerprint) throw keyReused(key);
}

/** Whether `lines` (as stock reserved them) are the `items` asked for, duplicates summed. */
function sameItems(
  lines: readonly { itemId: string; quantity: number }[],
  items: readonly { itemId: string; quantity: number }[],
): boolean {
  const sum = (xs: readonly { itemId: string; quantity: number }[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x.itemId, (m.get(x.itemId) ?? 0) + x.quantity);
    return m;
  };
  const a = sum(lines);
  const b = sum(items);
  return a.size === b.size && [...a].every(([id, q]) => b.get(id) === q);
}

function notFound(orderId: string): DomainError {
  return new DomainError("not_found", `Order "${orderId}" not found`);
}

/** Throws `not_found` unless `order` may be seen by the caller (its customer, or staff). */
function assertAccess(order: Order, customerId: string, admin: boolean): void {
  if (!admin && order.customerId !== customerId) throw notFound(order.id);
}

function validateReason(reason: string): string {
  if (reason.length > MAX_REASON) {
    throw new DomainError(
      "invalid_argument",
      `Reason must be at most ${MAX_REASON} characters, got ${reason.length}`,
      {
        field: "reason",
      },
    );
  }
  return reason.trim();
}

/** `by` with the staff member a kitchen event names (`by` of TicketStarted/TicketReady), if any. */
function withActor(by: TransitionCause, actor: string | undefined): TransitionCause {
  return actor ? { ...by, actor } : by;
}

/** Who a staff action was done by, for the log (empty when not known, e.g. direct API use). */
function staffFields(by: StaffClaim | undefined): Record<string, string> {
  return by ? { staff: by.sub, role: by.role } : {};
}

/**
 * How much longer than the call to payments (`paymentsTimeoutMs`, from when it was made) a new order's
 * `order.created` is held before the relay may send it (see {@linkcode orderCreatedMessageId}).
 */
export const LINK_FALLBACK_GRACE_MS = 2000;

/**
 * The message id of order `orderId`'s `order.created`. An order is stored with its payment link when
 * payments answered CreateOrder's call in time, and then has no `order.created` at all. Otherwise
 * (payments slow or down, or its answer lost) it is stored pending with the event, held until the call's
 * deadline + {@linkcode LINK_FALLBACK_GRACE_MS} from when it was made; the commit that moves the order
 * out of `pending` (its link attached from a late `payment.link_created`, or a cancellation) deletes it
 * by this id. Its one listener, payments, makes or finds the checkout from it and announces the link.
 */
export function orderCreatedMessageId(orderId: string): string {
  return `order.created-${orderId}`;
}

/**
 * Reads order `id` in `tx` (or takes `known`, the order with the versionstamp it was just committed
 * at), lets `command` decide, and adds the new order (guarded by that version) and its events to `tx`;
 * an order leaving `pending` takes back its held `order.created`. Returns the order as read and the
 * decision. Throws `not_found`.
 */
export async function changeOrder(
  tx: Tx,
  id: string,
  command: (order: Order) => Decision,
  traceparent?: string,
  known?: OrderEntry,
): Promise<{ before: Order; decision: Decision }> {
  const entry = known ?? await getOrder(tx.kv, id);
  if (!entry) throw notFound(id);
  const decision = command(entry.order);
  if (decision.order) {
    const after = decision.order;
    addUpdate(tx.op, entry, after);
    if (entry.order.status === "pending" && after.status !== "pending") {
      tx.op.delete(outboxKey(orderCreatedMessageId(id))); // nothing when it was sent already
    }
    emitAll(tx, decision.events, traceparent);
    tx.afterCommit(() => recordOrderChange(entry.order, after));
  }
  return { before: entry.order, decision };
}

/** Orders' use cases over {@linkcode OrdersDeps}. */
export class OrdersApp {
  #d: OrdersDeps;
  #now: () => Date;
  #numbers: OrderNumbers;
  #keyedIds: KeyedOrderIds;
  /** Keyed creates running in this process, by customer and key: a concurrent duplicate joins. */
  #inFlight = new Map<string, { fingerprint: string; order: Promise<Order> }>();

  /** Creates the use cases over `deps`. */
  constructor(deps: OrdersDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#numbers = deps.numbers ?? new OrderNumbers(deps.kv);
    this.#keyedIds = deps.keyedIds ?? new KeyedOrderIds(deps.kv);
  }

  /** How long a new order's `order.created` is held (see {@linkcode orderCreatedMessageId}). */
  get #linkFallbackMs(): number {
    return this.#d.paymentsTimeoutMs + LINK_FALLBACK_GRACE_MS;
  }

  #by(cause: string, traceparent: string | undefined, actor?: string): TransitionCause {
    return { cause, at: this.#now(), traceId: traceIdOf(traceparent), ...(actor ? { actor } : {}) };
  }

  /** Runs `command` on order `id` as one unit of work; the order as committed (or as read). */
  async #change(
    useCase: string,
    id: string,
    command: (order: Order) => Decision,
    traceparent: string,
  ): Promise<Order> {
    return await this.#d.uow.run(async (tx) => {
      const { before, decision } = await changeOrder(tx, id, command, traceparent);
      return decision.order ?? before;
    }, useCase);
  }

  /**
   * Reserves stock, asks payments for the checkout link, then stores the order (with its short number
   * and the customer's details) in one commit: already waiting for payment with its link (its timeline
   * still says it was placed, then linked), or, when payments was slow or down, pending with its
   * `order.created` held for the relay (see {@linkcode orderCreatedMessageId}), from which payments then
   * makes the link. A retry with the same idempotency key and body returns the first order; the same key
   * with other items or details fails with `idempotency_key_reused`.
   *
   * With an idempotency key, the order id derives from the customer and the key (`order_ids.ts`), and
   * the key's record is written in the order's own commit: every attempt with the key, whenever and
   * wherever it runs, works on the same order id, and stock and payments are idempotent per order id.
   * So a retry after orders died between the calls and the commit finishes the same order (its stock
   * held once), and of two attempts racing in different processes one commits and the other returns
   * what it committed. Attempts racing in this process share one run.
   *
   * Nothing is stored before the call to payments: an order stopped in between has nothing to take
   * back. Its stock reservation is unconfirmed and its checkout is never shown, so both lapse as an
   * unpaid order's do, unless a retry with the same key finishes it.
   */
  async createOrder(
    req: {
      customerId: string;
      items: { itemId: string; quantity: number }[];
      idempotencyKey: string;
      details?: OrderDetails;
    },
    traceparent: string,
  ): Promise<Order> {
    const valid = validateCreateOrder(req, this.#now());
    if (!valid.idempotencyKey) return await this.#create(valid, newOrderId(), traceparent);
    const fingerprint = requestFingerprint(valid.items, valid.details);
    const flight = `${valid.customerId.length}:${valid.customerId}|${valid.idempotencyKey}`;
    const running = this.#inFlight.get(flight);
    if (running) {
      // the same body shares the running attempt's order; after a failure, or for another body (which
      // then finds the key used), this call makes its own attempt
      const order = await running.order.catch(() => undefined);
      if (order && running.fingerprint === fingerprint) return order;
    }
    const order = this.#createKeyed(valid, fingerprint, traceparent);
    this.#inFlight.set(flight, { fingerprint, order });
    try {
      return await order;
    } finally {
      if (this.#inFlight.get(flight)?.order === order) this.#inFlight.delete(flight);
    }
  }

  /**
   * CreateOrder with an idempotency key: the order stored for the key (the same body), or the order
   * made now under the key's id; `idempotency_key_reused` when the key stands for another body.
   */
  async #createKeyed(valid: ValidCreateOrder, fingerprint: string, traceparent: string): Promise<Order> {
    const { kv } = this.#d;
    const { customerId, idempotencyKey: key } = valid;
    const derived = await this.#keyedIds.idFor(customerId, key);
    const seen = await readKeyed(kv, customerId, key, derived);
    let orderId = derived;
    if (seen.claim) {
      assertSameBody(seen.claim.claim, fingerprint, key);
      orderId = seen.claim.claim.orderId;
      const stored = orderId === derived ? seen.order : await getOrder(kv, orderId);
      if (stored) return stored.order;
      // a key an earlier version claimed before storing its order, and whose attempt died: finished
      // under that order id, so stock (idempotent per order id) does not reserve twice
    }
    return await this.#create(valid, orderId, traceparent, { fingerprint, seen: seen.claim });
  }

  /** Reserves, asks for the link and stores order `orderId` (see {@linkcode createOrder}). */
  async #create(
    valid: ValidCreateOrder,
    orderId: string,
    traceparent: string,
    keyed?: KeyedCreate,
  ): Promise<Order> {
    const placed = await this.#reserve(valid, orderId, traceparent, keyed !== undefined);
    const askedAt = Date.now();
    const url = await this.#paymentLink(placed.order, traceparent);
    return await this.#store(placed, url, askedAt, traceparent, keyed && { ...keyed, valid });
  }

  /** Reserves stock; the pending order it prices (numbered), not stored yet, and its `order.created`. */
  async #reserve(
    valid: ValidCreateOrder,
    orderId: string,
    traceparent: string,
    keyed: boolean,
  ): Promise<ReturnType<typeof lifecycle.placeOrder>> {
    const { stock } = this.#d;
    let res;
    try {
      res = await rpc(stock, "reserveItems", { orderId, items: valid.items }, {
        timeoutMs: this.#d.stockTimeoutMs,
        metadata: traceMetadata(traceparent),
      });
    } catch (err) {
      // the key's order id holds a reservation for other items: another body sent under the same key
      if (keyed && err instanceof DomainError && err.code === "already_exists") {
        throw keyReused(valid.idempotencyKey);
      }
      throw err;
    }
    const reservation = res.reservation;
    if (!reservation || !reservation.total) {
      throw new DomainError("internal", `Stock returned no reservation for order "${orderId}"`);
    }
    if (keyed && !sameItems(reservation.lines, valid.items)) throw keyReused(valid.idempotencyKey);
    return lifecycle.placeOrder({
      id: orderId,
      customerId: valid.customerId,
      items: reservation.lines,
      total: reservation.total,
      at: this.#now(),
      cause: "customer",
      traceId: traceIdOf(traceparent),
      // taken only once stock said yes, so refused orders leave no gaps; a retry that finds the order
      // stored keeps the stored number
      number: await this.#numbers.next(),
      details: valid.details,
    });
  }

  /**
   * Asks payments for the order's checkout link (within `paymentsTimeoutMs`); "" when payments did not
   * answer with one now (slow, down, or an error), which is logged: `order.created` makes it later.
   */
  async #paymentLink(order: Order, traceparent: string): Promise<string> {
    const { payments, log } = this.#d;
    try {
      const res = await rpc(payments, "createPaymentLink", {
        orderId: order.id,
        customerId: order.customerId,
        items: order.items,
        total: order.total,
        placedAt: order.createdAt,
      }, { timeoutMs: this.#d.paymentsTimeoutMs, metadata: traceMetadata(traceparent) });
      const url = res.payment?.url ?? "";
      if (!url) throw new Error("Payments returned no link");
      return url;
    } catch (err) {
      log.warn(
        "payment link not created now; payments will create it from order.created once its hold is over",
        {
          orderId: order.id,
          err: err instanceof Error ? err.message : String(err),
          traceId: traceIdOf(traceparent),
        },
      );
      return "";
    }
  }

  /**
   * Stores the placed order in one commit: with `url`, already linked (pending -> waiting_payment in
   * memory, both on its timeline); without, pending with its `order.created` held until
   * `askedAt` + the call's deadline + {@linkcode LINK_FALLBACK_GRACE_MS}. The order as stored.
   */
  async #store(
    placed: ReturnType<typeof lifecycle.placeOrder>,
    url: string,
    askedAt: number,
    traceparent: string,
    keyed?: KeyedCreate & { valid: ValidCreateOrder },
  ): Promise<Order> {
    const linked = url
      ? lifecycle.attachPaymentLink(placed.order, url, this.#by("payments.create_link", traceparent)).order
      : undefined;
    const order = linked ?? placed.order;
    const orderId = order.id;
    let attempt = 0;
    let claimSeen = keyed?.seen ?? null;
    const stored = await this.#d.uow.run(async (tx): Promise<Order> => {
      // Stored already only when another attempt with the same key (another process, or one that took
      // over) committed first. The first run does not read for that: the commit checks the id and the
      // key are free, and when they are not, the re-run reads what was stored.
      if (attempt++ > 0) {
        let found: OrderEntry | null;
        if (keyed) {
          const { customerId, idempotencyKey: key } = keyed.valid;
          const read = await readKeyed(tx.kv, customerId, key, orderId); // key and order: one read
          claimSeen = read.claim;
          if (claimSeen) assertSameBody(claimSeen.claim, keyed.fingerprint, key);
          const other = claimSeen && claimSeen.claim.orderId !== orderId
            ? claimSeen.claim.orderId
            : undefined;
          found = other === undefined ? read.order : await getOrder(tx.kv, other);
        } else {
          found = await getOrder(tx.kv, orderId);
        }
        if (found) return found.order;
      }
      addCreate(tx.op, order);
      if (keyed) {
        const claim = { orderId, claimedAt: Date.now(), fingerprint: keyed.fingerprint };
        addClaim(tx.op, keyed.valid.customerId, keyed.valid.idempotencyKey, claim, claimSeen);
      }
      if (!linked) {
        const held = { id: orderCreatedMessageId(orderId), notBefore: askedAt + this.#linkFallbackMs };
        for (const e of placed.events) tx.emit<RoutingKey>(e.key, e.payload, { traceparent, ...held });
      }
      tx.afterCommit(() => {
        recordOrderChange(undefined, placed.order);
        if (linked) recordOrderChange(placed.order, linked);
      });
      return order;
    }, "createOrder");
    const { customerId, number } = stored;
    this.#d.log.info("order created", { orderId, number, customerId, traceId: traceIdOf(traceparent) });
    return stored;
  }

  /** The order, if the customer owns it (or for staff); `not_found` otherwise. */
  async getOrder(req: { orderId: string; customerId: string; admin: boolean }): Promise<Order> {
    validateOrderId(req.orderId);
    if (!req.admin) validateCustomerId(req.customerId);
    const entry = await getOrder(this.#d.kv, req.orderId);
    if (!entry) throw notFound(req.orderId);
    assertAccess(entry.order, req.customerId, req.admin);
    return entry.order;
  }

  /** Cancels an unpaid order for its customer or staff, announcing `order.cancelled`. */
  async cancelOrder(
    req: { orderId: string; customerId: string; admin: boolean; reason: string },
    traceparent: string,
    by?: StaffClaim,
  ): Promise<Order> {
    validateOrderId(req.orderId);
    if (!req.admin) validateCustomerId(req.customerId);
    const reason = validateReason(req.reason) || (req.admin ? "Cancelled by admin" : "Cancelled by customer");
    const cause = this.#by(req.admin ? "admin" : "customer", traceparent, req.admin ? by?.sub : undefined);
    const order = await this.#change("cancelOrder", req.orderId, (current) => {
      assertAccess(current, req.customerId, req.admin);
      return lifecycle.cancel(current, cause, reason);
    }, traceparent);
    if (req.admin) this.#d.log.info("order cancelled by staff", { orderId: req.orderId, ...staffFields(by) });
    return order;
  }

  /** Staff: hands a ready order over (ready -> completed), announcing `order.completed`. */
  async advanceOrder(req: { orderId: string }, traceparent: string, by?: StaffClaim): Promise<Order> {
    validateOrderId(req.orderId);
    const cause = this.#by("admin", traceparent, by?.sub);
    const order = await this.#change(
      "advanceOrder",
      req.orderId,
      (o) => lifecycle.complete(o, cause),
      traceparent,
    );
    this.#d.log.info("order completed by staff", { orderId: req.orderId, ...staffFields(by) });
    return order;
  }

  /**
   * Staff: refunds `amount` of an order (unset: the rest) with a reason, through payments, while it is
   * paid, preparing, ready or completed (`domain/refund.ts`). Three steps: the refund is recorded in
   * flight (validated against what is left; one at a time), payments refunds it at the provider with the
   * refund's id as idempotency key (once per id, whatever the retries), then the provider's refund id is
   * recorded with a timeline entry naming `by`; the whole amount refunded makes the order `refunded`
   * with `order.refunded`. `payment.refunded` (with the refund's id) confirms it too, so a crash between
   * the last two steps loses nothing. A failed provider call forgets the in-flight refund (nothing moved).
   * `refundId` (the caller's, e.g. the refund form's) makes a retry or a second submit answer the
   * order without refunding again.
   */
  async refundOrder(
    req: { orderId: string; reason: string; amount?: Money | undefined; refundId?: string | undefined },
    traceparent: string,
    by: StaffClaim,
  ): Promise<Order> {
    validateOrderId(req.orderId);
    const reason = validateRefundReason(req.reason);
    const requestId = req.refundId ? validateRefundId(req.refundId) : crypto.randomUUID();
    const asked = this.#now();
    const step = await this.#d.uow.run(async (tx) => {
      const entry = await getOrder(tx.kv, req.orderId);
      if (!entry) throw notFound(req.orderId);
      // an in-flight refund older than two payments deadlines lost its first call: resume it
      const staleBefore = new Date(asked.getTime() - 2 * this.#d.paymentsTimeoutMs);
      const known = sameRefund(entry.order, requestId, req.amount, staleBefore);
      if (known?.done) return { done: entry.order };
      if (known?.resume) return { refund: known.resume };
      const { order, refund } = requestRefund(entry.order, {
        id: requestId,
        reason,
        by: by.sub,
        at: asked,
        ...(req.amount ? { amount: req.amount } : {}),
      });
      addUpdate(tx.op, entry, order);
      tx.afterCommit(() => recordOrderChange(entry.order, order));
      return { refund };
    }, "refundOrder");
    if (step.done) {
      this.#d.log.info("refund repeated: nothing more refunded", {
        orderId: req.orderId,
        refundId: requestId,
      });
      return step.done;
    }
    const inFlight = step.refund;
    let providerRefundId: string;
    let full: boolean;
    try {
      const res = await rpc(this.#d.payments, "refund", {
        orderId: req.orderId,
        reason,
        amount: inFlight.amount,
        refundId: requestId,
      }, { timeoutMs: this.#d.paymentsTimeoutMs, metadata: traceMetadata(traceparent) });
      providerRefundId = res.providerRefundId;
      full = res.full;
      if (!providerRefundId) {
        throw new DomainError("internal", `Payments did not confirm refund ${requestId}`);
      }
    } catch (err) {
      await this.#change("refundOrder", req.orderId, (o) => dropRefund(o, requestId), traceparent)
        .catch((dropErr) =>
          this.#d.log.error("refund failed and could not be forgotten", {
            orderId: req.orderId,
            err: dropErr,
          })
        );
      throw err;
    }
    const cause = this.#by("admin.refund", traceparent);
    const order = await this.#change(
      "refundOrder",
      req.orderId,
      (o) => confirmRefund(o, { requestId, providerRefundId, full }, cause),
      traceparent,
    );
    this.#d.log.info("order refunded by staff", {
      orderId: req.orderId,
      refundId: requestId,
      amount: inFlight.amount.amount,
      status: order.status,
      ...staffFields(by),
    });
    return order;
  }

  /** Staff: adds a note (internal, or visible to the customer) written by `by`; no event. */
  async addNote(
    req: { orderId: string; text: string; visibleToCustomer: boolean },
    traceparent: string,
    by: StaffClaim,
  ): Promise<Order> {
    validateOrderId(req.orderId);
    const note: OrderNote = {
      id: crypto.randomUUID(),
      at: this.#now(),
      author: by.sub,
      text: req.text,
      visibleToCustomer: req.visibleToCustomer,
    };
    return await this.#change("addOrderNote", req.orderId, (o) => addNote(o, note), traceparent);
  }

  /** A customer's orders, newest first. */
  async listCustomerOrders(
    req: { customerId: string; pageSize: number; cursor: string },
  ): Promise<OrderPage> {
    validateCustomerId(req.customerId);
    return await listCustomerOrders(this.#d.kv, req.customerId, validatePageSize(req.pageSize), req.cursor);
  }

  /** Staff: every order, or those in `status`, newest first. */
  async listOrders(
    req: { status: OrderStatus | undefined; pageSize: number; cursor: string },
  ): Promise<OrderPage> {
    return await listOrders(this.#d.kv, req.status, validatePageSize(req.pageSize), req.cursor);
  }

  /** How many orders are in each status (every status, zeros included, in {@linkcode ORDER_STATUSES} order). */
  async countOrders(): Promise<{ status: OrderStatus; count: number }[]> {
    const counts = await countOrders(this.#d.kv);
    return ORDER_STATUSES.map((status) => ({ status, count: counts[status] }));
  }

  /** Whether each of a batch of orders exists, and its status (stock's reservation sweeper asks). */
  lookupOrders(orderIds: readonly string[]): Promise<LookupOrdersResponse> {
    return lookupOrders(this.#d.kv, orderIds);
  }

  // ---- followed events: each runs in the consumer's transaction ----

  /** Applies `command` for event `meta` to order `orderId` in `tx`, logging what happened. */
  async #follow(
    tx: Tx,
    orderId: string,
    meta: EventMeta,
    command: (o: Order, by: TransitionCause) => Decision,
    ignoredForGood = false,
  ) {
    const by = this.#by(meta.routingKey, meta.traceparent);
    const { before, decision } = await changeOrder(tx, orderId, (o) => command(o, by), meta.traceparent);
    const { log } = this.#d;
    const base = { orderId, routingKey: meta.routingKey };
    if (!decision.order) {
      // an event this order's later states ignore too needs no commit of its own (not even its inbox mark)
      if (ignoredForGood) tx.alreadyApplied?.();
      log.debug("event ignored", { ...base, messageId: meta.messageId, reason: decision.ignored });
    } else if (decision.order.status === before.status) {
      log.warn("order noted", { ...base, cause: decision.order.timeline.at(-1)?.cause });
    } else {
      log.info("order moved", {
        ...base,
        from: before.status,
        to: decision.order.status,
        traceId: traceIdOf(meta.traceparent),
      });
    }
  }

  /**
   * `payment.link_created`: pending -> waiting_payment with the link. Usually checkout has attached the
   * link already from payments' answer; an order is never pending again, so such a delivery is
   * acknowledged without a commit.
   */
  paymentLinkCreated(tx: Tx, e: EventPayload<"payment.link_created">, meta: EventMeta): Promise<void> {
    return this.#follow(tx, e.orderId, meta, (o, by) => lifecycle.attachPaymentLink(o, e.url, by), true);
  }

  /** `payment.succeeded`: -> paid with `order.paid` (a note on a cancelled order). */
  paymentSucceeded(tx: Tx, e: EventPayload<"payment.succeeded">, meta: EventMeta): Promise<void> {
    return this.#follow(tx, e.orderId, meta, (o, by) => lifecycle.recordPayment(o, by, e.paidAt));
  }

  /** `payment.failed`: -> cancelled with `order.cancelled`. */
  paymentFailed(tx: Tx, e: EventPayload<"payment.failed">, meta: EventMeta): Promise<void> {
    const reason = e.reason ? `Payment failed: ${e.reason}` : "Payment failed";
    return this.#follow(tx, e.orderId, meta, (o, by) => lifecycle.cancel(o, by, reason));
  }

  /** `payment.expired`: -> cancelled with `order.cancelled`. */
  paymentExpired(tx: Tx, e: EventPayload<"payment.expired">, meta: EventMeta): Promise<void> {
    return this.#follow(tx, e.orderId, meta, (o, by) => lifecycle.cancel(o, by, "Payment expired"));
  }

  /**
   * `payment.refunded`: a refund of a cancelled order's late payment is noted; one of a paid order (the
   * staff refund path, which also records it itself) moves it to refunded if that has not happened yet.
   */
  paymentRefunded(tx: Tx, e: EventPayload<"payment.refunded">, meta: EventMeta): Promise<void> {
    const requestId = e.requestId;
    if (!requestId) return this.#follow(tx, e.orderId, meta, (o, by) => lifecycle.recordRefund(o, by));
    return this.#follow(tx, e.orderId, meta, (o, by) =>
      confirmRefund(o, {
        requestId,
        providerRefundId: e.refundId,
        ...(e.amount ? { amount: e.amount } : {}),
        ...(e.full !== undefined ? { full: e.full } : {}),
      }, by));
  }

  /** `kitchen.ticket_started`: paid -> preparing. */
  ticketStarted(tx: Tx, e: EventPayload<"kitchen.ticket_started">, meta: EventMeta): Promise<void> {
    return this.#follow(tx, e.orderId, meta, (o, by) => lifecycle.startPreparing(o, withActor(by, e.by)));
  }

  /**
   * `kitchen.ticket_reopened` (an undo or a recall in the kitchen): ready -> preparing or preparing ->
   * paid, the timeline naming the staff member; one that overtook the move it undoes waits for it.
   */
  ticketReopened(tx: Tx, e: EventPayload<"kitchen.ticket_reopened">, meta: EventMeta): Promise<void> {
    const to = e.status === "queued" ? "queued" : "preparing";
    return this.#follow(tx, e.orderId, meta, (o, by) => {
      try {
        return reopenOrder(o, to, by, e.by);
      } catch (err) {
        if (err instanceof ReopenTooEarly) throw new EventTooEarlyError(err.message);
        throw err;
      }
    });
  }

  /** `kitchen.ticket_ready`: preparing -> ready; one that overtook `ticket_started` waits for it. */
  ticketReady(tx: Tx, e: EventPayload<"kitchen.ticket_ready">, meta: EventMeta): Promise<void> {
    return this.#follow(tx, e.orderId, meta, (o, by) => {
      if (o.status === "paid") {
        throw new EventTooEarlyError(
          `Order ${o.id} is paid; kitchen.ticket_ready waits for kitchen.ticket_started`,
        );
      }
      return lifecycle.markReady(o, withActor(by, e.by));
    });
  }
}
