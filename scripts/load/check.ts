/**
 * The final check of a run: every order the run created is fetched again (waiting a bounded time for
 * the ones still on their way) and must be in a state that fits what the shopper did. Each shopper's
 * order list is also read, to find orders the system made whose answer never reached the shopper;
 * those still open are cancelled so the run leaves no reservation behind.
 *
 * @module
 */
import { type ApiClient, asOrder, failureMessage, isRecord } from "./client.ts";
import { expectedStates, type OrderLedger, PAID_STATES, type TrackedOrder } from "./ledger.ts";

/** Why an order failed the check. */
export type ProblemKind = "lost" | "stuck" | "unexpected" | "unchecked";

/** One order that is not where it should be. */
export interface CheckProblem {
  /** Order id. */
  id: string;
  /** Its customer. */
  customerId: string;
  /** `lost` (the system no longer knows it), `stuck` (still open), `unexpected` (ended otherwise), `unchecked`. */
  kind: ProblemKind;
  /** What it should be, e.g. `paid` or `cancelled`. */
  expected: string;
  /** What it is ("" when unknown). */
  status: string;
  /** One line for people. */
  detail: string;
}

/** An order found in a shopper's list that the shopper never got an answer for. */
export interface UntrackedOrder {
  /** Order id. */
  id: string;
  /** Its customer. */
  customerId: string;
  /** Status when found. */
  status: string;
  /** True when it was open and the check cancelled it. */
  cancelled: boolean;
}

/** What the final check found. */
export interface CheckResult {
  /** Orders checked (every order the run created). */
  checked: number;
  /** Their final states, e.g. `{ready: 40, cancelled: 6}`. */
  byState: Record<string, number>;
  /** Orders not where they should be. */
  problems: CheckProblem[];
  /** Orders the system made whose answer never reached the shopper (not counted as problems). */
  untracked: UntrackedOrder[];
  /** True when there are no problems. */
  ok: boolean;
}

/** Options of {@linkcode finalCheck}. */
export interface CheckOptions {
  /** Customer ids the run used (one per shopper). */
  customers: string[];
  /** The headers proving a customer (its bearer token). */
  proof(customerId: string): Record<string, string>;
  /** How long orders still on their way may take to settle, in ms (one deadline for the whole check). */
  settleMs: number;
  /** Delay between two looks at an unsettled order, in ms. */
  pollMs: number;
  /** Requests at once. */
  concurrency: number;
}

/** A readable name of what an expectation allows, e.g. `paid` (or later) or `cancelled`. */
export function expectedLabel(order: TrackedOrder): string {
  const states = expectedStates(order.expectation);
  if (states === PAID_STATES) return "paid";
  return states.length > 3 ? "paid or cancelled" : states.join(" or ");
}

/** Runs the check against the gateway. */
export async function finalCheck(
  client: ApiClient,
  ledger: OrderLedger,
  opts: CheckOptions,
): Promise<CheckResult> {
  const deadline = performance.now() + opts.settleMs;
  const orders = ledger.all();
  const problems: CheckProblem[] = [];
  const byState: Record<string, number> = {};
  await pool(orders, opts.concurrency, async (order) => {
    const problem = await settle(client, order, deadline, opts.pollMs, opts.proof(order.customerId));
    const state = order.status || "unknown";
    byState[state] = (byState[state] ?? 0) + 1;
    if (problem) problems.push(problem);
  });
  const untracked: UntrackedOrder[] = [];
  await pool(opts.customers, opts.concurrency, async (customerId) => {
    const headers = opts.proof(customerId);
    for (const o of await listOrders(client, customerId, headers)) {
      if (ledger.get(o.id)) continue;
      let cancelled = false;
      if (o.status === "pending" || o.status === "waiting_payment") {
        const res = await client.request("POST", `/api/customers/${customerId}/orders/${o.id}/cancel`, {
          headers,
        });
        cancelled = !res.failure;
      }
      untracked.push({ id: o.id, customerId, status: o.status, cancelled });
    }
  });
  problems.sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  return {
    checked: orders.length,
    byState: sortKeys(byState),
    problems,
    untracked,
    ok: problems.length === 0,
  };
}

async function settle(
  client: ApiClient,
  order: TrackedOrder,
  deadline: number,
  pollMs: number,
  headers: Record<string, string>,
): Promise<CheckProblem | undefined> {
  const want = expectedStates(order.expectation);
  const path = `/api/customers/${order.customerId}/orders/${order.id}`;
  const problem = (kind: ProblemKind, status: string, detail: string): CheckProblem => ({
    id: order.id,
    customerId: order.customerId,
    kind,
    expected: expectedLabel(order),
    status,
    detail,
  });
  let lastError = "";
  let seen = false;
  while (true) {
    const res = await client.request("GET", path, { headers });
    if (!res.failure) {
      const o = asOrder(res.body);
      if (o) {
        seen = true;
        order.status = o.status;
        if (want.includes(o.status)) return undefined;
        if (o.status === "cancelled" || o.status === "refunded" || o.status === "completed") {
          return problem("unexpected", o.status, `ended ${o.status}, expected ${expectedLabel(order)}`);
        }
      } else {
        lastError = `GET ${path} answered without an order`;
      }
    } else if (res.failure.type === "http" && res.failure.status === 404) {
      order.status = "lost";
      return problem("lost", "", `the system answered 404 for an order it had created`);
    } else {
      lastError = failureMessage(res.failure);
    }
    if (performance.now() + pollMs > deadline) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  if (!seen) {
    order.status = "";
    return problem("unchecked", "", `could not be fetched: ${lastError}`);
  }
  return problem("stuck", order.status, `still ${order.status} at the end of the check`);
}

async function listOrders(
  client: ApiClient,
  customerId: string,
  headers: Record<string, string>,
): Promise<{ id: string; status: string }[]> {
  const out: { id: string; status: string }[] = [];
  let cursor = "";
  for (let page = 0; page < 1000; page++) {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const res = await client.request("GET", `/api/customers/${customerId}/orders?limit=100${q}`, { headers });
    if (res.failure || !isRecord(res.body) || !Array.isArray(res.body.orders)) return out;
    for (const raw of res.body.orders) {
      const o = asOrder(raw);
      if (o) out.push(o);
    }
    cursor = typeof res.body.nextCursor === "string" ? res.body.nextCursor : "";
    if (!cursor) return out;
  }
  return out;
}

/** Runs `work` over `items` with at most `limit` at once. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function sortKeys(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
}
