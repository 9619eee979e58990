/**
 * The staff's read-only queries over orders' indexes: SearchOrders, GetOrderStats, ListCustomers and
 * GetCustomer, each validated here and answered by one index-backed read (`search/`, `figures/`). They
 * change nothing, so they sit beside the use cases in `app.ts` rather than in them.
 *
 * @module
 */
import { DomainError } from "../common/domain_error.ts";
import type { OrderStatus } from "./domain/order.ts";
import type { PaymentStateName } from "./domain/payment_state.ts";
import { validateCustomerId } from "./domain/validate.ts";
import { type CustomerPage, type CustomerView, getCustomer, listCustomers } from "./figures/customers.ts";
import { type OrderStats, orderStats } from "./figures/stats.ts";
import { MAX_QUERY } from "./search/query.ts";
import { searchOrders, type SearchPage } from "./search/search.ts";

/** Default and largest page of SearchOrders. */
export const SEARCH_PAGE = { default: 50, max: 500 } as const;
/** Default and largest page of ListCustomers. */
export const CUSTOMER_PAGE = { default: 50, max: 200 } as const;

function pageSize(n: number, limits: { default: number; max: number }): number {
  if (n === 0) return limits.default;
  if (!Number.isInteger(n) || n < 1 || n > limits.max) {
    throw new DomainError("invalid_argument", `Page size must be from 1 to ${limits.max}, got ${n}`, {
      field: "page_size",
    });
  }
  return n;
}

function queryText(q: string, field = "query"): string {
  if (q.length > MAX_QUERY) {
    throw new DomainError(
      "invalid_argument",
      `Query must be at most ${MAX_QUERY} characters, got ${q.length}`,
      {
        field,
      },
    );
  }
  return q.trim();
}

/** What a search asks for, as orders' domain names it. */
export interface SearchQuery {
  query: string;
  statuses: OrderStatus[];
  paymentStates: PaymentStateName[];
  createdFrom?: Date;
  createdUntil?: Date;
  pageSize: number;
  cursor: string;
}

/** The staff's queries over `kv`. */
export class StaffQueries {
  readonly #kv: Deno.Kv;
  readonly #now: () => Date;

  /** Queries over orders' store; `now` is the clock (tests). */
  constructor(kv: Deno.Kv, now: () => Date = () => new Date()) {
    this.#kv = kv;
    this.#now = now;
  }

  /** Orders matching text and filters, newest first, one page. */
  search(req: SearchQuery): Promise<SearchPage> {
    const from = req.createdFrom;
    const until = req.createdUntil;
    if (from && until && from.getTime() >= until.getTime()) {
      throw new DomainError(
        "invalid_argument",
        `created_from (${from.toISOString()}) must be before created_until (${until.toISOString()})`,
        { field: "created_from" },
      );
    }
    return searchOrders(this.#kv, {
      query: queryText(req.query),
      statuses: req.statuses,
      paymentStates: req.paymentStates,
      from,
      until,
      pageSize: pageSize(req.pageSize, SEARCH_PAGE),
      cursor: req.cursor,
    });
  }

  /** Figures of the orders created in `[since, until)`. */
  stats(req: { since?: Date; until?: Date }): Promise<OrderStats> {
    if (!req.since) throw new DomainError("invalid_argument", "since is required", { field: "since" });
    const until = req.until ?? undefined;
    if (until && until.getTime() <= req.since.getTime()) {
      throw new DomainError("invalid_argument", "until must be after since", { field: "until" });
    }
    if (until && until.getTime() >= this.#now().getTime()) return orderStats(this.#kv, req.since);
    return orderStats(this.#kv, req.since, until);
  }

  /** Customers matching `query` (all when ""), one page. */
  customers(req: { query: string; pageSize: number; cursor: string }): Promise<CustomerPage> {
    return listCustomers(
      this.#kv,
      queryText(req.query),
      pageSize(req.pageSize, CUSTOMER_PAGE),
      req.cursor,
    );
  }

  /** One customer; `not_found` when orders never saw them. */
  async customer(customerId: string): Promise<CustomerView> {
    validateCustomerId(customerId);
    const c = await getCustomer(this.#kv, customerId);
    if (!c) throw new DomainError("not_found", `Customer "${customerId}" not found`);
    return c;
  }
}
