/**
 * The `oms.orders.v1.OrdersService` implementation: validation, access checks, the calls to stock and
 * payments, and the atomic commits (order + indexes + counters + outbox) through the store.
 *
 * Staff: a call is a staff call only when its metadata carries a valid, unexpired staff claim signed by
 * web (`x-oms-staff`, see `common/auth/staff_claim.ts`). `admin: true` on GetOrder or CancelOrder without
 * one does nothing: the request is the customer's (`customerId`), so another customer's order is
 * `not_found`. ListOrders, CountOrders, AdvanceOrder and RefundOrder are staff-only: without a claim
 * they answer PERMISSION_DENIED.
 *
 * @module
 */
import type { ServerUnaryCall } from "@grpc/grpc-js";
import type { StaffClaim, StaffClaims } from "../common/auth/staff_claim.ts";
import { RpcError } from "../common/errors.ts";
import { rpc } from "../common/grpc_client.ts";
import { unary } from "../common/grpc_handler.ts";
import type { Logger } from "../common/log.ts";
import { newTraceparent, traceIdOf, traceMetadata, traceparentOf } from "../common/trace.ts";
import { enqueueEvent } from "../common/bus/outbox.ts";
import {
  type CountOrdersResponse,
  type OrdersServiceServer,
  OrderStatus as OrderStatusEnum,
} from "../common/gen/oms/orders/v1/orders.ts";
import type { StockServiceClient } from "../common/gen/oms/stock/v1/stock.ts";
import type { PaymentsServiceClient } from "../common/gen/oms/payments/v1/payments.ts";
import {
  newOrder,
  type Order,
  ORDER_STATUSES,
  orderToProto,
  statusFromProto,
  statusToProto,
} from "./domain/order.ts";
import { transition, type TransitionCause } from "./domain/transition.ts";
import {
  validateCreateOrder,
  validateCustomerId,
  validateOrderId,
  validatePageSize,
  type ValidCreateOrder,
} from "./domain/validate.ts";
import { lookupOrders } from "./lookup.ts";
import { watchOrders } from "./watch.ts";
import {
  addCreate,
  claimIdempotency,
  countOrders,
  getOrder,
  listCustomerOrders,
  listOrders,
  releaseClaim,
  renewClaim,
  updateOrder,
} from "./store.ts";

/** What the handlers need. */
export interface OrdersDeps {
  /** Orders' store. */
  kv: Deno.Kv;
  /** Client of the stock service. */
  stock: StockServiceClient;
  /** Client of the payments service. */
  payments: PaymentsServiceClient;
  log: Logger;
  /** Wakes the outbox relay after a commit that enqueued events. */
  kick(): void;
  /** Deadline of Stock.ReserveItems (ms). */
  stockTimeoutMs: number;
  /** Deadline of Payments.CreatePaymentLink and Payments.Refund (ms). */
  paymentsTimeoutMs: number;
  /** How long a retried CreateOrder waits for the first attempt with the same key (default 5000 ms). */
  idempotencyWaitMs?: number;
  /** After how long an unfinished claim is taken over by a retry (default 30000 ms). */
  claimStaleMs?: number;
  /** The clock (tests). */
  now?: () => Date;
}

const MAX_REASON = 500;

function traceOf(call: ServerUnaryCall<unknown, unknown>): string {
  return traceparentOf(call.metadata) ?? newTraceparent();
}

function notFound(orderId: string): RpcError {
  return new RpcError("not_found", `Order "${orderId}" not found`);
}

/** Throws `not_found` unless `order` may be seen by the caller (its customer, or admin). */
function assertAccess(order: Order, customerId: string, admin: boolean): void {
  if (!admin && order.customerId !== customerId) throw notFound(order.id);
}

function validateReason(reason: string): string {
  if (reason.length > MAX_REASON) {
    throw new RpcError(
      "invalid_argument",
      `Reason must be at most ${MAX_REASON} characters, got ${reason.length}`,
      {
        field: "reason",
      },
    );
  }
  return reason.trim();
}

/** Who a staff action was done by, for the log (undefined when not known, e.g. direct API use). */
function staffFields(by: StaffClaim | undefined): Record<string, string> {
  return by ? { staff: by.sub, role: by.role } : {};
}

/** The orders service logic, callable without gRPC (the gRPC server wraps it). */
export class OrdersApi {
  #d: OrdersDeps;
  #now: () => Date;

