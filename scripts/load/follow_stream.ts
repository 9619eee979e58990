/**
 * Following an order the way the storefront's order page does: through its live stream
 * (`GET /orders/{id}/events`, server-sent events), reading `event: order` messages until one satisfies
 * the caller or the deadline passes. A stream that ends early (the gateway ends streams after ten
 * minutes, or at once when orders is unreachable) or cannot be opened is opened again after a pause;
 * `event: gone` (not this customer's order, or none) ends the follow.
 *
 * @module
 */
import { type ApiClient, asOrder, type Failure, type OrderView } from "./client.ts";
import { readSse } from "./sse.ts";

/** What {@linkcode followStream} needs besides the client. */
export interface StreamFollow {
  /** The order's id. */
  orderId: string;
  /** Headers proving the customer (the bearer token from `POST /api/customers`). */
  headers: Record<string, string>;
  /** When to give up (`performance.now()` time). */
  deadline: number;
  /** Pause before opening the stream again, in ms. */
  reopenMs: number;
  /** True for the view the caller waits for. */
  done(o: OrderView): boolean;
  /** Called for each failure (not for the deadline cutting the stream). */
  onFailure(f: Failure): void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Reads the order's stream until `done` holds or the deadline; the last view seen, if any. */
export async function followStream(client: ApiClient, f: StreamFollow): Promise<OrderView | undefined> {
  const path = `/orders/${encodeURIComponent(f.orderId)}/events`;
  let last: OrderView | undefined;
  while (true) {
    const left = f.deadline - performance.now();
    if (left <= 0) return last;
    const cut = new AbortController();
    const timer = setTimeout(() => cut.abort(), left);
    try {
      const opened = await client.stream(path, f.headers, cut.signal);
      if ("failure" in opened) {
        if (!cut.signal.aborted) f.onFailure(opened.failure);
      } else {
        for await (const e of readSse(opened.body)) {
          if (e.event === "gone") {
            f.onFailure({ type: "protocol", message: `the stream of order ${f.orderId} said it is gone` });
            return last;
          }
          if (e.event !== "order") continue;
          const o = asOrder(parseJson(e.data));
          if (!o) {
            f.onFailure({ type: "protocol", message: `GET ${path} sent an order event without an order` });
            continue;
          }
          last = o;
          if (f.done(o)) return o;
        }
      }
    } catch (err) {
      if (!cut.signal.aborted) {
        f.onFailure({ type: "network", message: err instanceof Error ? err.message : String(err) });
      }
    } finally {
      clearTimeout(timer);
      cut.abort();
    }
    if (performance.now() + f.reopenMs > f.deadline) return last;
    await sleep(f.reopenMs);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
