/**
 * The orders facade: what web asks of the orders service, as typed methods. A customer's calls carry
 * the customer id (orders answers `not_found` for another's order); staff calls (`find`, `list`,
 * `counts`, `cancelAsStaff`, `complete`, `refund`, `addNote`, and `staff.search`, `staff.stats`,
 * `staff.customers`, `staff.customer`) rely on the request's signed staff claim.
 * `watch` opens a server stream of order changes (see `stream.ts`).
 *
 * @module
 */
import type { ClientReadableStream } from "@grpc/grpc-js";
import {
  type Customer,
  type GetOrderStatsResponse,
  type Order,
  type OrdersServiceClient,
  OrderStatus,
  orderStatusFromJSON,
  type SearchOrdersRequest,
  type WatchOrdersRequest,
  type WatchOrdersResponse,
} from "../../services/common/gen/oms/orders/v1/orders.ts";
import type { ItemQuantity, Money, OrderDetails } from "../../services/common/gen/oms/types/v1/types.ts";
import { ApiError } from "../api/api_error.ts";
import { statusName } from "../api/order_json.ts";
import { type Caller, caller, type CallOptsSource, present } from "./call.ts";
import { orderCreationObserverOf } from "./order_creations.ts";
import { openStream } from "./stream.ts";

/** One page of orders. */
export interface OrderPage {
  /** The orders, newest first. */
  orders: Order[];
  /** Cursor of the next page, "" at the end. */
  nextCursor: string;
}

/** Which page to read. */
export interface PageRequest {
  /** Cursor from the previous page, "" for the first. */
  cursor: string;
  /** Orders per page (orders answers 1..100). */
  pageSize: number;
}

/** `waiting_payment` -> `ORDER_STATUS_WAITING_PAYMENT`; "" (or unknown) -> UNSPECIFIED (every status). */
export function statusOfName(name: string): OrderStatus {
  return name === ""
    ? OrderStatus.ORDER_STATUS_UNSPECIFIED
    : orderStatusFromJSON(`ORDER_STATUS_${name.toUpperCase()}`);
}

/** The orders service, for one request. */
export class OrdersGateway {
  readonly #client: OrdersServiceClient;
  readonly #opts: CallOptsSource;
  readonly #call: Caller<OrdersServiceClient>;
  readonly #stockChanged: () => void;