  /** Creates the API over `deps`. */
  constructor(deps: OrdersDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  #by(cause: string, traceparent: string): TransitionCause {
    return { cause, at: this.#now(), traceId: traceIdOf(traceparent) };
  }

  /**
   * Reserves stock, stores the pending order with its `order.created` event in one commit, then asks
   * payments for a link (pending -> waiting_payment). Payments being slow or down leaves the order
   * pending; payments then creates the link from `order.created`.
   */
  async createOrder(
    req: { customerId: string; items: { itemId: string; quantity: number }[]; idempotencyKey: string },
    traceparent: string,
  ): Promise<Order> {
    const valid = validateCreateOrder(req);
    let orderId: string = crypto.randomUUID();
    if (valid.idempotencyKey) {
      const got = await this.#acquireKey(valid, orderId);
      if ("order" in got) return got.order;
      orderId = got.orderId;
    }
    let order: Order;
    try {
      order = await this.#reserveAndStore(valid, orderId, traceparent);
    } catch (err) {
      if (valid.idempotencyKey) {
        await releaseClaim(this.#d.kv, valid.customerId, valid.idempotencyKey, orderId);
      }
      throw err;
    }
    return await this.#requestPaymentLink(order, traceparent);
  }

  /** Claims the idempotency key, or returns the order of an earlier request with the same key. */
  async #acquireKey(
    valid: ValidCreateOrder,
    orderId: string,
  ): Promise<{ orderId: string } | { order: Order }> {
    const { kv } = this.#d;
    const waitMs = this.#d.idempotencyWaitMs ?? 5000;
    const staleMs = this.#d.claimStaleMs ?? 30_000;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const claim = await claimIdempotency(kv, valid.customerId, valid.idempotencyKey, orderId);
      if (claim.claimed) return { orderId };
      const existing = await getOrder(kv, claim.existing.orderId);
      if (existing) return { order: existing.order };
      if (Date.now() - claim.existing.claimedAt > staleMs) {
        // The first attempt died before storing its order: finish it under the same order id, so stock
        // (idempotent per order id) does not reserve twice.
        const renewed = await renewClaim(
          kv,
          valid.customerId,
          valid.idempotencyKey,
          claim.existing,
          claim.versionstamp,
        );
        if (renewed) return { orderId: claim.existing.orderId };
        continue;
      }
      if (Date.now() >= deadline) {
        throw new RpcError(
          "unavailable",
          `The order for idempotency key "${valid.idempotencyKey}" is still being created; try again shortly`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #reserveAndStore(valid: ValidCreateOrder, orderId: string, traceparent: string): Promise<Order> {
    const { kv, stock, log } = this.#d;
    const res = await rpc(stock, "reserveItems", { orderId, items: valid.items }, {
      timeoutMs: this.#d.stockTimeoutMs,
      metadata: traceMetadata(traceparent),
    });
    const reservation = res.reservation;
    if (!reservation || !reservation.total) {
      throw new RpcError("internal", `Stock returned no reservation for order "${orderId}"`);
    }
    const order = newOrder({
      id: orderId,
      customerId: valid.customerId,
      items: reservation.lines,
      total: reservation.total,
      at: this.#now(),
      cause: "customer",
      traceId: traceIdOf(traceparent),
    });
    const op = addCreate(kv.atomic(), order);
    enqueueEvent(op, "order.created", {
      orderId: order.id,
      customerId: order.customerId,
      items: order.items,
      total: order.total,
      createdAt: order.createdAt,
    }, { traceparent });
    const commit = await op.commit();
    if (!commit.ok) {
      // Only possible when a stale-claim takeover raced the original attempt, which then stored it.
      const stored = await getOrder(kv, orderId);
      if (stored) return stored.order;
      throw new RpcError("internal", `Order "${orderId}" could not be stored`);
    }
    log.info("order created", { orderId, customerId: order.customerId, traceId: traceIdOf(traceparent) });
    this.#d.kick();
    return order;
  }

  async #requestPaymentLink(order: Order, traceparent: string): Promise<Order> {
    const { kv, payments, log } = this.#d;
    try {
      const res = await rpc(payments, "createPaymentLink", {
        orderId: order.id,
        customerId: order.customerId,
        items: order.items,
        total: order.total,
      }, { timeoutMs: this.#d.paymentsTimeoutMs, metadata: traceMetadata(traceparent) });
      const url = res.payment?.url ?? "";
      if (!url) throw new Error("Payments returned no link");
      return await updateOrder(kv, order.id, (current) => {
        const r = transition(current, "waiting_payment", this.#by("payments.create_link", traceparent), {
          paymentLink: url,
        });
        return r.order ? { order: r.order } : {};
      });
    } catch (err) {
      log.warn("payment link not created now; payments will create it from order.created", {
        orderId: order.id,
        err: err instanceof Error ? err.message : String(err),
        traceId: traceIdOf(traceparent),
      });
      return (await getOrder(kv, order.id))?.order ?? order;
    }
  }

  /** The order, if the customer owns it (or for admin); `not_found` otherwise. */
  async getOrder(req: { orderId: string; customerId: string; admin: boolean }): Promise<Order> {
    validateOrderId(req.orderId);
    if (!req.admin) validateCustomerId(req.customerId);
    const entry = await getOrder(this.#d.kv, req.orderId);
    if (!entry) throw notFound(req.orderId);
    assertAccess(entry.order, req.customerId, req.admin);
    return entry.order;
  }

  /** Cancels an unpaid order for its customer or admin, announcing `order.cancelled`. */
  async cancelOrder(
    req: { orderId: string; customerId: string; admin: boolean; reason: string },
    traceparent: string,
    by?: StaffClaim,
  ): Promise<Order> {
    validateOrderId(req.orderId);
    if (!req.admin) validateCustomerId(req.customerId);
    const reason = validateReason(req.reason) || (req.admin ? "Cancelled by admin" : "Cancelled by customer");
    const order = await updateOrder(this.#d.kv, req.orderId, (current) => {
      assertAccess(current, req.customerId, req.admin);
      const r = transition(current, "cancelled", this.#by(req.admin ? "admin" : "customer", traceparent));
      if (!r.order) return {};
      const next = r.order;
      return {
        order: next,
        extra: (op) =>
          enqueueEvent(op, "order.cancelled", { orderId: next.id, reason, cancelledAt: next.updatedAt }, {
            traceparent,
          }),
      };
    }).catch((err) => {
      if (err instanceof RpcError && err.code === "not_found") throw notFound(req.orderId);
      throw err;
    });
    if (req.admin) this.#d.log.info("order cancelled by staff", { orderId: req.orderId, ...staffFields(by) });
    this.#d.kick();
    return order;
  }

  /** Admin: hands a ready order over (ready -> completed), announcing `order.completed`. */
  async advanceOrder(req: { orderId: string }, traceparent: string, by?: StaffClaim): Promise<Order> {
    validateOrderId(req.orderId);
    const order = await updateOrder(this.#d.kv, req.orderId, (current) => {
      const r = transition(current, "completed", this.#by("admin", traceparent));
      if (!r.order) return {};
      const next = r.order;
      return {
        order: next,
        extra: (op) =>
          enqueueEvent(op, "order.completed", { orderId: next.id, completedAt: next.updatedAt }, {
            traceparent,
          }),
      };
    });
    this.#d.log.info("order completed by staff", { orderId: req.orderId, ...staffFields(by) });
    this.#d.kick();
    return order;
  }

  /** Admin: refunds a paid order through payments, then records paid -> refunded with `order.refunded`. */
  async refundOrder(
    req: { orderId: string; reason: string },
    traceparent: string,
    by?: StaffClaim,
  ): Promise<Order> {
    validateOrderId(req.orderId);
    const reason = validateReason(req.reason) || "Refunded by admin";
    const entry = await getOrder(this.#d.kv, req.orderId);
    if (!entry) throw notFound(req.orderId);
    // Check the guard before touching money: throws illegal_transition unless paid (or already refunded).
    const dry = transition(entry.order, "refunded", this.#by("admin", traceparent));
    if (!dry.order) return entry.order;
    await rpc(this.#d.payments, "refund", { orderId: req.orderId, reason }, {
      timeoutMs: this.#d.paymentsTimeoutMs,
      metadata: traceMetadata(traceparent),
    });
    try {
      const order = await updateOrder(this.#d.kv, req.orderId, (current) => {
        const r = transition(current, "refunded", this.#by("admin", traceparent));
        if (!r.order) return {};
        const next = r.order;
        return {
          order: next,
          extra: (op) =>
            enqueueEvent(op, "order.refunded", { orderId: next.id, refundedAt: next.updatedAt }, {
              traceparent,
            }),
        };
      });
      this.#d.log.info("order refunded by staff", { orderId: req.orderId, ...staffFields(by) });
      this.#d.kick();
      return order;
    } catch (err) {
      this.#d.log.error("payment refunded but the order could not be marked refunded", {
        orderId: req.orderId,
        err,
        traceId: traceIdOf(traceparent),
      });
      throw err;
    }
  }

  /** A customer's orders, newest first. */
  async listCustomerOrders(
    req: { customerId: string; pageSize: number; cursor: string },
  ): Promise<{ orders: Order[]; nextCursor: string }> {
    validateCustomerId(req.customerId);
    return await listCustomerOrders(this.#d.kv, req.customerId, validatePageSize(req.pageSize), req.cursor);
  }

  /** Admin: every order or those in one status, newest first. */
  async listOrders(
    req: { status: OrderStatusEnum; pageSize: number; cursor: string },
  ): Promise<{ orders: Order[]; nextCursor: string }> {
    let status;
    if (req.status !== OrderStatusEnum.ORDER_STATUS_UNSPECIFIED) {
      status = statusFromProto(req.status);
      if (!status) {
        throw new RpcError("invalid_argument", `Status ${req.status} is not an order status`, {
          field: "status",
        });
      }
    }
    return await listOrders(this.#d.kv, status, validatePageSize(req.pageSize), req.cursor);
  }

  /** How many orders are in each status. */
  async countOrders(): Promise<CountOrdersResponse> {
    const counts = await countOrders(this.#d.kv);
    return { counts: ORDER_STATUSES.map((s) => ({ status: statusToProto(s), count: counts[s] })) };
  }
}

/** What the gRPC server needs beyond {@linkcode OrdersDeps}. */
export interface OrdersServerDeps extends OrdersDeps {
  /** Verifies the staff claims web signs (keyed from the service token). */
  staffClaims: StaffClaims;
}

/** The gRPC implementation of `oms.orders.v1.OrdersService` over `deps`. */
export function ordersServer(deps: OrdersServerDeps): OrdersServiceServer {
  const api = new OrdersApi(deps);
  const { log, staffClaims } = deps;
  /** The call's staff claim; verified only when the request asks for staff access. */
  const staffOf = (call: ServerUnaryCall<unknown, unknown>, asked: boolean) =>
    asked ? staffClaims.fromMetadata(call.metadata) : null;
  /** The call's staff claim, or PERMISSION_DENIED. */
  const requireStaff = (call: ServerUnaryCall<unknown, unknown>, what: string): StaffClaim => {
    const claim = staffClaims.fromMetadata(call.metadata);
    if (!claim) {
      throw new RpcError(
        "permission_denied",
        `${what} is for staff only: the call carries no valid staff claim`,
      );
    }
    return claim;
  };
  return {
    createOrder: unary(
      log,
      async (req, call) => ({ order: orderToProto(await api.createOrder(req, traceOf(call))) }),
    ),
    getOrder: unary(log, async (req, call) => {
      const admin = staffOf(call, req.admin) !== null;
      return { order: orderToProto(await api.getOrder({ ...req, admin })) };
    }),
    listCustomerOrders: unary(log, async (req) => {
      const page = await api.listCustomerOrders(req);
      return { orders: page.orders.map(orderToProto), nextCursor: page.nextCursor };
    }),
    listOrders: unary(log, async (req, call) => {
      requireStaff(call, "Listing every order");
      const page = await api.listOrders(req);
      return { orders: page.orders.map(orderToProto), nextCursor: page.nextCursor };
    }),
    countOrders: unary(log, async (_req, call) => {
      requireStaff(call, "Counting orders");
      return await api.countOrders();
    }),
    cancelOrder: unary(log, async (req, call) => {
      const staff = staffOf(call, req.admin);
      const order = await api.cancelOrder(
        { ...req, admin: staff !== null },
        traceOf(call),
        staff ?? undefined,
      );
      return { order: orderToProto(order) };
    }),
    advanceOrder: unary(log, async (req, call) => {
      const staff = requireStaff(call, "Completing an order");
      return { order: orderToProto(await api.advanceOrder(req, traceOf(call), staff)) };
    }),
    refundOrder: unary(log, async (req, call) => {
      const staff = requireStaff(call, "Refunding an order");
      return { order: orderToProto(await api.refundOrder(req, traceOf(call), staff)) };
    }),
    lookupOrders: unary(log, (req) => lookupOrders(deps.kv, req.orderIds)),
    watchOrders: watchOrders(deps),
  };
}