  /**
   * A facade over `client` whose calls carry the options from `opts`; `stockChanged` is called after
   * each call that can change stock levels (creating or cancelling an order), whatever its outcome.
   */
  constructor(client: OrdersServiceClient, opts: CallOptsSource, stockChanged: () => void = () => {}) {
    this.#client = client;
    this.#opts = opts;
    this.#stockChanged = stockChanged;
    this.#call = caller("orders", client, opts);
    this.staff = new OrdersStaffQueries(this.#call);
  }

  /** Staff: search, figures and customers. */
  readonly staff: OrdersStaffQueries;

  /**
   * The changes of the orders `request` scopes (one order, one customer's, or every order: staff only),
   * from just after its cursor, until `signal` aborts or the stream is cancelled.
   */
  watch(request: WatchOrdersRequest, signal?: AbortSignal): ClientReadableStream<WatchOrdersResponse> {
    return openStream((r, m) => this.#client.watchOrders(r, m), request, this.#opts, signal);
  }

  /**
   * Creates an order for `customerId` (idempotent per key; "" for none) with the customer's `details`
   * (name, contact, pickup time, note; orders validates them). Reusing a key with another body fails with
   * `idempotency_key_reused`. The observer registered for this client (`order_creations.ts`) hears of it.
   */
  async create(
    customerId: string,
    items: ItemQuantity[],
    idempotencyKey: string,
    details?: OrderDetails,
  ): Promise<Order> {
    const created = orderCreationObserverOf(this.#client)?.begin();
    try {
      const res = await this.#call("createOrder", { customerId, items, idempotencyKey, details });
      const order = present(res.order, "order");
      created?.(order);
      return order;
    } finally {
      this.#stockChanged();
    }
  }

  /** The customer's order `orderId`; 404 when there is none or it is someone else's. */
  async get(customerId: string, orderId: string): Promise<Order> {
    const res = await this.#call("getOrder", { orderId, customerId, admin: false });
    const order = present(res.order, "order");
    if (order.customerId !== customerId) throw notFound(orderId);
    return order;
  }

  /** Staff: the order `orderId` of any customer, or null when there is none. */
  async find(orderId: string): Promise<Order | null> {
    try {
      const res = await this.#call("getOrder", { orderId, customerId: "", admin: true });
      return res.order ?? null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** One page of the customer's orders, newest first. */
  async listOfCustomer(customerId: string, page: PageRequest): Promise<OrderPage> {
    const res = await this.#call("listCustomerOrders", { customerId, ...page });
    return { orders: res.orders, nextCursor: res.nextCursor };
  }

  /** Staff: one page of every customer's orders, newest first; `status` "" for every status. */
  async list(status: string, page: PageRequest): Promise<OrderPage> {
    const res = await this.#call("listOrders", { status: statusOfName(status), ...page });
    return { orders: res.orders, nextCursor: res.nextCursor };
  }

  /** Staff: orders per status name (statuses without orders may be absent). */
  async counts(): Promise<Record<string, number>> {
    const res = await this.#call("countOrders", {});
    return Object.fromEntries(res.counts.map((c) => [statusName(c.status), Number(c.count)]));
  }

  /** The customer cancels their unpaid order, saying why. */
  async cancel(customerId: string, orderId: string, reason: string): Promise<Order> {
    try {
      const res = await this.#call("cancelOrder", { orderId, customerId, admin: false, reason });
      return present(res.order, "order");
    } finally {
      this.#stockChanged();
    }
  }

  /** Staff cancel an unpaid order. */
  async cancelAsStaff(orderId: string, reason = ""): Promise<Order> {
    try {
      const res = await this.#call("cancelOrder", { orderId, customerId: "", admin: true, reason });
      return present(res.order, "order");
    } finally {
      this.#stockChanged();
    }
  }

  /** Staff hand a ready order over (ready -> completed). */
  async complete(orderId: string): Promise<Order> {
    const res = await this.#call("advanceOrder", { orderId });
    return present(res.order, "order");
  }

  /**
   * Staff refund `amount` of a paid (preparing, ready, completed) order through the payment provider,
   * with a reason (required, 1..200 characters); `amount` unset refunds everything not refunded yet.
   * The staff member is the request's claim; the order afterwards (refunded when nothing is left).
   * `refundId` (e.g. made when the refund form was shown) makes a retry or a second submit refund
   * nothing more.
   */
  async refund(orderId: string, reason: string, amount?: Money, refundId?: string): Promise<Order> {
    const res = await this.#call("refundOrder", {
      orderId,
      reason,
      ...(amount ? { amount } : {}),
      ...(refundId ? { refundId } : {}),
    });
    return present(res.order, "order");
  }

  /** Staff add a note (1..1000 characters), internal or visible to the customer; the order afterwards. */
  async addNote(orderId: string, text: string, visibleToCustomer: boolean): Promise<Order> {
    const res = await this.#call("addOrderNote", { orderId, text, visibleToCustomer });
    return present(res.order, "order");
  }
}

/** One page of customers. */
export interface CustomerPage {
  /** Most recent order first (or matching the query). */
  customers: Customer[];
  /** Cursor of the next page, "" at the end. */
  nextCursor: string;
}

/** Search and filters of {@linkcode OrdersGateway.search} (proto enums; unset bounds are open). */
export type OrderSearch = Partial<SearchOrdersRequest>;

/** Staff queries of the orders facade (kept apart so the list above stays the order's lifecycle). */
export class OrdersStaffQueries {
  readonly #call: Caller<OrdersServiceClient>;

  /** Queries through `call` (the facade's caller). */
  constructor(call: Caller<OrdersServiceClient>) {
    this.#call = call;
  }

  /** Staff: orders matching text and filters, newest first, one page. */
  async search(req: OrderSearch): Promise<OrderPage> {
    const res = await this.#call("searchOrders", {
      query: "",
      statuses: [],
      paymentStates: [],
      createdFrom: undefined,
      createdUntil: undefined,
      pageSize: 0,
      cursor: "",
      ...req,
    });
    return { orders: res.orders, nextCursor: res.nextCursor };
  }

  /** Staff: figures of the orders created since `since` (until `until`, or now). */
  stats(since: Date, until?: Date): Promise<GetOrderStatsResponse> {
    return this.#call("getOrderStats", { since, until });
  }

  /** Staff: customers matching `query` ("" for all), one page. */
  async customers(query: string, page: PageRequest): Promise<CustomerPage> {
    const res = await this.#call("listCustomers", { query, ...page });
    return { customers: res.customers, nextCursor: res.nextCursor };
  }

  /** Staff: one customer with their figures, or null when orders never saw them. */
  async customer(customerId: string): Promise<Customer | null> {
    try {
      return (await this.#call("getCustomer", { customerId })).customer ?? null;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }
}

function notFound(orderId: string): ApiError {
  return new ApiError(404, "not_found", `Order "${orderId}" not found`);
}
